"""`trustcheck history trends`: how each strategy moved over time, per relationship."""

from typing import Annotated, Optional

import typer

from trustcheck.cli.app import say, session
from trustcheck.cli.common import filters, narrowed
from trustcheck.cli.options import (
    CohortOption,
    ForceOption,
    OutputOption,
    PartnerOption,
    RoleOption,
    SinceOption,
    UntilOption,
)
from trustcheck.cli.output import emit
from trustcheck.cli.pages import PageFormat, PageFormatOption
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
    format: PageFormatOption = PageFormat.text,
    output_name: OutputOption = None,
    force: ForceOption = False,
) -> None:
    """How each strategy moved over time, one block per relationship (role and partner).

    Per strategy and overall: a sparkline, the latest score, changes, the slope per 30 days.

    Direction: improving or slipping only when the change along a line fitted through the
    scores is larger than their measurement noise; otherwise about the same.

    A direction needs scores from 3 check-ins over at least 21 days. Each block also shows
    commitment follow-through.

    --format html -o FILE writes a page of your own: a chart over time per strategy with its
    measurement noise, your latest check-in against the previous, and your commitments.
    """
    from trustcheck.cli.pages import target, write

    output = target(output_name, force=force, page=format is PageFormat.html,
                    example="trends.html")
    scope = filters(role.value if role else None, partner, cohort, since, until)
    database = session(ctx).places.database
    found: object  # the record to show: Trends, or for html the Page (more than trends)
    if format is PageFormat.html:
        from datetime import datetime, timezone

        from trustcheck.usecases.history_trends import for_page

        page = for_page(database, scope, strategy=strategy, now=datetime.now(timezone.utc))
        found, empty = page, not page.sections
    else:
        from trustcheck.usecases.history_trends import for_history

        listed = for_history(database, scope, strategy=strategy)
        found, empty = Trends(listed), not listed
    # An empty table (or page) says nothing, so a person is told why instead; tools get an
    # empty list.
    if empty and format is not PageFormat.json:
        if format is PageFormat.html:
            say("No page was written, as there is nothing to show on it yet.")
        if narrowed(role, partner, cohort, since, until) or strategy:
            say("No check-ins match those filters; run `trustcheck history trends` to see "
                "them all.")
        else:
            say("No check-ins found yet; trends need a few check-ins, so run `trustcheck "
                "assess --role mentor` (or mentee) every few weeks.")
        return
    if output is None:
        emit(found, format)
        return
    write(found, format, output, force=force, what="the trends")
