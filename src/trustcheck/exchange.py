"""What two partners exchange (issue 11): scores only, from one check-in, the same shape on
both sides so both see the same figures.

A person's own side is made from their latest check-in with `from_assessment`; their
partner's side comes out of a sealed share file (`trustcheck share`). Never answers, notes,
commitments or names: only the two roles, dates, the checklist and scores. `to_dict` and
`from_dict` are the one writer and reader of a side as JSON (sealed in share files, or a plain
scores file).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, NamedTuple

from trustcheck.errors import InputError, Problem
from trustcheck.records import ROLES

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


# --- as JSON ---------------------------------------------------------------------------------

MAX_TEXT = 10_000  # a title or id longer than this is not one trustcheck wrote


def to_dict(scores: SharedScores) -> dict[str, Any]:
    """One side as JSON: roles, dates, checklist and scores, nothing else."""
    from trustcheck.dates import iso

    return {
        "role": scores.role,
        "taken_at": iso(scores.taken_at),
        "checklist": dict(zip(("id", "version", "sha256"), scores.checklist, strict=True)),
        "strategies": [_strategy(s) for s in scores.strategies],
        "overall": scores.overall,
        "overall_sem": scores.overall_sem,
        "felt_trust": None if scores.felt_trust is None else _strategy(scores.felt_trust),
        "partner_view": [_strategy(s) for s in scores.partner_view],
    }


def _strategy(s: SharedStrategy) -> dict[str, Any]:
    return {"id": s.id, "title": s.title, "score": s.score, "sem": s.sem}


def from_dict(data: Any, source: str) -> SharedScores:
    """A side from its JSON form (other keys are ignored); InputError naming every problem."""
    problems: list[Problem] = []
    if not isinstance(data, Mapping):
        data = {}
        problems.append(Problem("it is not a JSON object", source))
    role = data.get("role")
    if role not in ROLES:
        problems.append(Problem("'role' should be mentor or mentee", source))
    taken_at = None
    try:
        taken_at = moment(data.get("taken_at"))
    except (TypeError, ValueError):
        problems.append(Problem("'taken_at' should be a date and time", source))
    checklist = data.get("checklist")
    if isinstance(checklist, Mapping):
        checklist = [checklist.get(key) for key in ("id", "version", "sha256")]
    if not (isinstance(checklist, list) and len(checklist) == 3
            and all(_is_text(part) for part in checklist)):
        problems.append(Problem("'checklist' should give its id, version and sha256", source))
        checklist = ["", "", ""]
    strategies = _strategies(data.get("strategies"), "strategies", problems, source)
    partner_view = _strategies(data.get("partner_view", []), "partner_view", problems, source)
    felt = _strategies([data["felt_trust"]] if data.get("felt_trust") is not None else [],
                       "felt_trust", problems, source)
    overall = _number(data.get("overall"), "overall", problems, source)
    overall_sem = _number(data.get("overall_sem"), "overall_sem", problems, source)
    if problems or taken_at is None:
        raise InputError(f"{source} is not a scores file trustcheck can read; please ask your "
                         "partner for the file again.", problems)
    return SharedScores(role, taken_at, (checklist[0], checklist[1], checklist[2]), strategies,
                        overall, overall_sem, felt[0] if felt else None, partner_view)


def _is_text(value: Any) -> bool:
    return isinstance(value, str) and len(value) <= MAX_TEXT


def _strategies(value: Any, key: str, problems: list[Problem],
                source: str) -> tuple[SharedStrategy, ...]:
    if not isinstance(value, list):
        problems.append(Problem(f"'{key}' should be a list of strategies", source))
        return ()
    found = []
    for entry in value:
        if not (isinstance(entry, Mapping) and _is_text(entry.get("id"))
                and _is_text(entry.get("title"))):
            problems.append(Problem(f"each of '{key}' should have an id and a title", source))
            continue
        score = _number(entry.get("score"), f"{key} score", problems, source)
        sem = _number(entry.get("sem"), f"{key} sem", problems, source)
        if score is not None and not 0 <= score <= 100:
            problems.append(Problem(f"a '{key}' score should be from 0 to 100", source))
        found.append(SharedStrategy(entry["id"], entry["title"], score, sem))
    return tuple(found)


def _number(value: Any, key: str, problems: list[Problem], source: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) \
            or not math.isfinite(value) or value < 0:
        problems.append(Problem(f"'{key}' should be a number", source))
        return None
    return float(value)


def moment(text: Any) -> datetime:
    """A UTC time as trustcheck writes it (2026-11-30T18:30:00Z); ValueError or TypeError
    for anything else, a time without its time zone included."""
    if not isinstance(text, str):
        raise TypeError("not text")
    found = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if found.tzinfo is None:
        raise ValueError("a time without its time zone")
    return found.astimezone(timezone.utc)
