"""Pure rules for commitments: actions promised at one check-in and reviewed at the next."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from trustcheck.errors import InputError, Problem
from trustcheck.records import (
    Commitment,
    CommitmentRecord,
    OpenCommitment,
    Relationship,
    Review,
)

if TYPE_CHECKING:
    from trustcheck.checklist import Checklist

SCHEMA = "trustcheck/commitments/v1"
MAX_PER_CHECK_IN = 2
STATUSES = ("done", "partly", "not_done")
STATUS_LABELS = {"done": "done", "partly": "partly done", "not_done": "not done"}
# Follow-through counts a commitment done as 1, partly done as a half, not done as 0.
STATUS_POINTS = {"done": 1.0, "partly": 0.5, "not_done": 0.0}


def choose(checklist: Checklist, action_ids: Iterable[str]) -> tuple[Commitment, ...]:
    """Commitments from action ids of the checklist; every problem reported at once."""
    chosen: list[Commitment] = []
    problems = []
    for action_id in action_ids:
        found = next(((s, a) for s in checklist.strategies for a in s.actions
                      if a.id == action_id), None)
        if found is None:
            problems.append(Problem(f"'{action_id}' is not an action in the checklist "
                                    f"'{checklist.id}'; `trustcheck checklists show "
                                    f"{checklist.id}` lists them."))
        elif all(c.action != action_id for c in chosen):
            strategy, action = found
            chosen.append(Commitment(action.id, action.text, strategy.id))
    if len(chosen) > MAX_PER_CHECK_IN:
        problems.append(Problem(f"you chose {len(chosen)} commitments; pick at most "
                                f"{MAX_PER_CHECK_IN}, so they stay doable before the next "
                                "check-in."))
    if problems:
        raise InputError("Please check the --commit options; nothing was saved.", problems)
    return tuple(chosen)


def review(open_commitments: Iterable[OpenCommitment],
           statuses: dict[str, str]) -> tuple[Review, ...]:
    """Reviews for the open commitments given a status (by action id); others stay open."""
    return tuple(
        Review(o.commitment.action, o.commitment.text, o.made_in, o.made_at,
               statuses[o.commitment.action])
        for o in open_commitments if o.commitment.action in statuses
    )


def follow_through_rate(reviews: Iterable[Review]) -> float | None:
    """Share of reviewed commitments carried out, 0 to 100 (partly counts half); None if none."""
    points = [STATUS_POINTS[r.status] for r in reviews]
    return round(sum(points) / len(points) * 100, 1) if points else None


def reviews_of(records: Iterable[CommitmentRecord]) -> list[Review]:
    """The reviews among stored commitment records (those with a status)."""
    return [Review(r.commitment.action, r.commitment.text, r.made_in, r.made_at, r.status)
            for r in records if r.status is not None]


def by_relationship(records: Iterable[CommitmentRecord]
                    ) -> list[tuple[Relationship, list[CommitmentRecord], float | None, int]]:
    """(relationship, its records, follow-through rate, reviewed count) per relationship.

    Records come in newest first, so relationships come most recent first; within each, the
    open ones come first, then the rest, newest first.
    """
    order: dict[Relationship, list[CommitmentRecord]] = {}
    for record in records:
        order.setdefault(record.relationship, []).append(record)
    groups = []
    for relationship, found in order.items():
        reviews = reviews_of(found)
        found = sorted(found, key=lambda r: r.status is not None)
        groups.append((relationship, found, follow_through_rate(reviews), len(reviews)))
    return groups


def record_to_dict(record: CommitmentRecord) -> dict[str, Any]:
    """One commitment of `commitments --format json`, with how it went."""
    from trustcheck.dates import iso

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


def to_dict(groups: Iterable[tuple[Relationship, Iterable[CommitmentRecord], float | None, int]]
            ) -> dict[str, Any]:
    """`commitments --format json`: the documented trustcheck/commitments/v1 object, from the
    groups `by_relationship` makes."""
    return {
        "schema": SCHEMA,
        "relationships": [
            {"role": relationship.role, "partner": relationship.partner,
             "follow_through": {"rate": rate, "reviewed": reviewed},
             "commitments": [record_to_dict(r) for r in found]}
            for relationship, found, rate, reviewed in groups],
    }


# Own words agreed at a meeting get ids of their own, "own-1", "own-2"..., so the next check-in
# can ask about each (follow-through answers name commitments by id).
OWN_PREFIX = "own-"
MAX_TEXT = 200  # as long as a label may be
# Compiled only by `commitments add`: this module is loaded by every check-in.
_LOOKS_LIKE_ID = r"^[a-z0-9][a-z0-9_-]*\.[a-z0-9_.-]+$"


def agreed(action_or_text: str, checklist: Checklist | None, checklist_id: str,
           made: Iterable[Commitment]) -> Commitment:
    """The commitment for an action agreed with a partner: an action of the checklist by its
    id, or the person's own words (kept as text, cleaned as labels are). InputError for an id
    that is not in the checklist, empty or too long words, or a commitment made already."""
    import re

    from trustcheck.answers import fold_label
    from trustcheck.text import is_utf8

    made = tuple(made)
    words = fold_label(action_or_text) or ""
    action = None if checklist is None else checklist.action(words)
    if checklist is not None and action is not None:
        strategy = next(s.id for s in checklist.strategies if action in s.actions)
        found = Commitment(action.id, action.text, strategy)
    elif re.match(_LOOKS_LIKE_ID, words):
        where = ("is not on this computer" if checklist is None
                 else "has no action with that id")
        raise InputError(f"'{words}' looks like an action id, but the checklist "
                         f"'{checklist_id}' {where}; `trustcheck checklists show {checklist_id}` "
                         "lists its actions, or write the action in your own words, in quotes.")
    elif not words:
        raise InputError("Please say what you agreed: an action id, or the action in your own "
                         "words, in quotes.")
    elif not is_utf8(words):
        raise InputError("The action holds a character that is not valid UTF-8 text; please "
                         "type it again.")
    elif len(words) > MAX_TEXT:
        raise InputError(f"The action is longer than {MAX_TEXT} characters; please say it more "
                         "briefly.")
    else:
        taken = {c.action for c in made}
        number = next(n for n in range(1, len(taken) + 2) if f"{OWN_PREFIX}{n}" not in taken)
        found = Commitment(f"{OWN_PREFIX}{number}", words, "")
    if any(c.action == found.action or c.text == found.text for c in made):
        raise InputError(f"\"{found.text}\" is already an open commitment of this check-in, so "
                         "nothing was added.")
    return found
