"""The command line: a thin Typer layer over the core. `main` is the console script."""

from __future__ import annotations

import sys


def main() -> None:
    # `trustcheck --version` is run often by scripts and install checks; answer it without
    # importing Typer (most of the start-up time). Every other path goes through the app.
    if sys.argv[1:] in (["--version"], ["-V"]):
        from trustcheck import __version__

        sys.stdout.write(f"trustcheck {__version__}\n")
        return
    from trustcheck.cli.app import run

    run()
