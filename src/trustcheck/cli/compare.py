"""`trustcheck compare A B`: where a mentor's and a mentee's views of one relationship differ."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from trustcheck.cli.app import session
from trustcheck.cli.options import ResultFormat, ResultFormatOption
from trustcheck.errors import InputError

if TYPE_CHECKING:
    from trustcheck.assessment import Assessment
    from trustcheck.checklist import Checklist
    from trustcheck.paths import Places

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

    places = session(ctx).places
    history = _History(places)
    try:
        mine, theirs = history.result(first), history.result(second)
    finally:
        history.close()
    found = comparing.compare(mine, theirs, checklists=_checklists(places, mine, theirs))
    if format is ResultFormat.json:
        from trustcheck.render.json import comparison

        sys.stdout.write(comparison(found))
    else:
        from trustcheck.cli.common import stdout_console
        from trustcheck.render.text import comparison

        comparison(stdout_console(), found)


class _History:
    """Opens the history only if an argument turns out to be an id, and at most once."""

    def __init__(self, places: Places) -> None:
        self.places = places
        self.store: Any = None

    def result(self, reference: str) -> Assessment:
        path = Path(reference).expanduser()
        if reference != "last" and path.is_file():
            return _read_file(path)
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
        return self.store.check_in(reference)

    def close(self) -> None:
        if self.store is not None:
            self.store.close()


def _read_file(path: Path) -> Assessment:
    """One result from a file: a result object, or an export holding exactly one result."""
    import json

    from trustcheck.assessment import from_dict
    from trustcheck.yamlfile import read_text

    text = read_text(path, what="result")
    if not text.strip():
        raise InputError(f"{path} is empty; please give a result file, or the id of a saved "
                         "assessment.")
    try:
        data = json.loads(text)
    except ValueError:
        lines = [line for line in text.splitlines() if line.strip()]
        try:
            data = [json.loads(line) for line in lines]  # JSON Lines, one result per line
        except ValueError:
            raise InputError(
                f"{path} is not a JSON result file; save one with `trustcheck history export "
                "--id last --scores-only` or `trustcheck assess --format json`.") from None
    if isinstance(data, dict) and isinstance(data.get("results"), list):
        data = data["results"]
    if isinstance(data, list):
        if len(data) != 1:
            raise InputError(
                f"{path} holds {len(data)} results, but compare needs exactly one from each "
                "of you; export a single one with `trustcheck history export --id ID`.")
        data = data[0]
    return from_dict(data, source=str(path))


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
