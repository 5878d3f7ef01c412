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
help's tables share out their widths without it), about 2 ms together.
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
