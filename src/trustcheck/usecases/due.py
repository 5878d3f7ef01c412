"""The reminders use cases: what is due (`trustcheck due`), a relationship's cadence
(`--every`), and the calendar file (`--ics`), read from the history at one moment."""

from __future__ import annotations

from datetime import datetime, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING

from trustcheck.errors import InputError

if TYPE_CHECKING:
    from trustcheck.records import Relationship
    from trustcheck.reminders import Calendar, Due
    from trustcheck.store import Store

NOTHING_YET = ("No check-ins saved yet, so nothing is due; run `trustcheck assess --role "
               "mentor` (or mentee) first.")


def reminders(database: Path, *, role: str | None, partner: str | None, any_partner: bool,
              now: datetime, local: tzinfo) -> Due:
    """What is due in every relationship in scope (none when nothing was ever saved).

    `partner` counts unless `any_partner` (None is "no partner named"); a name is matched as
    people type it ("sam" finds "Sam"), and one that matches nobody is an InputError with the
    closest names.
    """
    from trustcheck.reminders import Due, local_day
    from trustcheck.store import Store

    if not database.exists():
        return Due(local_day(now, local), (), ())
    with Store.open_for_reading(database) as store, store.snapshot():
        return _due(store, role, partner, any_partner, now, local)


def calendar(database: Path, *, role: str | None, partner: str | None, any_partner: bool,
             now: datetime, local: tzinfo) -> Calendar:
    """The reminders for a calendar file, with this history's salt for stable ids. Opens the
    history to write, so an older one gets its salt (the one change it makes)."""
    from trustcheck.reminders import Calendar
    from trustcheck.store import Store

    if not database.exists():
        raise InputError(NOTHING_YET)
    with Store.open(database) as store, store.snapshot():
        found = _due(store, role, partner, any_partner, now, local)
        salt = store.calendar_salt()
    return Calendar(found, salt, now)


def set_cadence(database: Path, *, role: str | None, partner: str | None,
                every_days: int | None) -> Relationship:
    """Keep the cadence of the one relationship meant (None: back to the default rule); the
    relationship it was set for."""
    from trustcheck.store import Store

    if partner is None:
        raise InputError("Please say whose check-ins --every is for: add --partner NAME (or "
                         "--partner \"\" for check-ins without a partner name).")
    if not database.exists():
        raise InputError(NOTHING_YET)
    with Store.open(database) as store:
        wanted = _known_partner(store, partner)
        found = [r for r in store.relationships() if r.partner == wanted
                 and (role is None or r.role == role)]
        named = f"with {wanted}" if wanted else "without a partner name"
        if not found:
            as_role = f" as a {role}" if role else ""
            raise InputError(f"There is no check-in{as_role} {named} yet, so no cadence was "
                             "set; check the name and role with `trustcheck due`.")
        if len(found) > 1:
            raise InputError(f"You have check-ins {named} both as a mentor and as a mentee; "
                             "please add --role mentor or --role mentee.")
        store.set_cadence(found[0], every_days)
    return found[0]


def _due(store: Store, role: str | None, partner: str | None, any_partner: bool,
         now: datetime, local: tzinfo) -> Due:
    from trustcheck import reminders

    wanted = None if any_partner or partner is None else _known_partner(store, partner)
    spans = [s for s in store.spans()
             if (role is None or s.relationship.role == role)
             and (any_partner or s.relationship.partner == wanted)]
    open_ones = {s.relationship: store.open_commitments(s.relationship) for s in spans}
    return reminders.due(spans, store.cadences(), open_ones, now=now, local=local)


def _known_partner(store: Store, partner: str) -> str | None:
    """The stored spelling of a partner name ("" is none named): a near miss is an InputError
    suggesting the closest names (as every partner filter does), an unknown one too."""
    from trustcheck.usecases import partners

    if not partner:
        return None
    found = partners.resolved(store, partner)
    if found not in store.partners():
        raise InputError(f"There are no check-ins with {partner}; `trustcheck due` without "
                         "--partner lists every relationship.")
    return found
