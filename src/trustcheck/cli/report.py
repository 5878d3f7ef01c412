"""`trustcheck report`: a whole cohort on one page, for a workshop, without exposing anyone."""

import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from trustcheck.cli.app import say, session
from trustcheck.cli.options import CohortOption, ForceOption, OutputOption, Role
from trustcheck.cli.output import chunks, emit

# --role as `report` reads it: a filter, and for a form that does not ask it, everyone's role.
ReportRoleOption = Annotated[Optional[Role], typer.Option(
    "--role", "-r", case_sensitive=False,
    help="Only mentors' or only mentees' responses. For a form export without a role question, "
         "the role of everyone who answered it.")]


class ReportFormat(str, Enum):
    text = "text"
    markdown = "markdown"
    html = "html"
    json = "json"


def report(
    ctx: typer.Context,
    sources: Annotated[Optional[list[str]], typer.Argument(
        metavar="[SOURCE]...", show_default=False,
        help="Check-in files (JSON, a JSON list or JSONL from `assess --format json` or "
             "`history export`), answers files (YAML or JSON from `trustcheck template`), "
             "CSV files of answers with the header from `trustcheck template --format csv`, "
             "Google Forms CSV or Microsoft Forms Excel (.xlsx) exports, or folders of them; "
             "- reads standard input. Without any, your history is used.")] = None,
    cohort: CohortOption = None,
    role: ReportRoleOption = None,
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
    slides: Annotated[bool, typer.Option(
        "--slides", help="With --format html: each part of the report is one screen of "
                         "1280x720 (and one printed page), for a projector.")] = False,
    output_name: OutputOption = None,
    force: ForceOption = False,
    replaces: Annotated[Optional[list[str]], typer.Option(
        "--replaces", metavar="REPORT",
        help="This report takes the place of an earlier one that was never shown or shared "
             "(its id or time from the refusal message, or its file), so the two are not "
             "checked against each other; the log keeps it, marked replaced. Repeat for "
             "several.")] = None,
) -> None:
    """A cohort report for a workshop: strategies, focus, mentors beside mentees, no one exposed.

    Groups smaller than --min-group are never shown, and a report that differs from an earlier
    one by only a few people is refused, so nobody's answers can be singled out.
    """
    from datetime import datetime, timezone

    from trustcheck.answers import option_labels
    from trustcheck.cohort import Scope
    from trustcheck.usecases import cohort_report

    places = session(ctx).places
    if slides and format is not ReportFormat.html:
        from trustcheck.errors import InputError

        raise InputError("--slides makes a page for a projector, so it goes with --format html; "
                         "add --format html, or leave --slides out.")
    shown_as = "slides" if slides else format.value
    output = None if output_name in (None, "-") else Path(output_name).expanduser()
    (label,) = option_labels(cohort=cohort)
    if output is not None:
        from trustcheck.files import check_target

        check_target(output, force=force,
                     exists=f"{output} already exists; add --force to replace it, or choose "
                            "another name.")
    if sources and "-" in sources:
        from trustcheck.cli.common import stdin_is_terminal

        if stdin_is_terminal():
            say("Reading responses from the keyboard; finish with Ctrl-D.")
    gathered = cohort_report.gather(
        sources, Scope(label, role.value if role else None),
        checklist_folders=places.checklist_folders(), database=places.database,
        strict=strict, min_group=min_group, stdin=sys.stdin.buffer)
    for notice in gathered.notices:
        say(notice.message, *notice.problems)
    # One log of shown reports per person (in the config folder), so a report made with
    # another --data-dir is still compared; a log left in the data folder is still read.
    made = cohort_report.make(gathered, min_group=min_group, log_folder=places.config.path,
                              older_log_folders=[places.data.path],
                              now=datetime.now(timezone.utc), replaces=replaces or ())

    if output is None:
        # Remembered before it is printed: a report cut short may still have been seen, and
        # the log only ever makes the next report more careful.
        cohort_report.record(made)
        emit(made, shown_as)
        return
    from trustcheck.files import write_private

    content = "".join(chunks(made, shown_as))
    # Remembered before the file is written, for the same reason: a report that may exist must
    # count, and a write that fails only makes the next report more careful than it needed.
    cohort_report.record(made, file=content)
    write_private(output, content, force=force, what="the report",
                  exists=f"{output} already exists; add --force to replace it, or choose "
                         "another name.")
    say(f"Report written to {output}.")
