"""`trustcheck history trends --format html -o FILE`: a page of your own, safe and readable on a
laptop and a phone, with charts over time, the latest check-in against the previous and
commitments."""

from __future__ import annotations

import json
import re
import sys
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path

import pexpect
import pytest
from browser import needs_browser, render, share_of_pixels
from conftest import START, builtin, mode, run, save

from trustcheck import assessment, reliability
from trustcheck.records import Commitment, Review
from trustcheck.render.html import CSP

HOSTILE = '<script>alert(1)</script> "Sam" & <img src=x onerror=alert(2)>'
LINE = (0x1F, 0x4E, 0x8C)  # the chart line and dots
BAND = (0xC6, 0xD8, 0xEF)  # the shaded band of measurement noise


# --- a person's history ------------------------------------------------------------------------


def check_in(id: str, days: float, *, role: str = "mentor", partner: str | None = "Sam",
             value: int = 3, strategies: dict[str, int] | None = None, raised: str = "",
             commit: tuple[Commitment, ...] = (), reviewed: tuple[Review, ...] = ()
             ) -> assessment.Assessment:
    """A check-in `days` after START: every statement answered so each strategy scores as
    `value` (1..5) does, the strategies named in `strategies` as their value does, and one
    statement of the strategy `raised` a step higher (+6.25 points: within the noise)."""
    used = builtin(role)
    strategies = strategies or {}
    answers = {}
    raised_one = False
    for item in used.items:
        wanted = strategies.get(item.strategy, value)
        if item.strategy == raised and not raised_one:
            wanted, raised_one = wanted + 1, True
        answers[item.id] = 6 - wanted if item.reverse else wanted
    return assessment.build(used, answers, role=role, partner=partner, cohort=None,
                            now=START + timedelta(days=days), id=id, commitments=commit,
                            follow_through=reviewed)


def own(text: str) -> Commitment:
    return Commitment("own-1", text, "active_listening")


def story(home: Path, partner: str = "Sam", *, text: str = "Ask one open question") -> None:
    """Four check-ins as a mentor over 60 days: listening rises from 25 to 75 (a real change
    at the latest check-in), transparency moves within the noise; one commitment made at the
    second check-in and reviewed as done at the third, one made at the third still open."""
    first = check_in("c1", 0, partner=partner, strategies={"active_listening": 2})
    made = own(text)
    second = check_in("c2", 20, partner=partner, strategies={"active_listening": 2}, commit=(made,))
    third = check_in("c3", 40, partner=partner, strategies={"active_listening": 2},
                     commit=(Commitment("own-2", "Share one mistake", "transparency"),),
                     reviewed=(Review(made.action, made.text, "c2", second.created_at, "done"),))
    fourth = check_in("c4", 60, partner=partner, strategies={"active_listening": 4},
                      raised="transparency")
    save(home, first, second, third, fourth)


class Page(HTMLParser):
    """What a browser would build: tags, attributes, visible words, and each chart's name."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str, str | None]] = []
        self.words_seen: list[str] = []
        self.chart_names: list[str] = []  # the <title> of every <svg role="img">
        self.rows: list[list[str]] = []  # every table row, cell by cell (visible words)
        self._svg_title = False
        self._hidden = 0
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attributes += [(tag, name, value) for name, value in attrs]
        self.words_seen.append(" ")
        if tag == "tr":
            self.rows.append([])
        if tag in ("td", "th"):
            self._cell = []
        if tag == "title" and "svg" in self.tags and self._open_svg():
            self._svg_title = True
            self.chart_names.append("")
        elif tag in ("style", "title", "desc"):
            self._hidden += 1

    def handle_endtag(self, tag):
        self.words_seen.append(" ")
        if tag in ("td", "th") and self._cell is not None:
            self.rows[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None
        if tag == "title" and self._svg_title:
            self._svg_title = False
        elif tag in ("style", "title", "desc"):
            self._hidden -= 1

    def handle_data(self, data):
        if self._svg_title:
            self.chart_names[-1] += data
        elif not self._hidden:
            self.words_seen.append(data)
            if self._cell is not None:
                self._cell.append(data)

    def _open_svg(self) -> bool:
        # A chart's own <title> comes right after its <svg> (the dots' titles come later).
        return self.tags[-2] == "svg"

    @property
    def words(self) -> str:
        return " ".join("".join(self.words_seen).split())

    def row(self, first_cell: str) -> list[str]:
        return next(row for row in self.rows if row and row[0] == first_cell)


def parse(text: str) -> Page:
    page = Page()
    page.feed(text)
    page.close()
    return page


def write_page(tmp_path: Path, *args: str, name: str = "page.html") -> tuple[Path, Page, str]:
    target = tmp_path / name
    made = run("history", "trends", *args, "--format", "html", "-o", str(target))
    assert made.exit_code == 0, made.stderr
    assert made.stdout == ""
    assert f"Written to {target}" in made.stderr
    text = target.read_text(encoding="utf-8")
    return target, parse(text), text


# --- what the page says --------------------------------------------------------------------------


def test_the_page_shows_a_chart_per_strategy_and_names_each_in_words(trustcheck_home, tmp_path):
    story(trustcheck_home)

    target, page, _ = write_page(tmp_path, "--partner", "Sam")

    assert mode(target) == 0o600
    trends = json.loads(run("history", "trends", "--partner", "Sam", "--format", "json").stdout)
    rows = trends[0]["rows"]
    # One chart per strategy and the overall index, each named in words for a screen reader.
    assert len(page.chart_names) == len(rows) == 12
    listening = next(row for row in rows if row["strategy"] == "active_listening")
    assert f"Listen actively: from 25.0 to 75.0 over 4 check-ins, {listening['direction']}" \
        in page.chart_names
    assert page.chart_names[0].startswith("Overall trust index: from ")  # the big picture first
    assert [n for _, name, n in page.attributes if name == "role"].count("img") == 12
    assert "You as mentor with Sam" in page.words and "4 check-ins" in page.words


def test_a_change_is_called_one_only_beyond_measurement_noise(trustcheck_home, tmp_path):
    story(trustcheck_home)

    _, page, _ = write_page(tmp_path, "--partner", "Sam")

    listening = page.row("Listen actively")
    assert listening[1:4] == ["25.0", "75.0", "+50.0"]
    assert listening[4].startswith("higher")
    transparency = page.row("Be transparent")
    assert transparency[1:4] == ["50.0", "56.2", "+6.2"]
    assert transparency[4].startswith("about the same")
    # Every verdict follows the reliable-change rule, with the SEMs the check-ins stored.
    trends = json.loads(run("history", "trends", "--partner", "Sam", "--format", "json").stdout)
    for row in trends[0]["rows"]:
        before, after = (point["score"] for point in row["series"][-2:])
        real = abs(after - before) > reliability.threshold(row["sem"], row["sem"])
        verdict = page.row(row["title"])[4]
        assert verdict.startswith(("higher", "lower") if real else ("about the same",)), row
    assert "Changed by more than measurement noise: Listen actively. Everything else is about " \
        "the same." in page.words


def test_each_score_carries_its_band_of_noise(trustcheck_home, tmp_path):
    story(trustcheck_home)

    _, _, text = write_page(tmp_path, "--partner", "Sam")

    trends = json.loads(run("history", "trends", "--partner", "Sam", "--format", "json").stdout)
    listening = next(row for row in trends[0]["rows"] if row["strategy"] == "active_listening")
    # The band and the dots' tips: ± the SEM the check-in stored for the strategy.
    assert text.count('class="band"') == 12
    assert f"75.0 ± {listening['sem']:.1f}" in text
    assert f"Latest 75.0 ± {listening['sem']:.1f}" in text
    overall = trends[0]["rows"][-1]
    assert f"Latest {overall['latest']:.1f} ± {overall['sem']:.1f}" in text


def test_commitments_and_follow_through(trustcheck_home, tmp_path):
    story(trustcheck_home)

    _, page, _ = write_page(tmp_path, "--partner", "Sam")

    assert "Followed through: 100% of 1 commitment reviewed" in page.words
    done = page.row(next(row[0] for row in page.rows if "Ask one open question" in row))
    assert "Ask one open question" in done and done[2].startswith("done (told ")
    still_open = next(row for row in page.rows if "Share one mistake" in row)
    assert still_open[2] == "not reviewed yet"


def test_one_section_per_relationship_and_the_filters_choose(trustcheck_home, tmp_path):
    story(trustcheck_home)
    save(trustcheck_home, check_in("m1", 5, role="mentee", partner="Alex"))

    _, both, _ = write_page(tmp_path)
    _, only, _ = write_page(tmp_path, "--role", "mentee", name="mentee.html")

    assert both.tags.count("h2") == 3  # two relationships and "How to read this page"
    assert "You as mentor with Sam" in both.words and "You as mentee with Alex" in both.words
    assert "You as mentee with Alex" in only.words and "Sam" not in only.words
    assert "There is one check-in here so far" in only.words
    assert "Communicate openly: 50.0 at 1 check-in" in only.chart_names


def test_a_check_in_without_a_score_breaks_the_line_and_is_not_called_a_change(
        trustcheck_home, tmp_path):
    used = builtin("mentor")
    answers = {item.id: 3 for item in used.items if item.strategy != "transparency"}
    skipped = assessment.build(used, answers, role="mentor", partner="Sam", cohort=None,
                               now=START + timedelta(days=20), id="c2")
    save(trustcheck_home, check_in("c1", 0), skipped, check_in("c3", 40))

    _, page, text = write_page(tmp_path, "--partner", "Sam", "--strategy", "transparency")

    assert page.row("Be transparent")[1:] == ["—", "50.0", "—", "no score last time"]
    assert "Be transparent: from 50.0 to 50.0 over 3 check-ins, too early to tell" \
        in page.chart_names
    chart = text[text.index('id="r1-chart1"'):]
    chart = chart[:chart.index("</svg>")]
    assert chart.count('class="dot"') == 2 and chart.count('class="line"') == 0  # no line
    assert len(page.chart_names) == 2  # --strategy: that strategy and the overall index


def test_a_long_history_draws_lines_without_a_dot_per_check_in(trustcheck_home, tmp_path):
    save(trustcheck_home, *(check_in(f"c{n}", n * 7, value=2 + n % 3) for n in range(80)))

    _, page, text = write_page(tmp_path, "--strategy", "transparency")

    assert 'class="dot"' not in text and text.count('class="line"') == 2
    assert "the latest 24 of 80" in text
    assert "Be transparent: from 25.0 to " in page.chart_names[1]


# --- safe and self-contained ---------------------------------------------------------------------


def test_hostile_names_and_commitments_are_shown_as_text(trustcheck_home, tmp_path):
    story(trustcheck_home, partner=HOSTILE, text=f"Listen {HOSTILE}")

    _, page, text = write_page(tmp_path)

    assert "script" not in page.tags and "img" not in page.tags
    assert not any(name.startswith("on") for _, name, _ in page.attributes)
    assert f"You as mentor with {HOSTILE}" in page.words
    assert f"Listen {HOSTILE}" in page.words
    assert "<script>" not in text and "<img" not in text


def test_the_page_loads_nothing_and_runs_nothing(trustcheck_home, tmp_path):
    story(trustcheck_home)

    _, page, text = write_page(tmp_path)

    assert text.startswith("<!DOCTYPE html>\n")
    policy = [value for tag, name, value in page.attributes if name == "content"
              and ("meta", "http-equiv", "Content-Security-Policy") in page.attributes]
    assert CSP in policy and CSP.startswith(
        "default-src 'none'; style-src 'unsafe-inline';")
    assert "script" not in page.tags
    assert not any(name in ("src", "href") for _, name, _ in page.attributes)
    assert not re.search(r"https?:", text) and "url(" not in text and "@import" not in text
    assert "@media print" in text  # printable


# --- where it goes -------------------------------------------------------------------------------


def test_a_page_is_not_written_to_a_terminal(trustcheck_home):
    story(trustcheck_home)
    child = pexpect.spawn(sys.executable, ["-m", "trustcheck", "history", "trends", "--format",
                                           "html"], encoding="utf-8", timeout=60,
                          dimensions=(24, 120))
    child.expect(pexpect.EOF)
    child.close()

    said = " ".join(child.before.split())
    assert child.exitstatus == 2
    assert "please add -o FILE to write it to a file" in said
    assert "<html" not in said and "Traceback" not in said


def test_a_page_goes_to_standard_output_when_that_is_not_a_terminal(trustcheck_home):
    story(trustcheck_home)

    piped = run("history", "trends", "--format", "html")

    assert piped.exit_code == 0, piped.stderr
    assert piped.stdout.startswith("<!DOCTYPE html>") and piped.stderr == ""
    # --plain is for text on a terminal; the page keeps its charts.
    plain = run("history", "trends", "--format", "html", env={"TRUSTCHECK_PLAIN": "1"})
    assert plain.exit_code == 0 and plain.stdout.count('role="img"') == 12


def test_an_existing_file_is_kept_unless_forced(trustcheck_home, tmp_path):
    story(trustcheck_home)
    target = tmp_path / "page.html"
    target.write_text("mine", encoding="utf-8")

    refused = run("history", "trends", "--format", "html", "-o", str(target))
    forced = run("history", "trends", "--format", "html", "-o", str(target), "--force")

    assert refused.exit_code == 2
    assert "already exists; add --force to replace it" in refused.stderr
    assert forced.exit_code == 0 and target.read_text(encoding="utf-8").startswith("<!DOCTYPE")
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
    nowhere = run("history", "trends", "--format", "html", "-o", str(tmp_path / "no" / "p.html"))
    assert nowhere.exit_code == 2 and "does not exist; please create it first" in nowhere.stderr


def test_nothing_to_show_writes_no_page(tmp_path):
    target = tmp_path / "page.html"

    nothing = run("history", "trends", "--format", "html", "-o", str(target))

    assert nothing.exit_code == 0
    assert "No page was written" in nothing.stderr
    assert not target.exists()


def test_json_and_text_are_unchanged_and_can_go_to_a_file_too(trustcheck_home, tmp_path):
    story(trustcheck_home)

    printed = run("history", "trends", "--format", "json")
    written = run("history", "trends", "--format", "json", "-o", str(tmp_path / "t.json"))

    assert written.exit_code == 0
    assert json.loads((tmp_path / "t.json").read_text(encoding="utf-8")) == \
        json.loads(printed.stdout)
    assert json.loads(printed.stdout)[0]["schema"] == "trustcheck/trends/v2"


# --- in a real browser ---------------------------------------------------------------------------


@needs_browser
@pytest.mark.parametrize("width, height", [(1280, 1800), (390, 3600)])
def test_a_browser_draws_the_charts_without_complaint(trustcheck_home, tmp_path, width, height):
    story(trustcheck_home, partner=HOSTILE)
    target, _, _ = write_page(tmp_path)

    shown = render(target, width=width, height=height)

    assert shown.console == []
    image = shown.image()
    # Nothing else on the page has these colours: without the charts both shares are 0.
    assert share_of_pixels(image, LINE, tolerance=30) > 0.001  # the lines and dots
    assert share_of_pixels(image, BAND, tolerance=12) > 0.01  # the bands of noise
