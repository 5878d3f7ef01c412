"""JSON output: documented, versioned shapes (docs/json.md), safe to print to a terminal."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from trustcheck import assessment as results
from trustcheck.assessment import Assessment
from trustcheck.checklist import Checklist
from trustcheck.dates import iso
from trustcheck.text import escape_c1

if TYPE_CHECKING:
    from trustcheck.compare import Comparison
    from trustcheck.records import CommitmentRecord, Relationship
    from trustcheck.trends import Trend


PATHS_SCHEMA = "trustcheck/paths/v1"


def dumps(data: Any) -> str:
    return escape_c1(json.dumps(data, ensure_ascii=False, indent=2)) + "\n"


def result(assessment: Assessment) -> str:
    return dumps(results.to_dict(assessment))


def result_list(assessments: Sequence[Assessment]) -> str:
    return dumps([results.to_dict(a) for a in assessments])


def checklist_summary(checklist: Checklist) -> dict[str, Any]:
    return {
        "id": checklist.id,
        "version": checklist.version,
        "title": checklist.title,
        "role": checklist.role,
        "sha256": checklist.sha256,
        "scale": {
            "low": checklist.scale.low,
            "high": checklist.scale.high,
            "labels": list(checklist.scale.labels),
            "skip": checklist.scale.skip_label,
        },
    }


def template(checklist: Checklist) -> str:
    """The JSON template: the checklist's identity and every item to answer."""
    return dumps({
        "checklist": checklist_summary(checklist),
        "items": [
            {"id": item.id, "strategy": item.strategy,
             "group": checklist.strategy(item.strategy).group,
             "text": item.text, "reverse": item.reverse}
            for item in checklist.items
        ],
    })


def _comparison_side(result: Assessment, stated: str | None = None) -> dict[str, Any]:
    return {
        "id": result.id,
        "role": result.role,
        "partner": result.partner,
        "cohort": result.cohort,
        "created_at": iso(result.created_at),
        "checklist": {"id": result.checklist.id, "version": result.checklist.version,
                      "sha256": result.checklist.sha256, "title": result.checklist.title},
        "overall": result.overall,
        "band": result.band,
        "scores_only": not result.answers,
        "taken_as_stated": stated,
    }


def comparison(found: Comparison) -> str:
    """`trustcheck compare --format json`: the documented trustcheck/comparison/v1 object."""
    from trustcheck.compare import SCHEMA

    return dumps({
        "schema": SCHEMA,
        "threshold": found.threshold,
        "a": _comparison_side(found.a, found.stated[0]),
        "b": _comparison_side(found.b, found.stated[1]),
        "shared": [
            {"strategy": g.strategy, "title": g.title, "a": g.a, "b": g.b, "gap": g.gap,
             "flagged": g.flagged, "actions": [{"id": x.id, "text": x.text} for x in g.actions],
             "note": g.note or None}
            for g in found.shared
        ],
        "overall": {"a": found.a.overall, "b": found.b.overall, "gap": found.overall_gap},
        "own": {
            side: [{"id": s.id, "title": s.title, "group": s.group, "score": s.score,
                    "answered": s.answered, "total": s.total, "band": s.band} for s in own]
            for side, own in (("a", found.own_a), ("b", found.own_b))
        },
    })


def result_lines(assessments: Iterable[Assessment]) -> Iterator[str]:
    """JSON Lines: one compact result object per line, each ending in a newline ("\\n")."""
    for assessment in assessments:
        yield escape_c1(json.dumps(results.to_dict(assessment), ensure_ascii=False,
                                   separators=(",", ":"))) + "\n"


def result_objects_as_lines(objects: Iterable[dict[str, Any]]) -> Iterator[str]:
    """`result_lines` for result objects: one compact object per line."""
    for data in objects:
        yield escape_c1(json.dumps(data, ensure_ascii=False, separators=(",", ":"))) + "\n"


def result_objects_as_list(objects: Iterable[dict[str, Any]]) -> Iterator[str]:
    """`result_list` for any number of result objects, one at a time: `[`, the items, `]`."""
    first = True
    for data in objects:
        item = json.dumps(data, ensure_ascii=False, indent=2).replace("\n", "\n  ")
        yield escape_c1(("[\n  " if first else ",\n  ") + item)
        first = False
    yield "[]\n" if first else "\n]\n"


def result_texts_as_lines(texts: Iterable[str]) -> Iterator[str]:
    """`result_lines` from results as saved (`json.dumps` with its default separators).

    Compacting the text gives the same bytes as parsing and dumping it again, in half the time.
    """
    for text in texts:
        line = compact(text)
        # Plain ASCII without DEL has nothing to escape: skip the slower translation.
        yield (line if line.isascii() and "\x7f" not in line else escape_c1(line)) + "\n"


class _Compacted(dict[str, str]):
    """Pieces between strings, compacted: a few hundred kinds (": ", "}, {", ": 66.7, "...)
    repeat in every result, so each is worked out once and then looked up."""

    def __missing__(self, piece: str) -> str:
        if len(self) > 50_000:  # odd texts must not make it grow without end
            self.clear()
        found = self[piece] = piece.replace(", ", ",").replace(": ", ":")
        return found


_COMPACTED = _Compacted()


def compact(text: str) -> str:
    """JSON text from `json.dumps` with ", " and ": " between items, as `(",", ":")` makes it.

    Only what lies outside strings changes. Escaped backslashes and quotes are set aside first
    (as control characters, which json.dumps never leaves raw), so every quote left is where a
    string starts or ends, and every other piece between quotes is outside a string.
    """
    hidden = text.replace("\\\\", "\x01").replace('\\"', "\x00")
    pieces = hidden.split('"')
    pieces[::2] = map(_COMPACTED.__getitem__, pieces[::2])
    return '"'.join(pieces).replace("\x00", '\\"').replace("\x01", "\\\\")


def trends(found: Sequence[Trend]) -> str:
    """`trustcheck history trends --format json`: a list of trustcheck/trends/v1 blocks."""
    from trustcheck.trends import SCHEMA

    return dumps([
        {
            "schema": SCHEMA,
            "role": t.role,
            "partner": t.partner,
            "assessments": t.assessments,
            "from": iso(t.start),
            "until": iso(t.end),
            "checklist_changes": [
                {"at": iso(c.at), "assessment": c.assessment,
                 "from_checklist": c.from_checklist, "from_version": c.from_version,
                 "checklist": c.checklist, "to_version": c.to_version}
                for c in t.changes
            ],
            "follow_through": {"rate": t.follow_through, "reviewed": t.reviewed},
            "rows": [
                {"strategy": r.strategy, "title": r.title, "latest": r.latest,
                 "change_previous": r.change_previous, "change_first": r.change_first,
                 "slope_per_30_days": r.slope_per_30_days, "direction": r.direction,
                 "series": [{"date": iso(p.at), "score": p.score,
                             "assessment": p.assessment} for p in r.series]}
                for r in t.rows
            ],
        }
        for t in found
    ])


def _commitment(record: CommitmentRecord) -> dict[str, Any]:
    return {
        "role": record.relationship.role,
        "partner": record.relationship.partner,
        "action": record.commitment.action,
        "text": record.commitment.text,
        "strategy": record.commitment.strategy,
        "made_in": record.made_in,
        "made_at": iso(record.made_at),
        "status": record.status or "open",
        "reviewed_in": record.reviewed_in,
        "reviewed_at": iso(record.reviewed_at) if record.reviewed_at else None,
    }


def commitments(groups: Sequence[tuple[Relationship, Sequence[CommitmentRecord],
                                       float | None, int]]) -> str:
    """`trustcheck commitments --format json`: the documented trustcheck/commitments/v1 object."""
    from trustcheck.commitments import SCHEMA

    return dumps({
        "schema": SCHEMA,
        "relationships": [
            {"role": relationship.role, "partner": relationship.partner,
             "follow_through": {"rate": rate, "reviewed": reviewed},
             "commitments": [_commitment(r) for r in found]}
            for relationship, found, rate, reviewed in groups],
    })


def paths(found: Sequence[dict[str, Any]]) -> str:
    """`trustcheck paths --format json`: the documented trustcheck/paths/v1 object.

    `found` lists the data folder, the database, the config folder, then checklist folders.
    """
    def entry(place: dict[str, Any]) -> dict[str, Any]:
        return {key: place[key] for key in ("path", "chosen_by", "exists")}

    return dumps({
        "schema": PATHS_SCHEMA,
        "data": entry(found[0]),
        "database": entry(found[1]),
        "config": entry(found[2]),
        "checklists": [{**entry(p), "builtin": p["builtin"]} for p in found[3:]],
    })
