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

# Loaded with the app already (trustcheck.cli.app imports typer), so this costs nothing more.
from typer.core import TyperArgument

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


# Examples ending each command's help, by command path ("" is trustcheck itself). A command
# added later gets its own here, or ends its docstring with an "Examples:" paragraph
# (tests/test_help.py checks every command has some). No square brackets: help is Rich markup.
EXAMPLES: dict[str, tuple[str, ...]] = {
    "": ("trustcheck assess --role mentor --partner Sam",
         "trustcheck history"),
    "assess": ("trustcheck assess --role mentor --partner Sam",
               "trustcheck assess --answers answers.yaml --format json"),
    "focus": ("trustcheck focus",
              "trustcheck focus --partner Sam"),
    "template": ("trustcheck template --role mentee > answers.yaml",),
    "compare": ("trustcheck compare last for-my-mentor.json",
                "trustcheck compare for-alex.json --code K7QX-M2PA-9H"),
    "share": ("trustcheck share --partner Sam -o for-sam.json",),
    "report": ("trustcheck report answers-folder --cohort spring-2026",
               "trustcheck report --format html -o report.html"),
    "paths": ("trustcheck paths",
              "trustcheck --data-dir ~/mentoring paths"),
    "commitments": ("trustcheck commitments",
                    "trustcheck commitments --partner Sam"),
    "commitments add": ("trustcheck commitments add transparency.share-reasoning --partner Sam",
                        'trustcheck commitments add "Send a note after each meeting" -p Sam'),
    "history": ("trustcheck history --partner Sam -n 0",
                "trustcheck history --since 6m"),
    "history show": ("trustcheck history show last",
                     "trustcheck history show 3d5c --format html -o check-in.html"),
    "history trends": ("trustcheck history trends",
                       "trustcheck history trends --partner Sam --since 1y"),
    "history export": ("trustcheck history export -o my-history.json",
                       "trustcheck history export --id last --scores-only -o for-sam.json"),
    "history import": ("trustcheck history import my-history.json",),
    "history delete": ("trustcheck history delete 3d5c",
                       "trustcheck history delete --before 1y"),
    "history backup": ("trustcheck history backup",
                       "trustcheck history backup ~/backups"),
    "checklists": ("trustcheck checklists list",
                   "trustcheck checklists show mentor"),
    "checklists list": ("trustcheck checklists list --all",),
    "checklists show": ("trustcheck checklists show mentee",),
    "checklists validate": ("trustcheck checklists validate mine.yaml",),
    "checklists lint": ("trustcheck checklists lint mine.yaml",),
    "completion": ('eval "$(trustcheck completion bash)"',
                   "trustcheck completion fish > ~/.config/fish/completions/trustcheck.fish"),
}

# Plain words for what an option takes, where its type alone would say `<str>`.
METAVARS = {"--data-dir": "DIR", "--partner": "NAME", "--cohort": "LABEL",
            "--checklist": "ID|FILE", "--version": "VERSION", "--strategy": "ID"}


def tidy(command: Any, path: str = "", *, plain: bool = False) -> None:
    """Help pages for people, on this command and every subcommand: plain metavars (`FILE`,
    `N`, `mentor|mentee`; no `<str>`, `{ID}` or `<int range>`), docstrings reflowed so they wrap
    at any width, and an "Examples:" block at the end. `plain` drops the boxes (`--plain`)."""
    for param in command.params:
        _plain_metavar(param)
    examples = command.__dict__.get("_examples") or EXAMPLES.get(path)
    if command.help:
        # A docstring may end with its own "Examples:": they move to the end of the page.
        text, marker, own = command.help.partition("\nExamples:")
        if marker:
            examples = tuple(line.strip() for line in own.splitlines() if line.strip())
        command.help = _reflowed(text)
    command.__dict__["_examples"] = examples  # for the next run, plain or not
    if examples and (not command.epilog or command.epilog.startswith("Examples:")):
        lines = "\n".join(f"  {example}" for example in examples)
        # Click's own formatter (plain help) keeps a paragraph's lines after \b as they are.
        command.epilog = f"Examples:\n\n\b\n{lines}" if plain else f"Examples:\n{lines}"
    # Typer's boxes when not plain; Click's plain pages when plain.
    original = command.__dict__.setdefault("_rich_markup_mode", command.rich_markup_mode)
    command.rich_markup_mode = None if plain else original
    for name, subcommand in getattr(command, "commands", {}).items():
        tidy(subcommand, f"{path} {name}".strip(), plain=plain)


def _plain_metavar(param: Any) -> None:
    kind = param.type
    choices = getattr(kind, "choices", None)
    if isinstance(param, _PlainArgument):
        return  # tidied on an earlier run
    if isinstance(param, TyperArgument):
        if param.metavar is None:
            param.metavar = (param.name or "").upper()
        param.__class__ = _PlainArgument
        param.type = _quiet(kind)
        return
    if param.metavar is not None or getattr(param, "is_flag", False) \
            or getattr(param, "count", False):
        return
    if choices:
        param.metavar = "|".join(str(choice) for choice in choices)
    elif param.opts[0] in METAVARS:
        param.metavar = METAVARS[param.opts[0]]
    elif kind.name in ("int", "int range", "integer", "integer range"):
        param.metavar = "N"
    elif kind.name in ("float", "float range"):
        param.metavar = "NUMBER"
    elif kind.name == "path":
        param.metavar = "FILE"
    else:
        param.metavar = "TEXT"


def _reflowed(text: str) -> str:
    """Each paragraph on one line (Typer keeps a docstring's line breaks, which then break
    mid-sentence at a narrow width); a paragraph that starts with \\b keeps its lines."""
    import inspect

    paragraphs = inspect.cleandoc(text).split("\n\n")
    return "\n\n".join(p if p.startswith("\b") else " ".join(p.split()) for p in paragraphs)


class _PlainArgument(TyperArgument):
    """An argument named plainly in usage lines: `ID`, `[FILE]`, `FILE...`, not `{ID}`."""

    def make_metavar(self, ctx: Any, *, usage: bool = False) -> str:
        var = str(self.metavar)
        if not usage or var.startswith("["):
            return var
        if self.nargs != 1 and not var.endswith("..."):
            var += "..."
        return var if self.required else f"[{var}]"


def _quiet(kind: Any) -> Any:
    """A copy of a parameter type that names no type of its own (`<str>`, `<path>`) in help:
    the argument's name says what it takes."""
    import copy

    quiet = copy.copy(kind)
    quiet.get_metavar = lambda *args, **kwargs: ""
    return quiet


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
