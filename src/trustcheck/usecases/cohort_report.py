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
from trustcheck.reportlog import LOG_NAME, ReportLog, Shown
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
            raise InputError("There are no saved assessments to report on; name result files "
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
            f"{collected.duplicates} result{'s' if collected.duplicates != 1 else ''} appeared "
            "more than once and counted once (the same result id, or a CSV row exactly like "
            "another, as when a file is given twice); if different people gave exactly the "
            "same answers, tell their rows apart in the partner column."))
    stated = collected.stated_scores_only + collected.stated_unknown_checklist
    if stated:
        notices.append(Notice(
            f"{stated} result{'s were' if stated != 1 else ' was'} counted on the scores "
            f"{'they state' if stated != 1 else 'it states'}, not worked out again from answers: "
            f"{collected.stated_scores_only} scores-only, {collected.stated_unknown_checklist} "
            "answered a checklist that is not on this computer."))
    return Gathered(collected, scope, bool(sources), tuple(notices))


def make(gathered: Gathered, *, min_group: int, log_folder: Path,
         older_log_folders: Sequence[Path] = (), now: datetime) -> CohortReport:
    """The report on what was gathered, after every privacy rule.

    Raise InputError when there is nothing to report, when `min_group` is below 3, or when a
    figure's people differ from an earlier report's by too few (checked against the log in
    `log_folder`, where this report will be recorded, and against any older logs still kept
    elsewhere, so a report made before the log moved is not forgotten).
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
    for checked, figures in logs:
        conflict = checked.conflict(figures, min_group)
        if conflict is not None:
            raise InputError(differencing_message(conflict.created_at, conflict.difference,
                                                  conflict.threshold))
    return CohortReport(built.document, min_group, now, log, shown)


def record(report: CohortReport) -> None:
    """Remember whom the report's figures covered, so a later report cannot single them out."""
    if report.shown:
        report.log.record(report.shown, report.min_group, report.created_at)


def differencing_message(created_at: str, difference: int, threshold: int) -> str:
    people = "person" if difference == 1 else "people"
    whose = "that person's" if difference == 1 else "those people's"
    return (f"The people behind this report's figures differ from those in a report made on "
            f"{_when(created_at)} by only {difference} {people}, fewer than "
            f"{threshold}, so the two together could reveal {whose} answers; nothing was "
            "reported. Report on the same people as before, or on a set that differs by at "
            f"least {threshold}.")


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
        return (f"No saved assessment matches {' and '.join(filters)}; run `trustcheck history` "
                "to see the cohort labels you used.")
    return "There are no saved assessments to report on yet."


def to_dict(report: CohortReport) -> dict[str, Any]:
    """`report --format json`: the report document, which already is plain data (docs/json.md)."""
    return report.document
