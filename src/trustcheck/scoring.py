"""Pure scoring: answers in, strategy scores, the overall trust index and bands out."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import NamedTuple

# The bands live in their own small module, so `history` can show them without this one.
from trustcheck.bands import BANDS, NOT_ENOUGH, band  # noqa: F401
from trustcheck.checklist import Checklist, Scale, Strategy

Answer = int | None  # None means skipped / not applicable


class StrategyScore(NamedTuple):
    """How one strategy came out: score is None when fewer than half its items were answered."""

    id: str
    title: str
    group: str
    score: float | None
    answered: int
    total: int
    # How many statements "didn't come up" (neither answered nor skipped).
    not_came_up: int = 0
    # The standard error of measurement of `score`, in points (see reliability.py).
    sem: float | None = None

    @property
    def band(self) -> str:
        return band(self.score)


class ScoredStrategy(NamedTuple):
    """A strategy with enough answers to have a score (so its score is never None)."""

    id: str
    title: str
    group: str
    score: float
    answered: int
    total: int
    not_came_up: int = 0
    sem: float | None = None

    @property
    def band(self) -> str:
        return band(self.score)


class Scores(NamedTuple):
    """Every strategy's score and the overall trust index (mean of the scored strategies)."""

    strategies: tuple[StrategyScore, ...]
    overall: float | None
    overall_sem: float | None = None

    @property
    def band(self) -> str:
        return band(self.overall)

    def scored(self) -> list[ScoredStrategy]:
        return scored(self.strategies)

    def get(self, strategy_id: str) -> StrategyScore | None:
        return next((s for s in self.strategies if s.id == strategy_id), None)


def scored(strategies: Iterable[StrategyScore]) -> list[ScoredStrategy]:
    """The strategies that have a score, in their order."""
    return [ScoredStrategy(s.id, s.title, s.group, s.score, s.answered, s.total,
                           s.not_came_up, s.sem)
            for s in strategies if s.score is not None]


def item_points(value: int, scale: Scale, reverse: bool) -> float:
    """One answer as 0..100, where 100 is always the most trust-building answer."""
    if reverse:
        value = scale.low + scale.high - value
    return (value - scale.low) / (scale.high - scale.low) * 100.0


def needed(total: int) -> int:
    """How many of a strategy's items must be answered for it to be scored: at least half."""
    return math.ceil(total / 2)


def score_strategy(strategy: Strategy, answers: Mapping[str, Answer],
                   scale: Scale) -> StrategyScore:
    given = ((answers.get(item.id), item.reverse) for item in strategy.items)
    points = [item_points(value, scale, reverse) for value, reverse in given if value is not None]
    total = len(strategy.items)
    score = sum(points) / len(points) if points and len(points) >= needed(total) else None
    return StrategyScore(strategy.id, strategy.title, strategy.group,
                         _round(score), len(points), total)


def score(checklist: Checklist, answers: Mapping[str, Answer]) -> Scores:
    """Score every strategy of a checklist; the overall index averages those with a score."""
    strategies = tuple(score_strategy(s, answers, checklist.scale) for s in checklist.strategies)
    scored = [s.score for s in strategies if s.score is not None]
    overall = _round(sum(scored) / len(scored)) if scored else None
    return Scores(strategies, overall)


def _round(value: float | None) -> float | None:
    # One decimal is as precise as a self-report deserves, and keeps JSON stable.
    return None if value is None else round(value, 1)
