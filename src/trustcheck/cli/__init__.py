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
    import signal

    # SIGTERM (a closed terminal's `kill`, a CI timeout) stops a run like Ctrl-C, so the one
    # error handler reports what was already saved instead of the process vanishing silently.
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        from trustcheck.cli.app import run

        run()
    except KeyboardInterrupt:
        # Stopped while starting, before the app's error handler took over.
        app = sys.modules.get("trustcheck.cli.app")
        message = "Stopped before the end; nothing was saved or changed."
        if app is not None:
            message = app.outcome.told("Stopped before the end", message)
        sys.stderr.write(message + "\n")
        sys.exit(130)


def _interrupt(number: int, frame: object) -> None:
    raise KeyboardInterrupt
