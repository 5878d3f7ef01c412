"""`trustcheck assess`: answer a checklist (asked or from a file), see and save the result."""

from __future__ import annotations

import sys
import uuid
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from trustcheck.cli.app import say, session
from trustcheck.cli.common import load_checklist, open_history, stdin_is_terminal, stdout_console
from trustcheck.cli.options import (
    ChecklistOption,
    CohortOption,
    PartnerOption,
    ResultFormat,
    ResultFormatOption,
    RoleOption,
)
from trustcheck.errors import InputError, Problem

if TYPE_CHECKING:
    from trustcheck import assessment
    from trustcheck import focus as focus_rules
    from trustcheck.answers import AnswersFile
    from trustcheck.checklist import Checklist
    from trustcheck.paths import Places
    from trustcheck.records import OpenCommitment
    from trustcheck.store import Store

AnswersOption = Annotated[Optional[str], typer.Option(
    "--answers", "-a", metavar="FILE|-",
    help="Answers from a YAML or JSON file (or - for standard input) instead of asking. "
         "Get one with `trustcheck template`.")]
CommitOption = Annotated[Optional[list[str]], typer.Option(
    "--commit", metavar="ACTION_ID",
    help="An action you commit to try before your next check-in (repeat for a second one). "
         "`trustcheck checklists show ROLE` lists the action ids.")]


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
    commit: CommitOption = None,
) -> None:
    """Answer the trust checklist for your role and see where you stand."""
    # The core is imported here, not at the top, so other commands start without it.
    from trustcheck import answers as answer_files
    from trustcheck import assessment
    from trustcheck import commitments as promises
    from trustcheck import focus as focus_rules

    places = session(ctx).places
    history = _History(places)
    ctx.call_on_close(history.close)
    problems: list[Problem] = []
    partner = answer_files.clean_label(partner, "--partner", problems, "the command line")
    cohort = answer_files.clean_label(cohort, "--cohort", problems, "the command line")
    if problems:
        raise InputError("Please shorten the option and try again.", problems)

    interactive = answers is None
    if interactive:
        if not stdin_is_terminal():
            raise InputError(
                "trustcheck cannot ask questions here because standard input is not a terminal; "
                "pass your answers with --answers FILE (run `trustcheck template --role mentor` "
                "to get a file to fill in).")
        chosen_role = role.value if role else None
        used = load_checklist(checklist, chosen_role, places)
        chosen_role = chosen_role or used.role
        promised = promises.choose(used, commit or ())
        # Reviews are only worth asking when they will be kept.
        still_open = [] if no_save else _open_commitments(history, chosen_role, partner)
        from trustcheck.cli import questionnaire

        try:
            answered = questionnaire.run(
                used, role=chosen_role,
                saving_to=None if no_save else str(places.database),
                open_commitments=still_open)
        except questionnaire.Quit:
            say("You quit before the end, so nothing was saved.")
            raise typer.Exit(0) from None
        not_enough = answer_files.check_enough(used, answered.values)
        if not_enough is not None:
            raise InputError(f"Nothing was saved: {not_enough.message}")
        given = answer_files.Answers(answered.values, follow_through=answered.statuses)
    else:
        text, source = _read_answers(answers)
        answers_file = answer_files.read(text, source=source)
        file_role = answers_file.role
        if role and file_role and file_role != role.value:
            raise InputError(
                f"{source} says role '{file_role}' but the command says --role {role.value}; "
                "please make them match.")
        chosen_role = role.value if role else file_role
        if chosen_role is None and checklist is None and isinstance(answers_file.data, dict) \
                and answers_file.data.get("role") is not None:
            raise InputError(f"{source} says role '{answers_file.data['role']}'; please write "
                             "mentor or mentee there, or add --role.")
        used = _checklist_for(answers_file, checklist, chosen_role, places)
        chosen_role = chosen_role or used.role
        promised = promises.choose(used, commit or ())
        still_open = _open_commitments(history, chosen_role,
                                       partner or answers_file.partner)
        given = answer_files.check(
            answers_file, used, open_actions={o.commitment.action for o in still_open})
        if answers_file.version not in (None, used.version):
            say(f"{source} was made for version {answers_file.version} of the checklist "
                f"'{used.id}', and this is version {used.version}: the answers were checked "
                "statement by statement, but a statement's wording may have changed since.")

    now = datetime.now(timezone.utc)
    new_id = uuid.uuid4().hex
    reviews = promises.review(still_open, dict(given.follow_through))

    def build(chosen: tuple[promises.Commitment, ...]) -> assessment.Assessment:
        return assessment.build(
            used, given.values, role=chosen_role,
            partner=partner or given.partner, cohort=cohort or given.cohort,
            now=now, id=new_id, commitments=chosen, follow_through=reviews)

    result = build(promised)
    if given.missing:
        say(f"{len(given.missing)} statement{'s' if len(given.missing) != 1 else ''} had no "
            "answer in the file and count as skipped.")
    change = focus_rules.progress(result, _previous(history, result))

    # At the end of an interactive check-in, the person may pick what to try before the next.
    picking = interactive and not no_save and not commit and any(a.actions for a in result.focus)
    if picking and format is ResultFormat.text:
        _show(result, change, format)
    if picking:
        from trustcheck.cli import questionnaire

        try:
            chosen = questionnaire.pick([(area.title, area.actions) for area in result.focus])
        except questionnaire.Quit:
            say("You quit before saving, so nothing was saved.")
            raise typer.Exit(0) from None
        result = build(promises.choose(used, chosen))
    if not no_save:
        history.for_saving().save(result)
    if picking and format is ResultFormat.text:
        if result.commitments:
            from trustcheck.render import text as render_text

            render_text.commitments_made(stdout_console(), result)
    else:
        _show(result, change, format)
    if no_save:
        say("Not saved (--no-save).")
    else:
        say(f"Saved in your history as {result.id[:8]} (in {places.database}, on this computer "
            f"only); see it again with `trustcheck history show {result.id[:8]}`.")


class _History:
    """The history, opened at most once per run, and created only when something is saved."""

    def __init__(self, places: Places) -> None:
        self.places = places
        self._store: Store | None = None
        self._looked = False

    def existing(self) -> Store | None:
        if not self._looked:
            self._looked = True
            self._store = open_history(self.places)
        return self._store

    def for_saving(self) -> Store:
        if self.existing() is None:
            self._store = open_history(self.places, create=True)
        return self._store

    def close(self) -> None:
        if self._store is not None:
            self._store.close()


def _open_commitments(history: _History, role: str,
                      partner: str | None) -> list[OpenCommitment]:
    """Commitments of this role and partner not reviewed yet (none without a history)."""
    from trustcheck.records import Relationship

    store = history.existing()
    return [] if store is None else store.open_commitments(Relationship(role, partner))


def _previous(history: _History, result: assessment.Assessment) -> assessment.Assessment | None:
    """The latest earlier check-in of the same role and partner, if there is one."""
    from trustcheck.records import Relationship

    store = history.existing()
    return None if store is None else store.previous(Relationship(result.role, result.partner),
                                                     before=result)


def _show(result: assessment.Assessment, change: focus_rules.Progress | None,
          format: ResultFormat) -> None:
    if format is ResultFormat.json:
        from trustcheck import assessment
        from trustcheck import focus as focus_rules
        from trustcheck.render import json as render_json

        sys.stdout.write(render_json.dumps(
            {**assessment.to_dict(result),
             "compared_to": focus_rules.progress_to_dict(change)}))
    else:
        from trustcheck.render import text

        text.assessment(stdout_console(), result, compared=change)


def _checklist_for(answers_file: AnswersFile, reference: str | None, role: str | None,
                   places: Places) -> Checklist:
    """The checklist named by --checklist; else the one the answers file names; else the role's.

    A file from `trustcheck template --checklist ID` names its checklist, so a workshop's own
    checklist needs no --checklist on every run.
    """
    from trustcheck.checklist import NotFound, find_by_id

    named = answers_file.checklist
    if reference is not None or named is None:
        return load_checklist(reference, role, places)
    try:
        # By id only: a name written in a file never leads to a path on the disk.
        found = find_by_id(named, places.checklist_folders())
    except NotFound:
        raise InputError(
            f"{answers_file.source} is for the checklist '{named}', which is not among your "
            "checklists; pass it with --checklist PATH, or put it in the checklists folder "
            "that `trustcheck paths` shows.") from None
    if role is not None and found.role != role:
        raise InputError(
            f"{answers_file.source} is for the checklist '{named}', which is for {found.role}s, "
            f"not {role}s; please make the role and the checklist match.")
    return found


def _read_answers(reference: str) -> tuple[str, str]:
    from trustcheck.yamlfile import MAX_BYTES, decode, read_text

    if reference == "-":
        if stdin_is_terminal():
            say("Reading answers from the keyboard; finish with Ctrl-D.")
        data = sys.stdin.buffer.read(MAX_BYTES + 1)
        return decode(data, source="standard input", what="answers"), "standard input"
    path = Path(reference).expanduser()
    return read_text(path, what="answers"), str(path)
