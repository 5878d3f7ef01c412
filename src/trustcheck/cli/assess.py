"""`trustcheck assess`: answer a checklist (asked or from a file), see and save the result."""

import os
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Annotated, Optional

import typer

from trustcheck.cli.app import outcome, say, session
from trustcheck.cli.common import stdin_is_terminal, stdout_console
from trustcheck.cli.options import (
    ChecklistOption,
    CohortOption,
    PartnerOption,
    ResultFormat,
    ResultFormatOption,
    RoleOption,
)
from trustcheck.cli.output import emit
from trustcheck.errors import InputError

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
        "--no-save", help="Show the check-in without keeping it in your history.")] = False,
    commit: CommitOption = None,
    partner_view: Annotated[Optional[bool], typer.Option(
        "--partner-view/--no-partner-view",
        help="Also answer (or leave out) the statements about your mentor or mentee. Asked "
             "by default; from a file, included when it has a 'partner_view:' section.",
        show_default=False)] = None,
    details: Annotated[bool, typer.Option(
        "--details",
        help="Show the check-in in full: every suggested action, obstacles, a strength to keep "
             "and how you see your partner, after the short summary.")] = False,
) -> None:
    """Answer the trust checklist for your role and see where you stand."""
    # The core is imported here, not at the top, so other commands start without it.
    from trustcheck.usecases import checkin

    places = session(ctx).places
    history = checkin.History(places.database)
    ctx.call_on_close(history.close)
    chosen_role = role.value if role else None
    folders = places.checklist_folders()

    interactive = answers is None
    if interactive:
        if not stdin_is_terminal():
            raise InputError(
                "trustcheck cannot ask questions here because standard input is not a terminal; "
                "pass your answers with --answers FILE (run `trustcheck template --role mentor` "
                "to get a file to fill in).")
        from trustcheck.cli import questionnaire

        if chosen_role is None and checklist is None:
            # Asked with one key, the role of the latest check-in with this partner offered.
            try:
                chosen_role = questionnaire.ask_role(checkin.usual_role(history, partner))
            except questionnaire.Quit:
                say("You quit before the start, so nothing was saved.")
                raise typer.Exit(0) from None
        plan = checkin.prepare(history, role=chosen_role, partner=partner, cohort=cohort,
                               checklist=checklist, commit=commit or (), no_save=no_save,
                               folders=folders)
        for note in plan.notes:
            say(note)
        try:
            asked = questionnaire.run(
                plan.checklist, role=plan.role,
                saving_to=None if no_save else str(places.database),
                open_commitments=list(plan.open_commitments),
                partner_view=partner_view is not False, partner=plan.partner)
        except questionnaire.Quit:
            say("You quit before the end, so nothing was saved.")
            raise typer.Exit(0) from None
        details = details or asked.details
        given = checkin.answered(plan, asked.values, asked.statuses)
    else:
        assert answers is not None  # not interactive means --answers was given
        text, source = _read_answers(answers)
        plan = checkin.prepare_from_file(history, text, source, role=chosen_role,
                                         partner=partner, cohort=cohort, checklist=checklist,
                                         commit=commit or (), folders=folders,
                                         partner_view=partner_view)
        for note in plan.notes:
            say(note)
        assert plan.given is not None
        given = plan.given

    scored = checkin.score(history, plan, given, now=datetime.now(timezone.utc),
                           id=new_id())
    for note in scored.notes:
        say(note)

    # At the end of an interactive check-in, the person may pick what to try before the next.
    picking = interactive and not no_save and not commit and any(
        area.actions for area in scored.result.focus)
    # Picking is a step of the text check-in only: JSON output stays one result object.
    shown = checkin.InFull(scored) if details else scored
    if picking and format is ResultFormat.text:
        emit(shown, format)
    if picking:
        from trustcheck.cli import questionnaire

        in_full = checkin.InFull(scored, summary=False)
        try:
            chosen = questionnaire.pick(
                [(area.title, area.actions) for area in scored.result.focus],
                answered=len(given.values),
                show_details=(lambda: emit(in_full, format))
                if format is ResultFormat.text else None)
        except questionnaire.Quit:
            say("You quit before saving, so nothing was saved.")
            raise typer.Exit(0) from None
        scored = checkin.recommit(plan, scored, chosen)
    result = scored.result
    program = command_name()
    if not no_save:
        with outcome.committing():
            saved = checkin.save(history, result)
            outcome.keep(f"the check-in was saved in your history as {saved.short_id}; see it "
                         f"with `{program} history show {saved.short_id}` rather than running "
                         "it again")
    if picking and format is ResultFormat.text:  # the result is shown already, above the pick
        if result.commitments:
            from trustcheck.render.text import commitments_made

            commitments_made(stdout_console(), result)
    else:
        emit(checkin.InFull(scored) if details else scored, format)
    if no_save:
        say("Not saved (--no-save).")
    else:
        # The command on a line of its own, so a narrow terminal never breaks it in two.
        for line in _wrapped(f"Saved in your history as {saved.short_id} (in {saved.database}, "
                             "on this computer only). See it again, in full, with:"):
            say(line)
        say(f"{program} history show {saved.short_id}")


def _wrapped(message: str) -> list[str]:
    """A message in lines that fit the terminal, broken between words only (a terminal left to
    wrap it breaks words in two: "on this co / mputer only")."""
    import os
    import textwrap

    try:
        if not sys.stderr.isatty():
            return [message]
        width = os.get_terminal_size(sys.stderr.fileno()).columns
    except (AttributeError, OSError, ValueError):
        return [message]
    return textwrap.wrap(message, width=max(40, width - 1), break_long_words=False,
                         break_on_hyphens=False) or [message]


def new_id() -> str:
    """A new check-in id: a random UUID (version 4) as 32 hex digits, as `uuid.uuid4().hex`
    makes it, without importing `uuid` (which imports `platform`: ~5 ms of every check-in)."""
    raw = bytearray(os.urandom(16))
    raw[6] = (raw[6] & 0x0F) | 0x40  # version 4
    raw[8] = (raw[8] & 0x3F) | 0x80  # the RFC 4122 variant
    return raw.hex()


def _on_path(name: str) -> str | None:
    """The program `name` the PATH finds, like `shutil.which` (whose import costs ~3 ms)."""
    for folder in os.environ.get("PATH", os.defpath).split(os.pathsep):
        candidate = os.path.join(folder or os.curdir, name)
        if os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    return None


def command_name() -> str:
    """How to run this very trustcheck again, as typed in a shell: `trustcheck` when that is
    what the PATH finds, else the full path of the running program (after a quickstart that
    never activated its virtual environment, `trustcheck` alone is "command not found")."""
    import shlex

    running = Path(sys.argv[0]).resolve() if sys.argv and sys.argv[0] else None
    on_path = _on_path("trustcheck")
    if running is not None and on_path is not None and Path(on_path).resolve() == running:
        return "trustcheck"
    if running is not None and running.name == "trustcheck" and running.is_file():
        return shlex.quote(str(running))
    # `python -m trustcheck` (or a test runner): the interpreter that runs it, with -m.
    return f"{shlex.quote(sys.executable)} -m trustcheck"


def _read_answers(reference: str) -> tuple[str, str]:
    from trustcheck.yamlfile import MAX_BYTES, decode, read_text

    if reference == "-":
        if stdin_is_terminal():
            say("Reading answers from the keyboard; finish with Ctrl-D.")
        data = sys.stdin.buffer.read(MAX_BYTES + 1)
        return decode(data, source="standard input", what="answers"), "standard input"
    path = Path(reference).expanduser()
    return read_text(path, what="answers"), str(path)
