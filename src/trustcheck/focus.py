"""Pure rules for what to work on next: lowest strategies, signalled obstacles, a strength.

Also the change against the previous check-in, which `assess` shows. The plan of
`trustcheck focus`, which adds the trend and follow-through, is in plan.py.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any, NamedTuple, overload

from trustcheck import reliability
from trustcheck.checklist import Action, Checklist
from trustcheck.dates import iso
from trustcheck.scoring import ScoredStrategy, Scores, StrategyScore, scored

if TYPE_CHECKING:
    from trustcheck.assessment import Assessment

MAX_FOCUS = 3
FOCUS_BELOW = 80.0  # a strategy already "strong" is not a focus area
OBSTACLE_BELOW = 60.0  # signal strategies averaging under "solid" flag the obstacle
STRENGTH_FROM = 60.0  # a strength to keep must be at least "solid"


class FocusArea(NamedTuple):
    strategy: str
    title: str
    score: float
    reason: str
    actions: tuple[Action, ...]


class ObstacleFlag(NamedTuple):
    id: str
    title: str
    remedy: str
    reason: str


class Strength(NamedTuple):
    strategy: str
    title: str
    score: float
    reason: str


class Focus(NamedTuple):
    areas: tuple[FocusArea, ...]
    obstacles: tuple[ObstacleFlag, ...]
    strength: Strength | None


def points(score: float) -> str:
    """A score as people read it: 72.5, 80 (no trailing .0)."""
    return f"{score:g}"


def choose(checklist: Checklist, scores: Scores) -> Focus:
    """Pick up to three focus areas, every signalled obstacle and one strength to keep."""
    order = {s.id: index for index, s in enumerate(checklist.strategies)}
    by_id = {s.id: s for s in checklist.strategies}
    ranked = sorted(scores.scored(), key=lambda s: (s.score, order[s.id]))
    low = [s for s in ranked if s.score < FOCUS_BELOW][:MAX_FOCUS]
    areas = []
    for rank, result in enumerate(low):
        strategy = by_id[result.id]
        position = "your lowest score" if rank == 0 else f"number {rank + 1} from the bottom"
        areas.append(FocusArea(
            strategy=result.id,
            title=result.title,
            score=result.score,
            reason=f"Scored {points(result.score)} of 100 ({result.band}), {position}. "
                   f"{strategy.why}".strip(),
            actions=strategy.actions,
        ))

    obstacles = []
    for obstacle in checklist.obstacles:
        known = scored(found for found in map(scores.get, obstacle.signals) if found is not None)
        if not known:
            continue
        mean = sum(s.score for s in known) / len(known)
        if mean < OBSTACLE_BELOW:
            names = ", ".join(f"{s.title} {points(s.score)}" for s in known)
            obstacles.append(ObstacleFlag(
                obstacle.id, obstacle.title, obstacle.remedy,
                reason=f"Its warning signs average {points(round(mean, 1))} of 100 ({names}).",
            ))

    chosen = {a.strategy for a in areas}
    strength = None
    best = sorted((s for s in ranked if s.score >= STRENGTH_FROM and s.id not in chosen),
                  key=lambda s: (-s.score, order[s.id]))
    if best:
        top = best[0]
        strength = Strength(top.id, top.title, top.score,
                            f"Scored {points(top.score)} of 100 ({top.band}), your highest.")
    return Focus(tuple(areas), tuple(obstacles), strength)


# Felt trust under "solid" is worth naming: it is how safe a person feels with their partner.
FELT_TRUST_LOW = 60.0


def felt_trust_note(result: Assessment) -> str:
    """A kind sentence when a person's felt trust in their partner is low, else "". Felt trust
    is not a strategy with actions to try: it is named, never given a to-do."""
    part = result.partner_view
    felt = None if part is None else part.felt_trust
    if felt is None or felt.score is None or felt.score >= FELT_TRUST_LOW:
        return ""
    partner = "mentee" if result.role == "mentor" else "mentor"
    return (f"Your felt trust in your {partner} is {points(felt.score)} of 100 ({felt.band}). "
            f"This is about how safe you feel with your {partner}, not something to fix with "
            "an action; consider talking about it with them, or with someone you trust.")


# --- change since the previous check-in (`trustcheck assess`) ---------------------------------

class Progress(NamedTuple):
    """How a check-in compares with the previous one of the same role and partner."""

    id: str  # the previous assessment
    created_at: datetime
    overall_change: float | None
    strategies: Mapping[str, float | None]  # every strategy of the newer check-in, in order
    # Per strategy (and overall): "higher", "lower" or "about the same" by the reliable-change
    # rule (reliability.py), None where there is no change to judge.
    directions: Mapping[str, reliability.Direction | None] = {}
    overall_direction: reliability.Direction | None = None


@overload
def change(now: float, before: float) -> float: ...
@overload
def change(now: float | None, before: float | None) -> float | None: ...
def change(now: float | None, before: float | None) -> float | None:
    """Points gained (positive) or lost since before, to one decimal; None if either is missing."""
    if now is None or before is None:
        return None
    return round(now - before, 1) + 0.0  # + 0.0 turns -0.0 into 0.0


def moved(now: StrategyScore | ScoredStrategy,
          before: StrategyScore | ScoredStrategy | None) -> reliability.Difference | None:
    """How a strategy's score changed since an earlier check-in, judged by the reliable-change
    rule with each score's own SEM; None when either has no score."""
    if before is None or now.score is None or before.score is None:
        return None
    return reliability.difference(before.score, now.score, before.sem, now.sem)


def overall_sem(strategies: tuple[StrategyScore, ...]) -> float | None:
    """The SEM of a check-in's overall index, from its scored strategies' SEMs (the default
    one for a strategy saved without)."""
    return reliability.overall_sem([reliability.sem_or_default(s.sem) for s in scored(strategies)])


def overall_moved(latest: Assessment, previous: Assessment) -> reliability.Difference | None:
    """How the overall index changed, judged by the reliable-change rule."""
    if latest.overall is None or previous.overall is None:
        return None
    return reliability.difference(previous.overall, latest.overall,
                                  overall_sem(previous.strategies),
                                  overall_sem(latest.strategies))


def progress(latest: Assessment, previous: Assessment | None) -> Progress | None:
    """The change of the overall index and of every strategy since the previous check-in."""
    if previous is None:
        return None
    before = {s.id: s for s in previous.strategies}
    judged = {s.id: moved(s, before.get(s.id)) for s in latest.strategies}
    overall = overall_moved(latest, previous)
    return Progress(
        id=previous.id,
        created_at=previous.created_at,
        overall_change=change(latest.overall, previous.overall),
        strategies={s.id: change(s.score, getattr(before.get(s.id), "score", None))
                    for s in latest.strategies},
        directions={key: None if found is None else found.direction
                    for key, found in judged.items()},
        overall_direction=None if overall is None else overall.direction,
    )


def progress_to_dict(found: Progress | None) -> dict[str, Any] | None:
    """The documented `compared_to` object of `assess --format json` (docs/json.md)."""
    if found is None:
        return None
    return {"id": found.id, "created_at": iso(found.created_at),
            "overall_change": found.overall_change, "strategies": dict(found.strategies),
            "overall_direction": found.overall_direction,
            "directions": {key: found.directions.get(key) for key in found.strategies}}
