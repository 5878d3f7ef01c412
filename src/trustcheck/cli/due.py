"""`trustcheck due`: when each relationship's next check-in is due, open commitments past their
date, a relationship's cadence (`--every`), and the calendar file (`--ics`)."""

import sys
from datetime import datetime, tzinfo
from pathlib import Path
from typing import Annotated, Optional

import typer

from trustcheck.cli.app import outcome, say, session
from trustcheck.cli.options import (
    ForceOption,
    OutputOption,
    PartnerOption,
    ResultFormat,
    ResultFormatOption,
    RoleOption,
)

EXIT_SOMETHING_DUE = 1  # not an error: like `grep`, 1 says "found something", for prompts and cron


def due(
    ctx: typer.Context,
    role: RoleOption = None,
    partner: PartnerOption = None,
    every: Annotated[Optional[str], typer.Option(
        "--every", metavar="DAYS",
        help="Set how often check-ins with --partner are due: 45d, 6w, or 'default' (30 days "
             "after the first check-in, then every 60).")] = None,
    format: ResultFormatOption = ResultFormat.text,
    ics: Annotated[bool, typer.Option(
        "--ics", help="Write the reminders as a calendar file (iCalendar) to import into your "
                      "calendar: use with -o FILE.")] = False,
    output: OutputOption = None,
    force: ForceOption = False,
) -> None:
    """When your next check-in with each partner is due, and commitments past their date.

    Exits 0 when nothing is due and 1 when a check-in or a commitment is due today or overdue,
    so it fits a shell prompt or cron. Use --partner "" for check-ins saved without a partner
    name.

    Examples:

      trustcheck due

      trustcheck due --partner Sam --every 45d

      trustcheck due --ics -o trust-check-ins.ics
    """
    from datetime import timezone

    from trustcheck.errors import InputError

    if (output is not None or force) and not ics:
        raise InputError("-o and --force are for the calendar file; add --ics, or leave them "
                         "out to see the list here.")
    if ics and format is not ResultFormat.text:
        raise InputError("--ics writes a calendar file, which has a format of its own; please "
                         "leave out --format.")
    if ics and every is not None:
        raise InputError("Please set the cadence with --every first, then make the calendar "
                         "file with --ics in a second run.")
    places = session(ctx).places
    given, wanted = _wanted_partner(partner)
    chosen_role = role.value if role else None
    now = _now()
    local = now.astimezone().tzinfo or timezone.utc
    if every is not None:
        _set_every(places.database, every, chosen_role, wanted if given else None)
    if ics:
        _write_calendar(places.database, chosen_role, wanted, not given, now, local, output,
                        force)
        return
    from trustcheck.cli.output import emit
    from trustcheck.usecases.due import NOTHING_YET, reminders

    found = reminders(places.database, role=chosen_role, partner=wanted,
                      any_partner=not given, now=now, local=local)
    # An empty list says nothing, so a person is told why instead; tools get the empty shape.
    if not found.check_ins and format is ResultFormat.text:
        say(NOTHING_YET if role is None and partner is None else
            "No check-ins match those options; run `trustcheck due` without them to see every "
            "relationship.")
        return
    emit(found, format)
    if found.anything_due and every is None:
        raise typer.Exit(EXIT_SOMETHING_DUE)


def _now() -> datetime:
    """This moment (one place, so a test can fix it)."""
    from datetime import timezone

    return datetime.now(timezone.utc)


def _wanted_partner(partner: Optional[str]) -> tuple[bool, Optional[str]]:
    """(whether --partner was given, the partner it means); `--partner ""` means none named."""
    if partner is None:
        return False, None
    from trustcheck.answers import option_labels

    (cleaned,) = option_labels(partner=partner)
    return True, cleaned if cleaned is not None else ""


def _set_every(database: Path, every: str, role: Optional[str],
               partner: Optional[str]) -> None:
    from trustcheck.reminders import EVERY_DAYS, FIRST_DAYS, parse_every
    from trustcheck.usecases.due import set_cadence

    days = parse_every(every)
    with outcome.committing():
        relationship = set_cadence(database, role=role, partner=partner,
                                            every_days=days)
        outcome.keep("the new cadence was saved")
    whom = f"with {relationship.partner}" if relationship.partner else "without a partner name"
    if days is None:
        say(f"Check-ins as a {relationship.role} {whom} follow the usual rule again: "
            f"{FIRST_DAYS} days after the first, then every {EVERY_DAYS} days.")
    else:
        say(f"Check-ins as a {relationship.role} {whom} are now due every {days} "
            f"day{'' if days == 1 else 's'} after the latest.")


def _write_calendar(database: Path, role: Optional[str], partner: Optional[str],
                    any_partner: bool, now: datetime, local: tzinfo, output: Optional[str],
                    force: bool) -> None:
    from trustcheck import files
    from trustcheck.cli.output import chunks
    from trustcheck.usecases.due import calendar

    target = None if output in (None, "-") else Path(output).expanduser()
    exists = None
    if target is not None:
        exists = f"{target} already exists; add --force to replace it, or choose another name."
        files.check_target(target, force=force, exists=exists)
    made = calendar(database, role=role, partner=partner, any_partner=any_partner,
                             now=now, local=local)
    pieces = list(chunks(made, "ics"))
    if target is None:
        sys.stdout.write("".join(pieces))
        sys.stdout.flush()
        return
    files.write_private(target, pieces, force=force, what="the calendar file", exists=exists)
    check_ins, commitments = len(made.due.check_ins), len(made.due.commitments)
    say(f"Wrote {target}: {check_ins} next check-in{'' if check_ins == 1 else 's'} as repeating "
        f"events with a reminder the day before, and {commitments} open "
        f"commitment{'' if commitments == 1 else 's'} as to-dos. It holds your partners' "
        "names, so keep it private; import it again after each check-in to update the same "
        "entries.")
