"""`trustcheck due` (issue 12 §4): when each relationship's next check-in is due, open
commitments past their date, a cadence of one's own, and the same as a calendar file.

Check-ins are saved at known moments and the command's clock is fixed to a known day, so every
date below is worked out by hand from the rules in the README ("Reminders").
"""

from __future__ import annotations

import json
import os
import stat
import time
from datetime import date, datetime, timedelta, timezone

import icalendar
import pytest
from conftest import START, make, rows, run, save, sha256_of
from test_schemas import assert_matches

from trustcheck.records import Review

REASONS = "transparency.share-reasoning"
LISTEN = "active_listening.summarise-back"


@pytest.fixture(autouse=True)
def utc_here(monkeypatch):
    """Days are counted where the person lives: here, in UTC, so the dates below hold."""
    with monkeypatch.context() as patch:
        patch.setenv("TZ", "UTC")
        time.tzset()
        yield
    time.tzset()  # the time zone this run had before, TZ put back as it was


def today_is(monkeypatch, day: date) -> None:
    """Fix the clock of `trustcheck due` to noon UTC on `day`."""
    moment = datetime(day.year, day.month, day.day, 12, 0, tzinfo=timezone.utc)
    monkeypatch.setattr("trustcheck.cli.due._now", lambda: moment)


def due(*args: str, expect: int = 0):
    result = run("due", *args)
    assert result.exit_code == expect, (result.stdout, result.stderr)
    return result


def listed(*args: str, expect: int = 0) -> dict:
    document = json.loads(due(*args, "--format", "json", expect=expect).stdout)
    assert_matches("due-v1", document)
    return document


FIRST = START.date()  # 2026-03-01


# --- when the next check-in is due ----------------------------------------------------------


def test_the_second_check_in_is_due_30_days_after_the_first_then_every_60(
        trustcheck_home, monkeypatch):
    save(trustcheck_home, make("a" * 32))
    today_is(monkeypatch, FIRST + timedelta(days=10))
    shown = due()
    assert "With Sam, as a mentor" in shown.stdout
    assert "Next check-in due on Tue 2026-03-31, in 20 days" in shown.stdout
    assert "Usual rule: 30 days after the first check-in, then every 60 days." in shown.stdout
    assert "Nothing is due today; the next is due on Tue 2026-03-31, in 20 days." in shown.stdout
    assert shown.stderr == ""

    save(trustcheck_home, make("b" * 32, days=25))  # the second, on 26 March
    [sam] = listed()["relationships"]
    assert (sam["check_ins"], sam["every_days"], sam["cadence"]) == (2, 60, "default")
    assert sam["next_check_in"] == {"due_on": "2026-05-25", "days_left": 75,
                                    "status": "upcoming"}


def test_exit_1_lists_what_is_due_without_an_error_sentence(trustcheck_home, monkeypatch):
    save(trustcheck_home, make("a" * 32), make("c" * 32, partner="Kim", role="mentee", days=5))
    today_is(monkeypatch, FIRST + timedelta(days=30))  # Sam's second check-in is due today
    shown = due(expect=1)
    assert "Next check-in due today, Tue 2026-03-31" in shown.stdout
    assert "Due now: 1 check-in." in shown.stdout
    assert shown.stderr == ""  # not a failure: the list is the answer

    today_is(monkeypatch, FIRST + timedelta(days=40))
    shown = due(expect=1)
    assert "overdue: it was due on Tue 2026-03-31, 10 days ago" in shown.stdout
    assert "Due now: 2 check-ins." in shown.stdout  # Kim's (5 March + 30) too
    document = listed(expect=1)
    assert document["anything_due"] is True
    assert [(r["partner"], r["next_check_in"]["status"]) for r in document["relationships"]] \
        == [("Kim", "overdue"), ("Sam", "overdue")]

    # Only Kim's, asked for as people type names: Kim's check-in is overdue, so still 1.
    assert [r["partner"] for r in listed("--partner", " kim ", expect=1)["relationships"]] \
        == ["Kim"]


def test_nothing_saved_yet_is_not_due_and_says_what_to_do(trustcheck_home):
    shown = due()
    assert shown.stdout == ""
    assert "No check-ins saved yet, so nothing is due; run `trustcheck assess" in shown.stderr
    assert listed()["relationships"] == []


# --- a cadence of one's own ------------------------------------------------------------------


def test_a_cadence_set_for_one_partner_moves_only_their_check_ins(trustcheck_home, monkeypatch):
    save(trustcheck_home, make("a" * 32), make("c" * 32, partner="Kim"))
    today_is(monkeypatch, FIRST + timedelta(days=1))
    said = due("--partner", "sam", "--every", "2w")
    assert said.stderr.strip() == ("Check-ins as a mentor with Sam are now due every 14 days "
                                   "after the latest.")
    assert rows(trustcheck_home, "SELECT role, partner, every_days FROM cadences") == [
        ("mentor", "Sam", 14)]
    by_partner = {r["partner"]: r for r in listed()["relationships"]}
    assert by_partner["Sam"]["next_check_in"]["due_on"] == "2026-03-15"
    assert (by_partner["Sam"]["cadence"], by_partner["Sam"]["then_every_days"]) == ("set", 14)
    assert by_partner["Kim"]["next_check_in"]["due_on"] == "2026-03-31"
    assert "Every 14 days after the latest, as you set." in due().stdout

    said = due("--partner", "Sam", "--every", "default")
    assert "follow the usual rule again: 30 days after the first, then every 60" in said.stderr
    assert rows(trustcheck_home, "SELECT * FROM cadences") == []


@pytest.mark.parametrize(("args", "said"), [
    (("--every", "45d"), "Please say whose check-ins --every is for: add --partner NAME"),
    (("--partner", "Sam", "--every", "soon"), "--every 'soon' is not a cadence trustcheck"),
    (("--partner", "Sam", "--every", "0d"), "is 0 days; please choose between 1 day and 366"),
    (("--partner", "Sam", "--every", "60w"), "is 420 days; please choose between 1 day"),
    (("--partner", "Sma", "--every", "45d"), "No check-ins with “Sma”. Did you mean Sam?"),
    (("--partner", "Sam", "--role", "mentee", "--every", "45d"),
     "There is no check-in as a mentee with Sam yet, so no cadence was set"),
    (("-o", "x.ics"), "-o and --force are for the calendar file; add --ics"),
    (("--force",), "-o and --force are for the calendar file; add --ics"),
])
def test_a_cadence_that_cannot_be_set_is_refused_with_what_to_do(trustcheck_home, args, said):
    save(trustcheck_home, make("a" * 32))
    refused = due(*args, expect=2)
    assert said in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1 and "Traceback" not in refused.stderr
    assert rows(trustcheck_home, "SELECT * FROM cadences") == []


def test_a_partner_seen_in_both_roles_needs_the_role(trustcheck_home):
    save(trustcheck_home, make("a" * 32), make("b" * 32, role="mentee", days=1))
    refused = due("--partner", "Sam", "--every", "45d", expect=2)
    assert "both as a mentor and as a mentee; please add --role mentor" in refused.stderr
    due("--partner", "Sam", "--role", "mentee", "--every", "45d")
    assert rows(trustcheck_home, "SELECT role, every_days FROM cadences") == [("mentee", 45)]


def test_deleting_a_relationships_check_ins_deletes_its_cadence(trustcheck_home):
    save(trustcheck_home, make("a" * 32), make("b" * 32, days=3), make("c" * 32, partner="Kim"))
    due("--partner", "Sam", "--every", "45d")
    due("--partner", "Kim", "--every", "20d")
    assert run("history", "delete", "a" * 8, "--yes").exit_code == 0
    assert len(rows(trustcheck_home, "SELECT * FROM cadences")) == 2  # Sam still has one
    assert run("history", "delete", "--partner", "Sam", "--yes").exit_code == 0
    assert rows(trustcheck_home, "SELECT partner FROM cadences") == [("Kim",)]


# --- commitments and their dates -------------------------------------------------------------


def test_a_commitment_is_due_when_the_next_check_in_was_and_past_it_once_left_open(
        trustcheck_home, monkeypatch):
    save(trustcheck_home, make("a" * 32, commit=(REASONS,)))
    today_is(monkeypatch, FIRST + timedelta(days=3))
    [sam] = listed()["relationships"]
    [made] = sam["open_commitments"]
    assert (made["action"], made["made_in"]) == (REASONS, "a" * 32)
    assert (made["due_on"], made["status"]) == ("2026-03-31", "upcoming")
    assert "Open commitment, due on Tue 2026-03-31, in 27 days:" in due().stdout

    # The second check-in (20 March) leaves it open and makes another: the first is now past
    # its date, the new one is due with the third check-in, 60 days later.
    save(trustcheck_home, make("b" * 32, days=19, commit=(LISTEN,)))
    today_is(monkeypatch, FIRST + timedelta(days=40))
    [sam] = listed(expect=1)["relationships"]
    assert sam["next_check_in"]["status"] == "upcoming"
    assert [(c["action"], c["due_on"], c["status"]) for c in sam["open_commitments"]] == [
        (REASONS, "2026-03-31", "overdue"), (LISTEN, "2026-05-19", "upcoming")]
    shown = due(expect=1)
    assert "Open commitment past its date (due on Tue 2026-03-31, 10 days ago):" in shown.stdout
    assert "Due now: 1 commitment." in shown.stdout

    # Reviewed at the third check-in: no longer open, nothing due.
    told = tuple(Review(action, "", "ab"[n] * 32, START, "done")
                 for n, action in enumerate((REASONS, LISTEN)))
    save(trustcheck_home, make("c" * 32, days=41, reviewed=told))
    assert listed()["relationships"][0]["open_commitments"] == []


# --- the text, for people --------------------------------------------------------------------


def test_the_list_fits_80_columns_and_prints_names_literally(trustcheck_home, monkeypatch):
    hostile = "[bold red]Sam[/] the\x1b[31m very-long-named co-mentor of the spring workshop"
    save(trustcheck_home, make("a" * 32, partner=hostile, commit=(REASONS,)))
    today_is(monkeypatch, FIRST + timedelta(days=3))
    shown = due().stdout
    assert all(len(line) <= 80 for line in shown.splitlines()), shown
    assert "[bold red]Sam[/] the" in shown and "\x1b" not in shown
    assert "─" in shown  # a rule under the title, for sighted readers
    plain = run("--plain", "due")
    assert plain.exit_code == 0
    assert "─" not in plain.stdout and "Next check-in due on Tue 2026-03-31" in plain.stdout
    assert all(len(line) <= 80 for line in plain.stdout.splitlines())
    assert all(ord(ch) < 128 for ch in plain.stdout.replace("\n", ""))


# --- the calendar file -----------------------------------------------------------------------


def calendar_of(path) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical(path.read_bytes())


def test_the_calendar_holds_repeating_check_ins_with_a_reminder_and_commitments_as_to_dos(
        trustcheck_home, tmp_path, monkeypatch, umask_022):
    save(trustcheck_home, make("a" * 32, commit=(REASONS,)),
         make("c" * 32, role="mentee", partner="Kim", days=2))
    due("--partner", "Kim", "--every", "3w")
    today_is(monkeypatch, FIRST + timedelta(days=3))
    target = tmp_path / "reminders.ics"
    written = due("--ics", "-o", str(target))
    assert "Wrote" in written.stderr and "2 next check-ins" in written.stderr
    assert written.stdout == ""
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600

    calendar = calendar_of(target)
    events = {str(e["summary"]): e for e in calendar.walk("VEVENT")}
    assert set(events) == {"Trust check-in with Sam", "Trust check-in with Kim"}
    sam, kim = events["Trust check-in with Sam"], events["Trust check-in with Kim"]
    assert sam.decoded("dtstart") == date(2026, 3, 31)  # 30 days after the first
    assert sam["rrule"]["freq"] == ["DAILY"] and sam["rrule"]["interval"] == [60]
    assert kim.decoded("dtstart") == date(2026, 3, 24)  # 3 weeks after 3 March, as set
    assert kim["rrule"]["interval"] == [21]
    for event in (sam, kim):
        [alarm] = event.walk("VALARM")
        assert str(alarm["action"]) == "DISPLAY"
        assert alarm.decoded("trigger") == timedelta(days=-1)
        assert event.decoded("dtstamp") == datetime(2026, 3, 4, 12, 0, tzinfo=timezone.utc)
    [todo] = calendar.walk("VTODO")
    assert str(todo["summary"]).startswith("The next time you give advice")
    assert todo.decoded("due") == date(2026, 3, 31)
    assert str(todo["status"]) == "NEEDS-ACTION"
    assert "Sam" not in str(todo["uid"]) and "Sam" not in str(sam["uid"])


def test_importing_a_newer_calendar_updates_the_same_entries(trustcheck_home, tmp_path,
                                                              monkeypatch):
    save(trustcheck_home, make("a" * 32, commit=(REASONS,)))
    today_is(monkeypatch, FIRST + timedelta(days=3))
    first, second = tmp_path / "one.ics", tmp_path / "two.ics"
    due("--ics", "-o", str(first))
    # A check-in later: the same ids, with the next date.
    save(trustcheck_home, make("b" * 32, days=10))
    today_is(monkeypatch, FIRST + timedelta(days=12))
    due("--ics", "-o", str(second))
    [before], [after] = calendar_of(first).walk("VEVENT"), calendar_of(second).walk("VEVENT")
    assert str(before["uid"]) == str(after["uid"])
    assert after.decoded("dtstart") == date(2026, 5, 10)  # 60 days after 11 March
    assert str(calendar_of(first).walk("VTODO")[0]["uid"]) == \
        str(calendar_of(second).walk("VTODO")[0]["uid"])

    # Another history (another person, another computer) gets other ids for the same name.
    other = tmp_path / "other-home"
    monkeypatch.setenv("TRUSTCHECK_HOME", str(other))
    save(other, make("a" * 32, commit=(REASONS,)))
    third = tmp_path / "three.ics"
    due("--ics", "-o", str(third))
    assert str(calendar_of(third).walk("VEVENT")[0]["uid"]) != str(before["uid"])


def test_hostile_names_are_escaped_and_make_no_extra_entries(trustcheck_home, tmp_path,
                                                             monkeypatch):
    hostile = "Sam, Jr.; the\nBEGIN:VEVENT\r\nSUMMARY:forged"
    save(trustcheck_home, make("a" * 32, partner=hostile, commit=(REASONS,)),
         make("b" * 32, partner="Kim;Lee,Jo", days=1))
    today_is(monkeypatch, FIRST + timedelta(days=3))
    target = tmp_path / "reminders.ics"
    due("--ics", "-o", str(target))
    raw = target.read_bytes()
    lines = raw.split(b"\r\n")
    assert lines.count(b"BEGIN:VEVENT") == 2 and b"SUMMARY:forged" not in lines
    assert all(b"\n" not in line and b"\r" not in line for line in lines)
    assert b"Kim\\;Lee\\,Jo" in raw  # RFC 5545 escaping of ; and ,
    summaries = {str(e["summary"]) for e in calendar_of(target).walk("VEVENT")}
    assert summaries == {"Trust check-in with Sam, Jr.; the BEGIN:VEVENT SUMMARY:forged",
                         "Trust check-in with Kim;Lee,Jo"}


def test_the_calendar_file_is_never_replaced_without_force(trustcheck_home, tmp_path,
                                                            monkeypatch):
    save(trustcheck_home, make("a" * 32))
    today_is(monkeypatch, FIRST + timedelta(days=3))
    target = tmp_path / "reminders.ics"
    target.write_text("mine", encoding="utf-8")
    refused = due("--ics", "-o", str(target), expect=2)
    assert "already exists; add --force to replace it" in refused.stderr
    assert target.read_text(encoding="utf-8") == "mine"
    due("--ics", "-o", str(target), "--force")
    assert calendar_of(target).walk("VEVENT")
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    # On standard output with -o - (or no -o), and refused with no history at all.
    shown = due("--ics", "-o", "-")
    assert shown.stdout.startswith("BEGIN:VCALENDAR")
    monkeypatch.setenv("TRUSTCHECK_HOME", str(tmp_path / "empty"))
    refused = due("--ics", "-o", str(tmp_path / "none.ics"), expect=2)
    assert "No check-ins saved yet" in refused.stderr
    assert not (tmp_path / "none.ics").exists()


def test_check_ins_without_a_partner_name_have_reminders_too(trustcheck_home, monkeypatch):
    save(trustcheck_home, make("a" * 32, partner=None), make("b" * 32, days=1))
    today_is(monkeypatch, FIRST + timedelta(days=2))
    said = due("--partner", "", "--every", "10d")
    assert "Check-ins as a mentor without a partner name are now due every 10 days" in said.stderr
    [alone] = listed("--partner", "")["relationships"]
    assert (alone["partner"], alone["next_check_in"]["due_on"]) == (None, "2026-03-11")
    assert "As a mentor, no partner named" in due().stdout


def test_an_older_history_is_read_without_changing_it_and_migrated_for_a_calendar(
        trustcheck_home, tmp_path, monkeypatch):
    from test_faults import V1_HISTORY

    trustcheck_home.mkdir(mode=0o700)
    path = trustcheck_home / "history.db"
    path.write_bytes(V1_HISTORY.read_bytes())
    before = sha256_of(path)
    shown = run("due", "--format", "json")
    assert shown.exit_code in (0, 1), shown.stderr
    assert_matches("due-v1", json.loads(shown.stdout))
    assert sha256_of(path) == before, "listing must not write"
    due("--ics", "-o", str(tmp_path / "old.ics"))
    assert len(rows(trustcheck_home, "SELECT salt FROM calendar_salt")) == 1
