"""Issue 13 §1 and §4: a cohort report a room can read, and what went together with felt trust.

A facilitator projects the report: the first screen must say who answered, the overall index
with its uncertainty, a workshop focus that fits the room (shared strategies for everyone first,
then each role's own) and mentors beside mentees. Obstacles are one line each; data quality is
in plain words. With 30 or more responses that say how much people trust their partner, the
report shows which strategies went together with felt trust, worded as association.
"""

from __future__ import annotations

import json
import os
import random
import re
import subprocess
import uuid
from datetime import datetime, timezone
from pathlib import Path

import pytest
from browser import browser, needs_browser, render, share_of_pixels
from conftest import answer_of, builtin, run
from test_cohort import bucket_of, report
from test_schemas import problems as schema_problems

from trustcheck import assessment
from trustcheck.cohort import lowest
from trustcheck.render.html import ACCENT, FOCUS_GROUND

NOW = datetime(2026, 5, 1, 12, 0, tzinfo=timezone.utc)
SHARED = ("consistency", "accountability", "empathy", "shared_goals", "recognition",
          "conflict_resolution")


# --- helpers ---------------------------------------------------------------------------------


def results(path: Path, role: str, people: range, *, felt: bool = True, seed: int = 1,
            answer=answer_of) -> Path:
    """A JSON list of results as `history export` writes it; with `felt`, each person's felt
    trust follows their empathy answers (plus some noise), so the two go together."""
    used = builtin(role)
    part = used.partner_view
    assert part is not None
    rng = random.Random(seed)
    found = []
    for person in people:
        answers = {i.id: answer(person, i.id) for i in used.items}
        if felt:
            empathy = [answers[i.id] if not i.reverse else 6 - answers[i.id]
                       for i in used.strategy("empathy").items]
            level = max(1, min(5, round(sum(empathy) / len(empathy)) + rng.choice((-1, 0, 0, 1))))
            for item in part.felt_trust.items:
                answers[item.id] = 6 - level if item.reverse else level
            for strategy in part.strategies:
                for item in strategy.items:
                    answers[item.id] = 3
        built = assessment.build(used, answers, role=role, partner=f"Zelda {person}",
                                 cohort="spring-2026", now=NOW, id=uuid.uuid4().hex)
        found.append(assessment.to_dict(built))
    path.write_text(json.dumps(found), encoding="utf-8")
    return path


def spread_answers(person: int, item: str) -> int:
    """Answers that vary between people the same way on every statement of a person."""
    return 1 + (person * 3 + len(item) % 2) % 5


def shown(*args: str) -> str:
    done = run("report", *args)
    assert done.exit_code == 0, done.stderr
    return done.stdout


def words(text: str) -> str:
    """Text with its line breaks undone, to find sentences a narrow terminal wrapped."""
    return " ".join(text.split())


# --- "lowest" respects noise -------------------------------------------------------------------


def test_means_closer_than_their_noise_share_a_tier_and_clearly_lower_ones_come_first():
    # SE 2: two means differ clearly only beyond 1.96 x sqrt(8) = 5.5 points.
    picked = lowest([(60.0, 2.0), (40.0, 2.0), (43.0, 2.0), (70.0, 2.0)])
    assert picked.shown == [(1, 1), (2, 1), (0, 2)]  # 40 and 43 tie; 60 is clearly higher
    assert picked.also_as_low == []


def test_strategies_as_low_as_the_last_one_shown_are_named_not_dropped():
    picked = lowest([(50.0, 5.0), (51.0, 5.0), (52.0, 5.0), (53.0, 5.0), (90.0, 1.0)])
    assert [index for index, _ in picked.shown] == [0, 1, 2]
    assert picked.also_as_low == [3]


# --- the focus fits the room -----------------------------------------------------------------


def test_a_mixed_room_gets_the_lowest_shared_strategies_first_then_each_roles_own():
    def mentors(person: int, item: str) -> int:
        # Confidentiality (mentors only) is the lowest of all; empathy the lowest shared one.
        if item.startswith("confidentiality."):
            return 1 if not item.endswith(".2") else 5
        if item.startswith("empathy."):
            return 2 + person % 2
        return 4 + person % 2

    def mentees(person: int, item: str) -> int:
        return 2 + person % 2 if item.startswith("empathy.") else 4 + person % 2

    document = report(bucket_of("mentor", 6, mentors), bucket_of("mentee", 12, mentees)).document
    focus = document["sections"][0]["focus"]
    assert focus["room"] == "mixed"
    assert [group["for"] for group in focus["groups"]] == ["everyone", "mentor", "mentee"]
    everyone, mentor, _ = focus["groups"]
    assert everyone["areas"][0]["strategy"] == "empathy"
    assert {area["strategy"] for area in everyone["areas"]} <= set(SHARED)
    assert "confidentiality" not in {area["strategy"] for area in everyone["areas"]}
    assert mentor["areas"][0]["strategy"] == "confidentiality"
    assert all(area["strategy"] not in SHARED for area in mentor["areas"])


def test_the_text_report_shows_the_room_everything_it_needs_in_its_first_24_lines(tmp_path):
    out = shown(str(results(tmp_path / "mentors.json", "mentor", range(6), felt=False)),
                str(results(tmp_path / "mentees.json", "mentee", range(100, 112), felt=False)))
    first = "\n".join(out.splitlines()[:24])
    assert "Who answered: 6 mentors and 12 mentees" in first
    assert "Overall trust index:" in first and "likely between" in first
    assert "Workshop focus" in first
    assert "Everyone (shared strategies):" in first
    assert "Mentors (their own strategies):" in first and "Mentees (their own strategies):" in first
    assert "Mentors beside mentees on the shared strategies" in first
    for title in ("Be consistent", "Be accountable", "Show empathy", "Agree shared goals",
                  "Recognise progress", "Work through disagreements"):
        assert title in first.split("Mentors beside mentees")[1], title
    # The details come after: actions, every strategy with its spread, quality in words.
    rest = out.split("Mentors beside mentees on the shared strategies")[1]
    assert rest.index("What to try") < rest.index("Every strategy") < rest.index(
        "Quality of the data")
    assert "Middle half" in rest
    assert "Alpha" not in out.split("Quality of the data")[0]  # no jargon column


def test_strategies_within_noise_are_said_to_be_too_close_to_rank(tmp_path):
    # Everyone answers alike on every strategy: every mean is the same, so no order is real.
    out = words(shown(str(results(tmp_path / "mentors.json", "mentor", range(8), felt=False,
                                  answer=spread_answers))))
    assert "Mentors (every strategy):" in out
    assert "(too close to rank)" in out
    assert "so their order means nothing" in out
    assert "too close to rank" in out.split("What to try")[1]


def test_plain_output_has_no_bars(tmp_path):
    files = [str(results(tmp_path / "mentors.json", "mentor", range(6), felt=False)),
             str(results(tmp_path / "mentees.json", "mentee", range(100, 106), felt=False))]
    done = run("report", *files, env={"TRUSTCHECK_PLAIN": "1"})
    assert done.exit_code == 0, done.stderr
    assert "█" not in done.stdout and "░" not in done.stdout
    assert "Mentors beside mentees" in done.stdout


# --- obstacles merged, quality in words --------------------------------------------------------


def test_an_obstacle_both_checklists_name_is_one_line_with_what_signals_it_for_each_role():
    def low(person: int, item: str) -> int:
        return 1 + person % 2  # every strategy low: every obstacle is signalled

    document = report(bucket_of("mentor", 6, low), bucket_of("mentee", 6, low)).document
    obstacles = document["sections"][0]["obstacles"]
    ids = [o["id"] for o in obstacles]
    assert len(ids) == len(set(ids))  # one entry per obstacle, not one per checklist
    impatience = next(o for o in obstacles if o["id"] == "impatience")
    assert [part["role"] for part in impatience["roles"]] == ["mentor", "mentee"]
    # The checklists word the remedy for their own readers: each role keeps its own.
    assert impatience["remedy"] is None
    assert all(part["remedy"] for part in impatience["roles"])


def test_quality_says_in_plain_words_whether_statements_hang_together(tmp_path):
    out = shown(str(results(tmp_path / "mentors.json", "mentor", range(12), felt=False)))
    quality = words(out.split("Quality of the data")[1])
    assert "These statements hang together" in quality
    assert "(alpha " in quality
    assert "read that score with care" in quality or "read its score as it is" in quality


# --- §4: what went together with felt trust ---------------------------------------------------


def felt_from_empathy(person: int, scores: dict[str, float | None]) -> float:
    empathy = scores["empathy"] or 0.0
    return max(0.0, min(100.0, empathy + (person % 3 - 1) * 10))


def varied(person: int, item: str) -> int:
    """Answers that differ between people, strategy by strategy."""
    return 1 + (person * (3 + len(item.split(".")[0]) % 4) + person // 3) % 5


def test_with_30_responses_a_strategy_that_moves_with_felt_trust_is_said_to_go_together():
    document = report(bucket_of("mentee", 40, varied, felt=felt_from_empathy)).document
    felt = document["sections"][0]["felt_trust"]
    assert felt["available"] and felt["responses"] == 40
    entry = next(s for s in felt["strategies"] if s["id"] == "empathy")
    assert entry["link"] == "went together" and entry["rho"] > 0.8
    assert entry["low"] < entry["rho"] < entry["high"] and entry["n"] == 40
    # Only one coefficient per strategy: nobody's own scores are in the document.
    assert set(entry) == {"id", "title", "n", "rho", "low", "high", "link"}


def test_fewer_than_30_responses_with_felt_trust_show_no_coefficient_at_all():
    document = report(bucket_of("mentee", 29, varied, felt=felt_from_empathy)).document
    felt = document["sections"][0]["felt_trust"]
    assert not felt["available"] and felt["strategies"] == []
    assert "at least 30" in felt["note"]


def test_a_count_of_felt_trust_below_the_group_minimum_is_not_shown():
    bucket = bucket_of("mentee", 30, varied)
    bucket.felt[0] = 80.0  # one person gave felt trust
    felt = report(bucket).document["sections"][0]["felt_trust"]
    assert felt["responses"] is None and "fewer than 5" in felt["note"]
    assert "1" not in felt["note"].replace("fewer than 5", "")


def test_association_figures_count_for_the_differencing_guard():
    built = report(bucket_of("mentee", 35, varied, felt=felt_from_empathy))
    statistics = {figure.statistic for figure in built.figures}
    assert "felt_trust:empathy" in statistics


def test_the_report_says_went_together_never_causes(tmp_path):
    mentees = results(tmp_path / "mentees.json", "mentee", range(40), answer=varied)
    out = shown(str(mentees))
    part = words(out.split("What went together with felt trust")[1].split("Quality of the data")[0])
    assert "Show empathy: went together with felt trust" in part
    assert "not what causes trust" in part
    lowered = part.lower()
    assert "drives" not in lowered and "causes trust" not in lowered.replace(
        "not what causes trust", "")
    document = json.loads(run("report", str(mentees), "--format", "json").stdout)
    assert schema_problems("report-v2", document) == []


# --- the page a room sees ------------------------------------------------------------------------


def page(tmp_path: Path, *extra: str) -> Path:
    files = [str(results(tmp_path / "mentors.json", "mentor", range(8), felt=False)),
             str(results(tmp_path / "mentees.json", "mentee", range(100, 140)))]
    target = tmp_path / ("slides.html" if extra else "report.html")
    done = run("report", *files, "--format", "html", *extra, "-o", str(target))
    assert done.exit_code == 0, done.stderr
    return target


def test_the_page_puts_the_focus_before_the_details(tmp_path):
    text = page(tmp_path).read_text(encoding="utf-8")
    order = [text.index(marker) for marker in (
        'class="cards"', 'id="focus"', "<h3>Mentors beside mentees on the shared strategies",
        "<h2>What to try", "<h2>Obstacles the room signals", "<h2>Shared strategies in numbers",
        "<h2>What went together with felt trust", "<h2>Quality of the data",
        "<h2>What was suppressed and why")]
    assert order == sorted(order)


def test_slides_need_an_html_page():
    done = run("report", "--slides")
    assert done.exit_code == 2
    assert "--format html" in done.stderr and "Traceback" not in done.stderr


def _accent(colour: str) -> tuple[int, int, int]:
    return (int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16))


@needs_browser
@pytest.mark.parametrize("slides", [False, True], ids=["page", "slides"])
def test_at_1280x720_the_first_screen_shows_the_focus_and_the_browser_says_nothing(
        tmp_path, slides):
    target = page(tmp_path, *(["--slides"] if slides else []))
    shot = render(target, width=1280, height=720)
    assert shot.console == []
    image = shot.image()
    # The focus panel's warm ground fills a good part of the first screen, with its edge.
    assert share_of_pixels(image, _accent(FOCUS_GROUND), tolerance=6) > 0.10
    assert share_of_pixels(image, _accent(ACCENT), tolerance=12) > 0.003
    # ... and the right half holds the mentors-beside-mentees table (dark text on white).
    right = image.crop((700, 200, 1260, 700))
    assert share_of_pixels(right, (17, 17, 17), tolerance=60) > 0.02


def printed_pages(page: Path) -> int:
    """How many pages headless Chromium prints the page on (networking off, as in browser.py)."""
    found = browser()
    assert found is not None
    pdf = page.with_suffix(".pdf")
    subprocess.run([found, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                    f"--user-data-dir={page.parent / '.chromium-print'}",
                    "--proxy-server=127.0.0.1:9", "--proxy-bypass-list=<-loopback>",
                    "--no-pdf-header-footer", f"--print-to-pdf={pdf}", page.resolve().as_uri()],
                   capture_output=True, timeout=120, env={**os.environ, "HOME": str(page.parent)},
                   check=False)
    return len(re.findall(rb"/Type\s*/Page[^s]", pdf.read_bytes()))


@needs_browser
def test_printed_slides_give_each_part_one_1280x720_page_and_nothing_runs_over(tmp_path):
    # A mixed room where many strategies are too close to rank: the longest first screen.
    target = page(tmp_path, "--slides")
    parts = target.read_text(encoding="utf-8").count('<section class="part')
    assert parts >= 12  # first screen, what to try x3, obstacles, charts, tables, ...
    assert printed_pages(target) == parts
