"""The Typer application: global options, the command groups, and the one error handler."""

import errno
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import Any, NamedTuple, NoReturn, Optional

import typer
from typer.core import TyperGroup

from trustcheck import __version__
from trustcheck.cli.options import DataDirOption
from trustcheck.errors import (
    EXIT_BAD_INPUT,
    EXIT_INTERRUPTED,
    EXIT_RUNTIME,
    TrustcheckError,
    interrupted,
)
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


class Outcome:
    """What this run has already changed for good, so a failure after it says so.

    A command records what it kept (`keep`) as soon as the commit returns, inside `committing`,
    which holds Ctrl-C and SIGTERM back until both are done: so the error handler never says
    "nothing was saved" about a check-in that was saved, and never misses one that was.
    (A plain class, not a dataclass: importing dataclasses would slow every command's start.)
    """

    def __init__(self) -> None:
        self.kept: str | None = None  # e.g. "the check-in was saved in your history as ..."

    def keep(self, what: str) -> None:
        self.kept = what

    @contextmanager
    def committing(self) -> Iterator[None]:
        import signal

        held: list[int] = []
        previous: dict[int, Any] = {}
        # Every signal `trustcheck.cli.main` turns into an interrupt (SIGHUP only where the
        # system has it).
        stopping = (getattr(signal, name, None) for name in ("SIGINT", "SIGTERM", "SIGHUP"))
        for number in (found for found in stopping if found is not None):
            with suppress(ValueError, OSError):  # not the main thread: nothing to hold back
                previous[number] = signal.signal(number, lambda caught, frame: held.append(caught))
        try:
            yield
        finally:
            for restored, handler in previous.items():
                signal.signal(restored, handler)
        if held:
            handler = previous.get(held[0])
            if callable(handler):
                handler(held[0], None)  # e.g. the default Ctrl-C handler: KeyboardInterrupt
            elif handler != signal.SIG_IGN:
                raise KeyboardInterrupt

    def told(self, failure: str, otherwise: str) -> str:
        """The sentence for a failure: what failed, and what was kept before it, if anything."""
        return otherwise if self.kept is None else f"{failure}, but {self.kept}."


outcome = Outcome()  # one per run: `_Group.invoke` starts it afresh


class _Group(TyperGroup):
    """Turns every failure into one plain sentence and the right exit code, in one place."""

    def main(self, args: Any = None, *rest: Any, **kwargs: Any) -> Any:
        # Help pages for people (plain ones without boxes): set on each run, as the same app
        # may serve runs with and without --plain (tests, tools).
        from trustcheck.cli.helptext import tidy
        from trustcheck.render.modes import plain

        given = sys.argv[1:] if args is None else list(args)
        self.given = given
        tidy(self, plain=plain() or "--plain" in given)
        return super().main(args, *rest, **kwargs)

    def make_context(self, *args: Any, **kwargs: Any) -> Any:
        # Typer turns a Ctrl-C while it reads the command line into a silent exit 130.
        try:
            return super().make_context(*args, **kwargs)
        except KeyboardInterrupt:
            say("Stopped before the end; nothing was saved or changed.")
            raise typer.Exit(EXIT_INTERRUPTED) from None

    def invoke(self, ctx: Any) -> Any:
        outcome.kept = None
        try:
            return super().invoke(ctx)
        except TrustcheckError as exc:
            self._show_traceback()
            say(outcome.told(exc.message.rstrip("."), exc.message), *exc.problems)
            raise typer.Exit(exc.exit_code) from None
        except KeyboardInterrupt:
            self._stopped()
        except RecursionError:
            say("The input is nested too deeply to be a trustcheck file; please check the file.")
            raise typer.Exit(EXIT_BAD_INPUT) from None
        except OSError as exc:
            if exc.errno == errno.EPIPE:  # e.g. `trustcheck history | head`: not an error
                if outcome.kept is not None:  # but a script must not save it again
                    say(f"The output was cut short, but {outcome.kept}.")
                _silence_stdout()
                raise typer.Exit(0) from None
            self._show_traceback()
            if exc.errno == errno.ENOSPC:
                say(outcome.told("The disk is full, so the output was not written",
                                 "The disk is full, so nothing was written; free some space "
                                 "and try again."))
            else:
                where = f" ({exc.filename})" if exc.filename else ""
                say(outcome.told(f"trustcheck could not read or write a file{where}: "
                                 f"{exc.strerror or exc}",
                                 f"trustcheck could not read or write a file{where}: "
                                 f"{exc.strerror or exc}. Please check the path and its "
                                 "permissions."))
            raise typer.Exit(EXIT_RUNTIME) from None
        except Exception as exc:
            moved = _misplaced_global_option(exc, getattr(self, "given", []))
            if moved is not None:
                say(moved)
                raise typer.Exit(EXIT_BAD_INPUT) from None
            if type(exc).__module__.startswith("typer"):
                raise  # Typer's own exits and usage errors: it reports them itself
            if interrupted(exc):
                self._stopped()
            if _debug():
                raise
            say(outcome.told("trustcheck ran into an unexpected problem and stopped",
                             "trustcheck ran into an unexpected problem and stopped; run it "
                             f"again with {DEBUG_VARIABLE}=1 to see the details, and please "
                             "report them."))
            raise typer.Exit(EXIT_RUNTIME) from None

    def _stopped(self) -> NoReturn:
        self._show_traceback()
        say(outcome.told("Stopped before the end",
                         "Stopped before the end; nothing was saved or changed."))
        raise typer.Exit(EXIT_INTERRUPTED) from None

    @staticmethod
    def _show_traceback() -> None:
        if _debug():
            import traceback

            traceback.print_exc()


# trustcheck's own options, which go before the command; True: takes a value.
GLOBAL_OPTIONS = {"--data-dir": True, "--plain": False, "--version": False, "-V": False}


def _misplaced_global_option(exc: Exception, given: list[str]) -> str | None:
    """For a global option written after the command (`trustcheck history --data-dir X`), the
    sentence that says where it goes, with the command line put right; otherwise None."""
    option = getattr(exc, "option_name", None)
    if type(exc).__name__ != "NoSuchOption" or option not in GLOBAL_OPTIONS:
        return None
    import shlex

    rest = list(given)
    moved = [option]
    for position, word in enumerate(rest):
        if word == option or word.startswith(f"{option}="):
            moved = [word]
            if GLOBAL_OPTIONS[option] and word == option:
                taken = rest[position + 1:position + 2]
                moved += taken or ["DIR"]
                del rest[position + 1:position + 1 + len(taken)]
            del rest[position]
            break
    if option in ("--version", "-V"):
        rest = []  # the version is all it shows
    fixed = shlex.join(["trustcheck", *moved, *rest])
    return f"{option} goes before the command: {fixed}"


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
    plain: bool = typer.Option(
        False, "--plain",
        help="Plain text for screen readers and braille displays: no bars, charts or box "
             "drawing (also TRUSTCHECK_PLAIN=1)."),
) -> None:
    """Check, privately and honestly, how well you build trust as a mentor or mentee.

    Everything stays on this computer.
    """
    if plain:
        from trustcheck.render.modes import ask_for_plain

        ask_for_plain()
    ctx.obj = Session(resolve(data_dir, os.environ))
    from trustcheck import checklist_cache
    from trustcheck.paths import cache_folder

    checklist_cache.use(cache_folder)


# name -> (module in trustcheck.cli, function or Typer group, is a group); a group module may
# instead offer `build(arguments)`, which makes the group with just what this run needs.
_COMMANDS = {
    "assess": ("assess", "assess", False),
    "focus": ("focus", "focus", False),
    "commitments": ("commitments", "build", True),
    "template": ("template", "template", False),
    "history": ("history", "build", True),
    "checklists": ("checklists", "app", True),
    "compare": ("compare", "compare", False),
    "share": ("share", "share", False),
    "report": ("report", "report", False),
    "due": ("due", "due", False),
    "paths": ("paths", "paths", False),
    "completion": ("completion", "completion", False),
}
COMMANDS = tuple(_COMMANDS)


def build(only: str | None = None, arguments: list[str] | None = None) -> typer.Typer:
    """The app with every command, or with just the one this run needs.

    Typer turns every registered command into Click objects on each run, and each command
    module costs its import, so a run that names a known command loads only that one (and a
    group that can, only the subcommand named in `arguments`, what follows the command). Help
    and unknown names get them all.
    """
    from importlib import import_module

    application = _new_app()
    for name, (module_name, attribute, group) in _COMMANDS.items():
        if only is not None and name != only:
            continue
        found = getattr(import_module(f"trustcheck.cli.{module_name}"), attribute)
        if group:
            made = found if isinstance(found, typer.Typer) else found(arguments)
            application.add_typer(made, name=name)
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
    arguments = sys.argv[1:]
    if os.environ.get("_TRUSTCHECK_COMPLETE"):  # a shell asks what Tab completes to
        from trustcheck.cli.completion import complete

        complete(build)
        return
    from trustcheck.cli.helptext import (
        first_page,
        load_help_formatting,
        wants_first_page,
        wants_help,
    )

    if wants_help(arguments):
        load_help_formatting()
    name = command_named(arguments)
    # What follows the command, for a group that loads only the subcommand it names (a folder
    # given to --data-dir under the same name only makes it load them all).
    rest = None if name is None else arguments[arguments.index(name) + 1:]
    application = build(name, rest)
    if name is None and wants_first_page(arguments):
        application = first_page(application)  # the same page without reading every option
    application(prog_name="trustcheck")
