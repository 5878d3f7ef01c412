"""`trustcheck compare A B`: where a mentor's and a mentee's views of one relationship differ."""

from typing import Annotated

import typer

from trustcheck.cli.app import say, session
from trustcheck.cli.options import ResultFormat, ResultFormatOption
from trustcheck.cli.output import emit

_HELP = ("A result file (from `assess --format json`, `history show --format json` or "
         "`history export --id ID --scores-only`) or a history id (a unique start, or 'last').")


def compare(
    ctx: typer.Context,
    first: Annotated[str, typer.Argument(metavar="A", help=f"Your result. {_HELP}")],
    second: Annotated[str, typer.Argument(metavar="B", help=f"Your partner's result. {_HELP}")],
    format: ResultFormatOption = ResultFormat.text,
) -> None:
    """Compare your result with your mentoring partner's: where do your views differ?

    One must be a mentor's result and the other a mentee's, about the same relationship.
    Shared strategies that differ by more than the noise of your two scores are worth
    talking about together; smaller gaps show as about the same.
    """
    from trustcheck.resultfiles import SCORES_ONLY, UNKNOWN_CHECKLIST
    from trustcheck.usecases.compare_results import compare_references

    places = session(ctx).places
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
