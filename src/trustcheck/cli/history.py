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
            found = store.list(scope, limit=limit or None)
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
    from trustcheck.errors import InputError

    store = open_history(session(ctx).places)
    if store is None:
        raise InputError("There are no saved assessments yet; run `trustcheck assess` to take "
                         "your first.")
    with store:
        found = store.get(assessment_id)
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
    from dataclasses import replace

    from trustcheck import trends as core
    from trustcheck.errors import InputError

    scope = filters(role.value if role else None, partner, cohort, since, until)
    # The history is indexed by role, then partner: a partner without a role is looked up once
    # per role, which keeps `trends --partner X` quick in a large history.
    scopes = [scope] if scope.role or scope.partner is None else \
        [replace(scope, role=r.value) for r in Role]
    store = open_history(session(ctx).places)
    found = []
    if store is not None:
        with store:
            rows = [row for part in scopes for row in store.score_rows(part)]
            known = core.strategy_ids(rows) + [core.OVERALL]
            if strategy is not None and rows and strategy not in known:
                raise InputError(f"No assessment in scope has a strategy '{strategy}'; please "
                                 f"use one of: {', '.join(known)}.")
            # By the relationship each commitment was made in, counted when reviewed in scope
            # (store.reviews could not keep apart the relationship without a partner).
            made = [record for part in scopes if rows for record in store.commitments(
                replace(part, since=None, until=None))]
            followed = core.follow_through_by_relationship(made, since=scope.since,
                                                           until=scope.until)
            for group in core.by_relationship(rows):
                latest = group[-1]
                if strategy not in (None, core.OVERALL) and \
                        strategy not in core.strategy_ids(group):
                    continue  # e.g. a mentor strategy asked for: the mentee side is left out
                titles = store.strategy_titles(latest.id)  # as the latest check-in named them
                rate, reviewed = followed.get((latest.role, latest.partner), (None, 0))
                found.append(core.relationship_trend(group, titles, strategy=strategy,
                                                     follow_through=rate, reviewed=reviewed))
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

