"""`trustcheck history trends`: the pure trend rules and what the command shows per relationship."""

from __future__ import annotations

import json
import os
import re
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pexpect
import pytest
from conftest import START, builtin, run, save
from hypothesis import given
from hypothesis import strategies as st

from trustcheck import assessment, reliability, trends
from trustcheck import checklist as checklists
from trustcheck.records import Review, ScoreRow

# Answers as points: level 1 scores 0, 2 scores 25, 3 scores 50, 4 scores 75, 5 scores 100.
POINTS = {1: 0.0, 2: 25.0, 3: 50.0, 4: 75.0, 5: 100.0}


# --- helpers ---------------------------------------------------------------------------------


def answers_at(used: checklists.Checklist, level: int | None,
               levels: dict[str, int | None] | None = None) -> dict[str, int | None]:
    """Answers giving every strategy the score of `level` (reverse statements answered the other
    way round), or per strategy as in `levels`; None skips the strategy's statements."""
    out: dict[str, int | None] = {}
    for item in used.items:
        wanted = (levels or {}).get(item.strategy, level)
        if wanted is None:
            out[item.id] = None
        else:
            out[item.id] = used.scale.low + used.scale.high - wanted if item.reverse else wanted
    return out


def make(id: str, *, days: float, level: int | None = 4, role: str = "mentor",
         partner: str | None = "Sam", levels: dict[str, int | None] | None = None,
         used: checklists.Checklist | None = None, commit: tuple[str, ...] = (),
         reviewed: tuple[Review, ...] = ()) -> assessment.Assessment:
    """An assessment taken `days` after START (a controlled clock)."""
    from trustcheck import commitments

    used = used or builtin(role)
    return assessment.build(used, answers_at(used, level, levels), role=role, partner=partner,
                            cohort="spring", now=START + timedelta(days=days), id=id,
                            commitments=commitments.choose(used, commit),
                            follow_through=reviewed)


def series(partner: str, levels: list[int | None], *, days: float = 14, role: str = "mentor",
           first_day: float = 0) -> list[assessment.Assessment]:
    """One relationship checking in every `days` days with these overall levels."""
    return [make(f"{partner[:1].lower()}{role[4:]}{i:028d}", days=first_day + i * days,
                 level=level, role=role, partner=partner)
            for i, level in enumerate(levels)]


def blocks_of(text: str) -> dict[str, list[str]]:
    """The text output split into its blocks, keyed by heading (legend left out)."""
    out = {}
    for chunk in text.strip("\n").split("\n\n"):
        lines = chunk.splitlines()
        if lines[0].startswith("You as "):
            out[lines[0]] = lines
    return out


def block_for(text: str, who: str) -> list[str]:
    found = [lines for heading, lines in blocks_of(text).items() if heading.startswith(who)]
    assert len(found) == 1, text
    return found[0]


def row_of(block: list[str], title: str) -> list[str]:
    """The cells of one table row, found by its strategy title."""
    for line in block:
        if line.startswith(title + "  "):
            return re.split(r"\s{2,}", line.strip())
    raise AssertionError(f"no row {title!r} in:\n" + "\n".join(block))


def cells_of(block: list[str], title: str) -> list[str]:
    """Every cell of one table row, blank ones too, cut where the rule under the header puts
    each column (the last one runs to the end of the line)."""
    rule = next(line for line in block if line.startswith("─"))
    spans = [(found.start(), found.end()) for found in re.finditer("─+", rule)]
    line = next((line for line in block if line.startswith(title + " ")), None)
    assert line is not None, f"no row {title!r} in:\n" + "\n".join(block)
    return [line[a:b].strip() for a, b in spans[:-1]] + [line[spans[-1][0]:].strip()]


def trends_json(*args: str) -> list[dict]:
    result = run("history", "trends", "--format", "json", *args)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def row_json(block: dict, strategy: str) -> dict:
    return next(r for r in block["rows"] if r["strategy"] == strategy)


def at(days: float) -> datetime:
    return START + timedelta(days=days)


def score_row(id: str, days: float, scores: dict[str, float | None], *, role: str = "mentor",
              partner: str | None = "Sam", version: str = "1", checklist: str = "mentor",
              overall: float | None = None) -> ScoreRow:
    return ScoreRow(id, at(days), role, partner, checklist, version, overall, scores)


def points(*pairs: tuple[float, float | None]) -> list[trends.Point]:
    return [trends.Point(at(day), score, f"a{i}") for i, (day, score) in enumerate(pairs)]


# --- the pure rules: slope, direction, changes, sparkline -------------------------------------


def test_the_slope_is_a_least_squares_fit_over_real_dates_not_positions():
    # Hand computed: x = 0, 10, 30 days, y = 50, 60, 65. Mean x 40/3, mean y 175/3;
    # Sxy = 1950/9, Sxx = 4200/9, so 13/28 points a day, 13.93 per 30 days.
    assert trends.slope_per_30_days(points((0, 50), (10, 60), (30, 65))) == 13.9
    # The same scores a day apart each would be a much steeper line: the dates matter.
    assert trends.slope_per_30_days(points((0, 50), (1, 60), (2, 65))) == 225.0


def test_the_slope_skips_assessments_without_a_score():
    assert trends.slope_per_30_days(points((0, 40), (15, None), (30, 46))) == 6.0


def test_there_is_no_slope_when_every_assessment_has_the_same_date():
    same_day = points((5, 40), (5, 60), (5, 80))
    assert trends.slope_per_30_days(same_day) is None
    row = trends.trend_row("empathy", "Show empathy", same_day)
    assert row.slope_per_30_days is None
    assert row.direction == "too early to tell"


NOISE = 30.4  # the reliable-change threshold of two scores with the default reliability


@pytest.mark.parametrize(("per_day", "scored", "span", "expected"), [
    (0.6, 3, 60, "improving"),        # 36 points along the line: more than the noise
    (-0.6, 3, 60, "slipping"),
    (0.5, 3, 60, "about the same"),   # 30 points: within the noise of 30.4
    (-0.5, 3, 60, "about the same"),
    (0.0, 9, 365, "about the same"),
    (30.0, 3, 20.9, "too early to tell"),  # fewer than 21 days, however steep
    (30.0, 2, 60, "too early to tell"),    # fewer than 3 scores
])
def test_a_direction_needs_3_scores_over_21_days_and_a_change_beyond_the_noise(
        per_day, scored, span, expected):
    assert trends.direction(trends.Fit(per_day, span, scored), NOISE) == expected
    assert trends.direction(None, NOISE) == "too early to tell"


def test_scores_that_jump_about_get_no_direction_from_a_line_that_happens_to_tilt():
    # The line falls over 80 days, but the scores swing by 100 around it.
    jumpy = trends.trend_row("x", "X", points((0, 100), (20, 0), (40, 100), (60, 0), (80, 25)))
    assert jumpy.noise > NOISE
    assert jumpy.direction == "about the same"
    # A fall of 40 with the scores close to the line is a direction.
    steady = trends.trend_row("x", "X", points((0, 75), (20, 70), (40, 55), (60, 45), (80, 35)))
    assert steady.noise == NOISE
    assert steady.direction == "slipping"


def test_the_noise_is_the_reliable_change_threshold_of_the_strategy():
    row = trends.trend_row("x", "X", points((0, 50), (30, 70), (60, 90)))
    assert row.sem == reliability.sem(None)
    assert row.noise == round(reliability.threshold(row.sem, row.sem), 1) == NOISE
    # A strategy measured more reliably has less noise: the same scores become a direction.
    steady = trends.trend_row("x", "X", points((0, 50), (30, 62.5), (60, 75)))
    assert steady.direction == "about the same"
    assert trends.trend_row("x", "X", points((0, 50), (30, 62.5), (60, 75)),
                            sem=5.0).direction == "improving"


def test_below_three_scored_assessments_it_is_too_early_to_tell():
    # Three assessments, but the middle one gave this strategy no score: still only two.
    row = trends.trend_row("empathy", "Show empathy", points((0, 20), (30, None), (60, 90)))
    assert (row.direction, row.slope_per_30_days) == ("too early to tell", None)
    assert row.latest == 90.0
    assert row.change_first == 70.0
    assert row.change_previous is None  # the assessment just before had no score


def test_check_ins_minutes_apart_are_too_early_to_tell_and_show_no_slope():
    minutes = [trends.Point(START + timedelta(minutes=m), score, f"a{m}")
               for m, score in ((0, 20.0), (5, 90.0), (10, 40.0))]
    row = trends.trend_row("x", "X", minutes)
    assert (row.direction, row.slope_per_30_days) == ("too early to tell", None)
    seconds = [trends.Point(START + timedelta(seconds=s), score, f"a{s}")
               for s, score in ((0, 80.0), (2, 20.0))]
    assert trends.trend_row("x", "X", seconds).slope_per_30_days is None


def test_a_slope_is_shown_once_a_direction_can_be_told():
    rising = trends.trend_row("x", "X", points((0, 50), (30, 70), (60, 90)))
    falling = trends.trend_row("x", "X", points((0, 90), (30, 70), (60, 50)))
    within = trends.trend_row("x", "X", points((0, 50), (30, 62), (60, 74)))
    assert (rising.slope_per_30_days, rising.direction) == (20.0, "improving")
    assert (falling.slope_per_30_days, falling.direction) == (-20.0, "slipping")
    assert (within.slope_per_30_days, within.direction) == (12.0, "about the same")


def test_a_row_gives_the_latest_score_and_the_change_since_the_previous_and_the_first():
    row = trends.trend_row("empathy", "Show empathy",
                           points((0, 50.0), (14, 58.3), (28, 41.7), (42, 66.7)))
    assert row.latest == 66.7
    assert row.change_previous == 25.0
    assert row.change_first == 16.7
    assert [p.score for p in row.series] == [50.0, 58.3, 41.7, 66.7]


def test_a_latest_assessment_without_a_score_says_not_enough_answers():
    row = trends.trend_row("empathy", "Show empathy", points((0, 50), (14, 60), (28, None)))
    assert row.latest is None
    assert row.direction == "not enough answers"
    assert row.change_previous is None and row.change_first is None
    assert row.sparkline.endswith("·")


def test_the_sparkline_runs_from_the_lowest_bar_at_0_to_the_highest_at_100():
    assert trends.sparkline([0, 50, 100, None]) == "▁▅█·"
    assert trends.sparkline([0, 14.3, 28.6, 42.9, 57.1, 71.4, 85.7, 100]) == "▁▂▃▄▅▆▇█"


def test_downsampling_keeps_the_first_and_last_score_and_at_most_24_points():
    scores = [float(i % 101) for i in range(150)]
    scores[0], scores[-1] = 3.0, 97.0
    shown = trends.downsample(scores)
    assert len(shown) == 24
    assert shown[0] == 3.0 and shown[-1] == 97.0
    assert len(trends.sparkline(scores)) == 24
    assert trends.downsample([1.0, 2.0, None]) == [1.0, 2.0, None]  # short series stay whole
    # A stretch without any score stays visibly empty.
    assert None in trends.downsample([10.0] + [None] * 100 + [20.0], limit=5)


def test_a_change_of_checklist_version_is_found_where_it_happened():
    rows = [score_row("a", 0, {}), score_row("b", 14, {}), score_row("c", 28, {}, version="2"),
            score_row("d", 42, {}, version="2"), score_row("e", 56, {}, checklist="my-mentor")]
    changes = trends.checklist_changes(rows)
    assert [(c.assessment, c.at, c.from_checklist, c.from_version, c.checklist, c.to_version)
            for c in changes] == [("c", at(28), "mentor", "1", "mentor", "2"),
                                  ("e", at(56), "mentor", "2", "my-mentor", "1")]
    assert trends.checklist_changes(rows[:2]) == ()


def test_rows_are_split_per_relationship_with_the_most_recently_active_first():
    rows = [score_row("1", 0, {}, partner="Sam"), score_row("2", 1, {}, partner="Kim"),
            score_row("3", 2, {}, partner=None), score_row("4", 3, {}, partner="Sam"),
            score_row("5", 4, {}, role="mentee", partner="Sam")]
    groups = trends.by_relationship(rows)
    assert [[r.id for r in g] for g in groups] == [["5"], ["1", "4"], ["3"], ["2"]]


def test_a_relationship_trend_follows_the_titles_order_and_ends_with_overall():
    rows = [score_row("a", 0, {"b_second": 40.0, "a_first": 80.0}, overall=60.0),
            score_row("b", 30, {"b_second": 60.0, "a_first": 60.0}, overall=60.0),
            score_row("c", 60, {"b_second": 80.0, "a_first": 40.0}, overall=60.0)]
    found = trends.relationship_trend(rows, {"b_second": "Second", "a_first": "First"},
                                      follow_through=75.0, reviewed=2)
    assert [(r.strategy, r.title, r.direction) for r in found.rows] == [
        ("b_second", "Second", "improving"), ("a_first", "First", "slipping"),
        ("overall", "Overall trust index", "about the same")]
    assert (found.role, found.partner, found.assessments) == ("mentor", "Sam", 3)
    assert (found.start, found.end) == (at(0), at(60))
    assert (found.follow_through, found.reviewed) == (75.0, 2)
    only = trends.relationship_trend(rows, {}, strategy="a_first")
    assert [r.strategy for r in only.rows] == ["a_first", "overall"]
    assert only.rows[0].title == "a_first"  # no title known: its id


def test_a_strategy_the_latest_checklist_no_longer_has_is_marked_so():
    rows = [score_row("a", 0, {"old": 40.0, "kept": 50.0}), score_row("b", 30, {"old": 60.0,
                                                                           "kept": 50.0}),
            score_row("c", 60, {"kept": 50.0})]
    found = trends.relationship_trend(rows, {"kept": "Kept"})
    old = next(r for r in found.rows if r.strategy == "old")
    assert (old.latest, old.direction) == (None, "no longer asked")
    assert [r.strategy for r in found.rows] == ["kept", "old", "overall"]


# --- the command --------------------------------------------------------------------------------


def test_several_partners_get_separate_blocks_never_a_blend(trustcheck_home):
    save(trustcheck_home, *series("Sam", [2, 3, 4, 5]), *series("Kim", [5, 4, 3, 2], first_day=1))
    result = run("history", "trends")
    assert result.exit_code == 0, result.stderr
    sam = block_for(result.stdout, "You as mentor with Sam:")
    kim = block_for(result.stdout, "You as mentor with Kim:")
    assert "4 check-ins" in sam[0] and "4 check-ins" in kim[0]
    # (The shared number format since issue 12: no trailing ".0", "± 3" with a space.)
    assert cells_of(sam, "Overall trust index")[1:] == ["▃▅▆█", "100 ± 3", "+25", "+75",
                                                        "+53.6", "improving"]
    assert cells_of(kim, "Overall trust index")[1:] == ["█▆▅▃", "25 ± 3", "-25", "-75",
                                                        "-53.6", "slipping"]
    assert row_of(sam, "Be transparent")[-1] == "improving"
    # Kim checked in last, so Kim's block comes first.
    assert list(blocks_of(result.stdout)) == [kim[0], sam[0]]


def test_the_same_partner_as_mentor_and_as_mentee_are_two_relationships(trustcheck_home):
    save(trustcheck_home, *series("Sam", [2, 3, 4]),
         *series("Sam", [4, 3, 2], role="mentee", first_day=2))
    found = trends_json()
    assert [(b["role"], b["partner"], b["assessments"]) for b in found] == [
        ("mentee", "Sam", 3), ("mentor", "Sam", 3)]
    assert row_json(found[0], "overall")["direction"] == "slipping"
    assert row_json(found[1], "overall")["direction"] == "improving"
    assert [b["role"] for b in trends_json("--role", "mentor")] == ["mentor"]


def test_partner_option_shows_only_that_relationship(trustcheck_home):
    save(trustcheck_home, *series("Sam", [2, 3, 4]), *series("Kim", [3, 3, 3]),
         make("nobody", days=3, partner=None))
    result = run("history", "trends", "--partner", "Kim")
    assert result.exit_code == 0, result.stderr
    assert list(blocks_of(result.stdout)) == [
        "You as mentor with Kim: 3 check-ins, "
        f"{assessment_local(0)} to {assessment_local(28)}"]
    assert row_of(block_for(result.stdout, "You as mentor with Kim"),
                  "Overall trust index")[-1] == "about the same"


def assessment_local(days: float) -> str:
    return at(days).astimezone().strftime("%Y-%m-%d %H:%M")


def test_assessments_without_a_partner_are_a_relationship_of_their_own(trustcheck_home):
    sam = series("Sam", [2, 3])
    first = builtin("mentor").strategies[0].actions[0]
    made = make("s" * 32, days=30, partner="Sam", commit=(first.id,))
    told = make("t" * 32, days=40, partner="Sam", reviewed=(
        Review(first.id, first.text, made.id, made.created_at, "done"),))
    save(trustcheck_home, *sam, made, told, make("n1" + "0" * 30, days=1, partner=None),
         make("n2" + "0" * 30, days=2, partner=None))
    result = run("history", "trends")
    assert result.exit_code == 0, result.stderr
    alone = block_for(result.stdout, "You as mentor (no partner named):")
    with_sam = block_for(result.stdout, "You as mentor with Sam:")
    assert "2 check-ins" in alone[0] and "4 check-ins" in with_sam[0]
    assert "Commitments followed through: none reviewed yet." in alone
    assert "Commitments followed through: 100% of 1 reviewed (partly done counts half)." \
        in with_sam


def test_since_and_until_are_inclusive(trustcheck_home):
    save(trustcheck_home, *series("Sam", [2, 3, 4, 5], days=10))
    since, until = "2026-03-11T09:00:00Z", "2026-03-21T09:00:00Z"  # the 2nd and 3rd exactly
    [block] = trends_json("--since", since, "--until", until)
    assert block["assessments"] == 2
    assert (block["from"], block["until"]) == ("2026-03-11T09:00:00Z", "2026-03-21T09:00:00Z")
    assert [p["score"] for p in row_json(block, "overall")["series"]] == [50.0, 75.0]
    [later] = trends_json("--since", "2026-03-11T09:00:01Z")
    assert later["assessments"] == 2  # a second later leaves the 2nd out


def test_since_accepts_relative_dates(trustcheck_home):
    now = datetime.now(timezone.utc)
    save(trustcheck_home, *[make(f"r{i:031d}", days=(now - START).days - 100 + i * 40, level=3)
                            for i in range(3)])
    [block] = trends_json("--since", "30d")
    assert block["assessments"] == 1


def test_strategy_option_keeps_that_strategy_and_the_overall_index(trustcheck_home):
    save(trustcheck_home, *series("Sam", [2, 3, 4]), *series("Kim", [3, 3], role="mentee"))
    result = run("history", "trends", "--strategy", "transparency")
    assert result.exit_code == 0, result.stderr
    [block] = blocks_of(result.stdout).values()  # the mentee side has no such strategy
    assert block[0].startswith("You as mentor with Sam")
    titles = [line.split("  ")[0] for line in block[3:] if line and line[0] != " "]
    assert titles[:2] == ["Be transparent", "Overall trust index"]
    assert [r["strategy"] for b in trends_json("--strategy", "transparency") for r in b["rows"]] \
        == ["transparency", "overall"]
    assert [r["strategy"] for b in trends_json("--strategy", "overall") for r in b["rows"]] \
        == ["overall", "overall"]


def test_an_unknown_strategy_exits_2_and_names_the_known_ones(trustcheck_home):
    save(trustcheck_home, *series("Sam", [2, 3]))
    result = run("history", "trends", "--strategy", "trust-fall")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "'trust-fall'" in result.stderr
    for known in ("transparency", "active_listening", "empathy", "overall"):
        assert known in result.stderr


def test_json_gives_each_relationship_with_its_dated_series(trustcheck_home):
    results = series("Sam", [2, 3, 4, 5])
    save(trustcheck_home, *results)
    [block] = trends_json()
    assert set(block) == {"schema", "role", "partner", "assessments", "from", "until",
                          "checklist_changes", "follow_through", "rows"}
    assert block["schema"] == "trustcheck/trends/v2"
    assert (block["role"], block["partner"], block["assessments"]) == ("mentor", "Sam", 4)
    assert block["checklist_changes"] == []
    assert block["follow_through"] == {"rate": None, "reviewed": 0}
    assert [r["strategy"] for r in block["rows"]] == \
        [s.id for s in builtin("mentor").strategies] + ["overall"]
    overall = row_json(block, "overall")
    assert overall == {
        "strategy": "overall", "title": "Overall trust index", "latest": 100.0,
        "change_previous": 25.0, "change_first": 75.0, "slope_per_30_days": 53.6,
        # As the result states it (one decimal), and the noise of two such scores.
        "direction": "improving", "sem": results[-1].overall_sem,
        "noise": round(reliability.threshold(results[-1].overall_sem,
                                             results[-1].overall_sem), 1),
        "series": [{"date": assessment.iso(r.created_at), "score": POINTS[level],
                    "assessment": r.id} for r, level in zip(results, [2, 3, 4, 5], strict=True)],
    }
    assert row_json(block, "transparency")["title"] == "Be transparent"


def test_a_change_of_checklist_version_is_marked_in_text_and_json(trustcheck_home):
    mentor = builtin("mentor")
    old, new = mentor.version, str(int(mentor.version) + 1)
    newer = mentor._replace(version=new)
    save(trustcheck_home, make("a" * 32, days=0, level=2), make("b" * 32, days=14, level=3),
         make("c" * 32, days=28, level=4, used=newer))
    result = run("history", "trends")
    assert result.exit_code == 0, result.stderr
    when = assessment_local(28)
    # The note is wrapped to the width (COLUMNS=120 in tests, prose within 100 columns).
    assert (f"Checklist changed from mentor v{old} to v{new} on {when}; strategy scores stay "
            "comparable, item answers do not.") in " ".join(result.stdout.split())
    [block] = trends_json()
    assert block["checklist_changes"] == [{
        "at": "2026-03-29T09:00:00Z", "assessment": "c" * 32, "from_checklist": "mentor",
        "from_version": old, "checklist": "mentor", "to_version": new}]
    assert row_json(block, "overall")["direction"] == "improving"  # scores stay comparable


def test_titles_come_from_the_latest_assessment_without_any_checklist_file(trustcheck_home):
    mentor = builtin("mentor")
    renamed = mentor._replace(id="our-mentor", strategies=tuple(
        s._replace(title="Be open about it") if s.id == "transparency" else s
        for s in mentor.strategies))
    save(trustcheck_home, make("a" * 32, days=0), make("b" * 32, days=14, used=renamed))
    result = run("history", "trends")
    assert result.exit_code == 0, result.stderr
    block = block_for(result.stdout, "You as mentor with Sam")
    sem = reliability.sem(mentor.strategy("transparency").reliability)
    # No change at all is within the noise: blank, as about the same.
    assert cells_of(block, "Be open about it")[1:] == ["▆▆", f"75 ± {sem:.0f}", "", "", "—",
                                                       "too early to tell"]
    assert (f"Checklist changed from mentor v{mentor.version} to our-mentor v{mentor.version}"
            in result.stdout)


def test_a_strategy_without_a_score_in_the_latest_assessment_says_not_enough_answers(
        trustcheck_home):
    save(trustcheck_home, *series("Sam", [2, 3]),
         make("z" * 32, days=28, level=4, levels={"empathy": None}))
    result = run("history", "trends")
    row = row_of(block_for(result.stdout, "You as mentor with Sam"), "Show empathy")
    assert row[1:] == ["▃▅·", "—", "—", "—", "—", "not enough answers"]
    assert row_of(block_for(result.stdout, "You as mentor with Sam"),
                  "Be transparent")[-1] == "improving"


def test_a_strategy_that_did_not_come_up_in_the_latest_check_in_says_so(trustcheck_home):
    from trustcheck.checklist import load

    used = load(Path(__file__).parent / "data" / "conditional.yaml")
    conditional = [i for i in used.items if i.conditional]
    assert conditional
    quiet = conditional[0].strategy
    earlier = [make(f"q{i:031d}", days=i * 14, used=used, role=used.role or "mentor")
               for i in range(3)]
    latest = assessment.build(
        used, {**answers_at(used, 4), **{i.id: "didn't come up" for i in used.items
                                        if i.strategy == quiet and i.conditional}},
        role=used.role or "mentor", partner="Sam", cohort="spring",
        now=START + timedelta(days=42),
        id="q" * 32)
    assert latest.strategies[[s.id for s in latest.strategies].index(quiet)].score is None
    save(trustcheck_home, *earlier, latest)
    [block] = trends_json()
    assert row_json(block, quiet)["direction"] == "didn't come up this time"
    title = next(s.title for s in used.strategies if s.id == quiet)
    text = run("history", "trends").stdout
    assert row_of(block_for(text, "You as"), title)[-1] == "didn't come up this time"


def test_follow_through_rate_and_how_many_were_reviewed_are_shown(trustcheck_home):
    first, second = (s.actions[0] for s in builtin("mentor").strategies[:2])
    made = make("m" * 32, days=0, commit=(first.id, second.id))
    told = make("t" * 32, days=14, reviewed=(
        Review(first.id, first.text, made.id, made.created_at, "done"),
        Review(second.id, second.text, made.id, made.created_at, "partly")))
    save(trustcheck_home, made, told, make("l" * 32, days=28))
    result = run("history", "trends")
    assert "Commitments followed through: 75% of 2 reviewed (partly done counts half)." \
        in result.stdout
    [block] = trends_json()
    assert block["follow_through"] == {"rate": 75.0, "reviewed": 2}
    # Reviews told before --since do not count.
    [later] = trends_json("--since", "2026-03-20")
    assert later["assessments"] == 1
    assert later["follow_through"] == {"rate": None, "reviewed": 0}


def test_one_assessment_shows_its_scores_and_says_it_is_too_early(trustcheck_home):
    save(trustcheck_home, make("o" * 32, days=0, level=3))
    result = run("history", "trends")
    assert result.exit_code == 0, result.stderr
    block = block_for(result.stdout, "You as mentor with Sam")
    assert block[0] == f"You as mentor with Sam: 1 check-in, {assessment_local(0)}"
    assert cells_of(block, "Overall trust index")[1:] == ["▅", "50 ± 3", "—", "—", "—",
                                                          "too early to tell"]
    assert ("it is improving or slipping only when the change along that line is larger than "
            "the noise of two scores (95 %) or than the scores' scatter around the line, if "
            "larger; otherwise it is about the same. It needs scores from at least 3 check-ins "
            "over at least 21 days; until then it is too early to tell."
            ) in " ".join(result.stdout.split())


def test_no_history_gives_a_plain_message_and_exit_0(trustcheck_home):
    result = run("history", "trends")
    assert result.exit_code == 0
    assert result.stdout == ""
    assert "No check-ins found yet" in result.stderr
    assert not (trustcheck_home / "history.db").exists()  # looking creates nothing
    json_result = run("history", "trends", "--format", "json")
    assert (json_result.exit_code, json_result.stdout) == (0, "[]\n")


def test_filters_that_match_nothing_say_so(trustcheck_home):
    save(trustcheck_home, *series("Sam", [3, 4]))
    result = run("history", "trends", "--partner", "Nobody")
    assert result.exit_code == 0
    assert result.stdout == ""
    assert "No check-ins match those filters" in result.stderr
    assert trends_json("--partner", "Nobody") == []
    # Without data in scope an unknown --strategy cannot be checked: still the plain message.
    assert run("history", "trends", "--partner", "Nobody", "--strategy", "nope").exit_code == 0


def test_plain_output_has_no_escape_codes_without_a_terminal_or_with_no_color(
        trustcheck_home, monkeypatch):
    save(trustcheck_home, *series("Sam", [2, 3, 4]), *series("Kim", [4, 3, 2]))
    for no_color in ("1", None):
        if no_color is None:
            monkeypatch.delenv("NO_COLOR")  # still not a terminal: plain
        result = run("history", "trends")
        assert result.exit_code == 0
        assert "\x1b" not in result.stdout
        assert "improving" in result.stdout and "slipping" in result.stdout


def spawn_trends(home: Path, env_changes: dict[str, str | None]) -> str:
    """`trustcheck history trends` in a real 40x160 terminal; everything it printed."""
    env = dict(os.environ, TRUSTCHECK_HOME=str(home), TERM="xterm-256color")
    for name, value in env_changes.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    child = pexpect.spawn(sys.executable, ["-m", "trustcheck", "history", "trends"], env=env,
                          encoding="utf-8", timeout=15, dimensions=(40, 160))
    child.expect(pexpect.EOF)
    child.wait()
    assert child.exitstatus == 0, child.before
    return child.before


def test_a_terminal_shows_improving_in_green_and_slipping_in_red(trustcheck_home):
    save(trustcheck_home, *series("Sam", [2, 3, 4]), *series("Kim", [4, 3, 2]))
    coloured = spawn_trends(trustcheck_home, {"NO_COLOR": None})
    assert "\x1b[32mimproving" in coloured
    assert "\x1b[31mslipping" in coloured
    plain = spawn_trends(trustcheck_home, {"NO_COLOR": "1"})
    assert "\x1b" not in plain
    assert "improving" in plain and "slipping" in plain


def test_partner_names_are_printed_literally_without_control_characters(trustcheck_home):
    save(trustcheck_home, *series("[bold]x[/]", [2, 3]),
         *series("Al\x1b[31mex\x07", [3, 3], first_day=1))
    result = run("history", "trends")
    assert result.exit_code == 0, result.stderr
    assert "You as mentor with [bold]x[/]: 2 check-ins" in result.stdout
    assert "You as mentor with Al [31mex: 2 check-ins" in result.stdout
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout
    raw = run("history", "trends", "--format", "json").stdout
    assert "\x1b" not in raw and "\\u001b" in raw
    assert [b["partner"] for b in json.loads(raw)] == ["Al\x1b[31mex\x07", "[bold]x[/]"]
    only = run("history", "trends", "--partner", "[bold]x[/]")
    assert list(blocks_of(only.stdout))[0].startswith("You as mentor with [bold]x[/]:")


# --- the same output, byte for byte, however trends are computed -----------------------------

GOLDEN = Path(__file__).parent / "data" / "trends-golden.json"
# A fixed local time zone (+05:30, no daylight saving), so local times print the same anywhere.
GOLDEN_TZ = "XST-5:30"
GOLDEN_CASES = {
    "all": [],
    "all-json": ["--format", "json"],
    "strategy": ["--strategy", "transparency"],
    "strategy-json": ["--strategy", "empathy", "--format", "json"],
    "overall": ["--strategy", "overall"],
    "since-until": ["--since", "2026-06-01", "--until", "2026-12-15"],
    "since-until-json": ["--since", "2026-06-01", "--until", "2026-12-15", "--format", "json"],
    "mentee": ["--role", "mentee"],
    "partner-strategy-since": ["--partner", "Sam", "--strategy", "empathy", "--since",
                               "2026-09-01", "--format", "json"],
    "no-partner": ["--partner", ""],
}


def varied_history() -> list[assessment.Assessment]:
    """Five relationships, the same on every run: a long one (more than 24 points, a checklist
    version change, commitments made and reviewed), one with skipped strategies, one without a
    partner, one assessment alone, and one whose checklist was renamed."""
    import random

    from trustcheck.commitments import STATUSES
    from trustcheck.paths import builtin_folder

    rng = random.Random(20261202)
    # Version 1 (kept unchanged), which the golden outputs were made with.
    mentor, mentee = (checklists.load(builtin_folder() / "v1" / f"{role}.yaml")
                      for role in ("mentor", "mentee"))
    newer = mentor._replace(version="2")
    renamed = mentor._replace(id="our-mentor", strategies=tuple(
        s._replace(title="Be open about it") if s.id == "transparency" else s
        for s in mentor.strategies))
    results: list[assessment.Assessment] = []

    def levels(used: checklists.Checklist, skip: float = 0.0) -> dict[str, int | None]:
        return {s.id: None if rng.random() < skip else rng.randint(1, 5)
                for s in used.strategies}

    previous: assessment.Assessment | None = None
    for i in range(40):
        used = newer if i >= 26 else mentor
        chosen = tuple(a.id for a in rng.sample(
            [a for s in used.strategies for a in s.actions], 2)) if i % 3 == 0 else ()
        reviewed = tuple(
            Review(c.action, c.text, previous.id, previous.created_at, rng.choice(STATUSES))
            for c in previous.commitments) if previous is not None else ()
        previous = make(f"s{i:031d}", days=i * 9 + rng.random() * 3, partner="Sam",
                        levels=levels(used), used=used, commit=chosen, reviewed=reviewed)
        results.append(previous)
    for i in range(12):
        results.append(make(f"a{i:031d}", days=5 + i * 20, role="mentee", partner="Ada",
                            levels=levels(mentee, skip=0.2), used=mentee))
    for i in range(3):
        results.append(make(f"n{i:031d}", days=100 + i * 30, partner=None,
                            levels=levels(mentor), used=mentor))
    results.append(make("k" * 32, days=200, role="mentee", partner="Kim", level=3, used=mentee))
    results.append(make("b" * 32, days=50, partner="Bo", levels=levels(mentor), used=mentor))
    results.append(make("c" * 32, days=300, partner="Bo", levels=levels(mentor), used=renamed))
    return results


def golden_outputs() -> dict[str, str]:
    """What `history trends` prints for each golden case (the history must be saved), and the
    table as a narrow colour terminal shows it (shortened titles, escape codes)."""
    import io

    from trustcheck.records import Filters
    from trustcheck.render.listing import trends as render
    from trustcheck.store import Store

    out = {}
    for name, args in GOLDEN_CASES.items():
        result = run("history", "trends", *args)
        assert result.exit_code == 0, result.stderr
        out[name] = result.stdout

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    with Store.open(Path(os.environ["TRUSTCHECK_HOME"]) / "history.db") as history:
        found = trends.trends(history.score_rows(Filters()), history.review_counts(Filters()),
                              history.outline)
    terminal = Terminal()
    render(found, terminal)
    out["terminal"] = terminal.getvalue()
    return out


@pytest.fixture
def golden_time_zone(monkeypatch):
    import time

    monkeypatch.setenv("TZ", GOLDEN_TZ)
    time.tzset()
    yield
    monkeypatch.delenv("TZ")
    time.tzset()


def test_trends_print_exactly_what_they_printed_before_they_were_made_fast(
        trustcheck_home, golden_time_zone, monkeypatch):
    monkeypatch.delenv("NO_COLOR")
    monkeypatch.setenv("COLUMNS", "72")
    # tests/data/trends-golden.json holds what trends printed for this history when their
    # rules last changed (the reliable-change rule): text and JSON must not change by one
    # byte when trends are made faster.
    save(trustcheck_home, *varied_history())
    expected = json.loads(GOLDEN.read_text(encoding="utf-8"))
    assert sorted(expected) == sorted([*GOLDEN_CASES, "terminal"])
    for name, text in golden_outputs().items():
        assert text == expected[name], name


def test_follow_through_from_counts_is_the_rate_of_the_reviews_themselves():
    from trustcheck.commitments import follow_through_rate

    for done, partly, not_done in [(0, 0, 1), (1, 1, 1), (2, 1, 0), (7, 3, 5), (1, 0, 2)]:
        reviews = [Review("a", "A", "m", at(0), status) for status, count in
                   (("done", done), ("partly", partly), ("not_done", not_done))
                   for _ in range(count)]
        counts = {"done": done, "partly": partly, "not_done": not_done}
        assert trends.follow_through_of(counts) == (follow_through_rate(reviews), len(reviews))
    assert trends.follow_through_of({}) == (None, 0)


def test_stored_review_counts_follow_where_a_commitment_was_made_and_when_it_was_reviewed(
        trustcheck_home):
    from trustcheck.records import Filters
    from trustcheck.store import Store

    first, second = (s.actions[0] for s in builtin("mentor").strategies[:2])
    made = make("m" * 32, days=0, commit=(first.id, second.id))
    told = make("t" * 32, days=14, reviewed=(
        Review(first.id, first.text, made.id, made.created_at, "done"),
        Review(second.id, second.text, made.id, made.created_at, "partly")))
    alone = make("n" * 32, days=1, partner=None, commit=(first.id,))
    told_alone = make("o" * 32, days=15, partner=None, reviewed=(
        Review(first.id, first.text, alone.id, alone.created_at, "not_done"),))
    save(trustcheck_home, made, told, alone, told_alone)
    with Store.open(trustcheck_home / "history.db") as history:
        assert history.review_counts(Filters()) == {
            ("mentor", "Sam"): {"done": 1, "partly": 1}, ("mentor", None): {"not_done": 1}}
        assert history.review_counts(Filters(partner="")) == {("mentor", None): {"not_done": 1}}
        # Bounds are on when a commitment was reviewed (inclusive), to the second.
        review_time = at(14)
        assert history.review_counts(Filters(since=review_time, until=review_time)) == {
            ("mentor", "Sam"): {"done": 1, "partly": 1}}
        assert history.review_counts(
            Filters(since=review_time + timedelta(microseconds=1))) == {
            ("mentor", None): {"not_done": 1}}
        assert history.review_counts(
            Filters(until=review_time - timedelta(microseconds=1))) == {}
        assert history.review_counts(Filters(role="mentee")) == {}


@given(st.text())
def test_a_table_cell_prints_as_its_text_on_one_line(text):
    # The table writer skips cleaning text that is already on one line: that must never show
    # anything else than cleaning it would.
    from trustcheck.render.table import Column, render
    from trustcheck.text import one_line

    assert render([Column("Cell"), Column("Next")], [[text, "x"]]) == \
        render([Column("Cell"), Column("Next")], [[one_line(text), "x"]])
