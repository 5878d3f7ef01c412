"""The `commitments add` use case: an action agreed with a partner at a meeting becomes an open
commitment of that relationship's latest check-in, so the next check-in asks how it went."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from trustcheck.errors import InputError
from trustcheck.records import Commitment, Filters, Relationship

if TYPE_CHECKING:
    from trustcheck.checklist import Checklist
    from trustcheck.store import Store


class Added(NamedTuple):
    """What was stored: the commitment, and the check-in it belongs to."""

    commitment: Commitment
    relationship: Relationship
    check_in: str  # the id of the check-in it was added to


def add(database: Path, action_or_text: str, *, partner: str | None, role: str | None,
        checklist_folders: list[tuple[Path, bool]]) -> Added:
    """Add the agreed action to the latest check-in with `partner` (as `role` when given)."""
    from trustcheck import commitments
    from trustcheck.store import Store

    named = f"with {partner}" if partner else "without a partner name"
    if not database.exists():
        raise InputError(f"There is no check-in {named} yet to add a commitment to; run "
                         "`trustcheck assess` first.")
    from trustcheck.usecases.partners import resolved

    with Store.open(database) as store:
        relationship = _relationship(store, resolved(store, partner), role, named)
        latest = store.newest(relationship)
        if latest is None:
            raise InputError(f"There is no check-in as a {relationship.role} {named} yet; run "
                             "`trustcheck assess` with that --role and --partner first.")
        found = commitments.agreed(action_or_text, _checklist(latest.checklist.id,
                                                              checklist_folders),
                                   latest.checklist.id, latest.commitments)
        store.add_commitment(latest.id, found)
    return Added(found, relationship, latest.id)


def _relationship(store: Store, partner: str | None, role: str | None,
                  named: str) -> Relationship:
    if role is not None:
        return Relationship(role, partner)
    # Filters cannot say "no partner", so the exact partner is picked out here.
    found = [r for r in store.relationships(Filters(partner=partner or None))
             if r.partner == partner]
    if not found:
        raise InputError(f"There is no check-in {named} yet; run `trustcheck assess` with "
                         "that --partner first, or check the name with `trustcheck history`.")
    if len(found) > 1:
        raise InputError(f"You have check-ins {named} both as a mentor and as a mentee; please "
                         "add --role mentor or --role mentee.")
    return found[0]


def _checklist(checklist_id: str, folders: list[tuple[Path, bool]]) -> Checklist | None:
    from trustcheck.checklist import find_by_id

    try:
        return find_by_id(checklist_id, folders)
    except InputError:
        return None  # not on this computer: only the person's own words can be added
