"""The command line: a thin Typer layer over the core. `main` is the console script."""

from __future__ import annotations

import os
import signal
import sys
from types import FrameType

STOPPED = "Stopped before the end; nothing was saved or changed."
# Options whose value is a file or folder to create: a name in any bytes is fair there.
_PATH_OPTIONS = ("-o", "--output", "--data-dir")
_STOP_SIGNALS = ("SIGINT", "SIGTERM", "SIGHUP")


def main() -> None:
    # Everything, imports included, runs inside this try: Ctrl-C at any moment of start-up ends
    # with one sentence, never a traceback (unless TRUSTCHECK_DEBUG asks for one).
    try:
        _stopping.clear()  # main may run more than once in one process (tests, tools)
        _stop_on_signals()
        _refuse_broken_text(sys.argv[1:])
        # `trustcheck --version` is run often by scripts and install checks; answer it without
        # importing Typer (most of the start-up time). Every other path goes through the app.
        if sys.argv[1:] in (["--version"], ["-V"]):
            from trustcheck import __version__

            sys.stdout.write(f"trustcheck {__version__}\n")
            return
        from trustcheck.cli.standins import load_typer

        load_typer()  # without the modules Typer loads for what trustcheck never uses
        from trustcheck.cli.app import run

        run()
    except BaseException as exc:
        from trustcheck.errors import interrupted

        if isinstance(exc, SystemExit) or not interrupted(exc):
            raise
        _stopping.append(True)  # a second Ctrl-C must not cut the message short
        if os.environ.get("TRUSTCHECK_DEBUG", "").strip() not in ("", "0"):
            import traceback

            traceback.print_exc()
        # Stopped before the app's error handler took over (or after it let go): say what was
        # really saved, if the command had already saved something.
        app = sys.modules.get("trustcheck.cli.app")
        _say(STOPPED if app is None else app.outcome.told("Stopped before the end", STOPPED))
        sys.exit(130)
    finally:
        # The work is done (or refused): a signal now is let go, and once the default actions
        # are back, one while Python shuts down ends the process quietly instead of raising
        # where nothing can catch it.
        _stopping.append(True)
        for name in _STOP_SIGNALS:
            if hasattr(signal, name):
                signal.signal(getattr(signal, name), signal.SIG_DFL)


# Not empty once trustcheck is finishing; a list, so the handler needs no `global`.
_stopping: list[bool] = []


# importlib's weak-reference callbacks, where an exception is printed and lost: `cb` up to
# Python 3.12, `KeyedRef.remove` (of its _WeakValueDictionary) from 3.13.
_IMPORTLIB_CALLBACKS = ("cb", "remove")


def _interrupt(signum: int, frame: FrameType | None) -> None:
    if _stopping:
        return
    if frame is not None and frame.f_code.co_name in _IMPORTLIB_CALLBACKS \
            and hasattr(signal, "setitimer") \
            and frame.f_code.co_filename.startswith("<frozen importlib"):
        # Raised inside importlib's weak-reference callback, the interrupt would be printed as
        # "ignored" and lost; deliver it again a millisecond later, once out of there.
        signal.signal(signal.SIGALRM, _interrupt)
        signal.setitimer(signal.ITIMER_REAL, 0.001)
        return
    raise KeyboardInterrupt


def _stop_on_signals() -> None:
    """SIGTERM and SIGHUP (a closed terminal) stop trustcheck the way Ctrl-C (SIGINT) does.

    Their default action kills the process at once, so no `finally` runs: the terminal stays in
    the questionnaire's no-echo mode and temporary files stay behind. As KeyboardInterrupt they
    take every clean-up path Ctrl-C takes, and end with exit 130.
    """
    for name in _STOP_SIGNALS:
        number = getattr(signal, name, None)
        # Only where the usual action stands: a signal ignored by whoever started trustcheck
        # (nohup) stays ignored.
        if number is not None and signal.getsignal(number) in (signal.SIG_DFL,
                                                               signal.default_int_handler):
            signal.signal(number, _interrupt)


def _refuse_broken_text(arguments: list[str]) -> None:
    """Refuse, with exit 2, a label or name that is not UTF-8 (on POSIX it arrives with lone
    surrogates, which SQLite, JSON and terminals cannot take); file names may hold any bytes."""
    after_path_option = False
    for argument in arguments:
        if after_path_option or argument.startswith(tuple(f"{o}=" for o in _PATH_OPTIONS)):
            after_path_option = False
            continue
        after_path_option = argument in _PATH_OPTIONS
        try:
            argument.encode("utf-8")
        except UnicodeEncodeError:
            if os.path.lexists(argument):
                continue  # an existing file named in other bytes
            where, value = "", argument
            option, equals, rest = argument.partition("=")
            if equals and option.startswith("--"):
                where, value = f" (given for {option})", rest
            else:
                index = arguments.index(argument)
                if index and arguments[index - 1].startswith("-"):
                    where = f" (given for {arguments[index - 1]})"
            try:
                raw = value.encode("utf-8", "surrogateescape")  # the bytes as typed
            except UnicodeEncodeError:
                raw = value.encode("utf-8", "backslashreplace")
            decoded = raw.decode("utf-8", "backslashreplace")
            # Escaped, not raw: the argument may also hold terminal control characters.
            shown = "".join(c if c.isprintable() else f"\\u{ord(c):04x}" for c in decoded)
            _say(f"The command line holds '{shown}'{where}, which is not valid UTF-8 text; "
                 "please type it again in plain UTF-8 (check your terminal's character encoding).")
            sys.exit(2)


def _say(message: str) -> None:
    sys.stderr.write(message + "\n")
    sys.stderr.flush()
