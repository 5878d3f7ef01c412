"""`trustcheck focus` and `trustcheck commitments`: what to work on next, and what you promised."""

from typing import TYPE_CHECKING

import typer

from trustcheck.cli.app import say, session
from trustcheck.cli.options import (
    ForceOption,
    OutputOption,
    PartnerOption,
    ResultFormat,
    ResultFormatOption,
    RoleOption,
)
from trustcheck.cli.output import emit
from trustcheck.cli.pages import PageFormat, PageFormatOption

if TYPE_CHECKING:
    from trustcheck.records import Relationship


def _wanted_partner(partner: str | None) -> tuple[bool, str | None]:
    """(whether --partner was given, the partner it means); `--partner ""` means none named."""
    if partner is None:
        return False, None
    from trustcheck.answers import option_labels

    (cleaned,) = option_labels(partner=partner)
    return True, cleaned


def focus(
    ctx: typer.Context,
    role: RoleOption = None,
    partner: PartnerOption = None,
    format: PageFormatOption = PageFormat.text,
    output_name: OutputOption = None,
    force: ForceOption = False,
) -> None:
    """What to work on next in one mentoring relationship, from your check-ins and their trend.

    Use --partner "" for check-ins saved without a partner name.

    --format html -o FILE writes it as a page of your own, to open in a web browser.
    """
    from trustcheck.cli.pages import target, write
    from trustcheck.usecases import focusplan

    output = target(output_name, force=force, page=format is PageFormat.html,
                    example="focus.html")

    places = session(ctx).places
    given, wanted = _wanted_partner(partner)
    try:
        found = focusplan.plan_for(places.database, role=role.value if role else None,
                                   partner=wanted, any_partner=not given,
                                   checklist_folders=places.checklist_folders())
    except focusplan.SeveralRelationships as several:
        from trustcheck.cli.common import stdin_is_terminal

        # A person at a terminal picks one; a script (or JSON) is told the options instead.
        if format is not PageFormat.text or not stdin_is_terminal():
            raise
        chosen = _choose(several.relationships)
        if chosen is None:
            say("Nothing was shown; `trustcheck focus --partner NAME` goes straight to one.")
            return
        found = focusplan.plan_for(places.database, role=chosen.role, partner=chosen.partner,
                                   any_partner=False,
                                   checklist_folders=places.checklist_folders())
    # Tools get null; a person is told why there is nothing to show.
    if found is None and format is not PageFormat.json:
        if format is PageFormat.html:
            say("No page was written, as there is nothing to show on it yet.")
        if role is not None or partner is not None:
            say("No check-ins match those options; run `trustcheck focus` without them to see "
                "your relationships.")
        else:
            say("No check-ins saved yet; run `trustcheck assess --role mentor` (or mentee) "
                "first, and `trustcheck focus` will show what to work on next.")
        if format is PageFormat.html:
            return
    if output is None:
        emit(found, format)
        return
    write(found, format, output, force=force, what="what to work on next")


def _choose(relationships: "list[Relationship]") -> "Relationship | None":
    """One relationship, picked by its number (Enter alone, or the end of input, picks none)."""
    import sys

    from trustcheck.text import one_line

    lines = [f"You have check-ins for {len(relationships)} relationships; which one would "
             "you like to look at?"]
    for number, relationship in enumerate(relationships, start=1):
        about = (f"with {one_line(relationship.partner)}" if relationship.partner
                 else "no partner named")
        lines.append(f"  {number}  {relationship.role}, {about}")
    sys.stderr.write("\n".join(lines) + "\n")
    question = f"Type its number (1 to {len(relationships)}) and press Enter; Enter alone stops: "
    while True:
        sys.stderr.write(question)
        sys.stderr.flush()
        answer = sys.stdin.readline()
        if not answer.strip():
            return None
        if answer.strip().isdecimal() and 1 <= int(answer) <= len(relationships):
            return relationships[int(answer) - 1]
        question = f"Please type a number from 1 to {len(relationships)}, or press Enter to stop: "


def commitments_list(
    ctx: typer.Context,
    role: RoleOption = None,
    partner: PartnerOption = None,
    format: ResultFormatOption = ResultFormat.text,
) -> None:
    """Your commitments, open and past, with how they went and your follow-through rate.

    Use --partner "" for check-ins saved without a partner name.
    """
    if ctx.invoked_subcommand is not None:  # `commitments add`: the group's listing stays quiet
        return
    from trustcheck.usecases import focusplan

    given, wanted = _wanted_partner(partner)
    listing = focusplan.commitments(session(ctx).places.database,
                                    role=role.value if role else None, partner=wanted,
                                    any_partner=not given)
    # An empty table says nothing, so a person is told why instead; tools get the empty shape.
    if not listing.groups and format is ResultFormat.text:
        if role is not None or partner is not None:
            say("No commitments match those options; run `trustcheck commitments` without them "
                "to see them all.")
        else:
            say("No commitments yet. At the end of `trustcheck assess` you can pick up to two "
                "suggested actions to try before your next check-in (or pass --commit "
                "ACTION_ID).")
        return
    emit(listing, format)
