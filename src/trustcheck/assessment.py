"""An assessment: one person's scored answers, as stored and as the versioned JSON result."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from trustcheck import focus as focus_rules
from trustcheck import scoring
from trustcheck.checklist import Action, Checklist
from trustcheck.commitments import STATUSES, Commitment, Review
from trustcheck.errors import InputError, Problem
from trustcheck.focus import FocusArea, ObstacleFlag, Strength
from trustcheck.scoring import Answer, StrategyScore

SCHEMA = "trustcheck/result/v2"
SCHEMA_V1 = "trustcheck/result/v1"  # before commitments; still read, never written
READABLE_SCHEMAS = (SCHEMA, SCHEMA_V1)


@dataclass(frozen=True)
class ChecklistRef:
    """Which checklist was answered, exactly: later edits to it never change a stored result."""

    id: str
    version: str
    sha256: str
    title: str = ""


@dataclass(frozen=True)
class Assessment:
    id: str
    created_at: datetime
    role: str
    partner: str | None
    cohort: str | None
    checklist: ChecklistRef
    answers: Mapping[str, Answer]
    strategies: tuple[StrategyScore, ...]
    overall: float | None
    focus: tuple[FocusArea, ...]
    obstacles: tuple[ObstacleFlag, ...]
    strength: Strength | None
    commitments: tuple[Commitment, ...] = ()
    follow_through: tuple[Review, ...] = ()

    @property
    def band(self) -> str:
        return scoring.band(self.overall)

    @property
    def lowest(self) -> StrategyScore | None:
        scored = [s for s in self.strategies if s.score is not None]
        return min(scored, key=lambda s: s.score) if scored else None


def build(checklist: Checklist, answers: Mapping[str, Answer], *, role: str,
          partner: str | None, cohort: str | None, now: datetime, id: str,
          commitments: tuple[Commitment, ...] = (),
          follow_through: tuple[Review, ...] = ()) -> Assessment:
    """Score answers and choose focus areas: everything a result holds, computed once."""
    scores = scoring.score(checklist, answers)
    chosen = focus_rules.choose(checklist, scores)
    return Assessment(
        id=id,
        created_at=now.astimezone(timezone.utc).replace(microsecond=0),
        role=role,
        partner=partner,
        cohort=cohort,
        checklist=ChecklistRef(checklist.id, checklist.version, checklist.sha256,
                               checklist.title),
        answers={item.id: answers.get(item.id) for item in checklist.items},
        strategies=scores.strategies,
        overall=scores.overall,
        focus=chosen.areas,
        obstacles=chosen.obstacles,
        strength=chosen.strength,
        commitments=commitments,
        follow_through=follow_through,
    )


def iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def to_dict(assessment: Assessment) -> dict[str, Any]:
    """The documented JSON result object (docs/json.md), schema trustcheck/result/v2."""
    a = assessment
    return {
        "schema": SCHEMA,
        "id": a.id,
        "created_at": iso(a.created_at),
        "role": a.role,
        "partner": a.partner,
        "cohort": a.cohort,
        "checklist": {"id": a.checklist.id, "version": a.checklist.version,
                      "sha256": a.checklist.sha256, "title": a.checklist.title},
        "answers": dict(a.answers),
        "strategies": [
            {"id": s.id, "title": s.title, "group": s.group, "score": s.score,
             "answered": s.answered, "total": s.total, "band": s.band}
            for s in a.strategies
        ],
        "overall": a.overall,
        "band": a.band,
        "focus": [
            {"strategy": f.strategy, "title": f.title, "score": f.score, "reason": f.reason,
             "actions": [{"id": x.id, "text": x.text} for x in f.actions]}
            for f in a.focus
        ],
        "obstacles": [{"id": o.id, "title": o.title, "remedy": o.remedy, "reason": o.reason}
                      for o in a.obstacles],
        "strength": None if a.strength is None else {
            "strategy": a.strength.strategy, "title": a.strength.title,
            "score": a.strength.score, "reason": a.strength.reason},
        "commitments": [{"action": c.action, "text": c.text, "strategy": c.strategy}
                        for c in a.commitments],
        "follow_through": [{"action": r.action, "text": r.text, "made_in": r.made_in,
                            "made_at": iso(r.made_at), "status": r.status}
                           for r in a.follow_through],
    }


def from_dict(data: Mapping[str, Any], *, source: str = "") -> Assessment:
    """Read a result object back; raise InputError if it is not one we understand."""
    if not isinstance(data, Mapping):
        raise InputError(f"{source or 'The input'} is not a trustcheck result object.")
    schema = data.get("schema")
    if schema not in READABLE_SCHEMAS:
        raise InputError(
            f"{source or 'The input'} has result schema {schema!r}, which this version of "
            "trustcheck cannot read; please update trustcheck.")
    try:
        checklist = data["checklist"]
        strategies = tuple(
            StrategyScore(s["id"], s["title"], s["group"], s["score"], int(s["answered"]),
                          int(s["total"]))
            for s in data["strategies"]
        )
        areas = tuple(
            FocusArea(f["strategy"], f.get("title", f["strategy"]), f.get("score"), f["reason"],
                      tuple(Action(x["id"], x["text"]) for x in f.get("actions", ())))
            for f in data.get("focus", ())
        )
        obstacles = tuple(ObstacleFlag(o["id"], o["title"], o["remedy"], o.get("reason", ""))
                          for o in data.get("obstacles", ()))
        strength_data = data.get("strength")
        strength = None if not strength_data else Strength(
            strength_data["strategy"], strength_data["title"], strength_data["score"],
            strength_data.get("reason", ""))
        return Assessment(
            id=str(data["id"]),
            created_at=_moment(data["created_at"]),
            role=data["role"],
            partner=data.get("partner"),
            cohort=data.get("cohort"),
            checklist=ChecklistRef(checklist["id"], str(checklist["version"]),
                                   checklist["sha256"], checklist.get("title", "")),
            answers=dict(data.get("answers") or {}),  # scores-only: {} or null
            strategies=strategies,
            overall=data.get("overall"),
            focus=areas,
            obstacles=obstacles,
            strength=strength,
            commitments=tuple(Commitment(c["action"], c["text"], c["strategy"])
                              for c in data.get("commitments") or ()),
            follow_through=tuple(
                Review(r["action"], r["text"], r["made_in"], _moment(r["made_at"]),
                       _status(r["status"]))
                for r in data.get("follow_through") or ()),
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise InputError(
            f"{source or 'The input'} is not a complete trustcheck result object.",
            [Problem(f"missing or malformed field: {exc}", source)],
        ) from None


def _moment(text: object) -> datetime:
    moment = datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    if moment.tzinfo is None:
        raise ValueError(f"time {text} has no time zone")
    return moment.astimezone(timezone.utc)


def _status(text: object) -> str:
    if text not in STATUSES:
        raise ValueError(f"unknown commitment status {text!r}")
    return str(text)
