"""Your data: `trustcheck paths`, and `trustcheck history export|import|delete|backup`."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator, Sequence
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Optional

import typer

from trustcheck.cli.app import say, session
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
from trustcheck.errors import NO_ASSESSMENTS_YET, InputError, Problem

if TYPE_CHECKING:
    from datetime import datetime

    from trustcheck.assessment import Assessment
    from trustcheck.records import Filters, ScoreRow
    from trustcheck.store import Store

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
    store = open_history(session(ctx).places)
    if store is None and assessment_id is not None:
        raise InputError(NO_ASSESSMENTS_YET)
    counted = [0]  # assessments written, counted as they stream past

    def deliver() -> None:
        chunks = _export_chunks(store, scope, format, assessment_id, scores_only, counted)
        if target is None:
            for chunk in chunks:
                sys.stdout.write(chunk)
            sys.stdout.flush()
        else:
            files.write_private(target, chunks, force=force, what="the export", exists=exists)

    if store is None:
        deliver()
    else:
        # One snapshot from the first row to the last, streamed straight to the output: a
        # history can be far larger than memory should hold.
        with store, store.snapshot():
            deliver()
    if target is not None:
        say(f"Exported {_plural(counted[0], 'assessment')} to {target}.")
    if not counted[0]:
        filtered = narrowed(role, partner, cohort, since, until)
        say("No assessments match those filters, so the export is empty." if filtered else
            "There are no saved assessments yet, so the export is empty.")


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
    problems: list[Problem] = []
    incoming: list[Assessment] = []
    for source in sources:
        records, file_problems = _records(*_read(source))
        for where, line, record in records:
            try:
                incoming.append(_validated(record))
            except ValueError as exc:
                file_problems.append(Problem(str(exc), where, line))
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
    store = open_history(session(ctx).places, create=True)
    assert store is not None
    with store:
        added, present = store.add_missing(incoming)
    say(f"Imported {where}: {added} added, {present} already in your history.")


def _read(source: str) -> tuple[str | None, str, list[Problem]]:
    """The text of one import file (or standard input), or the problem reading it."""
    limit = f"{MAX_IMPORT_BYTES // (1024 * 1024)} MiB"
    if source == "-":
        data = sys.stdin.buffer.read(MAX_IMPORT_BYTES + 1)
        name = "standard input"
    else:
        path = Path(source).expanduser()
        name = str(path)
        try:
            size = path.stat().st_size
            if size > MAX_IMPORT_BYTES:
                return None, name, [Problem(
                    f"the file is {size // (1024 * 1024)} MiB; trustcheck imports files of at "
                    f"most {limit}, so please split it (JSON Lines files split at any line).",
                    name)]
            with path.open("rb") as handle:
                data = handle.read(MAX_IMPORT_BYTES + 1)
        except FileNotFoundError:
            return None, name, [Problem("there is no such file; please check the path.", name)]
        except IsADirectoryError:
            return None, name, [Problem("this is a folder; please name the export file.", name)]
        except PermissionError:
            return None, name, [Problem("trustcheck may not read this file; please check its "
                                        "permissions.", name)]
    if len(data) > MAX_IMPORT_BYTES:
        return None, name, [Problem(f"more than {limit}; please import it in parts.", name)]
    try:
        return data.decode("utf-8-sig"), name, []
    except UnicodeDecodeError:
        return None, name, [Problem("not UTF-8 text, so not a trustcheck export.", name)]


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not a number trustcheck accepts")


def _loads(text: str) -> Any:
    return json.loads(text, parse_constant=_no_constants)


def _records(text: str | None, source: str,
             problems: list[Problem]) -> tuple[list[tuple[str, int | None, Any]], list[Problem]]:
    """The records in one file, each with where it is: (source, line or None, data)."""
    if text is None or problems:
        return [], problems
    if not text.strip():
        return [], []
    if source.lower().endswith((".jsonl", ".ndjson")):
        return _json_lines(text, source)
    try:
        data = _loads(text)
    except json.JSONDecodeError as exc:
        first = text.lstrip().split("\n", 1)[0]
        if exc.msg == "Extra data" or _is_json(first):
            return _json_lines(text, source)
        return [], [Problem(f"not valid JSON ({exc.msg}, column {exc.colno}); is it a "
                            "trustcheck export?", source, exc.lineno)]
    except ValueError as exc:
        return [], [Problem(f"not a trustcheck export: {exc}.", source)]
    if isinstance(data, list):
        return [(f"{source}, record {index}", None, record)
                for index, record in enumerate(data, start=1)], []
    if isinstance(data, dict):
        return [(source, None, data)], []
    return [], [Problem("a JSON export holds a result object or a list of them, not "
                        f"{type(data).__name__}.", source)]


def _is_json(text: str) -> bool:
    try:
        _loads(text)
    except ValueError:
        return False
    return True


def _json_lines(text: str, source: str) -> tuple[list[tuple[str, int | None, Any]],
                                                    list[Problem]]:
    records: list[tuple[str, int | None, Any]] = []
    problems = []
    # Only "\n" ends a line: results may hold U+2028 and other characters str.splitlines() uses.
    for number, line in enumerate(text.split("\n"), start=1):
        line = line.rstrip("\r")
        if not line.strip():
            continue
        try:
            records.append((source, number, _loads(line)))
        except json.JSONDecodeError as exc:
            problems.append(Problem(f"not valid JSON ({exc.msg}, column {exc.colno}).", source,
                                    number))
        except ValueError as exc:
            problems.append(Problem(f"{exc}.", source, number))
    return records, problems


def _validated(record: Any) -> Assessment:
    """A result object checked enough that storing and showing it cannot fail; else ValueError."""
    from trustcheck import assessment

    if not isinstance(record, dict):
        raise ValueError(f"expected a result object, found {type(record).__name__}.")
    schema = record.get("schema")
    if not isinstance(schema, str) or not schema.startswith("trustcheck/result/"):
        raise ValueError("not a trustcheck result object (its 'schema' is not "
                         "trustcheck/result/...).")
    try:  # the checks every result gets (trustcheck.assessment), with messages for import
        result, wrong = assessment.checked(record, source="this record")
    except InputError as exc:
        details = "; ".join(p.message for p in exc.problems)
        raise ValueError(exc.message.rstrip(".") + (f" ({details})." if details else ".")) \
            from None
    if not result.answers:
        wrong.append("no answers: it is a scores-only result, made to share with your partner "
                     "for `trustcheck compare`, not part of your own history")
    if wrong:
        raise ValueError("this record has " + "; ".join(wrong) + ".")
    return result


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

    store = open_history(session(ctx).places)
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
