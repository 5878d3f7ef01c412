"""The focus and commitments use cases: what to work on next in one mentoring relationship,
and what was promised, read from the history at one moment."""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import TYPE_CHECKING

from trustcheck.errors import InputError, Problem

if TYPE_CHECKING:
    from trustcheck.checklist import Checklist
    from trustcheck.listings import Commitments
    from trustcheck.plan import Plan
    from trustcheck.records import Relationship
    from trustcheck.store import Store


class SeveralRelationships(InputError):
    """Several relationships fit and the command looks at one: the message names the options
    that pick each (for scripts); `relationships` lets a person in a terminal pick one."""

    def __init__(self, message: str, problems: list[Problem],
                 relationships: list[Relationship]) -> None:
        super().__init__(message, problems)
        self.relationships = relationships


def plan_for(database: Path, *, role: str | None, partner: str | None, any_partner: bool,
             checklist_folders: list[tuple[Path, bool]]) -> Plan | None:
    """The focus plan for the one relationship meant (`partner` counts unless `any_partner`;
    None is "no partner named"); None when there is no check-in for it. Several relationships
    that fit are an InputError listing the options that pick each one."""
    from trustcheck import plan
    from trustcheck.commitments import reviews_of
    from trustcheck.records import Filters

    store = _reading(database)
    if store is None:
        return None
    with store, store.snapshot():  # one moment, even while another run saves
        relationship = _one_relationship(store, role, partner, any_partner, "focus")
        if relationship is None:
            return None
        latest = store.newest(relationship)
        if latest is None:
            return None
        previous = store.previous(relationship, before=latest)
        # Filters cannot say "no partner", so narrow to the exact relationship here.
        records = [r for r in store.commitments(
            Filters(role=relationship.role, partner=relationship.partner))
            if r.relationship == relationship]
        still_open = store.open_commitments(relationship)
    # Actions for slipped strategies come from the checklist, if it is still on this computer.
    used = _checklist_now(latest.checklist.id, checklist_folders) if previous is not None \
        else None
    return plan.plan(latest, previous, reviews_of(records), checklist=used,
                     open_commitments=still_open)


def commitments(database: Path, *, role: str | None, partner: str | None,
                any_partner: bool) -> Commitments:
    """Every commitment in scope, grouped per relationship, most recent relationship first."""
    from trustcheck.commitments import by_relationship
    from trustcheck.listings import Commitments
    from trustcheck.records import CommitmentRecord, Filters
    from trustcheck.usecases.partners import resolved

    records: list[CommitmentRecord] = []
    store = _reading(database)
    if store is not None:
        with store:
            partner = resolved(store, partner)
            records = [r for r in store.commitments(Filters(role=role, partner=partner))
                       if any_partner or r.relationship.partner == partner]
    return Commitments(by_relationship(records))


def _reading(database: Path) -> Store | None:
    """The history, only to read (it never writes, so it works on a full disk); None if it was
    never created."""
    from trustcheck.store import Store

    return Store.open_for_reading(database) if database.exists() else None


def _relationships(store: Store, role: str | None, partner: str | None,
                   any_partner: bool) -> list[Relationship]:
    from trustcheck.records import Filters
    from trustcheck.usecases.partners import resolved

    partner = resolved(store, partner)
    found = store.relationships(Filters(role=role))
    return [r for r in found if any_partner or r.partner == partner]


def _flags(relationship: Relationship, everyone: list[Relationship]) -> str:
    """The shortest options that pick this relationship out of all of them."""
    flags = [f"--partner {shlex.quote(relationship.partner or '')}"]
    if sum(1 for r in everyone if r.partner == relationship.partner) > 1:
        flags.insert(0, f"--role {relationship.role}")
    return " ".join(flags)


def _one_relationship(store: Store, role: str | None, partner: str | None, any_partner: bool,
                      command: str) -> Relationship | None:
    """The one relationship meant; None when there is none; an InputError when several fit."""
    found = _relationships(store, role, partner, any_partner)
    if len(found) <= 1:
        return found[0] if found else None
    everyone = store.relationships()
    listed = [Problem(f"{r.role} with {r.partner}: " if r.partner else
                      f"{r.role}, no partner named: ") for r in found]
    listed = [Problem(p.message + f"trustcheck {command} {_flags(r, everyone)}")
              for p, r in zip(listed, found, strict=True)]
    raise SeveralRelationships(
        f"You have check-ins for {len(found)} relationships; `trustcheck {command}` looks at one "
        "at a time, so please choose one with --partner (and --role where needed):", listed,
        found)


def _checklist_now(checklist_id: str,
                   checklist_folders: list[tuple[Path, bool]]) -> Checklist | None:
    """The checklist a result was made with, as it is on this computer now; None if gone."""
    from trustcheck.checklist import find_by_id

    try:  # an id from the history: never read as a path
        return find_by_id(checklist_id, checklist_folders)
    except InputError:
        return None
