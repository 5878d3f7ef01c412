"""Your data: `trustcheck paths`, and `trustcheck history export|import|delete|backup`."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator, Sequence
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from trustcheck.cli.app import outcome, say, session
from trustcheck.cli.common import filters, narrowed, open_history, stdin_is_terminal
from trustcheck.cli.history import app as history_app
from trustcheck.cli.options import (
    CohortOption,
    ForceOption,
    OutputOption,
    PartnerOption,
    ResultFormat,
    ResultFormatOption,
    Role,
    RoleOption,
    SinceOption,
    UntilOption,
)
from trustcheck.errors import NO_ASSESSMENTS_YET, InputError, Problem, StorageError

if TYPE_CHECKING:
    from datetime import datetime

    from trustcheck.assessment import Assessment
    from trustcheck.records import Filters, ScoreRow
    from trustcheck.resultfiles import Found
    from trustcheck.store import Rescued, Store

MAX_IMPORT_BYTES = 200 * 1024 * 1024
SHOWN_PROBLEMS = 20
SHOWN_DELETIONS = 10
BACKUP_PREFIX = "history-backup-"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


# --- trustcheck paths ------------------------------------------------------------------------


def paths(ctx: typer.Context, format: ResultFormatOption = ResultFormat.text) -> None:
    """Show where trustcheck keeps your data and looks for checklists, and what chose each place.

    --data-dir moves only the data folder; TRUSTCHECK_HOME moves both the data and the config
    folder.
    """
    found = session(ctx).places.described()
    if format is ResultFormat.json:
        from trustcheck.render.json import paths as render_json

        sys.stdout.write(render_json(found))
    else:
        from trustcheck.render.listing import paths as render_text

        render_text(found, sys.stdout)


# --- trustcheck history export ---------------------------------------------------------------


class ExportFormat(str, Enum):
    json = "json"
    jsonl = "jsonl"
    csv = "csv"


@history_app.command("export")
def export(
    ctx: typer.Context,
    role: RoleOption = None,
    partner: PartnerOption = None,
    cohort: CohortOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    format: Annotated[ExportFormat, typer.Option(
        "--format", "-f", case_sensitive=False,
        help="json: a list of full results; jsonl: one full result per line; csv: one row per "
             "assessment with a column per strategy score, safe to open in a spreadsheet.")
    ] = ExportFormat.json,
    output: OutputOption = None,
    force: ForceOption = False,
    assessment_id: Annotated[Optional[str], typer.Option(
        "--id", metavar="ID",
        help="Export just this assessment: its id (the first few characters are enough) or "
             "'last'.")] = None,
    scores_only: Annotated[bool, typer.Option(
        "--scores-only",
        help="Leave out item answers, partner and cohort names and commitments: scores to "
             "share with your mentoring partner for `trustcheck compare`.")] = False,
) -> None:
    """Export your assessments, oldest first, to keep or to move to another computer.

    JSON and JSON Lines exports can be read back with `trustcheck history import`.
    """
    from trustcheck import files

    target = None if output in (None, "-") else Path(output).expanduser()
    exists = None
    if target is not None:
        exists = f"{target} already exists; add --force to replace it, or choose another name."
        files.check_target(target, force=force, exists=exists)
    if assessment_id is not None and narrowed(role, partner, cohort, since, until):
        raise InputError("--id picks one assessment; leave out --role, --partner, --cohort, "
                         "--since and --until, or leave out --id.")
    scope = filters(role.value if role else None, partner, cohort, since, until)
    from trustcheck.store import Store, damaged

    places = session(ctx).places
    rescued: Rescued | None = None
    try:
        store = open_history(places)
    except StorageError as exc:
        if assessment_id is not None or not damaged(exc):
            raise
        # Too damaged to open: read what can still be read from a mended copy in memory.
        with Store.open_copy_to_rescue(places.database) as mended:
            rescued = mended.rescue(scope)
        store = None
    if store is None and rescued is None and assessment_id is not None:
        raise InputError(NO_ASSESSMENTS_YET)
    counted = [0]  # assessments written, counted as they stream past
    started = [False]  # whether anything reached standard output

    def deliver(chunks: Iterable[str]) -> None:
        if target is None:
            for chunk in chunks:
                started[0] = True
                sys.stdout.write(chunk)
            sys.stdout.flush()
        else:
            files.write_private(target, chunks, force=force, what="the export", exists=exists)

    if rescued is not None:
        deliver(_rescued_chunks(rescued, format, scores_only, counted))
    elif store is None:
        deliver(_export_chunks(None, scope, format, assessment_id, scores_only, counted))
    else:
        with store:
            try:
                # One snapshot from the first row to the last, streamed straight to the output:
                # a history can be far larger than memory should hold.
                with store.snapshot():
                    deliver(_export_chunks(store, scope, format, assessment_id, scores_only,
                                           counted))
            except StorageError as exc:
                # Damage met on the way: a file is written all at once, so nothing of it is
                # out yet and the readable rows can be exported instead; on standard output,
                # only if nothing was printed yet.
                if assessment_id is not None or not damaged(exc) or started[0]:
                    raise
                counted[0] = 0
                rescued = store.rescue(scope)
                deliver(_rescued_chunks(rescued, format, scores_only, counted))
    if target is not None:
        say(f"Exported {_plural(counted[0], 'assessment')} to {target}.")
    if rescued is not None and (rescued.left_out or not rescued.exact):
        left_out = rescued.left_out
        how_many = (_plural(left_out, "assessment") if rescued.exact else
                    f"at least {_plural(left_out, 'assessment')}" if left_out else
                    "an unknown number of assessments")
        verb = "is" if rescued.exact and left_out == 1 else "are"
        say(f"Your history is damaged: {how_many} could not be read and {verb} not in the "
            "export; keep this export safe, then restore a backup or start a new history (see "
            "`trustcheck paths`).")
    elif not counted[0]:
        filtered = narrowed(role, partner, cohort, since, until)
        say("No assessments match those filters, so the export is empty." if filtered else
            "There are no saved assessments yet, so the export is empty.")


def _rescued_chunks(rescued: Rescued, format: ExportFormat, scores_only: bool,
                    counted: list[int]) -> Iterator[str]:
    """The export of what could be read from a damaged history (held in memory: it is small
    enough to have been read whole)."""
    found = _scores_only(rescued.assessments) if scores_only else rescued.assessments
    counted[0] = len(found)
    if format is ExportFormat.jsonl:
        from trustcheck.render.json import result_lines

        yield from result_lines(found)
    elif format is ExportFormat.csv:
        from trustcheck.render.csv import results

        yield results(found)
    else:
        from trustcheck.render.json import result_list

        yield result_list(found)


def _export_chunks(store: Store | None, scope: Filters, format: ExportFormat,
                   assessment_id: str | None, scores_only: bool,
                   counted: list[int]) -> Iterator[str]:
    """The export's text, chunk by chunk; counted[0] becomes the number of assessments."""
    from trustcheck import assessment, compare

    if assessment_id is not None:  # one assessment (the caller made sure there is a history)
        assert store is not None
        found = [store.check_in(assessment_id)]
        counted[0] = 1
        if scores_only:
            found = _scores_only(found)
        if format is ExportFormat.jsonl:
            from trustcheck.render.json import result_lines

            yield from result_lines(found)
        elif format is ExportFormat.csv:
            from trustcheck.render.csv import results

            yield results(found)
        else:
            from trustcheck.render.json import result_list

            yield result_list(found)
        return

    def each(items: Iterable[Any]) -> Iterator[Any]:
        for item in items:
            counted[0] += 1
            yield item

    if format is ExportFormat.csv:
        from trustcheck.render.csv import score_rows

        rows: Iterable[ScoreRow] = () if store is None else store.each_score_row(scope)
        if scores_only:  # a score row holds no answers or commitments: only names to drop
            rows = (row._replace(partner=None, cohort=None) for row in rows)
        yield from score_rows([] if store is None else store.strategy_ids(scope), each(rows))
        return
    objects: Iterable[dict[str, Any]] = () if store is None else store.result_objects(scope)
    if scores_only:  # read back whole, so the shape is exactly that of any other result
        objects = (assessment.to_dict(assessment.from_dict(compare.scores_only(data)))
                   for data in objects)
    if format is ExportFormat.jsonl and not scores_only:
        from trustcheck.render.json import result_texts_as_lines

        texts = () if store is None else (text for _, text in store.current_result_texts(scope))
        yield from result_texts_as_lines(each(texts))
    elif format is ExportFormat.jsonl:
        from trustcheck.render.json import result_objects_as_lines

        yield from result_objects_as_lines(each(objects))
    else:
        from trustcheck.render.json import result_objects_as_list

        yield from result_objects_as_list(each(objects))


def _scores_only(found: Sequence[Assessment]) -> list[Assessment]:
    """The results without answers, names or commitments (see trustcheck.compare.scores_only)."""
    from trustcheck import assessment
    from trustcheck.compare import scores_only

    return [assessment.from_dict(scores_only(assessment.to_dict(a))) for a in found]


# --- trustcheck history import ---------------------------------------------------------------


@history_app.command("import")
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
            f"Nothing was imported: {_plural(len(problems), 'problem')} found (below). Fix or "
            "remove those records and run the import again; it is safe to repeat, because "
            "assessments already in your history are skipped.", shown)
    where = sources[0] if len(sources) == 1 else _plural(len(sources), "file")
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
        say(f"{_plural(stated, 'assessment')} answered a checklist that is not on this "
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


# --- trustcheck history delete ---------------------------------------------------------------


@history_app.command("delete")
def delete(
    ctx: typer.Context,
    references: Annotated[Optional[list[str]], typer.Argument(
        metavar="[ID]...",
        help="Assessment ids (the first few characters are enough) or 'last'.")] = None,
    before: Annotated[Optional[str], typer.Option(
        "--before", metavar="WHEN",
        help="Every assessment taken before this moment: 2026-01-01 (before that day starts) "
             "or 6m, 1y (older than that).")] = None,
    partner: Annotated[Optional[str], typer.Option(
        "--partner", "-p", help="Every assessment with this partner.")] = None,
    role: Annotated[Optional[Role], typer.Option(
        "--role", "-r", case_sensitive=False,
        help="Only assessments taken in this role (with --before or --partner).")] = None,
    everything: Annotated[bool, typer.Option(
        "--all", help="Every saved assessment.")] = False,
    yes: Annotated[bool, typer.Option(
        "--yes", "-y",
        help="Delete without asking; needed when standard input is not a terminal.")] = False,
) -> None:
    """Delete assessments for good, with their answers, scores and commitments.

    Shows what will go and asks first (pass --yes in scripts). Run `trustcheck history backup`
    first if you may want them back.
    """
    by_filter = before is not None or partner is not None or role is not None
    if references and (by_filter or everything):
        raise InputError("Please either name assessment ids or use --before, --partner or "
                         "--all, not both.")
    if everything and by_filter:
        raise InputError("--all deletes every assessment; leave out --before, --partner and "
                         "--role, or leave out --all.")
    if not (references or by_filter or everything):
        raise InputError("Please say what to delete: assessment ids, --before WHEN, --partner "
                         "NAME or --all; `trustcheck history` shows the ids.")
    if role is not None and before is None and partner is None:
        raise InputError("--role only narrows --before or --partner; add one of them, or use "
                         "--all to delete everything.")
    cutoff = _cutoff(before) if before is not None else None

    store = open_history(session(ctx).places, writable=True)
    if store is None:
        say("There are no saved assessments yet, so there is nothing to delete.")
        return
    with store:
        from trustcheck.records import Filters

        if references:
            chosen = _by_reference(store, references)
        else:
            chosen = store.score_rows(Filters(role=role.value if role else None,
                                              partner=partner, until=cutoff))
        if not chosen:
            say("No assessments match, so nothing was deleted.")
            return
        _show_doomed(chosen)
        if not yes:
            if not stdin_is_terminal():
                raise InputError("Nothing was deleted: trustcheck cannot ask you to confirm "
                                 "because standard input is not a terminal; add --yes to "
                                 "delete without asking.")
            if not _confirm(f"Delete {'it' if len(chosen) == 1 else 'them'} for good? "
                            "This cannot be undone. [y/N] "):
                say("Nothing was deleted.")
                return
        deleted = store.delete([row.id for row in chosen])
    say(f"Deleted {_plural(deleted, 'assessment')}.")


def _cutoff(before: str) -> datetime:
    """--before's moment made an inclusive upper bound (stored times have whole seconds)."""
    from datetime import datetime, timedelta, timezone  # noqa: F811

    from trustcheck.dates import parse_bound

    now = datetime.now(timezone.utc)
    moment = parse_bound(before, now=now, local=now.astimezone().tzinfo, end=False,
                         option="--before")
    # At the first moment there is, nothing is before it: keep it (stored times have seconds).
    return moment - timedelta(microseconds=1) if moment > datetime.min.replace(
        tzinfo=timezone.utc) else moment


def _by_reference(store: Store, references: Sequence[str]) -> list[ScoreRow]:
    """The rows the ids name, oldest first; ids may be unique starts (any case) or 'last'."""
    from trustcheck.records import Filters

    chosen: set[str] = set()
    problems = []
    for reference in references:
        matches = store.check_in_ids(reference if reference == "last" else reference.strip())
        if not matches:
            problems.append(Problem(f"there is no saved assessment with the id '{reference}'."))
        elif len(matches) > 1:
            problems.append(Problem(f"more than one assessment has an id starting with "
                                    f"'{reference}'; please type more of it."))
        else:
            chosen.add(matches[0])
    if problems:
        raise InputError("Nothing was deleted; `trustcheck history` shows the ids.", problems)
    return [row for row in store.score_rows(Filters()) if row.id in chosen]


def _show_doomed(rows: Sequence[ScoreRow]) -> None:
    from trustcheck.render.listing import local_time, score_text
    from trustcheck.render.table import Column, colour_wanted, render, terminal_width

    shown = rows[:SHOWN_DELETIONS]
    table = render(
        [Column("Date"), Column("Id"), Column("Role"), Column("Partner", flexible=True),
         Column("Overall", align="right")],
        [[local_time(r.created_at), r.id[:8], r.role, r.partner or "", score_text(r.overall)]
         for r in shown],
        width=terminal_width(sys.stderr), colour=colour_wanted(sys.stderr))
    more = len(rows) - len(shown)
    say(f"{_plural(len(rows), 'assessment')} will be deleted, with "
        f"{'its' if len(rows) == 1 else 'their'} answers, scores and commitments:")
    sys.stderr.write(table + (f"... and {more} more\n" if more else ""))
    sys.stderr.flush()


def _confirm(question: str) -> bool:
    sys.stderr.write(question)
    sys.stderr.flush()
    answer = sys.stdin.readline()
    return answer.strip().lower() in ("y", "yes")


# --- trustcheck history backup ---------------------------------------------------------------


@history_app.command("backup")
def backup(
    ctx: typer.Context,
    file: Annotated[Optional[Path], typer.Argument(
        metavar="[FILE]",
        help="Where to put the copy (a file, or a folder to put it in); by default "
             "history-backup-YYYYMMDD-HHMMSS.db in the data folder.")] = None,
) -> None:
    """Copy your history to a backup file, safely even while trustcheck runs elsewhere.

    The copy is readable only by you and never replaces an existing file. To go back to it,
    move history.db (with any history.db-wal and -shm beside it) out of the data folder (see
    `trustcheck paths`) and copy the backup in its place as history.db.
    """
    from trustcheck import files

    places = session(ctx).places
    if not places.database.exists():
        say(f"There is no history to back up yet ({places.database} does not exist); take an "
            "assessment with `trustcheck assess` first.")
        return
    if file is None:
        target = _free_name(places.data.path)
    else:
        target = file.expanduser()
        if target.is_dir():
            target = _free_name(target)
    files.check_target(target)
    store = open_history(places)
    assert store is not None
    with store:
        count = store.count()
        files.place_private(target, store.backup, what="the backup")
    say(f"Backed up {_plural(count, 'assessment')} to {target}.")


def _free_name(folder: Path) -> Path:
    """history-backup-YYYYMMDD-HHMMSS.db in the folder (local time), with -2, -3 if taken."""
    from datetime import datetime

    stem = f"{BACKUP_PREFIX}{datetime.now():%Y%m%d-%H%M%S}"
    target = folder / f"{stem}.db"
    number = 2
    while target.exists():
        target = folder / f"{stem}-{number}.db"
        number += 1
    return target
