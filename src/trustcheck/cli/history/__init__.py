"""`trustcheck history` and its subcommands, registered in one place.

Each subcommand lives in a module named after it; the group itself lists past check-ins
(`listing.history`, the group's callback). A run loads only the subcommand it names (as
`cli.app.build` does for commands): `history -n 20` is run often and should not pay for the
modules of export, import, delete and backup.
"""

from __future__ import annotations

from collections.abc import Sequence
from importlib import import_module

import typer

# name -> (module in trustcheck.cli.history, function)
SUBCOMMANDS = {
    "show": ("listing", "show"),
    "trends": ("trends", "trends"),
    "export": ("export", "export"),
    "import": ("imports", "import_"),
    "delete": ("delete", "delete"),
    "backup": ("backup", "backup"),
}
# The group's own options that take a value: the word after them is not a subcommand.
_TAKES_A_VALUE = ("--role", "-r", "--partner", "-p", "--cohort", "-c", "--since", "--until",
                  "--limit", "-n", "--format", "-f")


def build(arguments: Sequence[str] | None = None) -> typer.Typer:
    """The group with the subcommand `arguments` (what follows `history`) names; with every
    subcommand when they ask for help, name an unknown one, or are not given."""
    from trustcheck.cli.history import listing

    group = typer.Typer(help="Your past check-ins, kept only on this computer.",
                        invoke_without_command=True)
    group.callback()(listing.history)
    wanted = SUBCOMMANDS if arguments is None else _named(arguments)
    for name in wanted:
        module, function = SUBCOMMANDS[name]
        group.command(name)(getattr(import_module(f"trustcheck.cli.history.{module}"), function))
    return group


def _named(arguments: Sequence[str]) -> Sequence[str]:
    position = 0
    while position < len(arguments):
        word = arguments[position]
        if word in ("-h", "--help"):
            return list(SUBCOMMANDS)
        if word in _TAKES_A_VALUE:
            position += 2
            continue
        if word.startswith("-"):
            position += 1
            continue
        # The first word that is not an option: a subcommand, or a mistake Click should answer
        # with its "did you mean" (which needs every name).
        return [word] if word in SUBCOMMANDS else list(SUBCOMMANDS)
    return []
