"""What two partners exchange (issue 11): scores only, from one check-in, the same shape on
both sides so both see the same figures.

A person's own side is made from their latest check-in with `from_assessment`; their
partner's side comes out of a sealed share file (`trustcheck share`). Never answers, notes,
commitments or names: only the two roles, dates, the checklist and scores.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from trustcheck.assessment import Assessment
    from trustcheck.scoring import StrategyScore


class SharedStrategy(NamedTuple):
    """One strategy's score as shared: None when there were too few answers (or it didn't
    come up), with its standard error of measurement."""

    id: str
    title: str
    score: float | None
    sem: float | None


class SharedScores(NamedTuple):
    """One partner's side of the exchange."""

    role: str  # mentor or mentee: whose side this is
    taken_at: datetime  # when the check-in was taken
    checklist: tuple[str, str, str]  # id, version and sha256 of the checklist answered
    strategies: tuple[SharedStrategy, ...]  # how they see themselves
    overall: float | None
    overall_sem: float | None
    felt_trust: SharedStrategy | None = None  # how much they trust their partner
    partner_view: tuple[SharedStrategy, ...] = ()  # how they see their partner, per strategy


def shared(score: StrategyScore) -> SharedStrategy:
    return SharedStrategy(score.id, score.title, score.score, score.sem)


def from_assessment(assessment: Assessment) -> SharedScores:
    """A person's own side, from one of their check-ins."""
    view = assessment.partner_view
    return SharedScores(
        role=assessment.role,
        taken_at=assessment.created_at,
        checklist=(assessment.checklist.id, assessment.checklist.version,
                   assessment.checklist.sha256),
        strategies=tuple(shared(s) for s in assessment.strategies),
        overall=assessment.overall,
        overall_sem=assessment.overall_sem,
        felt_trust=None if view is None or view.felt_trust is None else shared(view.felt_trust),
        partner_view=() if view is None else tuple(shared(s) for s in view.strategies),
    )
