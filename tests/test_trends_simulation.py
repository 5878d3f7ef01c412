"""Simulations of the trends rule: noise is not called a direction, a real change is.

Each simulated relationship checks in every two weeks. Its answers are scored by the real
scoring code and its trend worked out by the real trends code, with the default reliability.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone

from trustcheck import scoring, trends
from trustcheck.checklist import Item, Scale, Strategy

SCALE = Scale()
START = datetime(2026, 1, 5, 9, 0, tzinfo=timezone.utc)
RUNS = 10_000


def strategy(statements: int) -> Strategy:
    items = tuple(Item(f"s.{i}", f"Statement {i}", "s", reverse=i == 0)
                  for i in range(statements))
    return Strategy("s", "S", "", "mentor", items)


def wobble(rng: random.Random, value: int, chance: float = 0.2) -> int:
    """One step up or down on `chance` of answers, kept on the scale."""
    if rng.random() >= chance:
        return value
    moved = value + rng.choice((-1, 1))
    return min(SCALE.high, max(SCALE.low, moved))


def simulated_row(rng: random.Random, rated: Strategy, *, steps: int) -> trends.Row:
    """One relationship: 3 to 8 check-ins two weeks apart, every true answer moving by `steps`
    from the first check-in to the last (in even parts), each answer wobbling as people do."""
    check_ins = rng.randint(3, 8)
    # Start points leave room for the change: a rise of `steps` stays on the scale.
    start = {item.id: rng.randint(SCALE.low, SCALE.high - steps) for item in rated.items}
    points = []
    for n in range(check_ins):
        shift = round(steps * n / (check_ins - 1))
        answers = {}
        for item in rated.items:
            true = start[item.id] + shift
            given = wobble(rng, true)
            # A reverse statement is answered the other way round; its score is the same.
            answers[item.id] = SCALE.low + SCALE.high - given if item.reverse else given
        score = scoring.score_strategy(rated, answers, SCALE).score
        points.append(trends.Point(START + timedelta(days=14 * n), score, f"a{n}"))
    return trends.trend_row("s", "S", points)


def flagged(rows: list[trends.Row]) -> float:
    return sum(row.direction in (trends.IMPROVING, trends.SLIPPING) for row in rows) / len(rows)


def test_without_a_true_change_at_most_5_percent_of_trends_get_a_direction():
    rng = random.Random(1)
    for statements in (3, 4):
        rows = [simulated_row(rng, strategy(statements), steps=0) for _ in range(RUNS)]
        assert all(row.direction != trends.TOO_EARLY for row in rows)  # 28 days or more
        assert flagged(rows) <= 0.05, statements


def test_a_true_change_of_two_steps_on_every_answer_gets_a_direction_80_percent_of_the_time():
    rng = random.Random(2)
    for statements in (3, 4):
        rows = [simulated_row(rng, strategy(statements), steps=2) for _ in range(RUNS)]
        assert sum(row.direction == trends.IMPROVING for row in rows) / RUNS >= 0.80
        assert not any(row.direction == trends.SLIPPING for row in rows)


def test_check_ins_within_21_days_never_get_a_direction_however_much_they_move():
    rng = random.Random(3)
    for _ in range(1000):
        minutes = sorted(rng.uniform(0, 20.9 * 24 * 60) for _ in range(rng.randint(2, 9)))
        points = [trends.Point(START + timedelta(minutes=m), rng.choice((0.0, 100.0)), f"a{i}")
                  for i, m in enumerate(minutes)]
        row = trends.trend_row("s", "S", points)
        assert (row.direction, row.slope_per_30_days) == (trends.TOO_EARLY, None)
