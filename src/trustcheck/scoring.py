"""Pure scoring: answers in, strategy scores, the overall trust index and bands out."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Literal, NamedTuple

from trustcheck import reliability

# The bands live in their own small module, so `history` can show them without this one.
from trustcheck.bands import BANDS, NOT_ENOUGH, band  # noqa: F401
from trustcheck.checklist import Checklist, Scale, Strategy
from trustcheck.records import DIDNT_COME_UP

# The answer to a statement about an event that did not happen (a disagreement, feedback), as
# stored and as written in answers files: it is neither an answer nor a skip.
NotCameUp = Literal["didn't come up"]
NOT_CAME_UP: NotCameUp = "didn't come up"

# None means skipped / not applicable; NOT_CAME_UP that the event did not happen.
Answer = int | NotCameUp | None


class StrategyScore(NamedTuple):
    """How one strategy came out: score is None when more than half its statements didn't come
    up, or fewer than half of those that came up were answered."""

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
        if self.score is None and mostly_not_came_up(self.not_came_up, self.total):
            return DIDNT_COME_UP
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


class PartnerScores(NamedTuple):
    """The partner view: how a person sees their partner. `felt_trust` is how much they trust
    them (None when that part was not answered enough for a score); `strategies` scores what
    the partner did, for each strategy of the partner's role and each shared one, under the
    same strategy ids as the partner's own checklist, so the two views can be set side by side.
    """

    felt_trust: StrategyScore | None
    strategies: tuple[StrategyScore, ...]


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


def mostly_not_came_up(not_came_up: int, total: int) -> bool:
    """More than half of a strategy's statements didn't come up: too little happened to say
    anything about it this time, so it gets no score."""
    return not_came_up * 2 > total


def enough(answered: int, not_came_up: int, total: int) -> bool:
    """Whether answers are enough for a score: at least half of the statements that came up
    ("didn't come up" is neither an answer nor a skip), and at least one."""
    return answered > 0 and answered >= needed(total - not_came_up)


def score_strategy(strategy: Strategy, answers: Mapping[str, Answer],
                   scale: Scale) -> StrategyScore:
    given = [(answers.get(item.id), item.reverse) for item in strategy.items]
    points = [item_points(value, scale, reverse) for value, reverse in given
              if isinstance(value, int)]
    not_came_up = sum(1 for value, _ in given if value == NOT_CAME_UP)
    total = len(strategy.items)
    score = (sum(points) / len(points)
             if not mostly_not_came_up(not_came_up, total)
             and enough(len(points), not_came_up, total) else None)
    return StrategyScore(strategy.id, strategy.title, strategy.group,
                         _round(score), len(points), total, not_came_up,
                         None if score is None else _sem(strategy.reliability))


def score(checklist: Checklist, answers: Mapping[str, Answer]) -> Scores:
    """Score every strategy of a checklist; the overall index averages those with a score."""
    strategies = tuple(score_strategy(s, answers, checklist.scale) for s in checklist.strategies)
    scored = [s.score for s in strategies if s.score is not None]
    overall = _round(sum(scored) / len(scored)) if scored else None
    sems = [s.sem for s in strategies if s.sem is not None]
    return Scores(strategies, overall, _round(reliability.overall_sem(sems)))


def score_partner(checklist: Checklist, answers: Mapping[str, Answer]) -> PartnerScores | None:
    """Score the partner view like the self part; None when the checklist has none or the
    person left that part out (not one of its statements has an answer)."""
    part = checklist.partner_view
    if part is None or all(answers.get(item.id) is None for item in part.items):
        return None
    felt_trust = score_strategy(part.felt_trust, answers, checklist.scale)
    return PartnerScores(
        None if felt_trust.score is None else felt_trust,
        tuple(score_strategy(s, answers, checklist.scale) for s in part.strategies))


def _sem(stated: float | None) -> float | None:
    return _round(reliability.sem(stated))


def _round(value: float | None) -> float | None:
    # One decimal is as precise as a self-report deserves, and keeps JSON stable.
    return None if value is None else round(value, 1)
