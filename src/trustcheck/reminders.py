"""Pure rules for reminders: when each relationship's next check-in is due, and by when each
open commitment was meant to be tried.

The rules (README, "Reminders"):
- A cadence a person set for a relationship (`trustcheck due --every 45d`) means the next
  check-in is due that many days after the latest one.
- Without one, the second check-in is due 30 days after the first, and every later one 60 days
  after the latest (a first check-in is followed up sooner, while the commitments are fresh).
- A commitment is chosen "to try before your next check-in", so its date is the day the check-in
  after the one it was made in was due: that check-in's day plus the interval that applied then.
  A commitment left open at a later check-in is therefore past its date.
- Days are calendar days where the person lives: something is due today on its day, overdue
  from the day after.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, tzinfo
from typing import Any, NamedTuple

from trustcheck.errors import InputError
from trustcheck.records import Commitment, OpenCommitment, Relationship

SCHEMA = "trustcheck/due/v1"
FIRST_DAYS = 30  # after the first check-in of a relationship
EVERY_DAYS = 60  # after every later one
MAX_EVERY_DAYS = 366
RESET = "default"
_EVERY = re.compile(r"^\s*(\d{1,4})\s*([dw]?)\s*$", re.IGNORECASE)

OVERDUE, DUE_TODAY, UPCOMING = "overdue", "due_today", "upcoming"


class Span(NamedTuple):
    """A relationship's check-ins in brief, as the store keeps them."""

    relationship: Relationship
    check_ins: int
    first_id: str
    first_at: datetime
    latest_at: datetime


class NextCheckIn(NamedTuple):
    """When a relationship's next check-in is due."""

    relationship: Relationship
    check_ins: int
    latest_at: datetime
    every_days: int  # the interval that applies now
    repeats_every: int  # the interval after that check-in (the calendar's repeat)
    cadence_set: bool  # whether the person set it (else the default rule)
    due_on: date
    days_left: int  # negative: overdue by that many days

    @property
    def status(self) -> str:
        return status(self.days_left)


class CommitmentDue(NamedTuple):
    """An open commitment and the day it was meant to be tried by."""

    relationship: Relationship
    made_in: str
    made_at: datetime
    commitment: Commitment
    due_on: date
    days_left: int

    @property
    def status(self) -> str:
        return status(self.days_left)


class Due(NamedTuple):
    """What `trustcheck due` shows: every relationship's next check-in and open commitments."""

    today: date
    check_ins: tuple[NextCheckIn, ...]
    commitments: tuple[CommitmentDue, ...]

    @property
    def anything_due(self) -> bool:
        """Whether a check-in or a commitment is due today or overdue (exit 1)."""
        items: list[NextCheckIn | CommitmentDue] = [*self.check_ins, *self.commitments]
        return any(item.days_left <= 0 for item in items)


class Calendar(NamedTuple):
    """What a calendar file holds: the reminders, the history's salt for stable ids, and the
    moment the file was made (its DTSTAMP)."""

    due: Due
    salt: str
    made_at: datetime


def status(days_left: int) -> str:
    return OVERDUE if days_left < 0 else DUE_TODAY if days_left == 0 else UPCOMING


def parse_every(text: str) -> int | None:
    """A cadence from `--every`: "45d", "45" (days), "6w" (weeks); "default" gives None (the
    default rule again). InputError for anything else, or outside 1 to 366 days."""
    if text.strip().lower() == RESET:
        return None
    match = _EVERY.match(text)
    if match is None:
        raise InputError(f"--every '{text}' is not a cadence trustcheck understands; use a "
                         "number of days or weeks such as 45d or 6w, or 'default' for the usual "
                         "30 days after the first check-in and 60 after each later one.")
    days = int(match.group(1)) * (7 if match.group(2).lower() == "w" else 1)
    if not 1 <= days <= MAX_EVERY_DAYS:
        raise InputError(f"--every '{text}' is {days} days; please choose between 1 day and "
                         f"{MAX_EVERY_DAYS} days (a year).")
    return days


def interval(check_ins_so_far: int, cadence: int | None) -> int:
    """Days from a relationship's check-in number `check_ins_so_far` (1 is the first) to the
    next one."""
    if cadence is not None:
        return cadence
    return FIRST_DAYS if check_ins_so_far <= 1 else EVERY_DAYS


def local_day(moment: datetime, local: tzinfo) -> date:
    return moment.astimezone(local).date()


def due(spans: list[Span], cadences: dict[Relationship, int],
        open_commitments: dict[Relationship, list[OpenCommitment]], *, now: datetime,
        local: tzinfo) -> Due:
    """Every relationship's next check-in and its open commitments with their dates, in the
    order of `spans` (most recently active first); commitments oldest first."""
    today = local_day(now, local)
    check_ins = []
    commitments = []
    for span in spans:
        cadence = cadences.get(span.relationship)
        every = interval(span.check_ins, cadence)
        due_on = local_day(span.latest_at, local) + timedelta(days=every)
        check_ins.append(NextCheckIn(span.relationship, span.check_ins, span.latest_at, every,
                                     interval(span.check_ins + 1, cadence), cadence is not None,
                                     due_on, (due_on - today).days))
        for found in open_commitments.get(span.relationship, []):
            # Made in the first check-in: the second was due after the first interval.
            after = interval(1 if found.made_in == span.first_id else 2, cadence)
            meant = local_day(found.made_at, local) + timedelta(days=after)
            commitments.append(CommitmentDue(span.relationship, found.made_in, found.made_at,
                                             found.commitment, meant, (meant - today).days))
    return Due(today, tuple(check_ins), tuple(commitments))


def to_dict(record: Due) -> dict[str, Any]:
    """`trustcheck due --format json`: the documented trustcheck/due/v1 object."""
    from trustcheck.dates import iso

    def when(item: NextCheckIn | CommitmentDue) -> dict[str, Any]:
        return {"due_on": item.due_on.isoformat(), "days_left": item.days_left,
                "status": item.status}

    return {
        "schema": SCHEMA,
        "today": record.today.isoformat(),
        "anything_due": record.anything_due,
        "relationships": [
            {"role": next_one.relationship.role,
             "partner": next_one.relationship.partner,
             "check_ins": next_one.check_ins,
             "latest_check_in": iso(next_one.latest_at),
             "every_days": next_one.every_days,
             "then_every_days": next_one.repeats_every,
             "cadence": "set" if next_one.cadence_set else "default",
             "next_check_in": when(next_one),
             "open_commitments": [
                 {"action": c.commitment.action, "text": c.commitment.text,
                  "strategy": c.commitment.strategy, "made_in": c.made_in,
                  "made_at": iso(c.made_at), **when(c)}
                 for c in record.commitments if c.relationship == next_one.relationship]}
            for next_one in record.check_ins],
    }
