"""`trustcheck compare A B`: where a mentor's and a mentee's views of one relationship differ;
`trustcheck compare THEIR_FILE --code CODE`: your partner's sealed share file beside your own
check-in."""

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

if TYPE_CHECKING:
    from pathlib import Path

    from trustcheck.paths import Places

_HELP = ("A check-in file (from `assess --format json`, `history show --format json` or "
         "`history export --id ID --scores-only`) or a history id (a unique start, or 'last').")


def compare(
    ctx: typer.Context,
    first: Annotated[str, typer.Argument(
        metavar="A", help="Your check-in; or, with B left out, your partner's share file (from "
                          f"`trustcheck share`) or a scores file. {_HELP}")],
    second: Annotated[Optional[str], typer.Argument(
        metavar="[B]", help=f"Your partner's check-in. {_HELP}")] = None,
    code: Annotated[Optional[str], typer.Option(
        "--code", metavar="CODE",
        help="The code your partner told you, to open their share file (any case; dashes "
             "optional).")] = None,
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

    With your partner's share file alone (A): it opens once you have your own check-in with
    your view of them, from within 14 days of theirs, and with the code they tell you (asked
    for on a terminal). Then: how each of you sees yourself beside how the other sees you,
    with blind spots and hidden strengths, and felt trust both ways. --format markdown or
    html writes a one-page guide for your next meeting.

    With two check-ins (A and B): one a mentor's and one a mentee's, their shared strategies
    side by side; gaps larger than the noise of your two scores are worth talking about.
    """
    from trustcheck.errors import InputError
    from trustcheck.usecases.share import is_sealed

    places = session(ctx).places
    output = None if output_name in (None, "-") else Path(output_name).expanduser()
    if output is not None:
        from trustcheck.files import check_target

        check_target(output, force=force,
                     exists=f"{output} already exists; add --force to replace it, or choose "
                            "another name.")
    sealed = [r for r in (first, second) if r is not None and is_sealed(Path(r).expanduser())]
    if sealed:
        if second is not None:
            raise InputError("Please give your partner's share file on its own (with --code), "
                             "or two check-ins to compare.")
        _open_share(Path(first).expanduser(), code, partner, format, output, force, places)
        return
    if code is not None:
        raise InputError("--code opens a share file; please give your partner's share file "
                         "on its own, or leave --code out to compare two check-ins.")
    if second is None:
        _two_way(first, partner, role, format, output, force, places)
        return
    if format in (CompareFormat.markdown, CompareFormat.html):
        raise InputError("The conversation guide needs your partner's view of you; give only "
                         "your partner's file and --partner NAME, as in `trustcheck compare "
                         "THEIR_FILE --partner NAME --format markdown`.")
    from trustcheck.resultfiles import SCORES_ONLY, UNKNOWN_CHECKLIST
    from trustcheck.usecases.compare_results import compare_references

    found = compare_references(first, second, database=places.database,
                               checklist_folders=places.checklist_folders())
    for side, reason in zip(("Your check-in", "Your partner's check-in"), found.stated,
                            strict=True):
        if reason == UNKNOWN_CHECKLIST:
            say(f"Note: {side} answered a checklist that is not on this computer, so its "
                "stated scores were compared as they are, not worked out again from its answers.")
        elif reason == SCORES_ONLY:
            say(f"Note: {side} holds scores only (no answers), so its stated scores were "
                "compared as they are.")
    _write(found, format.value, output, force)


def _open_share(path: Path, code: str | None, partner: str | None, format: CompareFormat,
                output: Path | None, force: bool, places: "Places") -> None:
    import sys
    from datetime import datetime

    from trustcheck.cli.share import wanted_partner
    from trustcheck.usecases.two_way import open_and_compare

    def ask_code() -> str:
        return str(typer.prompt("The code your partner told you", err=True))

    given, wanted = wanted_partner(partner)
    local = datetime.now().astimezone().tzinfo
    assert local is not None
    found, notes = open_and_compare(
        path, code=code, ask_code=ask_code if sys.stdin.isatty() else None,
        database=places.database, partner=wanted, any_partner=not given, local=local,
        guide_wanted=format in (CompareFormat.markdown, CompareFormat.html))
    for note in notes:
        say(f"Note: {note}")
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
