"""An assessment: one person's scored answers, as stored and as the versioned JSON result."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from datetime import datetime, timezone
from typing import Any, NamedTuple

from trustcheck import focus, scoring
from trustcheck.answers import MAX_LABEL
from trustcheck.checklist import FELT_TRUST, ROLES, Action, Checklist, is_id
from trustcheck.commitments import STATUSES
from trustcheck.dates import iso
from trustcheck.errors import InputError, Problem
from trustcheck.focus import FocusArea, ObstacleFlag, Strength
from trustcheck.records import Commitment, Review
from trustcheck.scoring import Answer, StrategyScore

SCHEMA = "trustcheck/result/v3"
SCHEMA_V2 = "trustcheck/result/v2"  # before "didn't come up" and SEMs; still read, never written
SCHEMA_V1 = "trustcheck/result/v1"  # before commitments; still read, never written
READABLE_SCHEMAS = (SCHEMA, SCHEMA_V2, SCHEMA_V1)
ID_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,64}$")  # the one id rule for every result
_ID = ID_PATTERN


class ChecklistRef(NamedTuple):
    """Which checklist was answered, exactly: later edits to it never change a stored result."""

    id: str
    version: str
    sha256: str
    title: str = ""


class Assessment(NamedTuple):
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
    # The standard error of measurement of `overall`, in points (None: not worked out).
    overall_sem: float | None = None
    # How this person sees their partner, when they answered that part (issue 11).
    partner_view: scoring.PartnerScores | None = None

    @property
    def band(self) -> str:
        return scoring.band(self.overall)

    @property
    def not_came_up(self) -> int:
        """How many statements didn't come up this time."""
        # From the strategies, which scores-only results keep too.
        return sum(s.not_came_up for s in self.strategies)

    @property
    def lowest(self) -> scoring.ScoredStrategy | None:
        scored = scoring.scored(self.strategies)
        return min(scored, key=lambda s: s.score) if scored else None


def build(checklist: Checklist, answers: Mapping[str, Answer], *, role: str,
          partner: str | None, cohort: str | None, now: datetime, id: str,
          commitments: tuple[Commitment, ...] = (),
          follow_through: tuple[Review, ...] = ()) -> Assessment:
    """Score answers and choose focus areas: everything a result holds, computed once."""
    scores = scoring.score(checklist, answers)
    chosen = focus.choose(checklist, scores)
    partner_view = scoring.score_partner(checklist, answers)
    # The partner view's answers are kept only when that part was answered at all.
    items = checklist.items + (checklist.partner_items if partner_view is not None else ())
    return Assessment(
        id=id,
        created_at=now.astimezone(timezone.utc).replace(microsecond=0),
        role=role,
        partner=partner,
        cohort=cohort,
        checklist=ChecklistRef(checklist.id, checklist.version, checklist.sha256,
                               checklist.title),
        answers={item.id: answers.get(item.id) for item in items},
        strategies=scores.strategies,
        overall=scores.overall,
        focus=chosen.areas,
        obstacles=chosen.obstacles,
        strength=chosen.strength,
        commitments=commitments,
        follow_through=follow_through,
        overall_sem=scores.overall_sem,
        partner_view=partner_view,
    )


def _strategy_to_dict(s: StrategyScore) -> dict[str, Any]:
    return {"id": s.id, "title": s.title, "group": s.group, "score": s.score, "sem": s.sem,
            "answered": s.answered, "total": s.total, "not_came_up": s.not_came_up,
            "band": s.band}


def partner_view_to_dict(partner_view: scoring.PartnerScores | None) -> dict[str, Any] | None:
    """The result's "partner_view": felt trust and the partner's strategies, or None."""
    if partner_view is None:
        return None
    felt_trust = partner_view.felt_trust
    return {"felt_trust": None if felt_trust is None else _strategy_to_dict(felt_trust),
            "strategies": [_strategy_to_dict(s) for s in partner_view.strategies]}


def to_dict(assessment: Assessment) -> dict[str, Any]:
    """The documented JSON result object (docs/json.md), schema trustcheck/result/v3."""
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
        "strategies": [_strategy_to_dict(s) for s in a.strategies],
        "overall": a.overall,
        "overall_sem": a.overall_sem,
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
        "partner_view": partner_view_to_dict(a.partner_view),
    }


def from_dict(data: Mapping[str, Any], *, source: str = "") -> Assessment:
    """Read a result object back; raise InputError if it is not one we understand.

    Every field is checked (see `checked`), so a result edited by hand cannot crash later.
    """
    result, wrong = checked(data, source=source)
    if wrong:
        raise InputError(
            f"{source or 'The input'} has values trustcheck cannot use, so it may have been "
            "edited by hand; please use the check-in file as trustcheck wrote it.",
            [Problem(f"it has {phrase}.", source) for phrase in wrong])
    return result


def checked(data: Any, *, source: str = "") -> tuple[Assessment, list[str]]:
    """A result object read back, with what is wrong in it (types, ranges, duplicates) as
    short phrases ("role 'boss' (it should be mentor or mentee)"); use the Assessment only when
    that list is empty. Raise InputError when it is not a result object at all."""
    result = _read(data, source)
    return result, _wrong_fields(result)


def _read(data: Any, source: str) -> Assessment:
    if not isinstance(data, Mapping):
        raise InputError(f"{source or 'The input'} is not a trustcheck check-in.")
    schema = data.get("schema")
    if schema not in READABLE_SCHEMAS:
        raise InputError(
            f"{source or 'The input'} has the check-in schema {schema!r}, which this version of "
            "trustcheck cannot read; please update trustcheck.")
    try:
        checklist = data["checklist"]
        strategies = tuple(_strategy_score(s) for s in data["strategies"])
        partner_data = data.get("partner_view")
        partner_view = None if partner_data is None else scoring.PartnerScores(
            None if partner_data["felt_trust"] is None
            else _strategy_score(partner_data["felt_trust"]),
            tuple(_strategy_score(s) for s in partner_data["strategies"]))
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
            overall_sem=data.get("overall_sem"),
            partner_view=partner_view,
        )
    except (KeyError, TypeError, ValueError, AttributeError, OverflowError) as exc:
        # OverflowError: a date that exists only in its own time zone (year 1 at +01:00).
        # Python's own messages quote the value ("Invalid isoformat string: 'Alice'"), and a
        # report's problems may be read out on a projector: say what is wrong, never the value.
        if isinstance(exc, KeyError):
            detail = f"the field {_field_name(exc.args[0])} is missing"
        elif isinstance(exc, _Malformed):
            detail = str(exc)
        else:
            detail = "a field holds a value of the wrong kind"
        raise InputError(
            f"{source or 'The input'} is not a complete trustcheck check-in.",
            [Problem(f"missing or malformed field: {detail}", source)],
        ) from None


def _strategy_score(s: Any) -> StrategyScore:
    return StrategyScore(s["id"], s["title"], s["group"], s["score"], int(s["answered"]),
                         int(s["total"]), _count(s.get("not_came_up", 0)), s.get("sem"))


class _Malformed(ValueError):
    """A field we can name, with what is wrong in it and nothing of its value."""


def _field_name(key: object) -> str:
    return repr(key) if isinstance(key, str) and key.isidentifier() else "of a known name"


def _moment(text: object) -> datetime:
    try:
        moment = datetime.fromisoformat(str(text).replace("Z", "+00:00"))
        if moment.tzinfo is None:
            raise ValueError
        return moment.astimezone(timezone.utc)
    except (ValueError, OverflowError):
        raise _Malformed("a time that is not a date and time with a time zone "
                         "(e.g. 2026-09-01T18:30:00Z)") from None


def _count(value: object) -> int:
    # int() would take 2.7 or "3"; a count written by trustcheck is always a whole number.
    if not isinstance(value, int) or isinstance(value, bool):
        raise _Malformed("a count of statements that didn't come up that is not a whole number")
    return value


def _status(text: object) -> str:
    if text not in STATUSES:
        raise _Malformed("a commitment status that is not done, partly or not_done")
    return str(text)


def _text(value: object, limit: int = 10_000) -> bool:
    return isinstance(value, str) and len(value) <= limit


def _sem(value: object) -> bool:
    return value is None or (isinstance(value, (int, float)) and not isinstance(value, bool)
                             and math.isfinite(value) and 0 <= value <= 100)


def _answer(value: object) -> bool:
    return value is None or value == scoring.NOT_CAME_UP or (
        isinstance(value, int) and not isinstance(value, bool))


def _score(value: object) -> bool:
    return value is None or (isinstance(value, (int, float)) and not isinstance(value, bool)
                             and math.isfinite(value) and 0 <= value <= 100)


def _strategy_fine(s: StrategyScore) -> bool:
    return (_text(s.id, 1000) and _text(s.title) and _text(s.group, 1000)
            and _score(s.score) and s.answered >= 0 and s.total >= 0
            and 0 <= s.not_came_up <= s.total and _sem(s.sem))


def _wrong_fields(a: Assessment) -> list[str]:
    wrong = []
    if not _ID.match(a.id):
        wrong.append(f"an id that is not a trustcheck id ({a.id[:70]!r}; letters, digits, - "
                     "and _, at most 64)")
    if a.role not in ROLES:
        wrong.append(f"role {a.role!r} (it should be mentor or mentee)")
    for name, label in (("partner", a.partner), ("cohort", a.cohort)):
        if label is not None and not _text(label, MAX_LABEL):
            wrong.append(f"a {name} that is not text of at most {MAX_LABEL} characters")
    ref = a.checklist
    if not all(_text(x, 1000) for x in (ref.id, ref.version, ref.sha256, ref.title)) \
            or not ref.id:
        wrong.append("a checklist id, version, sha256 or title that is not text")
    elif not is_id(ref.id):
        wrong.append("a checklist id that is not one (checklist ids use only lower-case "
                     "letters, digits, '.', '_' and '-')")
    if not isinstance(a.answers, Mapping) or any(
            not _text(key, 1000) or not _answer(value) for key, value in a.answers.items()):
        wrong.append(f"answers that are not whole numbers, \"{scoring.NOT_CAME_UP}\" or null")
    if not all(_strategy_fine(s) for s in a.strategies):
        wrong.append("a strategy score that is not a number from 0 to 100 (or its id, title "
                     "or group is not text)")
    elif len({s.id for s in a.strategies}) != len(a.strategies):
        wrong.append("the same strategy twice")
    if a.partner_view is not None:
        seen = [s for s in (a.partner_view.felt_trust,) if s is not None]
        seen += a.partner_view.strategies
        if not all(_strategy_fine(s) for s in seen):
            wrong.append("a partner view score that is not a number from 0 to 100 (or its id, "
                         "title or group is not text)")
        elif len({s.id for s in a.partner_view.strategies}) != len(a.partner_view.strategies):
            wrong.append("the same strategy twice in the partner view")
        elif a.partner_view.felt_trust is not None and \
                a.partner_view.felt_trust.id != FELT_TRUST:
            wrong.append(f"felt trust with an id other than '{FELT_TRUST}'")
    if not _score(a.overall):
        wrong.append("an overall score that is not a number from 0 to 100")
    if not _sem(a.overall_sem):
        wrong.append("an overall standard error that is not a number from 0 to 100")
    texts = [x for f in a.focus for x in (f.strategy, f.title, f.reason)]
    texts += [x for f in a.focus for action in f.actions for x in (action.id, action.text)]
    texts += [x for o in a.obstacles for x in (o.id, o.title, o.remedy, o.reason)]
    scores = [f.score for f in a.focus]
    if a.strength is not None:
        texts += [a.strength.strategy, a.strength.title, a.strength.reason]
        scores.append(a.strength.score)
    # A focus area or strength is chosen for its score, so it always has one.
    if not all(_text(x) for x in texts) or not all(x is not None and _score(x) for x in scores):
        wrong.append("focus, obstacle or strength fields of the wrong type")
    made = [(c.action, c.text, c.strategy) for c in a.commitments]
    if not all(_text(x) for row in made for x in row):
        wrong.append("a commitment whose fields are not text")
    elif len({c.action for c in a.commitments}) != len(a.commitments):
        wrong.append("the same commitment twice")
    reviewed = [(r.action, r.text, r.made_in) for r in a.follow_through]
    if not all(_text(x) for row in reviewed for x in row):
        wrong.append("a follow-through review whose fields are not text")
    elif len({(r.made_in, r.action) for r in a.follow_through}) != len(a.follow_through):
        wrong.append("the same follow-through review twice")
    return wrong
