"""Which strategies went together with felt trust: Spearman's rho, its interval, simulated."""

from __future__ import annotations

import math
import random

import pytest

from trustcheck.association import associate, interval, ranks, spearman


def test_ties_share_the_average_of_their_ranks():
    assert ranks([10, 20, 20, 5]) == [2.0, 3.5, 3.5, 1.0]


def test_rho_is_one_for_the_same_order_and_minus_one_for_the_reverse():
    xs = [1, 5, 2, 8, 3]
    assert spearman(xs, [x * 10 for x in xs]) == pytest.approx(1.0)
    assert spearman(xs, [-x for x in xs]) == pytest.approx(-1.0)


def test_a_known_textbook_value():
    # Ranks 1..10 against a lightly shuffled order: rho = 1 - 6 * sum(d^2) / (n (n^2 - 1)).
    xs = list(range(1, 11))
    ys = [2, 1, 4, 3, 6, 5, 8, 7, 10, 9]
    assert spearman(xs, ys) == pytest.approx(1 - 6 * 10 / (10 * 99))


def test_nothing_is_claimed_when_one_side_does_not_vary_or_there_are_too_few():
    assert associate([50.0] * 40, list(range(40))) is None
    assert associate(list(range(29)), list(range(29))) is None
    assert associate(list(range(30)), list(range(30))) is not None


def test_the_interval_narrows_with_more_people_and_stays_inside_minus_one_to_one():
    narrow = interval(0.4, 200)
    wide = interval(0.4, 30)
    assert wide[0] < narrow[0] < 0.4 < narrow[1] < wide[1]
    assert interval(-0.99, 30)[0] > -1 and interval(0.99, 30)[1] < 1


def _scores(values: list[float]) -> list[float]:
    """Continuous values cut into the 0-100 steps a strategy score of four statements takes."""
    return [min(100.0, max(0.0, round((50 + 20 * v) / 6.25) * 6.25)) for v in values]


def _pairs(rng: random.Random, n: int, r: float) -> tuple[list[float], list[float]]:
    xs, ys = [], []
    for _ in range(n):
        a, b = rng.gauss(0, 1), rng.gauss(0, 1)
        xs.append(a)
        ys.append(r * a + math.sqrt(1 - r * r) * b)
    return xs, ys


def test_simulated_the_interval_covers_the_true_correlation_about_95_times_in_100():
    rng = random.Random(13)
    r = 0.5
    true_rho = 6 / math.pi * math.asin(r / 2)  # Spearman's rho of a normal pair with Pearson r
    runs, covered = 1000, 0
    for _ in range(runs):
        xs, ys = _pairs(rng, 40, r)
        found = associate(xs, ys)
        assert found is not None
        covered += found.low <= true_rho <= found.high
    assert 0.92 <= covered / runs <= 0.98, covered


def test_simulated_independent_scores_are_called_linked_about_5_times_in_100_at_most():
    rng = random.Random(4)
    runs, claimed = 1000, 0
    for _ in range(runs):
        xs, ys = _pairs(rng, 35, 0.0)
        found = associate(_scores(xs), _scores(ys))
        if found is not None and found.link != "not clear":
            claimed += 1
    assert claimed / runs <= 0.07, claimed


def test_simulated_a_real_link_in_a_room_of_60_is_found_most_of_the_time():
    rng = random.Random(7)
    runs, found_link = 300, 0
    for _ in range(runs):
        xs, ys = _pairs(rng, 60, 0.5)
        found = associate(_scores(xs), _scores(ys))
        found_link += found is not None and found.link == "went together"
    assert found_link / runs >= 0.9, found_link
