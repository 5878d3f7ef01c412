"""`trustcheck paths`: where your data lives, and what chose each place."""

from __future__ import annotations

import sys

import typer

from trustcheck.cli.app import session
from trustcheck.cli.options import ResultFormat, ResultFormatOption


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
