"""`trustcheck due --ics`: the reminders as an iCalendar file (RFC 5545).

Next check-ins become all-day events that repeat with the relationship's cadence (RRULE), with
a reminder the day before (VALARM); open commitments become to-dos with their date (DUE).
The `icalendar` package does the folding, escaping and validating RFC 5545 asks for; it is
imported here only, so no other command pays for it.

Every id (UID) is a hash of the history's random salt and what the entry is about (the
relationship and its kind, or the commitment), so importing a newer file updates the same
entries instead of adding copies, while nobody can work a partner's name out of an id.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta

from trustcheck.records import Relationship
from trustcheck.reminders import Calendar
from trustcheck.text import one_line

PRODUCT = "-//trustcheck//Reminders//EN"
UID_DOMAIN = "trustcheck.invalid"  # never a real host: the ids name no one's machine


def uid(salt: str, relationship: Relationship, kind: str, *parts: str) -> str:
    """A stable id: the same salt, relationship and kind (and parts) always give the same one."""
    fields = [salt, relationship.role, relationship.partner or "", kind, *parts]
    digest = hashlib.sha256("\x1f".join(fields).encode("utf-8")).hexdigest()[:32]
    return f"{digest}@{UID_DOMAIN}"


def _with(relationship: Relationship) -> str:
    return f" with {one_line(relationship.partner)}" if relationship.partner else ""


def _command(relationship: Relationship) -> str:
    import shlex

    partner = (f" --partner {shlex.quote(one_line(relationship.partner))}"
               if relationship.partner else "")
    return f"trustcheck assess --role {relationship.role}{partner}"


def calendar(record: Calendar) -> str:
    """The .ics text (CRLF line ends, folded and escaped by icalendar)."""
    import icalendar

    cal = icalendar.Calendar()
    cal.add("prodid", PRODUCT)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", "Trust check-ins")
    stamp = record.made_at
    # Two relationships with the same partner (mentor of Sam and mentee of Sam) need their role
    # in the title to tell them apart.
    partners = [c.relationship.partner for c in record.due.check_ins]
    for next_one in record.due.check_ins:
        relationship = next_one.relationship
        role = (f" (as a {relationship.role})"
                if partners.count(relationship.partner) > 1 or not relationship.partner else "")
        event = icalendar.Event()
        event.add("uid", uid(record.salt, relationship, "check-in"))
        event.add("dtstamp", stamp)
        event.add("summary", f"Trust check-in{_with(relationship)}{role}")
        event.add("description",
                  f"Time for your next trust check-in as a {relationship.role}"
                  f"{_with(relationship)}: {_command(relationship)}. Repeats every "
                  f"{next_one.repeats_every} days; `trustcheck due --ics` makes an updated file "
                  "after each check-in.")
        event.add("dtstart", next_one.due_on)
        event.add("dtend", next_one.due_on + timedelta(days=1))
        event.add("rrule", {"freq": "daily", "interval": next_one.repeats_every})
        event.add("transp", "TRANSPARENT")  # a reminder, not a meeting: it keeps you free
        alarm = icalendar.Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", f"Trust check-in{_with(relationship)} tomorrow")
        alarm.add("trigger", timedelta(days=-1))
        event.add_component(alarm)
        cal.add_component(event)
    for commitment in record.due.commitments:
        relationship = commitment.relationship
        todo = icalendar.Todo()
        todo.add("uid", uid(record.salt, relationship, "commitment", commitment.made_in,
                            commitment.commitment.action))
        todo.add("dtstamp", stamp)
        todo.add("summary", one_line(commitment.commitment.text))
        todo.add("description",
                  f"A commitment{_with(relationship)} (as a {relationship.role}) from your "
                  f"check-in of {commitment.made_at.astimezone():%Y-%m-%d}, to try before the "
                  "next one; your next check-in asks how it went.")
        todo.add("due", commitment.due_on)
        todo.add("status", "NEEDS-ACTION")
        cal.add_component(todo)
    made: bytes = cal.to_ical()
    return made.decode("utf-8")
