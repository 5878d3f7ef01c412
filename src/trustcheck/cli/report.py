"""`trustcheck report`: a whole cohort on one page, for a workshop, without exposing anyone."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from trustcheck.cli.app import say, session
from trustcheck.cli.options import CohortOption, ForceOption, OutputOption, RoleOption
from trustcheck.errors import InputError, Problem

SHOWN_PROBLEMS = 50


class ReportFormat(str, Enum):
    text = "text"
    markdown = "markdown"
    html = "html"
    json = "json"


def report(
    ctx: typer.Context,
    sources: Annotated[Optional[list[str]], typer.Argument(
        metavar="[SOURCE]...", show_default=False,
        help="Result files (JSON, a JSON list or JSONL from `assess --format json` or "
             "`history export`), folders of them, or CSV files of answers with the header "
             "from `trustcheck template --format csv`; - reads standard input. Without any, "
             "your history is used.")] = None,
    cohort: CohortOption = None,
    role: RoleOption = None,
    min_group: Annotated[int, typer.Option(
        "--min-group", metavar="N",
        help="Never show a figure for fewer than N people (at least 3).")] = 5,
    strict: Annotated[bool, typer.Option(
        "--strict", help="Stop with exit code 2 if any row cannot be used, instead of "
                         "leaving it out.")] = False,
    format: Annotated[ReportFormat, typer.Option(
        "--format", "-f", case_sensitive=False,
        help="text for a terminal or projector, markdown for a wiki or email, html for one "
             "self-contained page, json for other tools.")] = ReportFormat.text,
    output_name: OutputOption = None,
    force: ForceOption = False,
) -> None:
    """A cohort report for a workshop: strategies, focus, mentors beside mentees, no one exposed.

    Groups smaller than --min-group are never shown, and a report that differs from an earlier
    one by only a few people is refused, so nobody's answers can be singled out.
    """
    from datetime import datetime, timezone

    from trustcheck import cohort as cohorts
    from trustcheck.answers import clean_label

    places = session(ctx).places
    output = None if output_name in (None, "-") else Path(output_name).expanduser()
    if min_group < cohorts.SMALLEST_MIN_GROUP:
        raise InputError(f"--min-group must be at least {cohorts.SMALLEST_MIN_GROUP}, because "
                         "smaller groups would let people recognise each other's answers; "
                         f"please use {cohorts.SMALLEST_MIN_GROUP} or more.")
    problems: list[Problem] = []
    label = clean_label(cohort, "--cohort", problems, "the command line")
    if problems:
        raise InputError("Please shorten the option and try again.", problems)
    if output is not None:
        from trustcheck.files import check_target

        check_target(output, force=force,
                     exists=f"{output} already exists; add --force to replace it, or choose "
                            "another name.")
    render_html = _html_renderer() if format is ReportFormat.html else None
    scope = cohorts.Scope(label, role.value if role else None)

    from trustcheck.sources import Library, collect, collect_history

    library = Library(places.checklist_folders())
    if sources:
        from trustcheck.cli.common import stdin_is_terminal

        if "-" in sources and stdin_is_terminal():
            say("Reading responses from the keyboard; finish with Ctrl-D.")
        collected = collect(sources, scope, library, stdin=sys.stdin.buffer)
    else:
        from trustcheck.cli.common import open_history
        from trustcheck.records import Filters

        store = open_history(places)
        if store is None:
            raise InputError("There are no saved assessments to report on; name result files "
                             "or CSV files of responses, e.g. `trustcheck report answers.csv`.")
        with store:
            collected = collect_history(store.result_texts(Filters(scope.role, None, label)),
                                        scope, library)

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
            say(f"Warning: {rows} could not be used and {'were' if count != 1 else 'was'} left "
                "out of the report:", *listed)
        else:
            say("Warning: part of the input could not be read:", *listed)
    if collected.duplicates:
        say(f"{collected.duplicates} result{'s' if collected.duplicates != 1 else ''} appeared "
            "more than once and counted once.")
    if not collected.used:
        raise InputError(_nothing_message(bool(sources), collected, scope))

    now = datetime.now(timezone.utc)
    built = cohorts.build(collected.buckets, min_group=min_group, scope=scope,
                          intake=cohorts.Intake(collected.left_out, collected.duplicates),
                          now=now)

    from trustcheck.reportlog import ReportLog

    log = ReportLog.open(places.data.path)
    shown = log.shown(built.figures)
    conflict = log.conflict(shown, min_group)
    if conflict is not None:
        difference, threshold = conflict.difference, conflict.threshold
        people = "person" if difference == 1 else "people"
        whose = "that person's" if difference == 1 else "those people's"
        raise InputError(
            f"The people behind this report's figures differ from those in a report made on "
            f"{_when(conflict.created_at)} by only {difference} {people}, fewer than "
            f"{threshold}, so the two together could reveal {whose} answers; nothing was "
            "reported. Report on the same people as before, or on a set that differs by at "
            f"least {threshold}.")

    document = built.document
    content = _render(document, format, render_html, to_file=output is not None)
    if shown:
        log.record(shown, min_group, now)
    if output is None:
        if content is None:
            from trustcheck.render.report import text

            text(document, sys.stdout)
        else:
            sys.stdout.write(content)
        return
    from trustcheck.files import write_private

    write_private(output, content if content is not None else "", force=force,
                  what="the report",
                  exists=f"{output} already exists; add --force to replace it, or choose "
                         "another name.")
    say(f"Report written to {output}.")


def _render(document: dict, format: ReportFormat, render_html, *, to_file: bool) -> str | None:
    """The report as text to write; None means 'print the text view to the terminal'."""
    from trustcheck.render import report as views

    if format is ReportFormat.json:
        return views.json_text(document)
    if format is ReportFormat.markdown:
        return views.markdown(document)
    if format is ReportFormat.html:
        return render_html(document)
    return views.text_string(document) if to_file else None


def _html_renderer():
    try:
        from trustcheck.render.html import render_html
    except ImportError:
        raise InputError("HTML reports are not available yet; use --format markdown or "
                         "--format text for now.") from None
    return render_html


def _when(created_at: str) -> str:
    return created_at.replace("T", " ").removesuffix("Z")[:16] + " UTC"


def _nothing_message(from_files: bool, collected, scope) -> str:
    filters = []
    if scope.cohort is not None:
        filters.append(f"--cohort {scope.cohort}")
    if scope.role is not None:
        filters.append(f"--role {scope.role}")
    if from_files:
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
