"""`trustcheck focus` and `trustcheck commitments`: what to work on next, and what you promised."""

from __future__ import annotations

import shlex
import sys
from typing import TYPE_CHECKING

import typer

from trustcheck.cli.app import say, session
from trustcheck.cli.common import open_history, stdout_console
from trustcheck.cli.options import PartnerOption, ResultFormat, ResultFormatOption, RoleOption
from trustcheck.errors import InputError, Problem

if TYPE_CHECKING:
    from trustcheck.checklist import Checklist
    from trustcheck.paths import Places
    from trustcheck.records import CommitmentRecord, Relationship
    from trustcheck.store import Store

def _wanted_partner(partner: str | None) -> tuple[bool, str | None]:
    """(whether --partner was given, the partner it means); `--partner ""` means none named."""
    if partner is None:
        return False, None
    from trustcheck.answers import clean_label

    problems: list[Problem] = []
    cleaned = clean_label(partner, "--partner", problems, "the command line")
    if problems:
        raise InputError("Please shorten the option and try again.", problems)
    return True, cleaned


def _relationships(store: Store, role: str | None, partner: str | None) -> list[Relationship]:
    from trustcheck.records import Filters

    given, wanted = _wanted_partner(partner)
    found = store.relationships(Filters(role=role))
    return [r for r in found if not given or r.partner == wanted]


def _flags(relationship: Relationship, everyone: list[Relationship]) -> str:
    """The shortest options that pick this relationship out of all of them."""
    flags = [f"--partner {shlex.quote(relationship.partner or '')}"]
    if sum(1 for r in everyone if r.partner == relationship.partner) > 1:
        flags.insert(0, f"--role {relationship.role}")
    return " ".join(flags)


def _one_relationship(store: Store, role: str | None, partner: str | None,
                      command: str) -> Relationship | None:
    """The one relationship meant; None when there is none; exit 2 when several fit."""
    found = _relationships(store, role, partner)
    if len(found) <= 1:
        return found[0] if found else None
    everyone = store.relationships()
    listed = [Problem(f"{r.role} with {r.partner}: " if r.partner else
                      f"{r.role}, no partner named: ") for r in found]
    listed = [Problem(p.message + f"trustcheck {command} {_flags(r, everyone)}")
              for p, r in zip(listed, found, strict=True)]
    raise InputError(
        f"You have check-ins for {len(found)} relationships; `trustcheck {command}` looks at one "
        "at a time, so please choose one with --partner (and --role where needed):", listed)


def _checklist_now(checklist_id: str, places: Places) -> Checklist | None:
    """The checklist a result was made with, as it is on this computer now; None if gone."""
    from trustcheck.checklist import find_by_id

    try:  # an id from the history: never read as a path
        return find_by_id(checklist_id, places.checklist_folders())
    except InputError:
        return None


def focus(
    ctx: typer.Context,
    role: RoleOption = None,
    partner: PartnerOption = None,
    format: ResultFormatOption = ResultFormat.text,
) -> None:
    """What to work on next in one mentoring relationship, from your check-ins and their trend.

    Use --partner "" for check-ins saved without a partner name.
    """
    from trustcheck import plan as planning
    from trustcheck.commitments import reviews_of
    from trustcheck.records import Filters

    places = session(ctx).places
    store = open_history(places)
    relationship = latest = None
    if store is not None:
        with store, store.snapshot():  # one moment, even while another run saves
            relationship = _one_relationship(store, role.value if role else None, partner,
                                             "focus")
            if relationship is not None:
                latest = store.newest(relationship)
                previous = store.previous(relationship, before=latest)
                # Filters cannot say "no partner", so narrow to the exact relationship here.
                records = [r for r in store.commitments(
                    Filters(role=relationship.role, partner=relationship.partner))
                    if r.relationship == relationship]
                still_open = store.open_commitments(relationship)
    if latest is None:
        if format is ResultFormat.json:
            sys.stdout.write("null\n")
        elif role is not None or partner is not None:
            say("No check-ins match those options; run `trustcheck focus` without them to see "
                "your relationships.")
        else:
            say("No check-ins saved yet; run `trustcheck assess --role mentor` (or mentee) "
                "first, and `trustcheck focus` will show what to work on next.")
        return
    # Actions for slipped strategies come from the checklist, if it is still on this computer.
    used = _checklist_now(latest.checklist.id, places) if previous is not None else None
    plan = planning.plan(latest, previous, reviews_of(records), checklist=used,
                         open_commitments=still_open)
    if format is ResultFormat.json:
        from trustcheck.render.json import dumps

        sys.stdout.write(dumps(planning.plan_to_dict(plan)))
    else:
        from trustcheck.render.text import focus_plan

        focus_plan(stdout_console(), plan)


def commitments_list(
    ctx: typer.Context,
    role: RoleOption = None,
    partner: PartnerOption = None,
    format: ResultFormatOption = ResultFormat.text,
) -> None:
    """Your commitments, open and past, with how they went and your follow-through rate.

    Use --partner "" for check-ins saved without a partner name.
    """
    from trustcheck.commitments import by_relationship
    from trustcheck.records import Filters

    given, wanted = _wanted_partner(partner)
    store = open_history(session(ctx).places)
    records: list[CommitmentRecord] = []
    if store is not None:
        with store:
            records = [r for r in store.commitments(
                Filters(role=role.value if role else None, partner=wanted))
                if not given or r.relationship.partner == wanted]
    groups = by_relationship(records)
    if format is ResultFormat.json:
        from trustcheck.render.json import commitments as render_json

        sys.stdout.write(render_json(groups))
    elif not groups:
        if role is not None or partner is not None:
            say("No commitments match those options; run `trustcheck commitments` without them "
                "to see them all.")
        else:
            say("No commitments yet. At the end of `trustcheck assess` you can pick up to two "
                "suggested actions to try before your next check-in (or pass --commit "
                "ACTION_ID).")
    else:
        from trustcheck.render.text import commitment_list

        commitment_list(stdout_console(), groups)
