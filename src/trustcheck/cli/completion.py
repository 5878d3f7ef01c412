"""`trustcheck completion bash|zsh|fish`, and the answers the shell asks for on Tab.

Loaded only when a shell completes a command line (`_TRUSTCHECK_COMPLETE` is set) or asks
for its script, so no other run pays for it. Completing only reads the history, and never
prints an error: a shell would show it in the middle of the line being typed.
"""

import contextlib
import os
import sys
from enum import Enum
from typing import Annotated, Any

import typer

COMPLETE_VARIABLE = "_TRUSTCHECK_COMPLETE"
SHELLS = ("bash", "zsh", "fish")
SHOWN_IDS = 50  # the newest check-ins offered for an id


class Shell(str, Enum):
    bash = "bash"
    zsh = "zsh"
    fish = "fish"


def completion(shell: Annotated[Shell, typer.Argument(
        metavar="bash|zsh|fish", help="Your shell.", case_sensitive=False)]) -> None:
    """Print the script that lets your shell complete trustcheck's commands, options, partner
    names and check-in ids when you press Tab.

    bash: add `eval "$(trustcheck completion bash)"` to ~/.bashrc. zsh: add `eval
    "$(trustcheck completion zsh)"` to ~/.zshrc (after compinit). fish: save it as
    ~/.config/fish/completions/trustcheck.fish.
    """
    from typer._completion_shared import get_completion_script

    sys.stdout.write(get_completion_script(prog_name="trustcheck",
                                           complete_var=COMPLETE_VARIABLE,
                                           shell=shell.value) + "\n")


def complete(build: Any) -> None:
    """Answer the shell's completion request with the whole app (`build()`), quietly: any
    problem gives no completions rather than an error in the middle of the line."""
    # Click names the request shell first (bash_complete); Typer, whose machinery answers it,
    # the other way round (complete_bash): both are understood.
    first, _, second = os.environ.get(COMPLETE_VARIABLE, "").partition("_")
    if first in SHELLS:
        os.environ[COMPLETE_VARIABLE] = f"{second}_{first}"
    with open(os.devnull, "w", encoding="utf-8") as quiet, contextlib.redirect_stderr(quiet):
        try:
            from typer._completion_classes import completion_init

            completion_init()  # Typer's bash, zsh and fish answers, which its scripts expect
            command = typer.main.get_command(build())
            _from_the_history(command)
            command(prog_name="trustcheck")
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 0
            sys.exit(0 if code in (0, 1) else code)
        except BaseException:  # noqa: BLE001 - a completion never fails loudly
            sys.exit(0)


def _from_the_history(command: Any) -> None:
    """Every --partner completes saved partner names, every check-in id saved ids."""
    for param in command.params:
        if "--partner" in param.opts:
            param._custom_shell_complete = partner_names
        elif "--id" in param.opts or param.metavar in ("ID", "[ID]..."):
            param._custom_shell_complete = check_in_ids
    for subcommand in getattr(command, "commands", {}).values():
        _from_the_history(subcommand)


def _history(ctx: Any) -> Any:
    """The history this command line means (its --data-dir, else the usual place), to read;
    None when there is none."""
    from trustcheck.paths import resolve
    from trustcheck.store import Store

    root = ctx.find_root() if ctx is not None else None
    data_dir = root.params.get("data_dir") if root is not None else None
    database = resolve(data_dir, os.environ).database
    return Store.open_for_reading(database) if database.exists() else None


def partner_names(ctx: Any, param: Any, incomplete: str) -> list[Any]:
    """Saved partner names that start like `incomplete` (any case or spacing)."""
    try:
        from typer._click.shell_completion import CompletionItem

        from trustcheck.names import key

        store = _history(ctx)
        if store is None:
            return []
        with store:
            known = store.partners()
        wanted = key(incomplete)
        return [CompletionItem(name) for name in known if key(name).startswith(wanted)]
    except Exception:  # noqa: BLE001 - a completion never fails loudly
        return []


def check_in_ids(ctx: Any, param: Any, incomplete: str) -> list[Any]:
    """'last' and the newest check-ins' ids that start like `incomplete`, each with its date
    and partner for shells that show a description."""
    try:
        from typer._click.shell_completion import CompletionItem

        from trustcheck.records import Filters

        store = _history(ctx)
        if store is None:
            return []
        with store:
            lines = store.check_in_lines(Filters(), limit=SHOWN_IDS)
        found = [CompletionItem("last", help="the newest check-in")] \
            if "last".startswith(incomplete) else []
        for line in lines:
            if line.id.lower().startswith(incomplete.lower()):
                when = line.created_at.astimezone().strftime("%Y-%m-%d %H:%M")
                about = f"{line.role} with {line.partner}" if line.partner else line.role
                found.append(CompletionItem(line.id, help=f"{when}, {about}"))
        return found
    except Exception:  # noqa: BLE001 - a completion never fails loudly
        return []
