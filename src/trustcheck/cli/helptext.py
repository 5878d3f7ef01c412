"""Typer's help formatting, loaded without the Rich parts trustcheck's help never uses.

`typer.rich_utils`, which formats every help page, imports `rich.markdown` (markdown-it) and
`rich.traceback` (Pygments) at its top: for help written in Markdown and for Typer's pretty
tracebacks. trustcheck writes its help in Rich markup and turns pretty tracebacks off, yet
those two imports were about a third of `trustcheck --help`'s time. So, for a run that shows
help, `typer.rich_utils` is imported with stand-ins for both that load the real class the
moment one is used; the stand-ins are gone from `sys.modules` right after, so anything else
that imports `rich.markdown` or `rich.traceback` gets the real module. The same goes for two
standard modules Rich takes single names from at its top (`trustcheck.cli.standins`): `pickle`
(for a style's metadata, which help never sets) and `fractions` (for `rich.layout`'s sizes;
help's tables share out their widths without it), about 2 ms together. And the first page,
which lists the commands, is shown without Typer reading every command's options
(`first_page`).
"""

import sys
from types import ModuleType
from typing import Any

from trustcheck.cli.standins import standing_in


class Markdown:
    """Stands in for `rich.markdown.Markdown`: makes the real one when help is Markdown."""

    def __new__(cls, *args: Any, **kwargs: Any) -> Any:
        import rich.markdown

        return rich.markdown.Markdown(*args, **kwargs)


class Traceback:
    """Stands in for `rich.traceback.Traceback`: Typer uses it only for pretty tracebacks."""

    @classmethod
    def from_exception(cls, *args: Any, **kwargs: Any) -> Any:
        import rich.traceback

        return rich.traceback.Traceback.from_exception(*args, **kwargs)


STAND_INS = {"rich.markdown": Markdown, "rich.traceback": Traceback}
# Standard modules Rich's help formatting imports names from, and those names.
RICH_EXTRAS: dict[str, tuple[str, ...]] = {"pickle": ("dumps", "loads"),
                                           "fractions": ("Fraction",)}


def load_help_formatting() -> None:
    """Import `typer.rich_utils` with the stand-ins (once; nothing to do when loaded)."""
    if "typer.rich_utils" in sys.modules:
        return
    placed = []
    for name, stand_in in STAND_INS.items():
        if name not in sys.modules:
            module = ModuleType(name, "A stand-in while typer.rich_utils is imported.")
            setattr(module, stand_in.__name__, stand_in)
            sys.modules[name] = module
            placed.append(name)
    try:
        with standing_in(RICH_EXTRAS):
            import typer.rich_utils  # noqa: F401
    finally:
        for name in placed:
            del sys.modules[name]


def wants_help(arguments: list[str]) -> bool:
    """Whether this command line shows a help page (asked for, or no command given)."""
    return not arguments or any(argument in ("-h", "--help") for argument in arguments)


# --- the first help page ----------------------------------------------------------------------

# What may stand beside -h/--help for the first page, the one listing the commands.
_FIRST_PAGE_WORDS = ("-h", "--help", "--plain")


def wants_first_page(arguments: list[str]) -> bool:
    """Whether this command line shows the first help page, before any command is named."""
    return wants_help(arguments) and all(argument in _FIRST_PAGE_WORDS for argument in arguments)


def first_page(application: Any) -> Any:
    """The app as its first help page needs it: the same commands, names, help and settings,
    but none of their options, which that page does not show.

    Typer turns every command and group into Click objects before it shows any help, reading
    each command's options from its signature (about 60 of them, a few milliseconds); the
    first page shows only each command's name and help, so here each callback is a function
    with no options and the same docstring, and each group has no subcommands.
    """
    import copy

    page = copy.copy(application)
    page.registered_commands = [_info_without_options(info)
                                for info in application.registered_commands]
    page.registered_groups = [_group_without_subcommands(info)
                              for info in application.registered_groups]
    return page


def _info_without_options(info: Any) -> Any:
    """A copy of a Typer command or group record with its callback's options left out."""
    import copy

    made = copy.copy(info)
    if callable(getattr(info, "callback", None)):
        made.callback = _same_docstring(info.callback)
    return made


def _group_without_subcommands(group: Any) -> Any:
    import copy

    made = _info_without_options(group)
    instance = copy.copy(group.typer_instance)
    instance.registered_commands = []
    instance.registered_groups = []
    if instance.registered_callback is not None:
        instance.registered_callback = _info_without_options(instance.registered_callback)
    instance.info = _info_without_options(instance.info)
    made.typer_instance = instance
    return made


def _same_docstring(function: Any) -> Any:
    def listed() -> None:
        """Stands in for a command on the first help page, which shows only its help."""

    listed.__doc__ = function.__doc__
    listed.__name__ = getattr(function, "__name__", listed.__name__)
    listed.__module__ = getattr(function, "__module__", listed.__module__)
    listed.__qualname__ = getattr(function, "__qualname__", listed.__qualname__)
    return listed
