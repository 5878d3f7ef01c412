"""`trustcheck history delete`: check-ins removed for good, after showing what will go."""

import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from trustcheck.cli.app import outcome, say, session
from trustcheck.cli.common import open_history, plural, stdin_is_terminal
from trustcheck.cli.options import Role
from trustcheck.errors import InputError, Problem

if TYPE_CHECKING:
    from datetime import datetime

    from trustcheck.records import ScoreRow
    from trustcheck.store import Store


SHOWN_DELETIONS = 10


def delete(
    ctx: typer.Context,
    references: Annotated[Optional[list[str]], typer.Argument(
        metavar="[ID]...",
        help="Check-in ids (the first few characters are enough) or 'last'.")] = None,
    before: Annotated[Optional[str], typer.Option(
        "--before", metavar="WHEN",
        help="Every check-in taken before this moment: 2026-01-01 (before that day starts) "
             "or 6m, 1y (older than that).")] = None,
    partner: Annotated[Optional[str], typer.Option(
        "--partner", "-p", help="Every check-in with this partner.")] = None,
    role: Annotated[Optional[Role], typer.Option(
        "--role", "-r", case_sensitive=False,
        help="Only check-ins taken in this role (with --before or --partner).")] = None,
    everything: Annotated[bool, typer.Option(
        "--all", help="Every saved check-in.")] = False,
    yes: Annotated[bool, typer.Option(
        "--yes", "-y",
        help="Delete without asking; needed when standard input is not a terminal.")] = False,
) -> None:
    """Delete check-ins for good, with their answers, scores and commitments.

    Shows what will go and asks first (pass --yes in scripts). Run `trustcheck history backup`
    first if you may want them back.
    """
    by_filter = before is not None or partner is not None or role is not None
    if references and (by_filter or everything):
        raise InputError("Please either name check-in ids or use --before, --partner or "
                         "--all, not both.")
    if everything and by_filter:
        raise InputError("--all deletes every check-in; leave out --before, --partner and "
                         "--role, or leave out --all.")
    if not (references or by_filter or everything):
        raise InputError("Please say what to delete: check-in ids, --before WHEN, --partner "
                         "NAME or --all; `trustcheck history` shows the ids.")
    if role is not None and before is None and partner is None:
        raise InputError("--role only narrows --before or --partner; add one of them, or use "
                         "--all to delete everything.")
    cutoff = _cutoff(before) if before is not None else None

    store = open_history(session(ctx).places, writable=True)
    if store is None:
        say("There are no saved check-ins yet, so there is nothing to delete.")
        return
    with store:
        from trustcheck.records import Filters

        if references:
            chosen = _by_reference(store, references)
        else:
            from trustcheck.usecases import partners

            chosen = store.score_rows(partners.within(store, Filters(
                role=role.value if role else None, partner=partner, until=cutoff)))
        if not chosen:
            say("No check-ins match, so nothing was deleted.")
            return
        _show_doomed(chosen)
        if not yes:
            if not stdin_is_terminal():
                raise InputError("Nothing was deleted: trustcheck cannot ask you to confirm "
                                 "because standard input is not a terminal; add --yes to "
                                 "delete without asking.")
            if not _confirm(f"Delete {'it' if len(chosen) == 1 else 'them'} for good? "
                            "This cannot be undone. [y/N] "):
                say("Nothing was deleted.")
                return
        # Only the delete itself holds Ctrl-C back (never the question above), so a stop after
        # the commit says how many went instead of "nothing was changed".
        with outcome.committing():
            deleted = store.delete([row.id for row in chosen])
            outcome.keep(f"{plural(deleted, 'check-in')} had already been deleted")
    say(f"Deleted {plural(deleted, 'check-in')}.")


def _cutoff(before: str) -> "datetime":
    """--before's moment made an inclusive upper bound (stored times have whole seconds)."""
    from datetime import datetime, timedelta, timezone  # noqa: F811

    from trustcheck.dates import parse_bound

    now = datetime.now(timezone.utc)
    # astimezone() always gives an aware time; `or timezone.utc` only spells that out for mypy.
    moment = parse_bound(before, now=now, local=now.astimezone().tzinfo or timezone.utc,
                         end=False, option="--before")
    # At the first moment there is, nothing is before it: keep it (stored times have seconds).
    return moment - timedelta(microseconds=1) if moment > datetime.min.replace(
        tzinfo=timezone.utc) else moment


def _by_reference(store: "Store", references: Sequence[str]) -> "list[ScoreRow]":
    """The rows the ids name, oldest first; ids may be unique starts (any case) or 'last'."""

    chosen: set[str] = set()
    problems = []
    for reference in references:
        matches = store.check_in_ids(reference if reference == "last" else reference.strip())
        if not matches:
            problems.append(Problem(f"there is no saved check-in with the id '{reference}'."))
        elif len(matches) > 1:
            problems.append(Problem(f"more than one check-in has an id starting with "
                                    f"'{reference}'; please type more of it."))
        else:
            chosen.add(matches[0])
    if problems:
        raise InputError("Nothing was deleted; `trustcheck history` shows the ids.", problems)
    return store.score_rows(ids=chosen)


def _show_doomed(rows: "Sequence[ScoreRow]") -> None:
    from trustcheck.render.listing import local_time, score_text
    from trustcheck.render.table import Column, colour_wanted, render, terminal_width

    shown = rows[:SHOWN_DELETIONS]
    table = render(
        [Column("Date"), Column("Id"), Column("Role"), Column("Partner", flexible=True),
         Column("Overall", align="right")],
        [[local_time(r.created_at), r.id[:8], r.role, r.partner or "", score_text(r.overall)]
         for r in shown],
        width=terminal_width(sys.stderr), colour=colour_wanted(sys.stderr))
    more = len(rows) - len(shown)
    say(f"{plural(len(rows), 'check-in')} will be deleted, with "
        f"{'its' if len(rows) == 1 else 'their'} answers, scores and commitments:")
    sys.stderr.write(table + (f"... and {more} more\n" if more else ""))
    sys.stderr.flush()


def _confirm(question: str) -> bool:
    sys.stderr.write(question)
    sys.stderr.flush()
    answer = sys.stdin.readline()
    return answer.strip().lower() in ("y", "yes")
