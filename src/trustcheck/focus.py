"""Pure rules for what to work on next: lowest strategies, signalled obstacles, a strength."""

from __future__ import annotations

from dataclasses import dataclass

from trustcheck.checklist import Action, Checklist
from trustcheck.scoring import Scores

MAX_FOCUS = 3
FOCUS_BELOW = 80.0  # a strategy already "strong" is not a focus area
OBSTACLE_BELOW = 60.0  # signal strategies averaging under "solid" flag the obstacle
STRENGTH_FROM = 60.0  # a strength to keep must be at least "solid"


@dataclass(frozen=True)
class FocusArea:
    strategy: str
    title: str
    score: float
    reason: str
    actions: tuple[Action, ...]


@dataclass(frozen=True)
class ObstacleFlag:
    id: str
    title: str
    remedy: str
    reason: str


@dataclass(frozen=True)
class Strength:
    strategy: str
    title: str
    score: float
    reason: str


@dataclass(frozen=True)
class Focus:
    areas: tuple[FocusArea, ...]
    obstacles: tuple[ObstacleFlag, ...]
    strength: Strength | None


def _points(score: float) -> str:
    return f"{score:g}"


def choose(checklist: Checklist, scores: Scores) -> Focus:
    """Pick up to three focus areas, every signalled obstacle and one strength to keep."""
    order = {s.id: index for index, s in enumerate(checklist.strategies)}
    scored = sorted(scores.scored(), key=lambda s: (s.score, order[s.id]))
    low = [s for s in scored if s.score < FOCUS_BELOW][:MAX_FOCUS]
    areas = []
    for rank, result in enumerate(low):
        strategy = checklist.strategy(result.id)
        position = "your lowest score" if rank == 0 else f"number {rank + 1} from the bottom"
        areas.append(FocusArea(
            strategy=result.id,
            title=result.title,
            score=result.score,
            reason=f"Scored {_points(result.score)} of 100 ({result.band}), {position}. "
                   f"{strategy.why}".strip(),
            actions=strategy.actions,
        ))

    obstacles = []
    for obstacle in checklist.obstacles:
        signal_scores = [scores.get(s) for s in obstacle.signals]
        known = [s for s in signal_scores if s is not None and s.score is not None]
        if not known:
            continue
        mean = sum(s.score for s in known) / len(known)
        if mean < OBSTACLE_BELOW:
            names = ", ".join(f"{s.title} {_points(s.score)}" for s in known)
            obstacles.append(ObstacleFlag(
                obstacle.id, obstacle.title, obstacle.remedy,
                reason=f"Its warning signs average {mean:.1f} of 100 ({names}).",
            ))

    chosen = {a.strategy for a in areas}
    strength = None
    best = sorted((s for s in scored if s.score >= STRENGTH_FROM and s.id not in chosen),
                  key=lambda s: (-s.score, order[s.id]))
    if best:
        top = best[0]
        strength = Strength(top.id, top.title, top.score,
                            f"Scored {_points(top.score)} of 100 ({top.band}), your highest.")
    return Focus(tuple(areas), tuple(obstacles), strength)
