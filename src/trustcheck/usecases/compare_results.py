"""The compare use case: two results, each a result file or a saved check-in's id, read and
checked by the one validator, then compared."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from trustcheck.errors import InputError, Problem

if TYPE_CHECKING:
    from trustcheck.assessment import Assessment
    from trustcheck.checklist import Checklist
    from trustcheck.compare import Comparison
    from trustcheck.resultfiles import Library
    from trustcheck.store import Store

_PATH_ENDINGS = (".json", ".jsonl", ".txt")


def compare_references(first: str, second: str, *, database: Path,
                       checklist_folders: list[tuple[Path, bool]]) -> Comparison:
    """Your result (`first`) beside your partner's (`second`); `stated` says, per side, why its
    stated scores were used as they are (resultfiles.SCORES_ONLY or UNKNOWN_CHECKLIST)."""
    from trustcheck.compare import compare
    from trustcheck.resultfiles import Library

    history = _History(database, Library(checklist_folders))
    try:
        (mine, stated_mine), (theirs, stated_theirs) = (history.result(first),
                                                        history.result(second))
    finally:
        history.close()
    found = compare(mine, theirs, checklists=_checklists(checklist_folders, mine, theirs))
    return found._replace(stated=(stated_mine, stated_theirs))


class _History:
    """Opens the history only if an argument turns out to be an id, and at most once."""

    def __init__(self, database: Path, library: Library) -> None:
        self.database = database
        self.library = library
        self.store: Store | None = None

    def result(self, reference: str) -> tuple[Assessment, str | None]:
        path = Path(reference).expanduser()
        if reference != "last" and path.is_file():
            return _read_file(path, self.library)
        if reference != "last" and ("/" in reference or "\\" in reference
                                    or reference.lower().endswith(_PATH_ENDINGS)):
            raise InputError(f"There is no file at {reference}; please check the path.")
        if self.store is None:
            if not self.database.exists():
                raise InputError(
                    f"'{reference}' is not a file, and there are no saved check-ins yet to "
                    "find it in; please give a check-in file or the id of a saved check-in.")
            from trustcheck.store import Store

            # Only to read: it never writes, so it works on a full disk and never migrates.
            self.store = Store.open_for_reading(self.database)
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
            f"{path} is not a JSON check-in file; save one with `trustcheck history export "
            "--id last --scores-only` or `trustcheck assess --format json`.",
            [Problem(broken.problem or "", str(path), broken.line)])
    if not found:
        raise InputError(f"{path} is empty; please give a check-in file, or the id of a saved "
                         "check-in.")
    if len(found) != 1:
        raise InputError(
            f"{path} holds {len(found)} check-ins, but compare needs exactly one from each "
            "of you; export a single one with `trustcheck history export --id ID`.")
    verdict = validate(found[0].value, library)
    if verdict.problem:
        raise InputError(
            f"{path} has values trustcheck cannot use, so it may have been edited by hand; "
            "please use the check-in file as trustcheck wrote it.",
            [Problem(verdict.problem, str(path), found[0].line)])
    return from_dict(found[0].value, source=str(path)), verdict.stated


def _checklists(checklist_folders: list[tuple[Path, bool]],
                *results: Assessment) -> list[Checklist]:
    """The checklists the results were answered with, where this computer has them."""
    from trustcheck.checklist import find_by_id

    found: list[Checklist] = []
    for result in results:
        reference = result.checklist.id
        if any(c.id == reference for c in found):
            continue
        try:  # an id from a file is never read as a path
            found.append(find_by_id(reference, checklist_folders))
        except InputError:
            continue  # not on this computer (or broken): compare says what that means
    return found
