"""`trustcheck history trends`: how each strategy moved over time, per relationship."""

from __future__ import annotations

import sys
from typing import Annotated, Optional

import typer

from trustcheck.cli.app import say, session
from trustcheck.cli.common import filters, narrowed, open_history
from trustcheck.cli.options import (
    CohortOption,
    PartnerOption,
    ResultFormat,
    ResultFormatOption,
    Role,
    RoleOption,
    SinceOption,
    UntilOption,
)

StrategyOption = Annotated[Optional[str], typer.Option(
    "--strategy", "-s", metavar="ID",
    help="Only this strategy (by id, e.g. transparency) and the overall index.")]


def trends(
    ctx: typer.Context,
    role: RoleOption = None,
    partner: PartnerOption = None,
    cohort: CohortOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    strategy: StrategyOption = None,
    format: ResultFormatOption = ResultFormat.text,
) -> None:
    """How each strategy moved over time, one block per relationship (role and partner).

    Per strategy and overall: a sparkline, the latest score, changes, the slope per 30 days.

    Direction: +3 points per 30 days or more is improving, -3 or less slipping, else steady.

    A direction needs scores from 3 assessments. Each block also shows commitment follow-through.
    """
    from trustcheck import trends as core

    scope = filters(role.value if role else None, partner, cohort, since, until)
    store = open_history(session(ctx).places)
    found: list[core.Trend] = []
    if store is not None:
        with store, store.snapshot():  # one moment: a check-in saved meanwhile is all or nothing
            scopes = core.scopes(scope, [r.value for r in Role])
            rows = [row for part in scopes for row in store.score_rows(part)]
            # By the relationship each commitment was made in, counted when reviewed in scope
            # (store.reviews could not keep apart the relationship without a partner).
            reviewed = {key: counts for part in scopes if rows
                        for key, counts in store.review_counts(part).items()}
            found = core.trends(rows, reviewed, store.strategy_titles, strategy=strategy)
    if format is ResultFormat.json:
        from trustcheck.render.json import trends as render_json

        sys.stdout.write(render_json(found))
    elif not found and (narrowed(role, partner, cohort, since, until) or strategy):
        say("No assessments match those filters; run `trustcheck history trends` to see them "
            "all.")
    elif not found:
        say("No assessments found yet; trends need a few check-ins, so run `trustcheck assess "
            "--role mentor` (or mentee) every few weeks.")
    else:
        from trustcheck.render.listing import trends as render

        render(found, sys.stdout)
