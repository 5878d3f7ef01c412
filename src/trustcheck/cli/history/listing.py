"""`trustcheck history` and `history show`: past check-ins, newest first, and one in full."""

from typing import Annotated

import typer

from trustcheck.cli.app import say, session
from trustcheck.cli.common import filters, narrowed, open_history
from trustcheck.cli.options import (
    CohortOption,
    ForceOption,
    LimitOption,
    ListFormat,
    ListFormatOption,
    OutputOption,
    PartnerOption,
    RoleOption,
    SinceOption,
    UntilOption,
)
from trustcheck.cli.output import emit
from trustcheck.cli.pages import PageFormat, PageFormatOption
from trustcheck.errors import NO_ASSESSMENTS_YET, InputError
from trustcheck.listings import CheckInLines, CheckIns


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
    """List past check-ins, newest first (date, role, partner, cohort, overall, band)."""
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
    from trustcheck.usecases import partners

    scope = filters(role.value if role else None, partner, cohort, since, until)
    store = open_history(session(ctx).places)
    # People get a line per check-in, read from the columns the store keeps (no whole results
    # to decode); tools get the whole results.
    text = format is ListFormat.text
    found: CheckInLines | CheckIns = CheckInLines([]) if text else CheckIns([])
    if store is not None:
        with store:
            scope = partners.within(store, scope)
            found = (CheckInLines(store.check_in_lines(scope, limit=limit or None)) if text
                     else CheckIns(store.check_ins(scope, limit=limit or None)))
    # An empty table says nothing, so a person is told why instead; tools get an empty list.
    if not found[0] and text:
        if narrowed(role, partner, cohort, since, until):
            say("No check-ins match those filters; run `trustcheck history` to see them all.")
        else:
            say("No check-ins found yet; run `trustcheck assess --role mentor` (or mentee) "
                "to take one.")
        return
    emit(found, format)


def show(
    ctx: typer.Context,
    assessment_id: Annotated[str, typer.Argument(
        metavar="ID", help="A check-in id (the first few characters are enough) or 'last'.")],
    format: PageFormatOption = PageFormat.text,
    output_name: OutputOption = None,
    force: ForceOption = False,
) -> None:
    """Show one past check-in in full.

    --format html -o FILE writes it as a page of your own, to open in a web browser.
    """
    from trustcheck.cli.pages import target, write

    output = target(output_name, force=force, page=format is PageFormat.html,
                    example="check-in.html")
    store = open_history(session(ctx).places)
    if store is None:
        raise InputError(NO_ASSESSMENTS_YET)
    with store:
        found = store.check_in(assessment_id)
    if output is None:
        emit(found, format)
        return
    write(found, format, output, force=force, what="the check-in")
