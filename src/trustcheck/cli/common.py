"""Small pieces several commands share: filters, the history, consoles, terminals."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from trustcheck.paths import Places

if TYPE_CHECKING:
    from rich.console import Console

    from trustcheck.records import Filters
    from trustcheck.store import Store


def stdin_is_terminal() -> bool:
    try:
        return sys.stdin is not None and sys.stdin.isatty()
    except ValueError:  # closed
        return False


def stdout_console() -> Console:
    from trustcheck.render.text import make_console

    return make_console(sys.stdout)


def filters(role: str | None = None, partner: str | None = None, cohort: str | None = None,
            since: str | None = None, until: str | None = None) -> Filters:
    """Filters from command-line options; dates are read in the local time zone.

    Labels are folded the way they were stored (runs of spaces become one), and an empty one
    (`--partner ""`) means check-ins without that label.
    """
    from datetime import datetime, timezone

    from trustcheck.dates import parse_range
    from trustcheck.records import Filters

    def label(text: str | None) -> str | None:
        return None if text is None else " ".join(text.split())

    now = datetime.now(timezone.utc)
    # astimezone() always gives an aware time; `or timezone.utc` only spells that out for mypy.
    start, stop = parse_range(since, until, now=now, local=now.astimezone().tzinfo or timezone.utc)
    return Filters(role, label(partner), label(cohort), start, stop)


def open_history(places: Places, *, create: bool = False, writable: bool = False) -> Store | None:
    """The history store; None when nothing was ever saved and `create` is false.

    Only to read unless `writable` (or `create`): reading never writes, so it works on a full
    disk, never migrates, and needs no whole-file check.
    """
    from trustcheck.store import Store

    if not create and not places.database.exists():
        return None
    if create or writable:
        return Store.open(places.database)
    return Store.open_for_reading(places.database)


def narrowed(*options: object) -> bool:
    """Whether any filter option was given (an empty --partner "" counts: it asks for none)."""
    return any(option is not None for option in options)


def plural(count: int, word: str) -> str:
    """'1 check-in', '3 check-ins'."""
    return f"{count} {word}{'' if count == 1 else 's'}"
