"""`trustcheck checklists`: list, show and validate checklists."""

from pathlib import Path
from typing import Annotated

import typer

from trustcheck.cli.app import say, session
from trustcheck.cli.options import ResultFormat, ResultFormatOption
from trustcheck.cli.output import emit
from trustcheck.errors import EXIT_BAD_INPUT, InputError
from trustcheck.listings import Checklists, LintReports

app = typer.Typer(help="See the checklists you can use, and check your own.",
                  no_args_is_help=True)


@app.command("list")
def list_(ctx: typer.Context, format: ResultFormatOption = ResultFormat.text,
          all_versions: Annotated[bool, typer.Option(
              "--all", help="Also list the earlier versions kept to read past check-ins.")] = False,
          ) -> None:
    """List the checklists you can use with --checklist (the newest version of each; --all
    adds the earlier versions kept so past check-ins can still be read)."""
    from trustcheck import checklist

    folders = session(ctx).places.checklist_folders()
    # Only the newest of each by default: earlier versions are kept for past results, and
    # listing them would invite starting a check-in with one (`--all` shows them).
    listings = list(checklist.scan(checklist.with_earlier(folders) if all_versions else folders))
    emit(Checklists([x for x in listings if x.checklist is not None]), format)
    for broken in (x for x in listings if x.checklist is None):
        say(f"{broken.path} has problems and is left out; run "
            f"`trustcheck checklists validate {broken.path}` to see them.")
    if not listings:
        say("No checklists were found; please reinstall trustcheck.")


@app.command("show")
def show(ctx: typer.Context, checklist: Annotated[str, typer.Argument(
            metavar="ID|FILE", help="A checklist id (e.g. mentor) or a YAML file.")],
         format: ResultFormatOption = ResultFormat.text,
         version: Annotated[str | None, typer.Option(
             "--version", help="An earlier version to show (`checklists list --all` lists "
                               "them); the newest without it.")] = None) -> None:
    """Show every strategy, statement and action of a checklist."""
    from trustcheck.checklist import find, find_version

    folders = session(ctx).places.checklist_folders()
    found = find(checklist, folders)
    if version is not None and version != found.version:
        earlier = find_version(found.id, version, folders)
        if earlier is None:
            raise InputError(f"There is no version {version} of the checklist '{found.id}' on "
                             "this computer; run `trustcheck checklists list --all` to see the "
                             "versions kept.")
        found = earlier
    emit(found, format)


@app.command("validate")
def validate(paths: Annotated[list[Path], typer.Argument(
        metavar="FILE...", help="Checklist YAML files to check.", dir_okay=False)]) -> None:
    """Check checklist files and list every problem found (exit 2 if there are any)."""
    from trustcheck.checklist import check

    failed = False
    for path in paths:
        problems = check(path)
        if problems:
            failed = True
            say(f"{path}: {len(problems)} problem{'s' if len(problems) != 1 else ''}.",
                *problems)
        else:
            say(f"{path}: valid.")
    if failed:
        raise typer.Exit(EXIT_BAD_INPUT)


@app.command("lint")
def lint_checklists(paths: Annotated[list[Path], typer.Argument(
                        metavar="FILE...", help="Checklist YAML files to check.",
                        dir_okay=False)],
                    format: ResultFormatOption = ResultFormat.text) -> None:
    """Check that each statement is easy and fair to answer (rules: docs/checklists.md).

    One behaviour per statement, a time frame, plain words, no double negatives, no
    near-duplicates, and per strategy at least 3 statements with one reverse statement. Each
    problem is one line: FILE:LINE: statement ID: reason.

    Exit 0 when there is nothing to improve, 1 when problems were found, 2 when a file is not a
    valid checklist.
    """
    from trustcheck import lint

    reports = [lint.lint_file(path) for path in paths]
    emit(LintReports(reports), format)
    invalid = [r for r in reports if r.checklist is None]
    for report in invalid:
        if len(report.problems) == 1 and report.problems[0].line is None:
            say(report.problems[0].message)  # the file is missing, unreadable or not UTF-8
        else:
            say(f"{report.path} is not a valid checklist, so it was not linted; please fix "
                f"{'this problem' if len(report.problems) == 1 else 'these problems'} first:",
                *report.problems)
    found = sum(len(r.findings) for r in reports)
    if invalid:
        raise typer.Exit(EXIT_BAD_INPUT)
    if found:
        say(f"Found {_count(found, 'problem')}; please reword the statements named above and "
            "run `trustcheck checklists lint` again.")
        raise typer.Exit(1)  # like other linters: 1 means "problems found", 2 "cannot check"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"
