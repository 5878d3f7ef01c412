"""Options shared by several commands, defined once so every command spells them the same."""

from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer


class Role(str, Enum):
    mentor = "mentor"
    mentee = "mentee"


class ResultFormat(str, Enum):
    text = "text"
    json = "json"


class ListFormat(str, Enum):
    text = "text"
    json = "json"
    csv = "csv"


class TemplateFormat(str, Enum):
    yaml = "yaml"
    json = "json"
    csv = "csv"
    form = "form"


def utf8_label(ctx: typer.Context, param: typer.CallbackParam, value: str | None) -> str | None:
    """Refuse a label that is not UTF-8 (lone surrogates): SQLite and JSON cannot store it."""
    # Every command with a label runs this, so it imports only what a refusal needs (the
    # answers reader costs 9-19 ms): trustcheck.text is light, and loaded by then anyway.
    from trustcheck.text import is_utf8

    if value is not None and not is_utf8(value):
        from trustcheck.errors import InputError

        raise InputError(f"The {param.opts[0]} you gave holds a character that is not valid "
                         "UTF-8 text; please type it again.")
    return value


# Optional[...] rather than `X | None`: Typer reads these annotations at run time on Python 3.10.
RoleOption = Annotated[Optional[Role], typer.Option(
    "--role", "-r", help="Whose view this is: mentor or mentee.", case_sensitive=False)]
PartnerOption = Annotated[Optional[str], typer.Option(
    "--partner", "-p", callback=utf8_label,
    help="A name or nickname for the other person (kept only on this computer).")]
CohortOption = Annotated[Optional[str], typer.Option(
    "--cohort", "-c", callback=utf8_label, help="A workshop or group label, e.g. 'spring-2026'.")]
ChecklistOption = Annotated[Optional[str], typer.Option(
    "--checklist", help="A checklist id (see `trustcheck checklists list`) or a YAML file path.")]
def at_least_zero(value: int) -> int:
    """--limit: a count, so 0 or more (checked here, not with `min=0`, which would put
    "<int range> [x>=0]" in the help instead of N)."""
    if value < 0:
        raise typer.BadParameter(f"{value} is below 0; give 0 or more (0 shows all).")
    return value


LimitOption = Annotated[int, typer.Option(
    "--limit", "-n", metavar="N", callback=at_least_zero,
    help="How many to show, newest first; 0 shows all.")]
ResultFormatOption = Annotated[ResultFormat, typer.Option(
    "--format", "-f", help="text for people, json for other tools.", case_sensitive=False)]
ListFormatOption = Annotated[ListFormat, typer.Option(
    "--format", "-f", help="text for people, json or csv for other tools.", case_sensitive=False)]
DataDirOption = Annotated[Optional[Path], typer.Option(
    "--data-dir", help="Keep the history in this folder instead of the usual one.",
    envvar=None, file_okay=False)]
SinceOption = Annotated[Optional[str], typer.Option(
    "--since", metavar="WHEN",
    help="Only from this moment on (inclusive): 2026-09-01, 2026-09-01T18:30, or 30d, 12w, 6m.")]
UntilOption = Annotated[Optional[str], typer.Option(
    "--until", metavar="WHEN",
    help="Only up to this moment (inclusive; a date means the end of that day), or 30d, 12w.")]
OutputOption = Annotated[Optional[str], typer.Option(
    "--output", "-o", metavar="FILE",
    help="Write to FILE (readable only by you, all at once) instead of standard output; - means "
         "standard output.")]
ForceOption = Annotated[bool, typer.Option("--force", help="Replace FILE if it already exists.")]
