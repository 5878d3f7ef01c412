"""`trustcheck history import`: check-ins from exports, all checked before any is added."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from trustcheck.cli.app import outcome, say, session
from trustcheck.cli.common import open_history, plural
from trustcheck.errors import InputError, Problem

if TYPE_CHECKING:

    from trustcheck.assessment import Assessment
    from trustcheck.resultfiles import Found


MAX_IMPORT_BYTES = 200 * 1024 * 1024


SHOWN_PROBLEMS = 20


def import_(
    ctx: typer.Context,
    sources: Annotated[list[str], typer.Argument(
        metavar="FILE",
        help="JSON or JSON Lines files from `trustcheck history export` (- reads standard "
             "input).")],
) -> None:
    """Add assessments from exports, made on this computer or another one.

    Assessments already in your history (the same id) are left as they are, so importing a
    file twice adds nothing. Every record is checked before anything is written: if any record
    has a problem, nothing at all is imported and each problem is listed with its file and line
    (or record number), so you can fix or remove it and run the same import again.
    """
    from trustcheck import assessment
    from trustcheck.resultfiles import SCORES_ONLY, UNKNOWN_CHECKLIST, Library, validate

    places = session(ctx).places
    library = Library(places.checklist_folders())
    problems: list[Problem] = []
    incoming: list[Assessment] = []
    stated = 0
    for source in sources:
        file_problems = []
        for found, where in _found(source):
            if found.problem:
                file_problems.append(Problem(found.problem, where, found.line))
                continue
            verdict = validate(found.value, library)
            problem = verdict.problem
            if verdict.stated == SCORES_ONLY:
                problem = ("it has no answers: it is a scores-only result, made to share with "
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
        raise InputError(
            f"Nothing was imported: {plural(len(problems), 'problem')} found (below). Fix or "
            "remove those records and run the import again; it is safe to repeat, because "
            "assessments already in your history are skipped.", shown)
    where = sources[0] if len(sources) == 1 else plural(len(sources), "file")
    if not incoming:
        say(f"No assessments found in {where}; nothing was imported.")
        return
    incoming.sort(key=lambda a: a.created_at)
    store = open_history(places, create=True)
    assert store is not None
    with store, outcome.committing():
        added, present = store.add_missing(incoming)
        outcome.keep(f"the import had already added {added} assessment"
                     f"{'s' if added != 1 else ''} to your history ({present} were there "
                     "before); running it again adds nothing twice")
    say(f"Imported {where}: {added} added, {present} already in your history.")
    if stated:
        their = "its" if stated == 1 else "their"
        say(f"{plural(stated, 'assessment')} answered a checklist that is not on this "
            f"computer, so {their} scores were taken as stated, not worked out again from the "
            "answers.")


def _found(source: str) -> Iterator[tuple[Found, str]]:
    """The values of one export file (or standard input), each with where it is."""
    from trustcheck.resultfiles import Found, read_results

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
    for found in read_results(source, stdin=sys.stdin.buffer):
        where = f"{found.source}, record {found.record}" if found.record else found.source
        yield found, where
