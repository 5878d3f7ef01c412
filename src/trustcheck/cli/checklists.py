"""`trustcheck checklists`: list, show and validate checklists."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from trustcheck.cli.app import say, session
from trustcheck.cli.common import stdout_console
from trustcheck.cli.options import ResultFormat, ResultFormatOption
from trustcheck.errors import EXIT_BAD_INPUT

app = typer.Typer(help="See the checklists you can use, and check your own.",
                  no_args_is_help=True)


@app.command("list")
def list_(ctx: typer.Context, format: ResultFormatOption = ResultFormat.text) -> None:
    """List the checklists you can use with --checklist."""
    from trustcheck import checklist as checklists

    places = session(ctx).places
    listings = list(checklists.scan(places.checklist_folders()))
    usable = [x for x in listings if x.checklist is not None]
    if format is ResultFormat.json:
        from trustcheck.render.json import checklist_summary, dumps

        sys.stdout.write(dumps([
            {**checklist_summary(x.checklist), "statements": len(x.checklist.items),
             "builtin": x.builtin, "path": str(x.path)} for x in usable]))
    else:
        from trustcheck.render.text import checklist_listing

        checklist_listing(stdout_console(), usable)
    for broken in (x for x in listings if x.checklist is None):
        say(f"{broken.path} has problems and is left out; run "
            f"`trustcheck checklists validate {broken.path}` to see them.")
    if not listings:
        say("No checklists were found; please reinstall trustcheck.")


@app.command("show")
def show(ctx: typer.Context, checklist: Annotated[str, typer.Argument(
            help="A checklist id (e.g. mentor) or a YAML file.")],
         format: ResultFormatOption = ResultFormat.text) -> None:
    """Show every strategy, statement and action of a checklist."""
    from trustcheck import checklist as checklists

    found = checklists.find(checklist, session(ctx).places.checklist_folders())
    if format is ResultFormat.json:
        from trustcheck.render.json import dumps

        sys.stdout.write(dumps({**found.content(), "sha256": found.sha256}))
    else:
        from trustcheck.render.text import checklist as render

        render(stdout_console(), found)


@app.command("validate")
def validate(paths: Annotated[list[Path], typer.Argument(
        help="Checklist YAML files to check.", dir_okay=False)]) -> None:
    """Check checklist files and list every problem found (exit 2 if there are any)."""
    from trustcheck import checklist as checklists

    failed = False
    for path in paths:
        problems = checklists.check(path)
        if problems:
            failed = True
            say(f"{path}: {len(problems)} problem{'s' if len(problems) != 1 else ''}.",
                *problems)
        else:
            say(f"{path}: valid.")
    if failed:
        raise typer.Exit(EXIT_BAD_INPUT)
