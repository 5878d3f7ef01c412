"""`trustcheck due` for people: each relationship's next check-in and open commitments, in
plain words that fit 80 columns (no colour, so NO_COLOR holds; no box drawing when plain)."""

from __future__ import annotations

import textwrap
from datetime import date
from typing import IO

from trustcheck.records import Relationship
from trustcheck.reminders import (
    EVERY_DAYS,
    FIRST_DAYS,
    OVERDUE,
    UPCOMING,
    CommitmentDue,
    Due,
    NextCheckIn,
)
from trustcheck.text import one_line

WIDTH = 80


def day(when: date) -> str:
    """'Mon 2026-11-16': the weekday helps, the ISO date is the same in every language."""
    return f"{when:%a} {when.isoformat()}"


def days(count: int) -> str:
    return f"{count} day{'' if count == 1 else 's'}"


def when(item: NextCheckIn | CommitmentDue) -> str:
    """'due today', 'overdue: it was due on ..., 3 days ago', 'due on ..., in 5 days'."""
    if item.status == OVERDUE:
        return f"overdue: it was due on {day(item.due_on)}, {days(-item.days_left)} ago"
    if item.status == UPCOMING:
        return f"due on {day(item.due_on)}, in {days(item.days_left)}"
    return f"due today, {day(item.due_on)}"


def who(relationship: Relationship) -> str:
    if relationship.partner:
        return f"With {one_line(relationship.partner)}, as a {relationship.role}"
    return f"As a {relationship.role}, no partner named"


def rule(item: NextCheckIn) -> str:
    if item.cadence_set:
        how = f"Every {days(item.every_days)} after the latest, as you set"
    elif item.check_ins == 1:
        how = (f"Usual rule: {days(FIRST_DAYS)} after the first check-in, then every "
               f"{days(EVERY_DAYS)}")
    else:
        how = f"Usual rule: every {days(EVERY_DAYS)} after the latest"
    return f"{how}. Latest check-in {day(item.latest_at.astimezone().date())}."


def _wrapped(text: str, indent: int, width: int) -> list[str]:
    """Lines of at most `width`, continuation lines indented two more; never a broken word."""
    return textwrap.wrap(text, width=width, initial_indent=" " * indent,
                         subsequent_indent=" " * (indent + 2), break_long_words=False,
                         break_on_hyphens=False) or [" " * indent]


def lines(record: Due, *, plain: bool, width: int = WIDTH) -> list[str]:
    title = f"Trust check-ins and commitments, today {day(record.today)}"
    out = [title]
    if not plain:
        out.append("─" * min(len(title), width))
    for next_one in record.check_ins:
        out.append("")
        out += _wrapped(who(next_one.relationship), 0, width)
        out += _wrapped(f"Next check-in {when(next_one)}", 2, width)
        out += _wrapped(rule(next_one), 4, width)
        for commitment in record.commitments:
            if commitment.relationship != next_one.relationship:
                continue
            if commitment.status == OVERDUE:
                heading = (f"Open commitment past its date (due on {day(commitment.due_on)}, "
                           f"{days(-commitment.days_left)} ago):")
            else:
                heading = f"Open commitment, {when(commitment)}:"
            out += _wrapped(heading, 2, width)
            out += _wrapped(one_line(commitment.commitment.text), 4, width)
    out.append("")
    out += _wrapped(summary(record), 0, width)
    return out


def summary(record: Due) -> str:
    check_ins = sum(1 for c in record.check_ins if c.days_left <= 0)
    commitments = sum(1 for c in record.commitments if c.days_left <= 0)
    if check_ins or commitments:
        parts = [f"{check_ins} check-in{'' if check_ins == 1 else 's'}" if check_ins else "",
                 f"{commitments} commitment{'' if commitments == 1 else 's'}"
                 if commitments else ""]
        return f"Due now: {' and '.join(p for p in parts if p)}."
    items: list[NextCheckIn | CommitmentDue] = [*record.check_ins, *record.commitments]
    coming = sorted(items, key=lambda item: item.due_on)
    if not coming:
        return "Nothing is due."
    return f"Nothing is due today; the next is {when(coming[0])}."


def text(record: Due, stream: IO[str]) -> None:
    """Write the listing (the "stream" way of cli/output.py)."""
    from trustcheck.render.modes import plain

    stream.write("\n".join(lines(record, plain=plain())) + "\n")
    stream.flush()
