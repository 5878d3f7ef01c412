"""The import use case: check every record of the files first, then add the new ones at once."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, NamedTuple

from trustcheck import assessment, resultfiles
from trustcheck.errors import InputError, Problem
from trustcheck.resultfiles import SCORES_ONLY, UNKNOWN_CHECKLIST, Found, Library, read_results

if TYPE_CHECKING:
    from trustcheck.assessment import Assessment

MAX_IMPORT_BYTES = 200 * 1024 * 1024
SHOWN_PROBLEMS = 20


class Checked(NamedTuple):
    """Every record of the files, checked: what to add, and how many were taken as stated."""

    incoming: tuple[Assessment, ...]  # oldest first
    taken_as_stated: int  # their checklist is not on this computer: stated scores kept
    where: str  # the file, or "N files"


class Added(NamedTuple):
    added: int
    already_there: int


def check(sources: Sequence[str], *, checklist_folders: list[tuple[Path, bool]],
          stdin: IO[bytes] | None = None) -> Checked:
    """Read and check every record; raise InputError listing every problem when any has one
    (then nothing may be imported), so a person can fix them all and run the same import again.

    A history holds its owner's own check-ins, so a scores-only result (made to share with a
    partner) is a problem here, while `compare` and `report` take one on its stated scores.
    """
    library = Library(checklist_folders)
    problems: list[Problem] = []
    incoming: list[Assessment] = []
    stated = 0
    for source in sources:
        file_problems = []
        for found, where in _found(source, stdin):
            if found.problem:
                file_problems.append(Problem(found.problem, where, found.line))
                continue
            verdict = resultfiles.validate(found.value, library)
            problem = verdict.problem
            if verdict.stated == SCORES_ONLY:
                problem = ("it has no answers: it is a scores-only check-in, made to share with "
                           "your partner for `trustcheck compare`, not part of your own history.")
            if problem:
                file_problems.append(Problem(problem, where,
                                             None if found.record else found.line))
                continue
            stated += verdict.stated == UNKNOWN_CHECKLIST
            incoming.append(assessment.from_dict(found.value))
        problems.extend(sorted(file_problems, key=lambda p: p.line or 0))
    if problems:
        shown = problems[:SHOWN_PROBLEMS]
        if len(problems) > SHOWN_PROBLEMS:
            shown.append(Problem(f"... and {len(problems) - SHOWN_PROBLEMS} more problems."))
        count = len(problems)
        raise InputError(
            f"Nothing was imported: {count} problem{'' if count == 1 else 's'} found (below). "
            "Fix or remove those records and run the import again; it is safe to repeat, "
            "because check-ins already in your history are skipped.", shown)
    where = sources[0] if len(sources) == 1 else f"{len(sources)} files"
    incoming.sort(key=lambda a: a.created_at)
    return Checked(tuple(incoming), stated, where)


def add(database: Path, checked: Checked,
        committed: Callable[[Added], None] = lambda added: None) -> Added:
    """Add the checked check-ins not in the history yet, all in one transaction.

    `committed` hears what was added the moment the transaction is committed, before anything
    else can fail or be interrupted (closing the history, say), so that what a person is told
    afterwards matches what is stored.
    """
    from trustcheck.store import Store

    with Store.open(database) as store:
        done = Added(*store.add_missing(checked.incoming))
        committed(done)
    return done


def _found(source: str, stdin: IO[bytes] | None) -> Iterator[tuple[Found, str]]:
    """The values of one export file (or standard input), each with where it is."""
    limit = f"{MAX_IMPORT_BYTES // (1024 * 1024)} MiB"
    if source != "-":
        path = Path(source).expanduser()
        try:
            size = path.stat().st_size if path.is_file() else 0
        except OSError:
            size = 0  # read_results says what is wrong with it
        if size > MAX_IMPORT_BYTES:
            yield Found(str(path), None, problem=(
                f"the file is {size // (1024 * 1024)} MiB; trustcheck imports files of at "
                f"most {limit}, so please split it (JSON Lines files split at any line).")), \
                str(path)
            return
    for found in read_results(source, stdin=stdin):
        where = f"{found.source}, record {found.record}" if found.record else found.source
        yield found, where
