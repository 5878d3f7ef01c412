"""`trustcheck report --format html`: one safe, self-contained page with charts, and suppression."""

from __future__ import annotations

import csv
import html
import json
import stat
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import answer_of, builtin, run

from trustcheck import checklist as checklists
from trustcheck.checklist import Checklist
from trustcheck.render.html import render_html

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
HOSTILE = f"{SCRIPT} {IMG}"
SUPPRESSED = "suppressed (fewer than 5 responses)"

# Every element and attribute the page is made of; anything else came from user text.
OUR_TAGS = {"html", "head", "meta", "title", "style", "body", "header", "main", "footer", "div",
            "section", "h1", "h2", "h3", "p", "ul", "ol", "li", "span", "strong", "table",
            "thead", "tbody", "tr", "th", "td", "figure", "figcaption", "svg", "text", "tspan",
            "rect", "line"}
OUR_ATTRIBUTES = {"lang", "charset", "http-equiv", "content", "name", "class", "id", "colspan",
                  "viewbox", "role", "aria-labelledby", "x", "y", "x1", "y1", "x2", "y2",
                  "width", "height", "text-anchor"}


# --- helpers -------------------------------------------------------------------------------------


def form(path: Path, role: str, people: range | int, *, cohort: str = "spring-2026",
         partner: str = "Zelda Quux", skipped: str | None = None,
         answered: int = 0) -> Path:
    """A CSV as a web form exports it; with `skipped`, everyone but the first `answered`
    people left that strategy's statements empty."""
    used = builtin(role)
    people = range(people) if isinstance(people, int) else people
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["role", "partner", "cohort", *(i.id for i in used.items)])
        for number, person in enumerate(people):
            cells = ["" if skipped and i.id.startswith(skipped + ".") and number >= answered
                     else str(answer_of(person, i.id)) for i in used.items]
            # One partner each: identical rows would be counted once, as copies.
            writer.writerow([role, f"{partner} {person}", cohort, *cells])
    return path


@dataclass
class Svg:
    classes: list[str] = field(default_factory=list)  # the class of every element inside
    texts: list[str] = field(default_factory=list)


class Page(HTMLParser):
    """What a browser would build from the page: elements, attributes, text and charts."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str, str | None]] = []  # (element, name, value)
        self.text: list[str] = []  # visible text, a space at every element boundary
        self.svgs: list[Svg] = []
        self._in_svg = False
        self._hidden = 0  # inside <style> or the page <title>

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attributes += [(tag, name, value) for name, value in attrs]
        self.text.append(" ")
        if tag == "svg":
            self._in_svg = True
            self.svgs.append(Svg())
        elif self._in_svg:
            self.svgs[-1].classes.append(dict(attrs).get("class") or "")
        if tag in ("style", "title") and not self._in_svg:
            self._hidden += 1

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        self.text.append(" ")
        if tag == "svg":
            self._in_svg = False
        if tag in ("style", "title") and not self._in_svg:
            self._hidden -= 1

    def handle_data(self, data):
        if self._in_svg:
            self.svgs[-1].texts.append(data)
        if not self._hidden:
            self.text.append(data)

    @property
    def words(self) -> str:
        """The page's visible text, on one line."""
        return " ".join("".join(self.text).split())

    @staticmethod
    def count(svg: Svg, css_class: str) -> int:
        return sum(1 for c in svg.classes if css_class in c.split())


def parse(text: str) -> Page:
    page = Page()
    page.feed(text)
    page.close()
    return page


def report(*args: str) -> tuple[str, dict]:
    """The HTML page and the JSON document for the same sources (the same people twice is fine
    for differencing)."""
    page = run("report", *args, "--format", "html")
    assert page.exit_code == 0, page.stderr
    document = run("report", *args, "--format", "json")
    assert document.exit_code == 0, document.stderr
    return page.stdout, json.loads(document.stdout)


def assert_nothing_foreign(page: Page) -> None:
    assert set(page.tags) <= OUR_TAGS, set(page.tags) - OUR_TAGS
    names = {name for _, name, _ in page.attributes}
    assert names <= OUR_ATTRIBUTES, names - OUR_ATTRIBUTES
    for _, name, value in page.attributes:
        assert not name.startswith("on")
        assert "<" not in (value or "") and "alert" not in (value or "")
    assert page.tags.count("html") == 1 and "script" not in page.tags and "img" not in page.tags


def hostile_checklist(home: Path) -> Checklist:
    """A user's own checklist whose titles and action texts try to inject markup."""
    folder = home / "checklists"
    folder.mkdir(parents=True, exist_ok=True)
    q = json.dumps  # a JSON string is a valid YAML double-quoted scalar
    (folder / "ours.yaml").write_text(f"""\
id: ours
version: 2
title: {q("Our check " + HOSTILE)}
role: mentor
scale:
  low: 1
  high: 4
  labels: [Never, Sometimes, Often, Always]
  skip: Does not apply
strategies:
  - id: listen
    title: {q("Listen " + HOSTILE)}
    items:
      - id: listen.1
        text: I let my mentee finish before I answer.
      - id: listen.2
        text: I check my phone while my mentee talks.
        reverse: true
    actions:
      - id: listen.summarise
        text: {q("Summarise " + HOSTILE)}
  - id: follow_up
    title: Follow up
    items:
      - id: follow_up.1
        text: I do what I said I would do.
      - id: follow_up.2
        text: I forget what we agreed.
        reverse: true
obstacles:
  - id: rushing
    title: {q("Rushing " + HOSTILE)}
    signals: [listen]
    remedy: {q("Slow down " + HOSTILE)}
""", encoding="utf-8")
    return checklists.load(folder / "ours.yaml")


@pytest.fixture
def workshop(tmp_path: Path) -> list[str]:
    """Eight mentors and six mentees, each group from its own form."""
    return [str(form(tmp_path / "mentors.csv", "mentor", 8)),
            str(form(tmp_path / "mentees.csv", "mentee", range(100, 106)))]


# --- a safe, self-contained page -----------------------------------------------------------------


def test_the_page_loads_nothing_and_runs_nothing(workshop):
    text, _ = report(*workshop)
    page = parse(text)
    assert text.startswith("<!DOCTYPE html>\n")
    assert_nothing_foreign(page)
    assert not any(name in ("src", "href") for _, name, _ in page.attributes)
    assert "http:" not in text and "https:" not in text and "//" not in text
    assert "url(" not in text and "@import" not in text and "@font-face" not in text
    policy = [value for tag, name, value in page.attributes if name == "content"
              and "default-src" in (value or "")]
    assert policy == ["default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; "
                      "form-action 'none'"]


def test_hostile_names_labels_and_checklist_texts_leave_no_element_behind(tmp_path,
                                                                          trustcheck_home):
    ours = hostile_checklist(trustcheck_home)
    path = tmp_path / "ours.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["role", "partner", "cohort", *(i.id for i in ours.items)])
        for person in range(8):  # low answers, so 'listen' is in focus and 'rushing' flagged
            writer.writerow(["mentor", HOSTILE, HOSTILE, 1 + person % 2, 4, 1 + person % 3,
                             3 - person % 2])
    done = run("report", str(path), "--cohort", HOSTILE, "--format", "html")
    assert done.exit_code == 0, done.stderr
    page = parse(done.stdout)

    assert_nothing_foreign(page)
    words = page.words
    for shown in (f"cohort {HOSTILE}", f"Our check {HOSTILE}", f"Listen {HOSTILE}",
                  f"Summarise {HOSTILE}", f"Rushing {HOSTILE}", f"Slow down {HOSTILE}"):
        assert shown in words, shown  # people read the text exactly as it was written
    escaped = html.escape(HOSTILE, quote=True)
    assert f"<title>Cohort report · cohort {escaped}</title>" in done.stdout
    assert f"Listen {HOSTILE}" in page.svgs[0].texts  # the whole title, as a chart tooltip
    assert SCRIPT not in done.stdout and IMG not in done.stdout
    assert "onerror=alert(1)&gt;" in done.stdout  # there only as escaped text


@pytest.mark.parametrize("scenario", ["everything shown", "strategies suppressed",
                                      "a role suppressed", "all suppressed"])
def test_every_string_in_the_document_is_escaped_wherever_it_lands(tmp_path, scenario):
    sources = {
        "everything shown": lambda: [form(tmp_path / "a.csv", "mentor", 8),
                                     form(tmp_path / "b.csv", "mentee", range(100, 106))],
        "strategies suppressed": lambda: [
            form(tmp_path / "a.csv", "mentor", 10, skipped="transparency", answered=4),
            form(tmp_path / "b.csv", "mentee", range(100, 110), skipped="consistency",
                 answered=4)],
        "a role suppressed": lambda: [form(tmp_path / "a.csv", "mentor", 7),
                                      form(tmp_path / "b.csv", "mentee", 3)],
        "all suppressed": lambda: [form(tmp_path / "a.csv", "mentor", 4)],
    }[scenario]()
    _, document = report(*map(str, sources))

    def poison(value):
        if isinstance(value, str):
            return HOSTILE + value
        if isinstance(value, list):
            return [poison(v) for v in value]
        if isinstance(value, dict):
            return {k: poison(v) for k, v in value.items()}
        return value

    page = parse(render_html(poison(document)))
    assert_nothing_foreign(page)
    assert HOSTILE in page.words


# --- what the page shows -------------------------------------------------------------------------


def test_the_strategy_chart_has_one_bar_with_its_spread_per_strategy(workshop):
    text, document = report(*workshop)
    section = document["sections"][0]
    strategies = section["strategies"]
    page = parse(text)
    *charts, pairs = page.svgs  # one chart per group of strategies (mentor, shared, mentee)
    assert len(charts) == 3
    assert sum(page.count(means, "bar") for means in charts) == len(strategies) == 16
    # Q1 to Q3, with two caps
    assert sum(page.count(means, "whisker") for means in charts) == 3 * len(strategies)
    labels = " ".join(text for means in charts for text in means.texts)
    for strategy in strategies:
        assert strategy["title"] in labels
        assert f"{strategy['mean']:.1f}" in labels

    shared = section["comparison"]["strategies"]
    assert len(shared) == 6
    assert page.count(pairs, "bar-mentor") == page.count(pairs, "bar-mentee") == len(shared) + 1
    pair_labels = " ".join(pairs.texts)
    for row in shared:
        assert row["title"] in pair_labels
        assert f"{row['mentor']['mean']:.1f}" in pair_labels
        assert f"{row['mentee']['mean']:.1f}" in pair_labels
        assert f"{row['gap']:+.1f}" in pair_labels


def test_the_page_has_everything_the_text_report_has(workshop):
    text, document = report(*workshop)
    section = document["sections"][0]
    words = parse(text).words
    assert "14 responses in the figures" in words
    assert "Mentors 8 responses" in words and "Mentees 6 responses" in words
    overall = section["overall"]
    assert (f"Overall trust index {overall['mean']:.1f} of 100 · {overall['band']} · likely "
            f"{overall['low']:.1f} to {overall['high']:.1f}") in words
    assert (f"The overall index is the mean of 14 people's indexes; half of them are between "
            f"{overall['q1']:.1f} and {overall['q3']:.1f} (median {overall['median']:.1f}).") \
        in words
    for s in section["strategies"]:
        row = (f"{s['title']} {s['n']} {s['mean']:.1f} {s['median']:.1f} "
               f"{s['q1']:.1f}–{s['q3']:.1f} {s['favourable']:.1f} %")
        assert row in words, row
    groups = section["focus"]["groups"]
    assert [g["for"] for g in groups] == ["everyone", "mentor", "mentee"]
    for group in groups:
        for area in group["areas"]:
            assert f"{area['title']} — mean {area['mean']:.1f} ({area['band']})" in words
            for action in area["actions"]:
                assert action["text"] in words
    for obstacle in section["obstacles"]:
        assert f"{obstacle['title']} : warning signs average:" in words
        for part in obstacle["roles"]:
            assert part["remedy"] in words
    for heading in ("Workshop focus", "Everyone (shared strategies)",
                    "What to try: Mentors (their own strategies)", "Obstacles the room signals",
                    "Mentors beside mentees on the shared strategies",
                    "Quality of the data", "What was suppressed and why",
                    "Nothing was suppressed.", "Gap: the mentors' mean minus the mentees'."):
        assert heading in words, heading
    assert (f"Straight-lined responses (the same answer to every statement): "
            f"{section['quality']['straight_lined']} of 14.") in words
    for rule in document["privacy"]["rules"]:
        assert rule in words


def test_statements_that_hang_together_poorly_are_named_in_words_not_a_red_column(tmp_path):
    # answer_of gives answers that hardly hang together: alpha is low for most strategies.
    text, document = report(str(form(tmp_path / "mentors.csv", "mentor", 12)))
    section = document["sections"][0]
    low = [s for s in section["strategies"] if s["alpha_flag"]]
    assert low and all(s["hangs_together"] == "poorly" for s in low)
    page = parse(text)
    assert not [v for _, name, v in page.attributes if name == "class" and v == "flag"]
    assert "Alpha</th>" not in text
    words = page.words
    assert "These statements hang together poorly in this group: " in words
    for s in low:
        assert f"{s['title']} (alpha {s['alpha']:.2f})" in words
    assert "read that score with care" in words


def test_rows_left_out_are_mentioned_at_the_top(tmp_path):
    path = form(tmp_path / "mentors.csv", "mentor", 6)
    with path.open("a", encoding="utf-8") as handle:
        handle.write("teacher,,spring-2026\n")
    done = run("report", str(path), "--format", "html")
    assert done.exit_code == 0
    assert "1 row could not be used and was left out (listed on the terminal)." in (
        parse(done.stdout).words)


# --- suppression ---------------------------------------------------------------------------------


def test_a_strategy_too_few_people_answered_has_no_bar_and_says_why(tmp_path):
    mentors = form(tmp_path / "mentors.csv", "mentor", 10, skipped="transparency", answered=4)
    mentees = form(tmp_path / "mentees.csv", "mentee", range(100, 110), skipped="consistency",
                   answered=4)
    text, document = report(str(mentors), str(mentees))
    section = document["sections"][0]
    page = parse(text)
    *charts, pairs = page.svgs
    mentor_chart = charts[0]

    shown = [s for s in section["strategies"] if not s["suppressed"]]
    assert len(shown) == len(section["strategies"]) - 1
    assert sum(page.count(means, "bar") for means in charts) == len(shown)
    assert "Be transparent" in mentor_chart.texts and SUPPRESSED in mentor_chart.texts

    rows = section["comparison"]["strategies"]
    hidden = [r for r in rows if r["suppressed"]]
    assert [r["id"] for r in hidden] == ["consistency"]
    assert page.count(pairs, "bar-mentor") == page.count(pairs, "bar-mentee") == len(rows)
    assert "Be consistent" in pairs.texts and SUPPRESSED in pairs.texts

    words = page.words
    assert f"Be transparent {SUPPRESSED}" in words
    assert f"Be consistent {SUPPRESSED}" in words
    for note in document["privacy"]["suppressed"]:
        assert note in words
    assert "mentors and mentees are not shown side by side for 'Be consistent'" in words


def test_a_small_role_is_suppressed_and_never_shown_as_a_number(tmp_path):
    mentors = form(tmp_path / "mentors.csv", "mentor", 7)
    mentees = form(tmp_path / "mentees.csv", "mentee", range(50, 53))
    text, document = report(str(mentors), str(mentees))
    page = parse(text)
    words = page.words
    assert f"Mentees {SUPPRESSED}" in words
    assert "Mentees 3" not in words
    assert len(page.svgs) == 2  # mentor and shared strategies; no mentor-versus-mentee chart
    assert ("Not shown: at least one role has fewer than 5 responses; see what was suppressed "
            "and why.") in words
    assert ("mentees are suppressed (fewer than 5 responses), so their answers are left out of "
            "every figure in this section, the totals included") in words
    # Only the mentors' checklist is reported: the mentees' own strategies are not even listed.
    assert {s["group"] for s in document["sections"][0]["strategies"]} == {"mentor", "shared"}
    assert "Mentee strategies" not in words
    assert sum(page.count(chart, "bar") for chart in page.svgs) == 11


@pytest.mark.parametrize(("people", "shown"), [(4, False), (5, True), (6, True)])
def test_a_cohort_below_min_group_shows_no_figures_at_all(tmp_path, people, shown):
    done = run("report", str(form(tmp_path / "mentors.csv", "mentor", people)), "-f", "html")
    assert done.exit_code == 0, done.stderr
    page = parse(done.stdout)
    words = page.words
    if shown:
        assert f"Mentors {people} responses" in words
        assert sum(page.count(chart, "bar") for chart in page.svgs) == 11
    else:
        assert page.svgs == []
        assert f"Mentors {SUPPRESSED}" in words
        assert f"Nothing from this part is shown: {SUPPRESSED}." in words
        assert "Overall trust index:" not in words
        assert "0 responses in the figures" in words
        assert f"{SUPPRESSED} in all, so nothing from it is shown." in words


# --- the file ------------------------------------------------------------------------------------


def test_html_goes_to_a_private_file_that_is_never_overwritten_without_force(tmp_path,
                                                                             workshop):
    target = tmp_path / "report.html"
    done = run("report", *workshop, "--format", "html", "-o", str(target))
    assert done.exit_code == 0, done.stderr
    assert done.stdout == ""
    assert f"Report written to {target}." in done.stderr
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    page = parse(target.read_text(encoding="utf-8"))
    assert len(page.svgs) == 4 and page.tags.count("html") == 1

    target.write_text("keep me")
    again = run("report", *workshop, "--format", "html", "-o", str(target))
    assert again.exit_code == 2
    assert "already exists; add --force to replace it" in again.stderr
    assert target.read_text() == "keep me"

    forced = run("report", *workshop, "--format", "html", "-o", str(target), "--force")
    assert forced.exit_code == 0, forced.stderr
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_the_page_prints_black_on_white_with_charts_that_shrink_to_the_paper(workshop):
    text, _ = report(*workshop)
    style = text[text.index("<style>"):text.index("</style>")]
    printed = style[style.index("@media print"):]
    assert "color: #000" in printed and "background: #fff" in printed
    assert "svg.chart { display: block; width: 100%; height: auto; }" in style
    page = parse(text)
    svg_sizes = [(name, value) for tag, name, value in page.attributes
                 if tag == "svg" and name in ("width", "height")]
    assert svg_sizes == []  # only a viewBox, so a chart scales to the page instead of being cut
    assert all(value.startswith("0 0 1000 ") for tag, name, value in page.attributes
               if tag == "svg" and name == "viewbox")
