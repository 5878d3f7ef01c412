"""The Typer application: global options, the command groups, and the one error handler."""

from __future__ import annotations

import errno
import os
import sys
from typing import Any, NamedTuple, Optional

import typer
from typer.core import TyperGroup

from trustcheck import __version__
from trustcheck.cli.options import DataDirOption
from trustcheck.errors import EXIT_BAD_INPUT, EXIT_INTERRUPTED, EXIT_RUNTIME, TrustcheckError
from trustcheck.paths import Places, resolve

DEBUG_VARIABLE = "TRUSTCHECK_DEBUG"


def _debug() -> bool:
    return os.environ.get(DEBUG_VARIABLE, "").strip() not in ("", "0")


def say(message: str, *problems: object) -> None:
    """A message for the person (not data): standard error, one line per message or problem.

    User text inside a message can hold line breaks and control characters; both are removed so
    nobody can forge an extra line or reach the terminal raw.
    """
    from trustcheck.text import one_line

    lines = [one_line(message)] + [f"  - {one_line(p)}" for p in problems]
    sys.stderr.write("\n".join(lines) + "\n")
    sys.stderr.flush()


def _silence_stdout() -> None:
    """The reader went away (a closed pipe): drop what is left instead of failing at exit."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


class _Group(TyperGroup):
    """Turns every failure into one plain sentence and the right exit code, in one place."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except TrustcheckError as exc:
            self._show_traceback()
            say(exc.message, *exc.problems)
            raise typer.Exit(exc.exit_code) from None
        except KeyboardInterrupt:
            self._show_traceback()
            say("Stopped before the end; nothing was saved or changed.")
            raise typer.Exit(EXIT_INTERRUPTED) from None
        except RecursionError:
            say("The input is nested too deeply to be a trustcheck file; please check the file.")
            raise typer.Exit(EXIT_BAD_INPUT) from None
        except OSError as exc:
            if exc.errno == errno.EPIPE:  # e.g. `trustcheck history | head`: not an error
                _silence_stdout()
                raise typer.Exit(0) from None
            self._show_traceback()
            if exc.errno == errno.ENOSPC:
                say("The disk is full, so nothing was written; free some space and try again.")
            else:
                where = f" ({exc.filename})" if exc.filename else ""
                say(f"trustcheck could not read or write a file{where}: {exc.strerror or exc}. "
                    "Please check the path and its permissions.")
            raise typer.Exit(EXIT_RUNTIME) from None
        except Exception as exc:
            if type(exc).__module__.startswith("typer"):
                raise  # Typer's own exits and usage errors: it reports them itself
            if _debug():
                raise
            say("trustcheck ran into an unexpected problem and stopped; run it again with "
                f"{DEBUG_VARIABLE}=1 to see the details, and please report them.")
            raise typer.Exit(EXIT_RUNTIME) from None

    @staticmethod
    def _show_traceback() -> None:
        if _debug():
            import traceback

            traceback.print_exc()


class Session(NamedTuple):
    """What every command needs to know about this run."""

    places: Places


def session(ctx: typer.Context) -> Session:
    root = ctx.find_root()
    if not isinstance(root.obj, Session):
        root.obj = Session(resolve(None, os.environ))
    return root.obj


def _new_app() -> typer.Typer:
    application = typer.Typer(
        cls=_Group,
        name="trustcheck",
        help="Check, privately and honestly, how well you build trust as a mentor or mentee.",
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
        pretty_exceptions_show_locals=False,
        context_settings={"help_option_names": ["-h", "--help"]},
    )
    application.callback()(_root)
    return application


def _version(value: bool) -> None:
    if value:
        typer.echo(f"trustcheck {__version__}")
        raise typer.Exit()


def _root(
    ctx: typer.Context,
    data_dir: DataDirOption = None,
    version: Optional[bool] = typer.Option(
        None, "--version", "-V", callback=_version, is_eager=True,
        help="Show the version and exit."),
) -> None:
    """Check, privately and honestly, how well you build trust as a mentor or mentee.

    Everything stays on this computer.
    """
    ctx.obj = Session(resolve(data_dir, os.environ))


# name -> (module in trustcheck.cli, function or Typer group, is a group)
_COMMANDS = {
    "assess": ("assess", "assess", False),
    "focus": ("focus", "focus", False),
    "commitments": ("focus", "commitments_list", False),
    "template": ("template", "template", False),
    "history": ("data", "history_app", True),  # data.py adds export, import, delete, backup
    "checklists": ("checklists", "app", True),
    "compare": ("compare", "compare", False),
    "report": ("report", "report", False),
    "paths": ("data", "paths", False),
}
COMMANDS = tuple(_COMMANDS)


def build(only: str | None = None) -> typer.Typer:
    """The app with every command, or with just the one this run needs.

    Typer turns every registered command into Click objects on each run, and each command
    module costs its import, so a run that names a known command loads only that one. Help and
    unknown names get them all.
    """
    from importlib import import_module

    application = _new_app()
    for name, (module_name, attribute, group) in _COMMANDS.items():
        if only is not None and name != only:
            continue
        found = getattr(import_module(f"trustcheck.cli.{module_name}"), attribute)
        if group:
            application.add_typer(found, name=name)
        else:
            application.command(name)(found)
    return application


def command_named(args: list[str]) -> str | None:
    """The command a command line asks for, if it is a known one and not a request for help."""
    position = 0
    while position < len(args):
        arg = args[position]
        if arg in ("-h", "--help", "-V", "--version"):
            return None
        if arg == "--data-dir":
            position += 2
            continue
        if arg.startswith("-"):
            position += 1
            continue
        return arg if arg in COMMANDS else None
    return None


def __getattr__(name: str) -> typer.Typer:
    # `app` (every command) is built on first use, for tests and tools that import it; a normal
    # run builds only what it needs in `run()`, without loading every command module.
    if name == "app":
        globals()["app"] = built = build()
        return built
    raise AttributeError(name)


def run() -> None:
    build(command_named(sys.argv[1:]))(prog_name="trustcheck")
