"""`trustcheck history trends`: how each strategy moved over time, per relationship."""

from typing import Annotated, Optional

import typer

from trustcheck.cli.app import say, session
from trustcheck.cli.common import filters, narrowed
from trustcheck.cli.options import (
    CohortOption,
    PartnerOption,
    ResultFormat,
    ResultFormatOption,
    RoleOption,
    SinceOption,
    UntilOption,
)
from trustcheck.cli.output import emit
from trustcheck.listings import Trends

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

    Direction: improving or slipping only when the change along a line fitted through the
    scores is larger than their measurement noise; otherwise about the same.

    A direction needs scores from 3 check-ins over at least 21 days. Each block also shows
    commitment follow-through.
    """
    from trustcheck.usecases.history_trends import for_history

    scope = filters(role.value if role else None, partner, cohort, since, until)
    found = for_history(session(ctx).places.database, scope, strategy=strategy)
    # An empty table says nothing, so a person is told why instead; tools get an empty list.
    if not found and format is ResultFormat.text:
        if narrowed(role, partner, cohort, since, until) or strategy:
            say("No assessments match those filters; run `trustcheck history trends` to see "
                "them all.")
        else:
            say("No assessments found yet; trends need a few check-ins, so run `trustcheck "
                "assess --role mentor` (or mentee) every few weeks.")
        return
    emit(Trends(found), format)
