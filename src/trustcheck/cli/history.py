"""`trustcheck history`: your past assessments, newest first, and any one in full."""

from __future__ import annotations

import sys
from typing import Annotated, Optional

import typer

from trustcheck.cli.app import say, session
from trustcheck.cli.common import filters, narrowed, open_history, stdout_console
from trustcheck.cli.options import (
    CohortOption,
    LimitOption,
    ListFormat,
    ListFormatOption,
    PartnerOption,
    ResultFormat,
    ResultFormatOption,
    Role,
    RoleOption,
    SinceOption,
    UntilOption,
)

app = typer.Typer(help="Your past assessments, kept only on this computer.",
                  invoke_without_command=True)




@app.callback()
def history(
    ctx: typer.Context,
    role: RoleOption = None,
    partner: PartnerOption = None,
    cohort: CohortOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    limit: LimitOption = 20,
    format: ListFormatOption = ListFormat.text,
) -> None:
    """List past assessments, newest first (date, role, partner, cohort, overall, band)."""
    if ctx.invoked_subcommand is not None:
        # Options before the command would be ignored: `history --partner Sam delete --all`
        # must not quietly delete everyone's assessments.
        if narrowed(role, partner, cohort, since, until) or limit != 20 \
                or format is not ListFormat.text:
            from trustcheck.errors import InputError

            command = ctx.invoked_subcommand
            raise InputError(f"Options written before `{command}` are not passed to it; please "
                             f"put them after it (`trustcheck history {command} --help` lists "
                             "them). Nothing was done.")
        return
    scope = filters(role.value if role else None, partner, cohort, since, until)
    store = open_history(session(ctx).places)
    found = []
    if store is not None:
        with store:
            found = store.check_ins(scope, limit=limit or None)
    if format is ListFormat.json:
        from trustcheck.render.json import result_list

        sys.stdout.write(result_list(found))
    elif format is ListFormat.csv:
        from trustcheck.render.csv import results

        sys.stdout.write(results(found))
    elif not found and narrowed(role, partner, cohort, since, until):
        say("No assessments match those filters; run `trustcheck history` to see them all.")
    elif not found:
        say("No assessments found yet; run `trustcheck assess --role mentor` (or mentee) to "
            "take one.")
    else:
        from trustcheck.render.listing import history as render

        render(found, sys.stdout)


@app.command("show")
def show(
    ctx: typer.Context,
    assessment_id: Annotated[str, typer.Argument(
        metavar="ID", help="An assessment id (the first few characters are enough) or 'last'.")],
    format: ResultFormatOption = ResultFormat.text,
) -> None:
    """Show one past assessment in full."""
    from trustcheck.errors import NO_ASSESSMENTS_YET, InputError

    store = open_history(session(ctx).places)
    if store is None:
        raise InputError(NO_ASSESSMENTS_YET)
    with store:
        found = store.check_in(assessment_id)
    if format is ResultFormat.json:
        from trustcheck.render.json import result

        sys.stdout.write(result(found))
    else:
        from trustcheck.render.text import assessment

        assessment(stdout_console(), found, answers=True)


StrategyOption = Annotated[Optional[str], typer.Option(
    "--strategy", "-s", metavar="ID",
    help="Only this strategy (by id, e.g. transparency) and the overall index.")]


@app.command("trends")
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
            made = [record for part in scopes if rows for record in store.commitments(
                part._replace(since=None, until=None))]
            found = core.trends(rows, made, store.strategy_titles, strategy=strategy,
                                since=scope.since, until=scope.until)
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

