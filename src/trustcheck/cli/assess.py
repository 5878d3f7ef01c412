"""`trustcheck assess`: answer a checklist (asked or from a file), see and save the result."""

from __future__ import annotations

import sys
import uuid
from datetime import datetime, timezone
from pathlib import Path
from typing import Annotated, Optional

import typer

from trustcheck import answers as answer_files
from trustcheck import assessment
from trustcheck.cli.app import say, session
from trustcheck.cli.common import load_checklist, stdin_is_terminal, stdout_console
from trustcheck.cli.options import (
    ChecklistOption,
    CohortOption,
    PartnerOption,
    ResultFormat,
    ResultFormatOption,
    RoleOption,
)
from trustcheck.errors import InputError, Problem
from trustcheck.yamlfile import MAX_BYTES, decode, read_text

AnswersOption = Annotated[Optional[str], typer.Option(
    "--answers", "-a", metavar="FILE|-",
    help="Answers from a YAML or JSON file (or - for standard input) instead of asking. "
         "Get one with `trustcheck template`.")]


def assess(
    ctx: typer.Context,
    role: RoleOption = None,
    partner: PartnerOption = None,
    cohort: CohortOption = None,
    checklist: ChecklistOption = None,
    answers: AnswersOption = None,
    format: ResultFormatOption = ResultFormat.text,
    no_save: Annotated[bool, typer.Option(
        "--no-save", help="Show the result without keeping it in your history.")] = False,
) -> None:
    """Answer the trust checklist for your role and see where you stand."""
    places = session(ctx).places
    problems: list[Problem] = []
    partner = answer_files.clean_label(partner, "--partner", problems, "the command line")
    cohort = answer_files.clean_label(cohort, "--cohort", problems, "the command line")
    if problems:
        raise InputError("Please shorten the option and try again.", problems)

    if answers is None:
        if not stdin_is_terminal():
            raise InputError(
                "trustcheck cannot ask questions here because standard input is not a terminal; "
                "pass your answers with --answers FILE (run `trustcheck template --role mentor` "
                "to get a file to fill in).")
        chosen_role = role.value if role else None
        used = load_checklist(checklist, chosen_role, places)
        chosen_role = chosen_role or used.role
        from trustcheck.cli import questionnaire

        try:
            values = questionnaire.run(
                used, role=chosen_role,
                saving_to=None if no_save else str(places.database))
        except questionnaire.Quit:
            say("You quit before the end, so nothing was saved.")
            raise typer.Exit(0) from None
        not_enough = answer_files.check_enough(used, values)
        if not_enough is not None:
            raise InputError(f"Nothing was saved: {not_enough.message}")
        given = answer_files.Answers(values)
    else:
        text, source = _read_answers(answers)
        answers_file = answer_files.read(text, source=source)
        file_role = answers_file.role
        if role and file_role and file_role != role.value:
            raise InputError(
                f"{source} says role '{file_role}' but the command says --role {role.value}; "
                "please make them match.")
        chosen_role = role.value if role else file_role
        used = load_checklist(checklist, chosen_role, places)
        chosen_role = chosen_role or used.role
        given = answer_files.check(answers_file, used)

    result = assessment.build(
        used, given.values, role=chosen_role,
        partner=partner or given.partner, cohort=cohort or given.cohort,
        now=datetime.now(timezone.utc), id=uuid.uuid4().hex,
    )
    if given.missing:
        say(f"{len(given.missing)} statement{'s' if len(given.missing) != 1 else ''} had no "
            "answer in the file and count as skipped.")
    if not no_save:
        from trustcheck.store import Store

        with Store.open(places.database) as store:
            store.save(result)
    _show(result, format, saved=not no_save)


def _show(result: assessment.Assessment, format: ResultFormat, *, saved: bool) -> None:
    if format is ResultFormat.json:
        from trustcheck.render import json as render_json

        sys.stdout.write(render_json.result(result))
    else:
        from trustcheck.render import text

        text.assessment(stdout_console(), result)
    if saved:
        say(f"Saved in your history as {result.id[:8]}; see it again with "
            f"`trustcheck history show {result.id[:8]}`.")
    else:
        say("Not saved (--no-save).")


def _read_answers(reference: str) -> tuple[str, str]:
    if reference == "-":
        if stdin_is_terminal():
            say("Reading answers from the keyboard; finish with Ctrl-D.")
        data = sys.stdin.buffer.read(MAX_BYTES + 1)
        return decode(data, source="standard input", what="answers"), "standard input"
    path = Path(reference).expanduser()
    return read_text(path, what="answers"), str(path)
