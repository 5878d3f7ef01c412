"""Cohort statistics and privacy rules: quartiles, alpha, suppression, role splits, differencing."""

from __future__ import annotations

import math
import random
import statistics
from collections.abc import Callable
from datetime import datetime, timezone

import pytest
from conftest import answer_of, builtin, strategy

from trustcheck import cohort, scoring
from trustcheck.checklist import Checklist
from trustcheck.cohort import SKIPPED, Bucket, Earlier, Intake, Layout, Scope

NOW = datetime(2026, 5, 1, 12, 0, tzinfo=timezone.utc)

# --- helpers ---------------------------------------------------------------------------------


Answers = Callable[[int, str], int | None]  # (person number, item id) -> raw answer


Felt = Callable[[int, dict[str, float | None]], float | None]  # (person, scores) -> felt trust


def add_people(bucket: Bucket, used: Checklist, count: int, answer: Answers,
               start: int = 0, felt: Felt | None = None) -> None:
    """`count` people answering `used` (scored exactly as `assess` scores them), with felt
    trust from `felt` (given the person's strategy scores) when it is given."""
    for person in range(start, start + count):
        values = {item.id: answer(person, item.id) for item in used.items}
        scores = scoring.score(used, values)
        by_id = {s.id: s.score for s in scores.strategies}
        bucket.add(f"{used.role}-{person}", [s.score for s in scores.strategies],
                   scores.overall, [SKIPPED if values[i.id] is None else values[i.id]
                                    for i in used.items],
                   None if felt is None else felt(person, by_id))


def bucket_of(role: str, count: int, answer: Answers = lambda p, i: 4, start: int = 0,
              felt: Felt | None = None) -> Bucket:
    used = builtin(role)
    bucket = Bucket(Layout.from_checklist(used, role))
    add_people(bucket, used, count, answer, start, felt)
    return bucket


def report(*buckets: Bucket, min_group: int = 5) -> cohort.Report:
    return cohort.build(list(buckets), min_group=min_group, scope=Scope(), intake=Intake(),
                        now=NOW)


# --- statistics ------------------------------------------------------------------------------


def test_quartiles_are_interpolated_like_a_spreadsheets_quartile_inc():
    # Sorted 10, 20, 30, 40: Q1 sits at position 0.75 -> 10 + 0.75 * 10 = 17.5; the median at
    # 1.5 -> 25; Q3 at 2.25 -> 30 + 0.25 * 10 = 32.5 (QUARTILE.INC gives the same).
    stats = cohort.describe([40.0, 10.0, 30.0, 20.0])
    assert (stats["n"], stats["mean"], stats["median"], stats["q1"], stats["q3"]) == (
        4, 25.0, 25.0, 17.5, 32.5)
    # Sample standard deviation: squares 225 + 25 + 25 + 225 = 500, / 3, sqrt -> 12.9.
    assert stats["sd"] == 12.9


def test_describe_never_gives_a_minimum_or_maximum_because_each_is_one_persons_score():
    stats = cohort.describe([12.5, 50.0, 87.5, 50.0, 62.5])
    assert "min" not in stats and "max" not in stats


def test_cronbach_alpha_matches_a_hand_computed_example():
    rows = [
        [1, 2, 3],
        [2, 3, 3],
        [3, 4, 5],
        [4, 5, 5],
    ]
    # Item 1: 1 2 3 4, mean 2.5, squared deviations 2.25 .25 .25 2.25 = 5, variance 5/3.
    # Item 2: 2 3 4 5, the same spread: variance 5/3.
    # Item 3: 3 3 5 5, mean 4, squared deviations 1 1 1 1 = 4, variance 4/3.
    # Sum of item variances: 14/3.
    # Totals: 6 8 12 14, mean 10, squared deviations 16 4 4 16 = 40, variance 40/3.
    # alpha = 3/2 * (1 - (14/3) / (40/3)) = 1.5 * (1 - 0.35) = 1.5 * 0.65 = 0.975
    assert cohort.cronbach_alpha(rows) == pytest.approx(0.975)


def test_cronbach_alpha_is_undefined_without_spread_or_with_one_statement():
    assert cohort.cronbach_alpha([[3, 3], [3, 3], [3, 3]]) is None  # every total the same
    assert cohort.cronbach_alpha([[1], [2], [3]]) is None  # one statement
    assert cohort.cronbach_alpha([[1, 2]]) is None  # one person


def test_cronbach_alpha_can_be_negative_when_statements_pull_apart():
    # Item 2 is item 1 mirrored: totals never vary less than the items, alpha falls below 0.
    rows = [[1, 5, 3], [5, 1, 3], [2, 4, 4], [4, 2, 2]]
    alpha = cohort.cronbach_alpha(rows)
    assert alpha is not None and alpha < 0


def test_counting_patterns_gives_the_same_alpha_as_the_rows_themselves():
    generator = random.Random(4)
    rows = [[generator.choice([0.0, 25.0, 50.0, 75.0, 100.0]) for _ in range(3)]
            for _ in range(200)]
    item_variances = sum(_variance([row[j] for row in rows]) for j in range(3))
    direct = 3 / 2 * (1 - item_variances / _variance([sum(row) for row in rows]))
    assert cohort.cronbach_alpha(rows) == pytest.approx(direct)


def _variance(values: list[float]) -> float:
    mean = sum(values) / len(values)
    return sum((v - mean) ** 2 for v in values) / (len(values) - 1)


# --- suppression -----------------------------------------------------------------------------


@pytest.mark.parametrize(("people", "shown"), [(4, False), (5, True), (6, True)])
def test_a_group_is_shown_from_exactly_min_group_people(people, shown):
    built = report(bucket_of("mentor", people, answer_of))
    section = built.document["sections"][0]
    assert section["suppressed"] is (not shown)
    if shown:
        assert section["responses"] == people
        assert section["overall"]["n"] == people
        assert all(not s["suppressed"] for s in section["strategies"])
        assert len(built.members) == people
    else:
        assert section["strategies"] == [] and section["overall"] is None
        assert section["note"] == "suppressed (fewer than 5 responses)"
        assert section["roles"][0]["responses"] is None  # not even the exact count
        assert built.members == []


def test_a_strategy_scored_by_fewer_than_min_group_people_is_suppressed_on_its_own():
    def answer(person: int, item: str) -> int | None:
        # Two of the six skip every 'transparency' statement: that strategy has 4 scores.
        return None if person < 2 and item.startswith("transparency.") else answer_of(person, item)

    section = report(bucket_of("mentor", 6, answer)).document["sections"][0]
    transparency = strategy(section, "transparency")
    assert transparency["suppressed"] and transparency["mean"] is None
    assert transparency["note"] == "suppressed (fewer than 5 responses)"
    assert not strategy(section, "active_listening")["suppressed"]


def test_a_role_below_min_group_is_left_out_of_every_figure_so_nothing_can_be_subtracted():
    mentors = bucket_of("mentor", 7, answer_of)
    mentees = bucket_of("mentee", 3, lambda p, i: 1)  # very different answers
    built = report(mentors, mentees)
    section = built.document["sections"][0]
    roles = {r["role"]: r for r in section["roles"]}
    assert roles["mentor"]["responses"] == 7
    assert roles["mentee"]["suppressed"] and roles["mentee"]["responses"] is None

    alone = report(bucket_of("mentor", 7, answer_of)).document["sections"][0]
    # The total on a shared strategy is exactly the mentors' figure: total minus mentors = 0.
    assert strategy(section, "consistency") | {"title": ""} == strategy(alone, "consistency") | {
        "title": ""}
    assert section["overall"] == alone["overall"]
    assert section["responses"] == 7
    assert all(s["group"] != "mentee" for s in section["strategies"])
    assert section["comparison"]["available"] is False
    assert not any(key.startswith("mentee") for key in built.members)
    assert any("mentees are suppressed (fewer than 5 responses)" in note
               and "subtract" in note for note in built.document["privacy"]["suppressed"])


def test_two_small_roles_that_reach_min_group_together_show_only_the_combined_figures():
    section = report(bucket_of("mentor", 3, answer_of),
                     bucket_of("mentee", 3, answer_of)).document["sections"][0]
    assert not section["suppressed"] and section["responses"] == 6
    assert strategy(section, "consistency")["n"] == 6  # shared: both roles together
    assert strategy(section, "transparency")["suppressed"]  # mentors only: 3
    assert strategy(section, "open_communication")["suppressed"]  # mentees only: 3
    assert section["comparison"]["available"] is False
    assert all(r["responses"] is None for r in section["roles"])


def test_mentors_and_mentees_side_by_side_hides_both_sides_where_one_is_small():
    def mentee_answer(person: int, item: str) -> int | None:
        # Two of five mentees skip 'empathy': only 3 mentee scores there.
        return None if person < 2 and item.startswith("empathy.") else answer_of(person, item)

    section = report(bucket_of("mentor", 6, answer_of),
                     bucket_of("mentee", 5, mentee_answer)).document["sections"][0]
    comparison = section["comparison"]
    assert comparison["available"]
    empathy = next(s for s in comparison["strategies"] if s["id"] == "empathy")
    assert empathy["suppressed"] and empathy["mentor"] is None and empathy["mentee"] is None
    consistency = next(s for s in comparison["strategies"] if s["id"] == "consistency")
    assert consistency["mentor"]["n"] == 6 and consistency["mentee"]["n"] == 5
    assert consistency["gap"] == pytest.approx(
        consistency["mentor"]["mean"] - consistency["mentee"]["mean"], abs=0.11)
    assert strategy(section, "empathy")["n"] == 9  # the combined figure stays


# --- what the report says ----------------------------------------------------------------------


def test_the_three_lowest_strategies_below_80_are_the_focus_with_their_actions():
    low = ("active_listening.", "transparency.", "confidentiality.")

    def answer(person: int, item: str) -> int:
        if item.startswith(low):
            return 2 if not item.endswith(".2") else 4
        return 5

    section = report(bucket_of("mentor", 5, answer)).document["sections"][0]
    # A room of mentors only: one focus for mentors, from every strategy they answered.
    assert section["focus"]["room"] == "mentor"
    (group,) = section["focus"]["groups"]
    assert group["for"] == "mentor"
    focus = group["areas"]
    assert {area["strategy"] for area in focus} == {s.removesuffix(".") for s in low}
    assert all(area["mean"] < 80 for area in focus)
    means = [area["mean"] for area in focus]
    assert means == sorted(means)
    used = builtin("mentor")
    for area in focus:
        expected = [a.text for a in used.strategy(area["strategy"]).actions]
        assert [a["text"] for a in area["actions"]] == expected


def test_an_obstacle_is_signalled_when_its_warning_signs_average_below_60():
    used = builtin("mentor")
    impatience = next(o for o in used.obstacles if o.id == "impatience")

    def answer(person: int, item: str) -> int:
        strategy_id = item.split(".")[0]
        item_obj = next(i for i in used.items if i.id == item)
        if strategy_id in impatience.signals:
            return 5 if item_obj.reverse else 1  # the worst answer
        return 1 if item_obj.reverse else 5  # the best answer

    section = report(bucket_of("mentor", 5, answer)).document["sections"][0]
    flagged = {o["id"]: o for o in section["obstacles"]}
    assert "impatience" in flagged
    (mentors,) = flagged["impatience"]["roles"]
    assert mentors["mean"] == 0.0 and mentors["flagged"]
    assert mentors["role"] == "mentor"
    assert {s["strategy"] for s in mentors["signals"]} == set(impatience.signals)
    assert flagged["impatience"]["remedy"] == impatience.remedy


def test_favourable_share_counts_4_and_5_after_reverse_keying():
    used = builtin("mentor")
    transparency = used.strategy("transparency")

    def answer(person: int, item: str) -> int:
        # Every transparency statement answered 4: the reverse-keyed one counts as a 2.
        return 4

    entry = strategy(report(bucket_of("mentor", 5, answer)).document["sections"][0],
                     "transparency")
    reversed_count = sum(1 for i in transparency.items if i.reverse)
    share = (len(transparency.items) - reversed_count) / len(transparency.items) * 100
    assert entry["favourable"] == round(share, 1)
    assert entry["favourable_n"] == 5


def test_alpha_needs_ten_complete_responses_and_is_flagged_below_0_6():
    nine = strategy(report(bucket_of("mentor", 9, answer_of)).document["sections"][0],
                    "transparency")
    assert nine["alpha"] is None and "at least 10 complete responses" in nine["alpha_note"]

    twelve = strategy(report(bucket_of("mentor", 12, answer_of)).document["sections"][0],
                      "transparency")
    used = builtin("mentor")
    items = used.strategy("transparency").items
    rows = [[scoring.item_points(answer_of(p, i.id), used.scale, i.reverse) for i in items]
            for p in range(12)]
    expected = cohort.cronbach_alpha(rows)
    assert twelve["alpha_n"] == 12
    assert twelve["alpha"] == round(expected, 2)
    assert twelve["alpha_flag"] is (expected < 0.6)


def test_alpha_uses_reverse_keyed_points_so_consistent_people_score_high():
    used = builtin("mentor")

    def answer(person: int, item: str) -> int:
        level = 1 + person % 5  # people differ, but each is consistent within a strategy
        reverse = next(i for i in used.items if i.id == item).reverse
        return 6 - level if reverse else level

    entry = strategy(report(bucket_of("mentor", 10, answer)).document["sections"][0],
                     "transparency")
    assert entry["alpha"] == 1.0 and entry["alpha_flag"] is False


def test_straight_lined_responses_are_counted():
    def answer(person: int, item: str) -> int:
        return 3 if person < 2 else answer_of(person, item)

    section = report(bucket_of("mentor", 6, answer)).document["sections"][0]
    assert section["quality"]["straight_lined"] == 2
    assert section["quality"]["with_answers"] == 6


def test_a_different_checklist_version_gets_its_own_section_never_blended():
    old = builtin("mentor")
    changed = Checklist(old.id, "0.9", old.title, old.role, old.strategies, old.obstacles,
                        old.description, old.scale)
    current = bucket_of("mentor", 6, answer_of)
    earlier = Bucket(Layout.from_checklist(changed, "mentor"))
    add_people(earlier, changed, 5, lambda p, i: 1, start=100)
    sections = report(current, earlier).document["sections"]
    assert [s["label"] for s in sections] == [f"Mentor checklist version {old.version}",
                                              "Mentor checklist version 0.9"]
    assert sections[0]["responses"] == 6 and sections[1]["responses"] == 5
    # Everyone in version 0.9 answered 1: plain statements give 0, the reverse-keyed ones 100
    # (one of four: 25.0); blended with the other version it would be something else.
    items = old.strategy("transparency").items
    alone = round(100 * sum(i.reverse for i in items) / len(items), 1)
    assert strategy(sections[1], "transparency")["mean"] == alone
    assert strategy(sections[0], "transparency")["mean"] != alone


def test_nothing_personal_enters_the_document():
    built = report(bucket_of("mentor", 6, answer_of), bucket_of("mentee", 6, answer_of))
    text = repr(built.document)
    assert "mentor-0" not in text and "mentee-3" not in text  # the response keys
    assert "answers" not in built.document["sections"][0]


# --- differencing ------------------------------------------------------------------------------


def people(*numbers: int) -> frozenset[bytes]:
    return frozenset(n.to_bytes(8, "big") for n in numbers)


def test_the_same_people_again_are_fine_and_so_is_a_difference_of_min_group():
    earlier = [Earlier("2026-05-01T10:00:00Z", 5, people(*range(20)))]
    assert cohort.differs_too_little(people(*range(20)), earlier, 5) is None
    assert cohort.differs_too_little(people(*range(25)), earlier, 5) is None
    assert cohort.differs_too_little(people(*range(15)), earlier, 5) is None


@pytest.mark.parametrize("difference", [1, 2, 4])
def test_a_report_differing_by_fewer_than_min_group_people_is_caught(difference):
    earlier = [Earlier("2026-05-01T10:00:00Z", 5, people(*range(20)))]
    smaller = cohort.differs_too_little(people(*range(20 - difference)), earlier, 5)
    assert smaller is not None and smaller[1] == difference
    larger = cohort.differs_too_little(people(*range(20 + difference)), earlier, 5)
    assert larger is not None and larger[1] == difference


def test_swapping_people_counts_both_those_who_left_and_those_who_joined():
    earlier = [Earlier("2026-05-01T10:00:00Z", 5, people(*range(20)))]
    swapped = people(*range(2, 22))  # 2 left, 2 joined: 4 people differ
    assert cohort.differs_too_little(swapped, earlier, 5)[1] == 4


def test_a_lower_min_group_later_cannot_undo_an_earlier_promise():
    earlier = [Earlier("2026-05-01T10:00:00Z", 10, people(*range(30)))]
    found = cohort.differs_too_little(people(*range(24)), earlier, 3)
    assert found is not None and found[1] == 6


def test_min_group_constants_are_as_documented():
    assert cohort.DEFAULT_MIN_GROUP == 5 and cohort.SMALLEST_MIN_GROUP == 3
    assert cohort.ALPHA_MIN_RESPONSES == 10 and cohort.ALPHA_FLAG_BELOW == 0.6
    assert math.isclose(cohort.FAVOURABLE_FROM, 75.0)


# --- the SEM each strategy shows, and which reliability it comes from --------------------------


def test_with_fewer_than_30_complete_responses_the_sem_comes_from_the_checklists_reliability():
    used = builtin("mentor")
    first = used.strategies[0]
    entry = strategy(report(bucket_of("mentor", 29, answer_of)).document["sections"][0],
                     first.id)
    assert entry["alpha_n"] == 29 and entry["alpha"] is not None  # shown, not yet used
    stated = first.reliability
    assert entry["reliability_source"] == ("default" if stated is None else "checklist")
    assert entry["reliability"] == (0.70 if stated is None else stated)
    assert entry["spread"] == 20.0
    assert entry["sem"] == round(20.0 * math.sqrt(1 - entry["reliability"]), 1)


def test_from_30_complete_responses_the_cohorts_own_alpha_and_spread_give_the_sem():
    used = builtin("mentor")
    first = used.strategies[0]

    def answer(person: int, item: str) -> int:
        # People differ, each fairly consistent within a strategy, with a little noise.
        level = 1 + person % 5
        reverse = next(i for i in used.items if i.id == item).reverse
        wobble = 1 if (person * 3 + sum(map(ord, item))) % 7 == 0 else 0
        value = min(5, level + wobble)
        return 6 - value if reverse else value

    entry = strategy(report(bucket_of("mentor", 30, answer)).document["sections"][0], first.id)
    assert entry["alpha_n"] == 30 and 0 < entry["alpha"] < 1
    assert entry["reliability_source"] == "cohort"
    # Every response is complete, so the spread is the standard deviation of all the scores.
    assert (entry["reliability"], entry["spread"]) == (entry["alpha"], entry["sd"])
    assert entry["sem"] == round(entry["sd"] * math.sqrt(1 - entry["alpha"]), 1)
    section = report(bucket_of("mentor", 30, answer)).document["sections"][0]
    assert section["quality"]["reliability_min_responses"] == 30


def test_a_mentor_mentee_gap_is_flagged_only_beyond_chance_for_two_means():
    def high(person: int, item: str) -> int:
        return 4 + person % 2

    def low(person: int, item: str) -> int:
        return 1 + person % 2

    def shared_row(mentors: Answers, mentees: Answers) -> dict:
        section = report(bucket_of("mentor", 8, mentors),
                         bucket_of("mentee", 8, mentees)).document["sections"][0]
        shared = builtin("mentor").strategies[-1].id  # the shared part comes last
        return next(s for s in section["comparison"]["strategies"] if s["id"] == shared)

    apart = shared_row(high, low)
    mentors, mentees = apart["mentor"], apart["mentee"]
    standard_errors = [side["sd"] / math.sqrt(side["n"]) for side in (mentors, mentees)]
    expected = 1.96 * math.sqrt(sum(se * se for se in standard_errors))
    assert apart["threshold"] == math.floor(expected * 10) / 10
    assert abs(apart["gap"]) > apart["threshold"]
    assert apart["direction"] == ("mentors higher" if apart["gap"] > 0 else "mentees higher")

    alike = shared_row(high, high)
    assert alike["gap"] == 0.0 and alike["direction"] == "about the same"


def test_the_cohorts_spread_comes_from_the_same_complete_responses_as_its_alpha():
    used = builtin("mentor")
    first = used.strategies[0]
    skipped = first.items[0].id

    def answer(person: int, item: str) -> int | None:
        if person >= 30 and item == skipped:
            return None  # ten more people leave one statement out: scored, but not complete
        return answer_of(person, item)

    entry = strategy(report(bucket_of("mentor", 40, answer)).document["sections"][0], first.id)
    assert entry["n"] == 40 and entry["alpha_n"] == 30
    complete = [statistics.fmean(scoring.item_points(answer_of(p, i.id), used.scale, i.reverse)
                                 for i in first.items) for p in range(30)]
    assert entry["reliability_source"] == "cohort"
    assert entry["spread"] == round(statistics.stdev(complete), 1)
