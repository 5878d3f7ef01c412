"""`trustcheck history backup`: a consistent private copy of your history."""

from pathlib import Path
from typing import Annotated, Optional

import typer

from trustcheck.cli.app import outcome, say, session
from trustcheck.cli.common import open_history, plural
from trustcheck.errors import EXIT_INTERRUPTED

BACKUP_PREFIX = "history-backup-"


def backup(
    ctx: typer.Context,
    file: Annotated[Optional[Path], typer.Argument(
        metavar="[FILE]",
        help="Where to put the copy (a file, or a folder to put it in); by default "
             "history-backup-YYYYMMDD-HHMMSS.db in the data folder.")] = None,
) -> None:
    """Copy your history to a backup file, safely even while trustcheck runs elsewhere.

    The copy is readable only by you and never replaces an existing file. To go back to it,
    move history.db (with any history.db-wal and -shm beside it) out of the data folder (see
    `trustcheck paths`) and copy the backup in its place as history.db.
    """
    from trustcheck import files

    places = session(ctx).places
    if not places.database.exists():
        say(f"There is no history to back up yet ({places.database} does not exist); take a "
            "check-in with `trustcheck assess` first.")
        return
    if file is None:
        target = _free_name(places.data.path)
    else:
        target = file.expanduser()
        if target.is_dir():
            target = _free_name(target)
    files.check_target(target)
    store = open_history(places)
    assert store is not None
    with store:
        # A stop while copying removes the unfinished copy (place_private does); a Ctrl-C is
        # held back until the copy is whole and in place, so it is then kept and said to be.
        try:
            with outcome.committing():
                files.place_private(target, store.backup, what="the backup")
                outcome.keep(f"the backup at {target} is complete and kept")
        except KeyboardInterrupt:
            if outcome.kept is not None:
                raise
            say("Stopped before the end; the unfinished backup was removed, so nothing was "
                "saved or changed.")
            raise typer.Exit(EXIT_INTERRUPTED) from None
    # Counted in the copy itself: a check-in saved elsewhere meanwhile may or may not be in it.
    from trustcheck.store import Store

    with Store.open_for_reading(target) as copy:
        count = copy.count()
    say(f"Backed up {plural(count, 'check-in')} to {target}.")


def _free_name(folder: Path) -> Path:
    """history-backup-YYYYMMDD-HHMMSS.db in the folder (local time), with -2, -3 if taken."""
    from datetime import datetime

    stem = f"{BACKUP_PREFIX}{datetime.now():%Y%m%d-%H%M%S}"
    target = folder / f"{stem}.db"
    number = 2
    while target.exists():
        target = folder / f"{stem}-{number}.db"
        number += 1
    return target
