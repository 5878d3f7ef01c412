"""`trustcheck paths`: where your data lives, and what chose each place."""

import typer

from trustcheck.cli.app import session
from trustcheck.cli.options import ResultFormat, ResultFormatOption
from trustcheck.cli.output import emit
from trustcheck.listings import Paths


def paths(ctx: typer.Context, format: ResultFormatOption = ResultFormat.text) -> None:
    """Show where trustcheck keeps your data and looks for checklists, and what chose each place.

    --data-dir moves only the data folder; TRUSTCHECK_HOME moves both the data and the config
    folder.
    """
    emit(Paths(session(ctx).places.described()), format)
