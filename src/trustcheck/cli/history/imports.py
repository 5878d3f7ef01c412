"""`trustcheck history import`: check-ins from exports, all checked before any is added."""

import sys
from typing import Annotated

import typer

from trustcheck.cli.app import outcome, say, session
from trustcheck.cli.common import plural


def import_(
    ctx: typer.Context,
    sources: Annotated[list[str], typer.Argument(
        metavar="FILE",
        help="JSON or JSON Lines files from `trustcheck history export` (- reads standard "
             "input).")],
) -> None:
    """Add check-ins from exports, made on this computer or another one.

    Check-ins already in your history (the same id) are left as they are, so importing a
    file twice adds nothing. Every record is checked before anything is written: if any record
    has a problem, nothing at all is imported and each problem is listed with its file and line
    (or record number), so you can fix or remove it and run the same import again.
    """
    from trustcheck.usecases import history_import

    places = session(ctx).places
    checked = history_import.check(sources, checklist_folders=places.checklist_folders(),
                                   stdin=sys.stdin.buffer)
    if not checked.incoming:
        say(f"No check-ins found in {checked.where}; nothing was imported.")
        return

    def committed(done: history_import.Added) -> None:
        # Known the moment the commit returns, so an interrupt after it is told the truth.
        outcome.keep(f"the import had already added {plural(done.added, 'check-in')} to your "
                     f"history ({done.already_there} were there before); running it again adds "
                     "nothing twice")

    with outcome.committing():
        added, present = history_import.add(places.database, checked, committed)
    say(f"Imported {checked.where}: {added} added, {present} already in your history.")
    if checked.taken_as_stated:
        stated = checked.taken_as_stated
        their = "its" if stated == 1 else "their"
        say(f"{plural(stated, 'check-in')} answered a checklist that is not on this "
            f"computer, so {their} scores were taken as stated, not worked out again from the "
            "answers.")
