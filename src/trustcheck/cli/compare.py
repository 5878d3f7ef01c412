"""`trustcheck compare A B`: where a mentor's and a mentee's views of one relationship differ."""

from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from trustcheck.cli.app import say, session
from trustcheck.cli.options import ForceOption, OutputOption, PartnerOption, RoleOption
from trustcheck.cli.output import chunks, emit

if TYPE_CHECKING:
    from trustcheck.cli.options import Role
    from trustcheck.paths import Places


class CompareFormat(str, Enum):
    text = "text"
    json = "json"
    markdown = "markdown"
    html = "html"

_HELP = ("A result file (from `assess --format json`, `history show --format json` or "
         "`history export --id ID --scores-only`) or a history id (a unique start, or 'last').")


def compare(
    ctx: typer.Context,
    first: Annotated[str, typer.Argument(
        metavar="A", help=f"Your result, or with B left out, your partner's file. {_HELP}")],
    second: Annotated[Optional[str], typer.Argument(
        metavar="[B]", help=f"Your partner's result. {_HELP}")] = None,
    partner: PartnerOption = None,
    role: RoleOption = None,
    format: Annotated[CompareFormat, typer.Option(
        "--format", "-f", case_sensitive=False,
        help="text for people, json for other tools; markdown or html for a one-page "
             "conversation guide (with your partner's file).")] = CompareFormat.text,
    output_name: OutputOption = None,
    force: ForceOption = False,
) -> None:
    """Compare your view of your mentoring relationship with your partner's.

    With your partner's file alone (A) and --partner NAME: how each of you sees yourself
    beside how the other sees you, with blind spots and hidden strengths, and felt trust both
    ways, set against your latest check-in with that partner. --format markdown or html
    writes a one-page guide for your next meeting.

    With two results (A and B): one a mentor's and one a mentee's, their shared strategies
    side by side; gaps larger than the noise of your two scores are worth talking about.
    """
    places = session(ctx).places
    output = None if output_name in (None, "-") else Path(output_name).expanduser()
    if output is not None:
        from trustcheck.files import check_target

        check_target(output, force=force,
                     exists=f"{output} already exists; add --force to replace it, or choose "
                            "another name.")
    if second is None:
        _two_way(first, partner, role, format, output, force, places)
        return
    if format in (CompareFormat.markdown, CompareFormat.html):
        from trustcheck.errors import InputError

        raise InputError("The conversation guide needs your partner's view of you; give only "
                         "your partner's file and --partner NAME, as in `trustcheck compare "
                         "THEIR_FILE --partner NAME --format markdown`.")
    from trustcheck.resultfiles import SCORES_ONLY, UNKNOWN_CHECKLIST
    from trustcheck.usecases.compare_results import compare_references

    found = compare_references(first, second, database=places.database,
                               checklist_folders=places.checklist_folders())
    for side, reason in zip(("Your result", "Your partner's result"), found.stated,
                            strict=True):
        if reason == UNKNOWN_CHECKLIST:
            say(f"Note: {side} answered a checklist that is not on this computer, so its "
                "stated scores were compared as they are, not worked out again from its answers.")
        elif reason == SCORES_ONLY:
            say(f"Note: {side} holds scores only (no answers), so its stated scores were "
                "compared as they are.")
    _write(found, format.value, output, force)


def _two_way(their_file: str, partner: str | None, role: "Role | None", format: CompareFormat,
             output: Path | None, force: bool, places: "Places") -> None:
    from trustcheck.answers import option_labels
    from trustcheck.usecases import two_way

    (wanted,) = option_labels(partner=partner)  # `--partner ""`: check-ins without a name
    found = (two_way.conversation_guide if format in (CompareFormat.markdown,
                                                      CompareFormat.html)
             else two_way.compare_with_partner)(
        their_file, partner=wanted, role=None if role is None else role.value,
        database=places.database, checklist_folders=places.checklist_folders())
    _write(found, format.value, output, force)


def _write(record: object, format: str, output: Path | None, force: bool) -> None:
    if output is None:
        emit(record, format)
        return
    from trustcheck.files import write_private

    if format == "text":  # drawn for a terminal: drawn into the file instead, without colour
        from io import StringIO

        drawn = StringIO()
        emit(record, format, stream=drawn)
        content = drawn.getvalue()
    else:
        content = "".join(chunks(record, format))
    write_private(output, content, force=force, what="the comparison",
                  exists=f"{output} already exists; add --force to replace it, or choose "
                         "another name.")
    say(f"Written to {output}.")
