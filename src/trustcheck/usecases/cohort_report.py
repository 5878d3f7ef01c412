"""The cohort report use case: gather responses, build the figures, apply the privacy rules.

Two steps, so the person hears what was left out before any refusal: `gather` reads the
sources and says what could not be used; `make` builds the report, refusing a minimum group
below 3 (in `cohort.build`) and a report that the log of earlier reports says could single
someone out. `record` remembers what was shown, once the caller has the report in hand.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import IO, Any, NamedTuple

from trustcheck import cohort
from trustcheck.cohort import Scope, check_min_group
from trustcheck.errors import InputError, Problem
from trustcheck.records import Filters
from trustcheck.reportlog import LOG_NAME, Conflict, Entry, ReportLog, Shown, responses_needed
from trustcheck.sources import Collected, Library, collect, collect_history

SHOWN_PROBLEMS = 50


class Notice(NamedTuple):
    """Something to tell the person, with the problems that go with it."""

    message: str
    problems: tuple[Problem, ...] = ()


class Gathered(NamedTuple):
    """The responses read for a report, and what to tell the person about reading them."""

    collected: Collected
    scope: Scope
    from_files: bool
    notices: tuple[Notice, ...]


class CohortReport(NamedTuple):
    """A report ready to show: its document, and what to remember once it is shown."""

    document: dict[str, Any]
    min_group: int
    created_at: datetime
    log: ReportLog
    shown: list[Shown]
    replaces: tuple[str, ...] = ()  # ids of earlier reports this one takes the place of


def gather(sources: Sequence[str] | None, scope: Scope, *,
           checklist_folders: list[tuple[Path, bool]], database: Path, strict: bool,
           min_group: int, stdin: IO[bytes] | None = None) -> Gathered:
    """Responses from the sources named, or from the history at `database` when none are.

    Raise InputError when there is nothing to report, or when --strict meets a row it cannot use,
    and before reading anything when `min_group` is below the privacy floor.
    """
    check_min_group(min_group)
    library = Library(checklist_folders)
    if sources:
        collected = collect(sources, scope, library, stdin=stdin)
    else:
        if not database.exists():
            raise InputError("There are no saved check-ins to report on; name check-in files "
                             "or CSV files of responses, e.g. `trustcheck report answers.csv`.")
        # Here, not at the top: a report on files never opens the history (sqlite3 and the
        # store cost about 12 ms to import).
        from trustcheck.store import Store

        with Store.open_for_reading(database) as store:
            collected = collect_history(
                store.result_texts(Filters(scope.role, None, scope.cohort)), scope, library)

    # What was read but not used (a form export's other columns), once per file.
    notices: list[Notice] = [Notice(note) for note in collected.notes]
    if collected.problems:
        listed = list(collected.problems[:SHOWN_PROBLEMS])
        more = collected.problem_count - len(listed)
        if more > 0:
            listed.append(Problem(f"... and {more} more like these."))
        count = collected.left_out
        rows = f"{count} row{'s' if count != 1 else ''}"
        if strict:
            subject = (f"{rows} could not be used" if count
                       else "Part of the input could not be read")
            raise InputError(f"{subject} and --strict allows nothing to be left out, so nothing "
                             "was reported; fix what is listed, or run without --strict to leave "
                             "it out.", listed)
        if count:
            notices.append(Notice(
                f"Warning: {rows} could not be used and {'were' if count != 1 else 'was'} left "
                "out of the report:", tuple(listed)))
        else:
            notices.append(Notice("Warning: part of the input could not be read:",
                                  tuple(listed)))
    if collected.duplicates:
        notices.append(Notice(
            f"{collected.duplicates} response{'s' if collected.duplicates != 1 else ''} appeared "
            "more than once and counted once (the same check-in id, or a CSV row exactly like "
            "another, as when a file is given twice); if different people gave exactly the "
            "same answers, tell their rows apart in the partner column."))
    stated = collected.stated_scores_only + collected.stated_unknown_checklist
    if stated:
        notices.append(Notice(
            f"{stated} response{'s were' if stated != 1 else ' was'} counted on the scores "
            f"{'they state' if stated != 1 else 'it states'}, not worked out again from answers: "
            f"{collected.stated_scores_only} scores-only, {collected.stated_unknown_checklist} "
            "answered a checklist that is not on this computer."))
    return Gathered(collected, scope, bool(sources), tuple(notices))


def make(gathered: Gathered, *, min_group: int, log_folder: Path,
         older_log_folders: Sequence[Path] = (), now: datetime,
         replaces: Sequence[str] = ()) -> CohortReport:
    """The report on what was gathered, after every privacy rule.

    Raise InputError when there is nothing to report, when `min_group` is below 3, or when a
    figure's people differ from an earlier report's by too few (checked against the log in
    `log_folder`, where this report will be recorded, and against any older logs still kept
    elsewhere, so a report made before the log moved is not forgotten). `replaces` names
    earlier reports (an id, a time or a report's file) that were never shown or shared, which
    the facilitator says this one takes the place of: the check leaves them out.
    """
    collected = gathered.collected
    if not collected.used:
        raise InputError(_nothing_message(gathered))
    built = cohort.build(collected.buckets, min_group=min_group, scope=gathered.scope,
                         intake=cohort.Intake(collected.left_out, collected.duplicates,
                                              collected.stated_scores_only,
                                              collected.stated_unknown_checklist),
                         now=now)
    log = ReportLog.open(log_folder)
    shown = log.shown(built.figures)
    logs = [(log, shown)]
    for folder in older_log_folders:
        if folder != log_folder and (folder / LOG_NAME).exists():
            older = ReportLog.open(folder)
            logs.append((older, older.shown(built.figures)))
    earlier: dict[str, str] = {}  # replaced report -> the report that replaced it
    for checked, _ in logs:
        earlier.update(checked.replaced())
    replaced = _replaced_ids([checked for checked, _ in logs], earlier, replaces)
    forgotten = set(replaced) | set(earlier)
    close = [c for checked, figures in logs
             for c in checked.close(figures, min_group, forgotten=forgotten)]
    conflicts = [c for c in close if c.difference > 0]
    if conflicts:
        raise InputError(differencing_message(conflicts, responses_needed(close)))
    return CohortReport(built.document, min_group, now, log, shown, replaced)


def record(report: CohortReport, *, file: str | None = None) -> None:
    """Remember whom the report's figures covered, so a later report cannot single them out.

    `file` is the report as written to a file, so that file can name this report later (for
    `--replaces`); the reports it replaces are marked in the same write.
    """
    if report.shown:
        report.log.record(report.shown, report.min_group, report.created_at,
                          replaces=report.replaces,
                          file=None if file is None else file.encode("utf-8"))


def differencing_message(conflicts: Sequence[Conflict], needed: int) -> str:
    """The refusal: which earlier report, by how many, how many more, and the way through."""
    first = conflicts[0]
    difference, threshold = first.difference, first.threshold
    people = "person" if difference == 1 else "people"
    whose = "that person's" if difference == 1 else "those people's"
    ids = list(dict.fromkeys(c.report for c in conflicts if c.report))
    more = f"{needed} more {'person has' if needed == 1 else 'people have'}"
    which = f"those {len(ids)} earlier reports were" if len(ids) > 1 else "that earlier report was"
    flags = " ".join(f"--replaces {report}" for report in ids)
    return (f"The people behind this report's figures differ from those in a report made on "
            f"{_when(first.created_at)} by only {difference} {people}, fewer than "
            f"{threshold}, so the two together could reveal {whose} answers; nothing was "
            f"reported. Wait until at least {more} answered (that many in each role whose "
            "figures changed), or report on the same people as before"
            + (f", or, if {which} never shown or shared with anyone, add `{flags}` so this "
               "report takes its place." if ids else "."))


def _replaced_ids(logs: Sequence[ReportLog], earlier: dict[str, str],
                  names: Sequence[str]) -> tuple[str, ...]:
    """The ids of the earlier reports that `--replaces` names (an id, a time, a file)."""
    found: list[str] = []
    for name in names:
        path = Path(name).expanduser()
        if path.is_file():
            try:
                content = path.read_bytes()
            except OSError as exc:
                raise InputError(f"trustcheck could not read {path} ({exc.strerror}) to find "
                                 "the report it holds; check the name.") from None
            entries = [e for log in logs for e in log.find_file(content)]
            if not entries:
                raise InputError(
                    f"{path} is not a report trustcheck wrote on this computer (or it was changed "
                    "since); name the earlier report by the id or the time the refusal message "
                    "gives, e.g. `--replaces '2026-05-01 12:00'`.")
        else:
            entries = [e for log in logs for e in log.find(name)]
            if not entries:
                raise InputError(
                    f"No earlier report in your log matches '{name}'; use the id or the time "
                    "(in UTC, as `--replaces '2026-05-01 12:00'`) that the refusal message gives, "
                    "or the "
                    "report's file.")
        # A time may name a report already replaced too (made the same minute): the other.
        entries = [e for e in entries if e.id not in earlier] or entries
        if len({e.id for e in entries}) > 1:
            listed = ", ".join(f"{e.id} ({_when(e.created_at)})" for e in entries)
            raise InputError(f"'{name}' names {len(entries)} earlier reports ({listed}); name "
                             "the one meant by its id.")
        entry: Entry = entries[0]
        replaced_by = earlier.get(entry.id)
        if replaced_by is not None:
            raise InputError(
                f"The report made on {_when(entry.created_at)} was already replaced by report "
                f"{replaced_by}; if that one was never shown or shared either, add "
                f"`--replaces {replaced_by}`.")
        if entry.id not in found:
            found.append(entry.id)
    return tuple(found)


def _when(created_at: str) -> str:
    return created_at.replace("T", " ").removesuffix("Z")[:16] + " UTC"


def _nothing_message(gathered: Gathered) -> str:
    collected, scope = gathered.collected, gathered.scope
    filters = []
    if scope.cohort is not None:
        filters.append(f"--cohort {scope.cohort}")
    if scope.role is not None:
        filters.append(f"--role {scope.role}")
    if gathered.from_files:
        if collected.out_of_scope:
            return (f"No response in these files matches {' and '.join(filters)}; check the "
                    "label, or leave the filter out.")
        if collected.left_out:
            return ("None of the rows could be used, so there is nothing to report; fix the "
                    "rows listed above and try again.")
        return "These files hold no responses, so there is nothing to report."
    if filters:
        return (f"No saved check-in matches {' and '.join(filters)}; run `trustcheck history` "
                "to see the cohort labels you used.")
    return "There are no saved check-ins to report on yet."


def to_dict(report: CohortReport) -> dict[str, Any]:
    """`report --format json`: the report document, which already is plain data (docs/json.md)."""
    return report.document
