"""Reliable change: simulated repeat check-ins and partners, judged by the real rules.

Each simulation runs the real scoring (`scoring.score_strategy`, `assessment.build`) and the
real rules that `focus`, `assess` and `compare` apply (`focus.moved`, `focus.progress`,
`compare.gap_between`), never a copy of them. Answers wobble the way self-reports do: on 20 % of
answers, one step up or down at random, kept on the 1-5 scale (at an end, the step goes the only
way it can). Seeded, so a run is repeatable.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime, timedelta, timezone

import pytest

from trustcheck import assessment, focus, reliability, scoring
from trustcheck.checklist import Checklist, Item, Scale, Strategy
from trustcheck.compare import gap_between

RUNS = 10_000
WOBBLE = 0.20
SCALE = Scale()
NOW = datetime(2026, 11, 1, tzinfo=timezone.utc)
# The built-in checklists state reliabilities of 0.70 and 0.75; None is the default (0.70).
RELIABILITIES = [None, 0.75]

Answers = dict[str, int]


def strategy(statements: int, stated: float | None, strategy_id: str = "s") -> Strategy:
    """A strategy of `statements` statements, the first one reverse-keyed (as in the built-in
    checklists), with the reliability its checklist states."""
    items = tuple(Item(f"{strategy_id}.{n}", f"Statement {n}.", strategy_id, n == 0)
                  for n in range(statements))
    return Strategy(strategy_id, strategy_id.title(), "", "shared", items, (), stated)


def wobbled(rng: random.Random, answers: Answers) -> Answers:
    """The same view answered again: 20 % of answers one step off, kept on the scale."""
    again = {}
    for item_id, value in answers.items():
        if rng.random() < WOBBLE:
            step = rng.choice((-1, 1))
            if not SCALE.low <= value + step <= SCALE.high:
                step = -step
            value += step
        again[item_id] = value
    return again


def anywhere(rng: random.Random, used: Strategy) -> Answers:
    """Start points drawn over the whole scale."""
    return {item.id: rng.randint(SCALE.low, SCALE.high) for item in used.items}


def with_room(rng: random.Random, used: Strategy) -> tuple[Answers, Answers]:
    """Start points that leave room for a true drop of two steps on every answer, and the
    answers after that drop (a reverse-keyed statement drops by being agreed with more)."""
    favourable = {item.id: rng.randint(SCALE.low + 2, SCALE.high) for item in used.items}

    def answer(item: Item, level: int) -> int:
        return SCALE.low + SCALE.high - level if item.reverse else level

    before = {item.id: answer(item, favourable[item.id]) for item in used.items}
    after = {item.id: answer(item, favourable[item.id] - 2) for item in used.items}
    return before, after


def share(flagged: Callable[[random.Random], bool], seed: int) -> float:
    rng = random.Random(seed)
    return sum(flagged(rng) for _ in range(RUNS)) / RUNS


# --- a strategy's change between two check-ins (`focus`'s "slipped", `assess`'s change) -------


@pytest.mark.parametrize("stated", RELIABILITIES)
@pytest.mark.parametrize("statements", [4, 3])
def test_repeat_check_ins_with_no_true_change_rarely_flag_a_change(
        statements: int, stated: float | None) -> None:
    used = strategy(statements, stated)

    def flagged(rng: random.Random) -> bool:
        first = anywhere(rng, used)
        before = scoring.score_strategy(used, first, SCALE)
        now = scoring.score_strategy(used, wobbled(rng, first), SCALE)
        return focus.moved(now, before).direction != "about the same"

    assert share(flagged, seed=statements) <= 0.05


@pytest.mark.parametrize("stated", RELIABILITIES)
@pytest.mark.parametrize("statements", [4, 3])
def test_a_true_drop_of_two_steps_on_every_answer_is_flagged_as_lower(
        statements: int, stated: float | None) -> None:
    used = strategy(statements, stated)

    def flagged(rng: random.Random) -> bool:
        first, dropped = with_room(rng, used)
        before = scoring.score_strategy(used, first, SCALE)
        now = scoring.score_strategy(used, wobbled(rng, dropped), SCALE)
        return focus.moved(now, before).direction == "lower"

    assert share(flagged, seed=10 + statements) >= 0.80


# --- two partners' views of one strategy (`compare`'s flagged gaps) ----------------------------


@pytest.mark.parametrize("stated", RELIABILITIES)
@pytest.mark.parametrize("statements", [4, 3])
def test_two_people_with_the_same_true_view_rarely_show_a_flagged_gap(
        statements: int, stated: float | None) -> None:
    used = strategy(statements, stated)

    def flagged(rng: random.Random) -> bool:
        view = anywhere(rng, used)  # both see it this way; each answers with their own wobble
        mine = scoring.score_strategy(used, wobbled(rng, view), SCALE)
        theirs = scoring.score_strategy(used, wobbled(rng, view), SCALE)
        found = gap_between(mine, theirs)
        return found is not None and found.direction != "about the same"

    assert share(flagged, seed=20 + statements) <= 0.05


@pytest.mark.parametrize("stated", RELIABILITIES)
@pytest.mark.parametrize("statements", [4, 3])
def test_a_true_two_step_difference_between_partners_is_flagged(
        statements: int, stated: float | None) -> None:
    used = strategy(statements, stated)

    def flagged(rng: random.Random) -> bool:
        higher, lower = with_room(rng, used)
        mine = scoring.score_strategy(used, wobbled(rng, higher), SCALE)
        theirs = scoring.score_strategy(used, wobbled(rng, lower), SCALE)
        found = gap_between(mine, theirs)
        return found is not None and found.direction == "higher"

    assert share(flagged, seed=30 + statements) >= 0.80


# --- the overall trust index (`assess`'s change since last time) -------------------------------


def small_checklist() -> Checklist:
    """Six strategies, three of 4 statements and three of 3, as a check-in has them."""
    strategies = tuple(strategy(4 if n % 2 == 0 else 3, RELIABILITIES[n % 2], f"s{n}")
                       for n in range(6))
    return Checklist(id="simulated", version="1", title="Simulated", role="mentor",
                     description="", scale=SCALE, strategies=strategies, obstacles=(),
                     source="")


def check_in(used: Checklist, answers: Answers, days_ago: int) -> assessment.Assessment:
    return assessment.build(used, answers, role="mentor", partner=None, cohort=None,
                            now=NOW - timedelta(days=days_ago), id=f"c{days_ago}")


OVERALL_RUNS = 2_000  # a whole check-in per run: fewer runs, still a tight estimate


def overall_share(flagged: Callable[[random.Random, Checklist], bool], seed: int) -> float:
    used = small_checklist()
    rng = random.Random(seed)
    return sum(flagged(rng, used) for _ in range(OVERALL_RUNS)) / OVERALL_RUNS


def test_the_overall_index_with_no_true_change_rarely_flags_a_change() -> None:
    def flagged(rng: random.Random, used: Checklist) -> bool:
        first = {k: v for s in used.strategies for k, v in anywhere(rng, s).items()}
        found = focus.progress(check_in(used, wobbled(rng, first), 0), check_in(used, first, 30))
        assert found is not None
        return found.overall_direction != "about the same"

    assert overall_share(flagged, seed=40) <= 0.05


def test_a_true_two_step_drop_everywhere_is_flagged_in_the_overall_index() -> None:
    def flagged(rng: random.Random, used: Checklist) -> bool:
        first, dropped = {}, {}
        for s in used.strategies:
            before, after = with_room(rng, s)
            first |= before
            dropped |= after
        found = focus.progress(check_in(used, wobbled(rng, dropped), 0),
                               check_in(used, first, 30))
        assert found is not None
        return found.overall_direction == "lower"

    assert overall_share(flagged, seed=41) >= 0.80


# --- the rule itself, at its edges --------------------------------------------------------------


def test_every_score_carries_the_sem_of_its_strategys_stated_reliability() -> None:
    stated = strategy(4, 0.75)
    default = strategy(3, None)
    answers = {item.id: 4 for item in (*stated.items, *default.items)}
    assert scoring.score_strategy(stated, answers, SCALE).sem == 10.0  # 20 x sqrt(0.25)
    assert scoring.score_strategy(default, answers, SCALE).sem == 11.0  # 20 x sqrt(0.30)
    unscored = scoring.score_strategy(default, {}, SCALE)
    assert unscored.score is None and unscored.sem is None
    both = Checklist(id="two", version="1", title="Two", role="mentor", description="",
                     scale=SCALE, strategies=(stated, strategy(3, None, "t")), obstacles=(),
                     source="")
    scores = scoring.score(both, {**answers, **{f"t.{n}": 4 for n in range(3)}})
    # The overall index averages two scores: sqrt(10² + 11²) / 2 = 7.4
    assert scores.overall_sem == 7.4


def test_a_difference_is_a_change_only_beyond_the_threshold_of_the_two_scores() -> None:
    # SEM 11 on both sides: 1.96 x sqrt(11² + 11²) = 30.49, shown rounded down as 30.4.
    assert reliability.difference(100.0, 69.6, 11.0, 11.0) == (-30.4, 30.4, "about the same")
    assert reliability.difference(100.0, 69.5, 11.0, 11.0) == (-30.5, 30.4, "lower")
    assert reliability.difference(40.0, 70.5, 11.0, 11.0).direction == "higher"
    # A score saved before SEMs were kept is judged with the default one.
    assert reliability.difference(100.0, 69.5, None, None) == (-30.5, 30.4, "lower")
    # Each score brings its own SEM: a steadier pair has a smaller threshold.
    assert reliability.difference(80.0, 55.0, 10.0, 10.0) == (-25.0, 27.7, "about the same")
    assert reliability.difference(80.0, 50.0, 10.0, 10.0).direction == "lower"


def test_the_standard_error_of_a_mean_shrinks_with_the_group() -> None:
    assert reliability.standard_error(20.0, 25) == 4.0
    assert reliability.standard_error(20.0, 100) == 2.0
