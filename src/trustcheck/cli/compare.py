"""`trustcheck compare A B`: where a mentor's and a mentee's views of one relationship differ;
`trustcheck compare THEIR_FILE --code CODE`: your partner's sealed share file beside your own
check-in."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Optional

import typer

from trustcheck.cli.app import say, session
from trustcheck.cli.options import PartnerOption, ResultFormat, ResultFormatOption
from trustcheck.cli.output import emit

if TYPE_CHECKING:
    from pathlib import Path

    from trustcheck.paths import Places

_HELP = ("A result file (from `assess --format json`, `history show --format json` or "
         "`history export --id ID --scores-only`) or a history id (a unique start, or 'last').")


def compare(
    ctx: typer.Context,
    first: Annotated[str, typer.Argument(
        metavar="A", help=f"Your result, or your partner's sealed share file alone. {_HELP}")],
    second: Annotated[Optional[str], typer.Argument(
        metavar="[B]", help=f"Your partner's result. {_HELP}")] = None,
    code: Annotated[Optional[str], typer.Option(
        "--code", metavar="CODE",
        help="The code your partner told you, to open their share file (any case; dashes "
             "optional).")] = None,
    partner: PartnerOption = None,
    format: ResultFormatOption = ResultFormat.text,
) -> None:
    """Compare your result with your mentoring partner's: where do your views differ?

    One must be a mentor's result and the other a mentee's, about the same relationship.
    Shared strategies that differ by more than the noise of your two scores are worth
    talking about together; smaller gaps show as about the same.

    Given only your partner's share file (from `trustcheck share`), it opens once you have
    your own check-in with your view of them, from within 14 days of theirs, and with the
    code they tell you (asked for on a terminal).
    """
    from pathlib import Path

    from trustcheck.errors import InputError
    from trustcheck.usecases.share import is_sealed

    places = session(ctx).places
    sealed = [r for r in (first, second) if r is not None and is_sealed(Path(r).expanduser())]
    if second is None or sealed:
        if second is None and not sealed and not Path(first).expanduser().exists() \
                and first.lower().endswith(".json"):
            raise InputError(f"There is no file at {first}; please check the path.")
        if second is not None or not sealed:
            raise InputError("Please give your result and your partner's (two results), or "
                             "your partner's share file on its own with --code.")
        _open_share(Path(first).expanduser(), code, partner, places, format)
        return
    if code is not None:
        raise InputError("--code opens a share file; please give your partner's share file "
                         "on its own, or leave --code out to compare two results.")
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
    emit(found, format)


def _open_share(path: Path, code: str | None, partner: str | None, places: Places,
                format: ResultFormat) -> None:
    import sys
    from datetime import datetime

    from trustcheck.cli.share import wanted_partner
    from trustcheck.usecases.share import open_share

    def ask_code() -> str:
        return str(typer.prompt("The code your partner told you", err=True))

    given, wanted = wanted_partner(partner)
    local = datetime.now().astimezone().tzinfo
    assert local is not None
    opened = open_share(path, code=code, ask_code=ask_code if sys.stdin.isatty() else None,
                        database=places.database, partner=wanted, any_partner=not given,
                        local=local)
    for note in opened.notes:
        say(f"Note: {note}")
    emit(opened, format)
