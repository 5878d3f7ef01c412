"""The one error type trustcheck raises, the exit code each kind maps to, and what a full
disk looks like whichever layer reports it."""

from __future__ import annotations

import errno
from collections.abc import Iterator
from typing import NamedTuple

EXIT_OK = 0
EXIT_RUNTIME = 1
EXIT_BAD_INPUT = 2
EXIT_INTERRUPTED = 130

# Said wherever a command needs a saved check-in and the history is still empty.
NO_ASSESSMENTS_YET = ("There are no saved check-ins yet; run `trustcheck assess` to take "
                      "your first.")


class Problem(NamedTuple):
    """One thing wrong with a file the user gave us, located as precisely as we can."""

    message: str
    source: str = ""
    line: int | None = None

    def __str__(self) -> str:
        where = self.source
        if where and self.line is not None:
            where = f"{where}, line {self.line}"
        return f"{where}: {self.message}" if where else self.message


class TrustcheckError(Exception):
    """Something the user can act on: one plain sentence, an exit code, maybe a list of problems."""

    exit_code = EXIT_RUNTIME

    def __init__(self, message: str, problems: list[Problem] | tuple[Problem, ...] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.problems = tuple(problems)


class InputError(TrustcheckError):
    """Bad usage or bad input: a file, an option or an answer the user can fix."""

    exit_code = EXIT_BAD_INPUT


class StorageError(TrustcheckError):
    """The history database or the disk could not do what we asked."""

    exit_code = EXIT_RUNTIME


def _chain(exc: BaseException | None) -> Iterator[BaseException]:
    """This error and those it came from (its cause, or the one it was raised while handling)."""
    seen = 0
    while exc is not None and seen < 10:
        yield exc
        if exc.__cause__ is not None:
            exc = exc.__cause__
        else:
            exc = None if exc.__suppress_context__ else exc.__context__
        seen += 1


def disk_full(exc: BaseException | None) -> bool:
    """Whether this error, or one it came from, says the disk (or SQLite's file) is full."""
    for error in _chain(exc):
        if isinstance(error, OSError) and error.errno == errno.ENOSPC:
            return True
        if getattr(error, "sqlite_errorname", "") == "SQLITE_FULL":
            return True
        # Python 3.10's sqlite3 errors carry no error name, only SQLite's own message.
        if type(error).__module__ == "sqlite3" and "database or disk is full" in str(error):
            return True
    return False


def interrupted(exc: BaseException | None) -> bool:
    """Whether this error is an interrupt (Ctrl-C, or SIGTERM/SIGHUP made into one), perhaps in
    disguise: Python 3.10 and 3.11 wrap one that arrives while a class is being made (in
    `__set_name__`, e.g. while a module is imported) in a RuntimeError."""
    return any(isinstance(error, KeyboardInterrupt) for error in _chain(exc))
