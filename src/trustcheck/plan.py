"""Pure: the plan of `trustcheck focus` for one relationship.

The focus areas stored with the latest check-in, what slipped since the previous one, the
strengths to keep, and how the commitments went.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from trustcheck.checklist import Action, Checklist
from trustcheck.commitments import STATUSES, follow_through_rate
from trustcheck.dates import iso
from trustcheck.focus import (
    STRENGTH_FROM,
    ObstacleFlag,
    change,
    felt_trust_note,
    moved,
    overall_moved,
    overall_sem,
    points,
)
from trustcheck.records import OpenCommitment, Review
from trustcheck.reliability import Difference, sem_or_default
from trustcheck.scoring import ScoredStrategy, StrategyScore, band, scored

if TYPE_CHECKING:
    from trustcheck.assessment import Assessment

# v2: a strategy slipped when it dropped by more than the reliable-change threshold for its two
# scores (it was 10 points or more in v1); items and check-ins carry their SEMs.
FOCUS_SCHEMA = "trustcheck/focus/v2"
MAX_STRENGTHS = 2


class PlanItem(NamedTuple):
    """One strategy in the plan, with why it was chosen (in numbers) and what to try."""

    strategy: str
    title: str
    score: float | None
    previous_score: float | None
    change: float | None
    reason: str
    actions: tuple[Action, ...] = ()
    note: str = ""  # why there are no actions, when a slipped strategy has none to show
    sem: float | None = None  # of `score`, in points
    # The reliable-change threshold for `score` against `previous_score` and the verdict:
    # "higher", "lower" or "about the same"; None without a previous score.
    threshold: float | None = None
    direction: str | None = None


class FollowThrough(NamedTuple):
    """How the reviewed commitments of one relationship went."""

    rate: float | None  # 0 to 100 (partly counts half); None before any review
    reviewed: int
    counts: Mapping[str, int]  # by status: done, partly, not_done


class Plan(NamedTuple):
    """What to work on next in one relationship, from its latest check-in and the trend."""

    latest: Assessment
    previous: Assessment | None
    lowest: tuple[PlanItem, ...]
    slipped: tuple[PlanItem, ...]
    obstacles: tuple[ObstacleFlag, ...]
    strengths: tuple[PlanItem, ...]
    follow_through: FollowThrough
    open_commitments: tuple[OpenCommitment, ...] = ()
    # Latest overall minus the previous check-in's; None without a previous one.
    overall_change: float | None = None
    overall_direction: str | None = None  # by the reliable-change rule, as PlanItem.direction
    # A kind sentence when felt trust in the partner is low (focus.felt_trust_note), else "".
    felt_trust: str = ""


def _signed(points: float) -> str:
    return f"{abs(points):g} point" + ("" if abs(points) == 1 else "s")


def _trend_sentence(found: Difference | None, before: float | None) -> str:
    if found is None or before is None:
        return ""
    if found.points == 0:
        return f" The same as at your previous check-in ({points(before)})."
    way = "Up" if found.points > 0 else "Down"
    if found.direction == "about the same":
        # Noise is not a change: no number of points, only the score then and the noise.
        return (f" About the same as at your previous check-in ({points(before)} then; the "
                f"difference is within the {points(found.threshold)} points answers can "
                "wobble by).")
    return f" {way} {_signed(found.points)} since your previous check-in ({points(before)} then)."


def _sem(strategy: StrategyScore | ScoredStrategy) -> float | None:
    """The SEM a score is judged with (the default one for a result saved without)."""
    return None if strategy.score is None else sem_or_default(strategy.sem)


def _judged(found: Difference | None) -> dict[str, Any]:
    return {"threshold": None if found is None else found.threshold,
            "direction": None if found is None else found.direction}


def follow_through(reviews: Iterable[Review]) -> FollowThrough:
    """The follow-through rate and how many commitments were done, partly done or not done."""
    listed = list(reviews)
    counts = {status: sum(1 for r in listed if r.status == status) for status in STATUSES}
    return FollowThrough(follow_through_rate(listed), len(listed), counts)


def _no_actions_note(checklist: Checklist | None, checklist_id: str, strategy_id: str) -> str:
    if checklist is None:
        return (f"The checklist '{checklist_id}' is not on this computer any more, so its "
                "suggested actions cannot be shown; `trustcheck checklists list` shows the "
                "checklists you have.")
    if checklist.strategy(strategy_id) is None:
        return (f"The checklist '{checklist_id}' on this computer no longer has this strategy, "
                "so its suggested actions cannot be shown.")
    return f"The checklist '{checklist_id}' suggests no actions for this strategy."


def plan(latest: Assessment, previous: Assessment | None, reviews: Iterable[Review], *,
         checklist: Checklist | None = None,
         open_commitments: Sequence[OpenCommitment] = ()) -> Plan:
    """What to work on next in one relationship.

    - lowest: the focus areas stored with the latest check-in (up to three strategies below 80,
      lowest first), with their actions and the change since the previous check-in;
    - slipped: other strategies that dropped by more than the reliable-change threshold for
      their two scores (reliability.py) since the previous check-in, biggest drop first, with
      the actions of `checklist` (the latest check-in's
      checklist as found on this computer now, or None when it is gone);
    - obstacles: those stored with the latest check-in (signal strategies averaging below 60);
    - strengths: up to MAX_STRENGTHS of the highest other strategies scoring 60 or more;
    - follow-through: from the reviews of this relationship's commitments.
    """
    earlier_scores = {} if previous is None else {s.id: s for s in previous.strategies}
    before = {key: s.score for key, s in earlier_scores.items()}
    now = {s.id: s for s in latest.strategies}
    judged = {s.id: moved(s, earlier_scores.get(s.id)) for s in latest.strategies}

    def sem(strategy_id: str) -> float | None:
        found = now.get(strategy_id)
        return None if found is None else _sem(found)

    lowest = tuple(
        PlanItem(area.strategy, area.title, area.score, before.get(area.strategy),
                 change(area.score, before.get(area.strategy)),
                 area.reason + _trend_sentence(judged.get(area.strategy),
                                               before.get(area.strategy)),
                 area.actions, "", sem(area.strategy), **_judged(judged.get(area.strategy)))
        for area in latest.focus
    )
    taken = {item.strategy for item in lowest}

    order = {s.id: index for index, s in enumerate(latest.strategies)}
    drops = []
    for strategy in scored(latest.strategies):
        found_change = judged[strategy.id]
        # A drop within the noise of the two scores is not called a slip (issue 10).
        if found_change is not None and found_change.direction == "lower" \
                and strategy.id not in taken:
            earlier = before[strategy.id]
            assert earlier is not None  # a change is judged only between two scores
            drops.append((found_change, order[strategy.id], strategy, earlier))
    slipped = []
    for found_change, _, strategy, earlier in sorted(drops, key=lambda d: (d[0].points, d[1])):
        found = checklist.strategy(strategy.id) if checklist is not None else None
        why = f" {found.why}" if found is not None and found.why else ""
        actions = found.actions if found is not None else ()
        slipped.append(PlanItem(
            strategy.id, strategy.title, strategy.score, earlier, found_change.points,
            f"Down {_signed(found_change.points)} since your previous check-in, from "
            f"{points(earlier)} to {points(strategy.score)} of 100 "
            f"({strategy.band}), more than the {points(found_change.threshold)} points answers "
            f"can wobble by.{why}",
            actions,
            "" if actions else _no_actions_note(checklist, latest.checklist.id, strategy.id),
            _sem(strategy), **_judged(found_change)))
    taken |= {item.strategy for item in slipped}

    best = sorted((s for s in scored(latest.strategies)
                   if s.score >= STRENGTH_FROM and s.id not in taken),
                  key=lambda s: (-s.score, order[s.id]))[:MAX_STRENGTHS]
    scores = [s.score for s in scored(latest.strategies)]

    def standing(score: float) -> str:
        # Ranked among all strategies: the very highest may have slipped and be listed above.
        higher = sum(1 for other in scores if other > score)
        return ("your highest", "your second highest")[higher] if higher < 2 \
            else "one of your strongest"

    strengths = tuple(
        PlanItem(s.id, s.title, s.score, before.get(s.id), change(s.score, before.get(s.id)),
                 f"Scored {points(s.score)} of 100 ({band(s.score)}), {standing(s.score)}."
                 + _trend_sentence(judged.get(s.id), before.get(s.id)),
                 (), "", _sem(s), **_judged(judged.get(s.id)))
        for s in best
    )
    overall = None if previous is None else overall_moved(latest, previous)
    return Plan(latest, previous, lowest, tuple(slipped), latest.obstacles, strengths,
                follow_through(reviews), tuple(open_commitments),
                change(latest.overall, None if previous is None else previous.overall),
                None if overall is None else overall.direction, felt_trust_note(latest))


def plan_to_dict(found: Plan) -> dict[str, Any]:
    """The documented `trustcheck/focus/v2` object of `focus --format json` (docs/json.md)."""
    def check_in(a: Assessment | None) -> dict[str, Any] | None:
        if a is None:
            return None
        sem = overall_sem(a.strategies)
        return {"id": a.id, "created_at": iso(a.created_at), "overall": a.overall,
                "overall_sem": None if sem is None else round(sem, 1),
                "band": a.band, "checklist": {"id": a.checklist.id,
                                              "version": a.checklist.version}}

    def item(i: PlanItem) -> dict[str, Any]:
        return {"strategy": i.strategy, "title": i.title, "score": i.score, "sem": i.sem,
                "previous_score": i.previous_score, "change": i.change,
                "threshold": i.threshold, "direction": i.direction, "reason": i.reason,
                "actions": [{"id": a.id, "text": a.text} for a in i.actions],
                "note": i.note or None}

    latest = found.latest
    return {
        "schema": FOCUS_SCHEMA,
        "role": latest.role,
        "partner": latest.partner,
        "latest": check_in(latest),
        "previous": check_in(found.previous),
        "overall_change": found.overall_change,
        "overall_direction": found.overall_direction,
        "lowest": [item(i) for i in found.lowest],
        "slipped": [item(i) for i in found.slipped],
        "obstacles": [{"id": o.id, "title": o.title, "reason": o.reason, "remedy": o.remedy}
                      for o in found.obstacles],
        "strengths": [{k: v for k, v in item(i).items() if k not in ("actions", "note")}
                      for i in found.strengths],
        "follow_through": {"rate": found.follow_through.rate,
                           "reviewed": found.follow_through.reviewed,
                           **dict(found.follow_through.counts)},
        "open_commitments": [
            {"action": o.commitment.action, "text": o.commitment.text,
             "strategy": o.commitment.strategy, "made_in": o.made_in,
             "made_at": iso(o.made_at)}
            for o in found.open_commitments],
        "felt_trust": found.felt_trust or None,
    }

