"""The sealed exchange use cases (issue 11): making a share file for your partner, showing its
code again, and opening your partner's file once you have checked in yourself."""

from __future__ import annotations

import secrets
import shlex
from collections.abc import Callable
from datetime import datetime, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from trustcheck.errors import InputError, Problem

if TYPE_CHECKING:
    from trustcheck.assessment import Assessment
    from trustcheck.exchange import SharedScores
    from trustcheck.records import Filters, Relationship
    from trustcheck.share import SealedFile, ShareRecord
    from trustcheck.store import Store

OTHER_ROLE = {"mentor": "mentee", "mentee": "mentor"}
# How to make a partner view, said wherever one is missing.
MAKE_A_PARTNER_VIEW = ("take a check-in with its part about your partner (`trustcheck assess "
                       "--partner-view`, or a `partner_view:` section in an answers file)")


class Made(NamedTuple):
    """A share just made and kept in the history."""

    record: ShareRecord
    text: str  # the sealed file's content
    path: Path | None  # where it was written; None when it goes to standard output
    taken_at: datetime  # when the check-in it holds was taken


class Opened(NamedTuple):
    """Your partner's sealed file, opened: both sides of the exchange, as SharedScores.

    `mine` is from your check-in that qualified to open it; `your_commitment` is that of the
    share file you made from that check-in (None when you have not shared it), so each of you
    can see that the other's figures are the ones fixed before either file was opened.
    """

    mine: SharedScores
    theirs: SharedScores
    their_commitment: str
    your_commitment: str | None
    made_at: datetime  # when their file was made
    notes: tuple[str, ...]  # how the comparison was limited, in plain sentences


# --- making a share ------------------------------------------------------------------------


def make_share(database: Path, *, role: str | None, partner: str | None, any_partner: bool,
          target: Path | None, force: bool, now: datetime) -> Made:
    """Seal the scores of the latest check-in of one relationship, write the file (unless
    `target` is None: the caller prints `Made.text`), and keep its code in the history."""
    from trustcheck import files
    from trustcheck.exchange import from_assessment
    from trustcheck.share import ShareRecord, seal
    from trustcheck.store import Store

    if target is not None:
        files.check_target(target, force=force)  # before any work, as every command does
    if not database.exists():
        raise InputError("There are no check-ins to share yet; please "
                         f"{MAKE_A_PARTNER_VIEW} first.")
    with Store.open(database) as store:
        relationship = _one_relationship(store, role, partner, any_partner)
        latest = None if relationship is None else store.newest(relationship)
        if relationship is None or latest is None:
            raise InputError("There is no check-in for that relationship to share; run "
                             "`trustcheck history` to see your relationships.")
        if latest.partner_view is None:
            raise InputError(
                f"Your latest check-in{_with(relationship)} ({latest.created_at:%Y-%m-%d}) has "
                f"no view of your partner, which is what they need; please {MAKE_A_PARTNER_VIEW}"
                ", then share again.")
        sealed = seal(from_assessment(latest), made_at=now)
        record = ShareRecord(secrets.token_hex(8), sealed_moment(now), latest.role,
                             latest.partner, latest.id, sealed.code, sealed.commitment)
        if target is not None:
            files.write_private(target, sealed.text, force=force, what="the share file")
        try:
            store.save_share(record)
        except BaseException:
            if target is not None:  # a file whose code nobody kept would be of no use
                target.unlink(missing_ok=True)
            raise
    return Made(record, sealed.text, target, latest.created_at)


def sealed_moment(now: datetime) -> datetime:
    from datetime import timezone

    return now.astimezone(timezone.utc).replace(microsecond=0)


def last_share(database: Path, *, role: str | None, partner: str | None,
               any_partner: bool) -> ShareRecord:
    """The newest share of one relationship, to tell its code again."""
    from trustcheck.store import Store

    if database.exists():
        with Store.open_for_reading(database) as store:
            relationship = _one_relationship(store, role, partner, any_partner)
            found = [] if relationship is None else store.shares(relationship)
        if found:
            return found[0]
    raise InputError("You have not shared a check-in for that relationship yet; run "
                     "`trustcheck share --partner NAME` to make a file and its code.")


# --- opening a partner's file --------------------------------------------------------------


def open_share(path: Path, *, code: str | None, ask_code: Callable[[], str] | None,
               database: Path, partner: str | None, any_partner: bool,
               local: tzinfo) -> Opened:
    """Open your partner's sealed file, if your own check-in allows it.

    Refused (InputError) until you have a check-in for that relationship, with its partner
    view, within share.WITHIN of theirs: your answers stay your own, unswayed by theirs.
    Without `code`, `ask_code` (a terminal) is asked; without either, the error says whose
    file it is, when it was made, and to give --code.
    """
    from trustcheck.exchange import from_assessment
    from trustcheck.share import close_enough, open_sealed
    from trustcheck.store import Store

    found = read_sealed(path)
    whose = f"your {found.role}'s check-in of {_day(found.taken_at, local)}"
    mine_role = OTHER_ROLE[found.role]
    why = "so that your answers stay your own, unswayed by theirs"
    store = Store.open_for_reading(database) if database.exists() else None
    if store is None:
        raise InputError(f"{path} holds {whose}; it opens only once you have checked in "
                         f"yourself as the {mine_role}, {why}: please {MAKE_A_PARTNER_VIEW}.")
    with store, store.snapshot():
        relationship = _one_relationship(store, mine_role, partner, any_partner)
        if relationship is None:
            if _relationships(store, found.role, partner, any_partner):
                raise InputError(
                    f"{path} is from a {found.role}, and so are your check-ins"
                    f"{' with ' + partner if partner else ''}; it is for the {mine_role} of "
                    "your relationship, so please check you were sent your partner's file.")
            raise InputError(f"{path} holds {whose}; it opens only once you have checked in "
                             f"yourself as the {mine_role}, {why}: please "
                             f"{MAKE_A_PARTNER_VIEW}.")
        candidates = store.check_ins(_filters(relationship), limit=None)
        candidates = [c for c in candidates if c.partner == relationship.partner]
        mine = next((c for c in candidates if c.partner_view is not None
                     and close_enough(c.created_at, found.taken_at)), None)
        if mine is None:
            raise InputError(_not_yet(path, whose, candidates, why))
        shared_mine = store.shares(check_in=mine.id)
    if code is None and ask_code is not None:
        code = ask_code()
    if code is None:
        raise InputError(
            f"{path} holds {whose}, sealed on {_day(found.made_at, local)}; when you meet, "
            f"ask them for its code and run `trustcheck compare {shlex.quote(str(path))} "
            "--code CODE`.")
    theirs = open_sealed(found, code, str(path))
    ours = from_assessment(mine)
    notes = _check_fit(ours, theirs, path)
    return Opened(ours, theirs, found.commitment,
                  shared_mine[0].commitment if shared_mine else None, found.made_at,
                  notes + (() if shared_mine else (
                      "You have not shared this check-in yet; run `trustcheck share` so your "
                      "partner can open yours too.",)))


def read_sealed(path: Path) -> SealedFile:
    from trustcheck.share import MAX_FILE, read

    with open(path, "rb") as handle:
        text = handle.read(MAX_FILE + 1)
    return read(text, str(path))


def is_sealed(path: Path) -> bool:
    """Whether `path` is a sealed share file rather than a result file."""
    from trustcheck.share import looks_sealed

    try:
        with open(path, "rb") as handle:
            return looks_sealed(handle.read(4096))
    except OSError:
        return False  # reading it as a result file says what is wrong


def _check_fit(mine: SharedScores, theirs: SharedScores, path: Path) -> tuple[str, ...]:
    """Refuse a file of another checklist family; say how a different version is compared."""
    their_ids = {s.id for s in theirs.strategies}
    my_ids = {s.id for s in mine.strategies}
    seen_of_them = {s.id for s in mine.partner_view}
    seen_of_me = {s.id for s in theirs.partner_view}
    if not (their_ids & seen_of_them) and not (my_ids & seen_of_me) \
            and not (their_ids & my_ids):
        raise InputError(
            f"{path} was made with the checklist '{theirs.checklist[0]}', which has no "
            f"strategy in common with yours ('{mine.checklist[0]}'), so it is not from your "
            "partner in this relationship; please check you were sent the right file.")
    if theirs.checklist[1] != mine.checklist[1]:
        return (f"Your partner answered version {theirs.checklist[1]} of their checklist and "
                f"you answered version {mine.checklist[1]}: the two are compared strategy by "
                "strategy (their statements may differ), and a strategy only one version has "
                "is left out.",)
    return ()


def _not_yet(path: Path, whose: str, candidates: list[Assessment], why: str) -> str:
    from trustcheck.share import WITHIN

    days = WITHIN.days
    if not candidates:
        return (f"{path} holds {whose}; it opens only once you have checked in yourself, "
                f"{why}: please {MAKE_A_PARTNER_VIEW}.")
    if all(c.partner_view is None for c in candidates):
        return (f"{path} holds {whose}; it opens only with a check-in of yours that includes "
                f"your view of your partner, {why}: please {MAKE_A_PARTNER_VIEW}.")
    return (f"{path} holds {whose}; it opens only with a check-in of yours (with your view of "
            f"your partner) taken within {days} days of theirs, so both views are of the same "
            f"time and {why.removeprefix('so that ')}: please check in again.")


def _day(moment: datetime, local: tzinfo) -> str:
    shown = moment.astimezone(local)
    return f"{shown.day} {shown:%B %Y}"


def _with(relationship: Relationship) -> str:
    return f" with {relationship.partner}" if relationship.partner else ""


def _filters(relationship: Relationship) -> Filters:
    from trustcheck.records import Filters

    return Filters(role=relationship.role, partner=relationship.partner or "")


def _relationships(store: Store, role: str | None, partner: str | None,
                   any_partner: bool) -> list[Relationship]:
    from trustcheck.records import Filters

    return [r for r in store.relationships(Filters(role=role))
            if any_partner or r.partner == partner]


def _one_relationship(store: Store, role: str | None, partner: str | None,
                      any_partner: bool) -> Relationship | None:
    """The one relationship meant; None when there is none; an InputError when several fit."""
    from trustcheck.usecases.partners import resolved

    found = _relationships(store, role, resolved(store, partner), any_partner)
    if len(found) <= 1:
        return found[0] if found else None
    listed = [Problem(f"{r.role} with {r.partner}" if r.partner else
                      f"{r.role}, no partner named") for r in found]
    raise InputError(
        f"You have check-ins for {len(found)} relationships; please choose one by adding "
        "--partner NAME:", listed)
