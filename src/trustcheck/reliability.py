"""Measurement noise: how sure a score is, and when a difference is more than noise.

Every score from a questionnaire wobbles: the same person, with nothing changed, answers a
step higher or lower on some statements from one week to the next. Classical test theory
puts a number on that wobble, the standard error of measurement (SEM):

    SEM = spread x sqrt(1 - reliability)

where `reliability` is how consistently a strategy's statements measure the same thing
(Cronbach's alpha) and `spread` is how much scores differ between people (their standard
deviation). Two scores differ reliably, at 95 %, only when their difference is larger than

    1.96 x sqrt(SEM_a^2 + SEM_b^2)

(Jacobson and Truax's reliable change index, for two scores that may each carry their own
SEM). Everything here is pure arithmetic; the README explains it in plain words.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Literal, NamedTuple

# Cronbach's alpha assumed for a strategy whose checklist states none: the usual floor for a
# short self-report scale of three or four statements that is fit to be used at all.
DEFAULT_RELIABILITY = 0.70
# How much one strategy's score (0 to 100) typically differs between people: 20 points, as
# for most five-point agreement scales scored 0-100. A cohort report replaces it, and the
# reliability, with what it measures among its own responses.
SPREAD = 20.0
Z95 = 1.96  # two-sided 95 %
# A cohort report uses its own alpha and spread only with at least this many complete
# responses for a strategy: alpha from fewer swings too much to be trusted over the stated one.
MIN_RESPONSES_FOR_ALPHA = 30

Direction = Literal["higher", "lower", "about the same"]


def sem(reliability: float | None, spread: float = SPREAD) -> float:
    """The standard error of measurement of one score, in points."""
    alpha = DEFAULT_RELIABILITY if reliability is None else reliability
    return spread * math.sqrt(max(0.0, 1.0 - alpha))


def overall_sem(sems: Sequence[float]) -> float | None:
    """The SEM of an average of strategy scores (the overall trust index), taking each
    strategy's measurement error as independent of the others'."""
    if not sems:
        return None
    return math.sqrt(sum(s * s for s in sems)) / len(sems)


def threshold(sem_a: float, sem_b: float) -> float:
    """The smallest difference between two scores that is more than noise, at 95 %."""
    return Z95 * math.sqrt(sem_a * sem_a + sem_b * sem_b)


def direction(before: float, after: float, sem_before: float, sem_after: float) -> Direction:
    """Whether `after` is reliably higher or lower than `before`, or about the same."""
    difference = after - before
    if abs(difference) <= threshold(sem_before, sem_after):
        return "about the same"
    return "higher" if difference > 0 else "lower"


class Difference(NamedTuple):
    """Two scores set side by side: how far apart they are and whether that is more than noise."""

    points: float  # after minus before (or a minus b), to one decimal
    threshold: float  # the reliable-change threshold for these two scores, to one decimal
    direction: Direction  # "higher", "lower" or "about the same"


def difference(before: float, after: float, sem_before: float | None,
               sem_after: float | None) -> Difference:
    """How `after` differs from `before`, judged by the reliable-change rule; a score without
    an SEM of its own (a result saved before SEMs were kept) gets the default one."""
    sem_a, sem_b = sem_or_default(sem_before), sem_or_default(sem_after)
    # Shown rounded down: scores have one decimal, so "more than 30.4" is then exactly the
    # differences `direction` calls a change (30.5 and up against 30.49).
    shown = math.floor(threshold(sem_a, sem_b) * 10) / 10
    # + 0.0 turns -0.0 into 0.0
    return Difference(round(after - before, 1) + 0.0, shown,
                      direction(before, after, sem_a, sem_b))


def sem_or_default(value: float | None) -> float:
    """A score's SEM, or the default reliability's when the score came without one (to one
    decimal, as scoring stores it, so a result saved without SEMs is judged alike)."""
    return round(sem(None), 1) if value is None else value


def standard_error(spread: float, n: int) -> float:
    """The standard error of a mean of n scores with this spread: how much a group's average
    would wobble with other people from the same group. A cohort's mentor/mentee gap is judged
    with it, through `threshold`, as one person's change is judged with the SEM."""
    return spread / math.sqrt(n)


def cronbach_alpha(responses: Sequence[Sequence[float]]) -> float | None:
    """Cronbach's alpha of a set of statements from complete responses (one row a person,
    one column a statement); None when it cannot be worked out (fewer than two statements
    or two people, or nobody's total differs)."""
    if len(responses) < 2:
        return None
    k = len(responses[0])
    if k < 2:
        return None
    columns = list(zip(*responses, strict=True))
    item_variance = sum(_variance(column) for column in columns)
    total_variance = _variance([sum(row) for row in responses])
    if total_variance == 0:
        return None
    return (k / (k - 1)) * (1.0 - item_variance / total_variance)


def spread(scores: Sequence[float]) -> float | None:
    """The standard deviation of scores between people; None for fewer than two."""
    return math.sqrt(_variance(scores)) if len(scores) >= 2 else None


def _variance(values: Sequence[float]) -> float:
    mean = sum(values) / len(values)
    return sum((v - mean) ** 2 for v in values) / (len(values) - 1)
