"""`trustcheck commitments` (the list) and `trustcheck commitments add`: an action agreed
with your partner, recorded so your next check-in asks how it went."""

from typing import Annotated

import typer

from trustcheck.cli.app import outcome, say, session
from trustcheck.cli.focus import commitments_list
from trustcheck.cli.options import PartnerOption, RoleOption


def add(
    ctx: typer.Context,
    action: Annotated[str, typer.Argument(
        metavar='ACTION_ID|"TEXT"',
        help="An action id from your checklist (`trustcheck checklists show ID`), or what you "
             "agreed in your own words, in quotes.")],
    partner: PartnerOption = None,
    role: RoleOption = None,
) -> None:
    """Record an action you agreed with your partner as an open commitment.

    It joins your latest check-in with that partner, so your next check-in asks how it went.
    Use --partner "" for check-ins saved without a partner name.
    """
    from trustcheck.answers import option_labels
    from trustcheck.usecases import agreed_actions

    if partner is None:
        from trustcheck.errors import InputError

        raise InputError("Please say whom you agreed it with: add --partner NAME (the name you "
                         "use in your check-ins).")
    (wanted,) = option_labels(partner=partner)
    places = session(ctx).places
    with outcome.committing():
        added = agreed_actions.add(places.database, action, partner=wanted,
                                   role=None if role is None else role.value,
                                   checklist_folders=places.checklist_folders())
        outcome.keep(f"\"{added.commitment.text}\" was saved as an open commitment")
    whom = f"with {added.relationship.partner}" if added.relationship.partner else ""
    say(f"Saved \"{added.commitment.text}\" as an open commitment {whom}: your next check-in "
        f"as a {added.relationship.role} {whom} will ask how it went.".replace("  ", " "))


def build(arguments: list[str] | None = None) -> typer.Typer:
    """The group: the listing stays its callback (`trustcheck commitments` as before); `add`
    is its one subcommand."""
    group = typer.Typer(invoke_without_command=True)
    group.callback()(commitments_list)
    group.command("add")(add)
    return group
