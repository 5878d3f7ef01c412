"""Helpers shared by the benchmark scripts: which trustcheck to run, and a clean environment."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

# Exit codes of the benchmark scripts (see benchmarks/README.md).
EXIT_OK = 0
EXIT_OVER_BUDGET = 1
EXIT_CANNOT_MEASURE = 2


def python() -> str:
    """The interpreter running this script (the venv's python when run as documented)."""
    return sys.executable


def trustcheck_command() -> list[str]:
    """The `trustcheck` console script next to this python, or `python -m trustcheck`.

    sys.executable is not resolved: in a venv it is a link inside .venv/bin, next to the
    script pip installed, and resolving it would lead to the base interpreter's folder.
    """
    folder = Path(sys.executable).parent
    for name in ("trustcheck", "trustcheck.exe"):
        script = folder / name
        if script.is_file() and os.access(script, os.X_OK):
            return [str(script)]
    return [sys.executable, "-m", "trustcheck"]


def describe(argv: list[str]) -> str:
    """A short, readable form of a command for tables: the program's name, then the arguments."""
    first = Path(argv[0]).name
    return " ".join([first, *argv[1:]])


def environment(home: Path, pycache: Path) -> dict[str, str]:
    """The current environment with a private TRUSTCHECK_HOME and steady, plain output.

    Bytecode is always cached, in a private folder (`pycache`): people run trustcheck with
    compiled .pyc files (pip writes them at install time), so timing it while Python compiles
    every module from source on each run (PYTHONDONTWRITEBYTECODE=1, as some sandboxes and CI
    set) would measure something nobody sees. The source tree is left untouched.

    Compiled checklists go to a private cache folder beside `pycache` (XDG_CACHE_HOME, which
    the platform's cache folder follows on Linux), filled by the first runs as for a user.
    """
    env = dict(os.environ)
    env["XDG_CACHE_HOME"] = str(Path(pycache).parent / "user-cache")
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(pycache)
    env["TRUSTCHECK_HOME"] = str(home)
    env["NO_COLOR"] = "1"
    env["COLUMNS"] = "100"
    env.pop("TRUSTCHECK_DEBUG", None)
    return env


class CannotMeasure(Exception):
    """Something the benchmark needs did not work, so there are no figures to report."""


class CommandFailed(CannotMeasure):
    """A command that should succeed did not; the benchmark cannot go on."""

    def __init__(self, argv: list[str], completed: subprocess.CompletedProcess) -> None:
        stderr = completed.stderr
        if isinstance(stderr, bytes):
            stderr = stderr.decode("utf-8", "replace")
        super().__init__(
            f"`{describe(argv)}` exited with {completed.returncode}:\n"
            f"{(stderr or '').strip() or '(it printed no error message)'}")


def run_checked(argv: list[str], env: dict[str, str], **kwargs) -> subprocess.CompletedProcess:
    """Run a command, capturing its output; raise CommandFailed if it exits with non-zero."""
    completed = subprocess.run(argv, env=env, capture_output=True, stdin=subprocess.DEVNULL,
                               **kwargs)
    if completed.returncode != 0:
        raise CommandFailed(argv, completed)
    return completed


def _whole_number(least: int, wording: str):
    """An argparse type: a whole number of at least `least`."""

    def convert(text: str) -> int:
        import argparse

        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
        if value < least:
            raise argparse.ArgumentTypeError(f"expected {wording}, got {value}")
        return value

    return convert


positive_int = _whole_number(1, "at least 1")
non_negative_int = _whole_number(0, "0 or more")


def timing_options(prog: str, description: str, *, runs: int, warmup: int,
                   unit: str = "command"):
    """The options every timing benchmark takes: --runs, --warmup and --json."""
    import argparse

    parser = argparse.ArgumentParser(prog=prog, description=description)
    parser.add_argument("--runs", type=positive_int, default=runs, metavar="N",
                        help=f"timed runs of each {unit} (default {runs})")
    parser.add_argument("--warmup", type=non_negative_int, default=warmup, metavar="N",
                        help=f"untimed runs of each {unit} first (default {warmup})")
    parser.add_argument("--json", action="store_true",
                        help="print the figures as JSON instead of a table")
    return parser
