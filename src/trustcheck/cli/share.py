"""`trustcheck share`: a sealed file of your latest check-in's scores for your partner."""

import sys
from typing import Annotated

import typer

from trustcheck.cli.app import outcome, say, session
from trustcheck.cli.options import ForceOption, OutputOption, PartnerOption, RoleOption


def share(
    ctx: typer.Context,
    partner: PartnerOption = None,
    role: RoleOption = None,
    output: OutputOption = None,
    force: ForceOption = False,
    show_code: Annotated[bool, typer.Option(
        "--show-code", help="Show the code of your last share again instead of making a file.")
    ] = False,
) -> None:
    """Make a sealed file of your latest check-in's scores for your mentoring partner.

    It holds your strategy scores, how you see your partner and how much you trust them, with
    the checklist and the date: never your answers, notes, commitments or names. Your partner
    can open it with `trustcheck compare FILE` only once they have checked in themselves, and
    only with the code this prints: tell it to them when you meet. Without -o the file is
    trustcheck-share-DATE.json in this folder.
    """
    from datetime import datetime, timezone
    from pathlib import Path

    from trustcheck.usecases.share import last_share, make_share

    places = session(ctx).places
    given, wanted = wanted_partner(partner)
    chosen_role = role.value if role else None
    if show_code:
        if output is not None or force:
            from trustcheck.errors import InputError

            raise InputError("--show-code only shows a code again; please leave out -o and "
                             "--force.")
        kept = last_share(places.database, role=chosen_role, partner=wanted,
                          any_partner=not given)
        typer.echo(f"Your last share{_with(kept.partner)} was made on "
                   f"{kept.made_at.astimezone():%Y-%m-%d %H:%M}; its code is {kept.code}")
        typer.echo(f"Its contents are fixed by {kept.commitment}")
        return
    now = datetime.now(timezone.utc)
    to_stdout = output == "-"
    target = None if to_stdout else Path(
        output or f"trustcheck-share-{now.astimezone():%Y-%m-%d}.json").expanduser()
    # Ctrl-C is held until the file and its code are both kept, or neither is.
    with outcome.committing():
        made = make_share(places.database, role=chosen_role, partner=wanted,
                          any_partner=not given, target=target, force=force, now=now)
        outcome.keep(f"the share and its code were kept in your history ({made.record.code})")
    tell = say if to_stdout else typer.echo
    if to_stdout:
        sys.stdout.write(made.text)
        sys.stdout.flush()
    else:
        tell(f"Wrote {made.path} for your {_other(made.record.role)}: the scores of your "
             f"check-in of {made.taken_at.astimezone():%Y-%m-%d}, sealed.")
    tell("When you meet and both of you have checked in, tell your partner this code: "
         f"{made.record.code}")
    tell(f"Its contents are fixed by {made.record.commitment}; "
         "`trustcheck share --show-code` shows the code again.")


def wanted_partner(partner: str | None) -> tuple[bool, str | None]:
    """(whether --partner was given, the partner it means); `--partner ""` means none named."""
    if partner is None:
        return False, None
    from trustcheck.answers import option_labels

    (cleaned,) = option_labels(partner=partner)
    return True, cleaned


def _other(role: str) -> str:
    return "mentee" if role == "mentor" else "mentor"


def _with(partner: str | None) -> str:
    return f" with {partner}" if partner else ""
