"""`trustcheck compare A B`: where a mentor's and a mentee's views of one relationship differ."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from trustcheck.cli.app import say, session
from trustcheck.cli.options import ResultFormat, ResultFormatOption
from trustcheck.errors import InputError, Problem

if TYPE_CHECKING:
    from trustcheck.assessment import Assessment
    from trustcheck.checklist import Checklist
    from trustcheck.paths import Places
    from trustcheck.resultfiles import Library

_HELP = ("A result file (from `assess --format json`, `history show --format json` or "
         "`history export --id ID --scores-only`) or a history id (a unique start, or 'last').")
_PATH_ENDINGS = (".json", ".jsonl", ".txt")


def compare(
    ctx: typer.Context,
    first: Annotated[str, typer.Argument(metavar="A", help=f"Your result. {_HELP}")],
    second: Annotated[str, typer.Argument(metavar="B", help=f"Your partner's result. {_HELP}")],
    format: ResultFormatOption = ResultFormat.text,
) -> None:
    """Compare your result with your mentoring partner's: where do your views differ?

    One must be a mentor's result and the other a mentee's, about the same relationship.
    Shared strategies that differ by 15 points or more are worth talking about together.
    """
    from trustcheck import compare as comparing
    from trustcheck.resultfiles import SCORES_ONLY, UNKNOWN_CHECKLIST, Library

    places = session(ctx).places
    history = _History(places, Library(places.checklist_folders()))
    try:
        (mine, stated_mine), (theirs, stated_theirs) = (history.result(first),
                                                        history.result(second))
    finally:
        history.close()
    found = comparing.compare(mine, theirs, checklists=_checklists(places, mine, theirs))
    found = found._replace(stated=(stated_mine, stated_theirs))
    for side, reason in (("Your result", stated_mine), ("Your partner's result", stated_theirs)):
        if reason == UNKNOWN_CHECKLIST:
            say(f"Note: {side} answered a checklist that is not on this computer, so its "
                "stated scores were compared as they are, not worked out again from its answers.")
        elif reason == SCORES_ONLY:
            say(f"Note: {side} holds scores only (no answers), so its stated scores were "
                "compared as they are.")
    if format is ResultFormat.json:
        from trustcheck.render.json import comparison

        sys.stdout.write(comparison(found))
    else:
        from trustcheck.cli.common import stdout_console
        from trustcheck.render.text import comparison

        comparison(stdout_console(), found)


class _History:
    """Opens the history only if an argument turns out to be an id, and at most once."""

    def __init__(self, places: Places, library: Library) -> None:
        self.places = places
        self.library = library
        self.store: Any = None

    def result(self, reference: str) -> tuple[Assessment, str | None]:
        path = Path(reference).expanduser()
        if reference != "last" and path.is_file():
            return _read_file(path, self.library)
        if reference != "last" and ("/" in reference or "\\" in reference
                                    or reference.lower().endswith(_PATH_ENDINGS)):
            raise InputError(f"There is no file at {reference}; please check the path.")
        if self.store is None:
            from trustcheck.cli.common import open_history

            self.store = open_history(self.places)
            if self.store is None:
                raise InputError(
                    f"'{reference}' is not a file, and there are no saved assessments yet to "
                    "find it in; please give a result file or the id of a saved assessment.")
        return self.store.check_in(reference), None  # your own check-ins, scored here

    def close(self) -> None:
        if self.store is not None:
            self.store.close()


def _read_file(path: Path, library: Library) -> tuple[Assessment, str | None]:
    """One result from a file (a result object, or an export holding exactly one result),
    checked by the one validator; with why its stated scores were taken as they are, if so."""
    from trustcheck.assessment import from_dict
    from trustcheck.resultfiles import read_results, validate

    found = list(read_results(str(path)))
    broken = next((f for f in found if f.problem), None)
    if broken is not None:
        raise InputError(
            f"{path} is not a JSON result file; save one with `trustcheck history export "
            "--id last --scores-only` or `trustcheck assess --format json`.",
            [Problem(broken.problem or "", str(path), broken.line)])
    if not found:
        raise InputError(f"{path} is empty; please give a result file, or the id of a saved "
                         "assessment.")
    if len(found) != 1:
        raise InputError(
            f"{path} holds {len(found)} results, but compare needs exactly one from each "
            "of you; export a single one with `trustcheck history export --id ID`.")
    verdict = validate(found[0].value, library)
    if verdict.problem:
        raise InputError(
            f"{path} has values trustcheck cannot use, so it may have been edited by hand; "
            "please use the result as trustcheck wrote it.",
            [Problem(verdict.problem, str(path), found[0].line)])
    return from_dict(found[0].value, source=str(path)), verdict.stated


def _checklists(places: Places, *results: Assessment) -> list[Checklist]:
    """The checklists the results were answered with, where this computer has them."""
    from trustcheck import checklist as checklists

    found: list[Checklist] = []
    for result in results:
        reference = result.checklist.id
        if any(c.id == reference for c in found):
            continue
        try:  # an id from a file is never read as a path
            found.append(checklists.find_by_id(reference, places.checklist_folders()))
        except InputError:
            continue  # not on this computer (or broken): compare says what that means
    return found
