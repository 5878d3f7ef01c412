"""Latecomers: a report refused for differencing says how many more people must answer, and
`report --replaces` lets a report take the place of an earlier one that was never shown."""

from __future__ import annotations

import itertools
import json
import re
import stat
import sys
import textwrap
from datetime import datetime, timezone
from pathlib import Path

import pytest
from conftest import answer_of, builtin, released_together, run
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from test_report import form

from trustcheck.cohort import OVERALL, Bucket, Figure, Layout, StrategyLayout
from trustcheck.reportlog import Conflict, ReportLog, responses_needed

NOW = datetime(2026, 5, 1, 12, 0, tzinfo=timezone.utc)
HANG_GUARD = 60  # seconds: only so that a regression fails instead of hanging the suite


def refused(*args: str, more: int) -> str:
    """Run a report that must be refused for differencing; the id its message offers."""
    done = run("report", *args)
    assert done.exit_code == 2, done.stderr
    assert done.stdout == ""
    message = " ".join(done.stderr.split())
    assert "nothing was reported" in message
    people = "person has" if more == 1 else "people have"
    assert f"Wait until at least {more} more {people} answered" in message, message
    found = re.search(r"`--replaces ([0-9a-f]{8})` so this report takes its place", message)
    assert found, message
    return found[1]


def made(*args: str) -> None:
    done = run("report", *args)
    assert done.exit_code == 0, done.stderr


def log_of(home: Path) -> dict:
    return json.loads((home / "report-log.json").read_text(encoding="utf-8"))


# --- the story of a workshop with a latecomer -------------------------------------------------


def test_a_latecomer_is_refused_with_the_count_and_replaces_lets_the_new_report_through(
        tmp_path, trustcheck_home):
    first = form(tmp_path / "day1.csv", "mentor", 20)
    made(str(first), "-f", "markdown", "-o", str(tmp_path / "first.md"))
    # One more person answered after the report was made (but before anyone saw it).
    latecomer = form(tmp_path / "day1-late.csv", "mentor", 21)
    earlier = refused(str(latecomer), more=4)
    before = (trustcheck_home / "report-log.json").read_bytes()
    assert (trustcheck_home / "report-log.json").read_bytes() == before  # refusals write nothing

    done = run("report", str(latecomer), "--replaces", earlier)
    assert done.exit_code == 0, done.stderr
    assert "Overall trust index" in done.stdout
    log = log_of(trustcheck_home)
    assert len(log["reports"]) == 2  # the replaced report is kept, marked
    assert log["reports"][1]["replaces"] == [earlier]
    assert stat.S_IMODE((trustcheck_home / "report-log.json").stat().st_mode) == 0o600
    assert stat.S_IMODE(trustcheck_home.stat().st_mode) == 0o700

    # A third report is guarded against the new one, whichever way it differs: back to the
    # first day's people, or one more latecomer.
    replacing = refused(str(first), more=4)
    assert replacing != earlier
    assert refused(str(form(tmp_path / "two-late.csv", "mentor", 22)), more=4) == replacing
    # The same people as the new report may be shown again, in any format.
    made(str(latecomer), "--format", "json")
    # Once enough people have answered, no --replaces is needed.
    assert refused(str(form(tmp_path / "25.csv", "mentor", 25)), more=1) == replacing
    made(str(form(tmp_path / "26.csv", "mentor", 26)))


def test_waiting_for_the_number_of_people_the_refusal_names_is_enough(tmp_path):
    made(str(form(tmp_path / "20.csv", "mentor", 20)))
    refused(str(form(tmp_path / "22.csv", "mentor", 22)), more=3)
    refused(str(form(tmp_path / "24.csv", "mentor", 24)), more=1)
    made(str(form(tmp_path / "25.csv", "mentor", 25)))


def two_earlier_reports(tmp_path: Path, home: Path) -> tuple[str, str, str]:
    """Reports on 20 and on 26 people (far enough apart), and today's 22 between them, refused
    because of both: the ids of the two, and today's file."""
    made(str(form(tmp_path / "20.csv", "mentor", 20)))
    made(str(form(tmp_path / "26.csv", "mentor", 26)))
    first, second = (e.id for e in ReportLog.open(home).entries())
    between = str(form(tmp_path / "22.csv", "mentor", 22))  # 2 from the first, 4 from the second
    done = run("report", between)
    message = " ".join(done.stderr.split())
    assert done.exit_code == 2
    assert "by only 2 people, fewer than 5" in message
    assert "Wait until at least 3 more people have answered" in message
    assert (f"if those 2 earlier reports were never shown or shared with anyone, add "
            f"`--replaces {first} --replaces {second}`") in message
    return first, second, between


def test_with_two_earlier_reports_the_count_covers_both(tmp_path, trustcheck_home):
    _, _, between = two_earlier_reports(tmp_path, trustcheck_home)
    # Three new people (in neither report) are enough; two are not.
    refused(between, str(form(tmp_path / "new2.csv", "mentor", range(100, 102))), more=1)
    made(between, str(form(tmp_path / "new3.csv", "mentor", range(100, 103))))


def test_two_earlier_reports_never_shown_can_both_be_replaced(tmp_path, trustcheck_home):
    first, second, between = two_earlier_reports(tmp_path, trustcheck_home)
    refused(between, "--replaces", first, more=1)  # the second still stands in the way
    made(between, "--replaces", first, "--replaces", second)
    entries = ReportLog.open(trustcheck_home).entries()
    assert [e.replaced_by for e in entries] == [entries[2].id, entries[2].id, None]


def test_in_a_mixed_room_the_count_is_for_the_role_that_changed(tmp_path):
    mentors = str(form(tmp_path / "mentors.csv", "mentor", 10))
    made(mentors, str(form(tmp_path / "mentees.csv", "mentee", range(100, 110))))
    # The mentors' figures are the same as before; the mentees' and the shared ones are not.
    refused(mentors, str(form(tmp_path / "m11.csv", "mentee", range(100, 111))), more=4)
    refused(mentors, str(form(tmp_path / "m14.csv", "mentee", range(100, 114))), more=1)
    made(mentors, str(form(tmp_path / "m15.csv", "mentee", range(100, 115))))


def test_a_latecomer_who_skipped_a_strategy_counts_that_strategy_too(tmp_path):
    made(str(form(tmp_path / "20.csv", "mentor", 20)))
    # The latecomer skipped every transparency statement: the overall index differs by one
    # person, and transparency by none yet; later people who answer it would change it, so it
    # needs all five.
    used = builtin("mentor")
    cells = ["" if item.id.startswith("transparency.") else str(answer_of(900, item.id))
             for item in used.items]
    late = ",".join(["mentor", "", "spring-2026", *cells])
    refused(str(form(tmp_path / "late.csv", "mentor", 20, extra=[late])), more=5)
    four_more = form(tmp_path / "4more.csv", "mentor", range(20, 24), extra=[late])
    refused(str(tmp_path / "20.csv"), str(four_more), more=1)
    made(str(tmp_path / "20.csv"),
         str(form(tmp_path / "5more.csv", "mentor", range(20, 25), extra=[late])))


# --- naming the earlier report ----------------------------------------------------------------


def test_the_earlier_report_can_be_named_by_its_file_or_its_time(tmp_path, trustcheck_home):
    report_file = tmp_path / "report.html"
    made(str(form(tmp_path / "20.csv", "mentor", 20)), "-f", "html", "-o", str(report_file))
    late = str(form(tmp_path / "21.csv", "mentor", 21))
    refused(late, more=4)
    # The new report replaces the old file and the old report in one go.
    done = run("report", late, "-f", "html", "-o", str(report_file), "--force",
               "--replaces", str(report_file))
    assert done.exit_code == 0, done.stderr
    first, second = log_of(trustcheck_home)["reports"]
    assert len(second["replaces"]) == 1

    # By the time the refusal shows (UTC, to the minute), here with a third report.
    message = " ".join(run("report", str(form(tmp_path / "22.csv", "mentor", 22))).stderr.split())
    when = re.search(r"a report made on (\S+ \S+) UTC", message)[1]
    assert when == second["created_at"].replace("T", " ")[:16]
    done = run("report", str(tmp_path / "22.csv"), "--replaces", when)
    assert done.exit_code == 0, done.stderr
    assert len(log_of(trustcheck_home)["reports"]) == 3


def test_a_name_that_matches_no_report_is_refused_kindly(tmp_path, trustcheck_home):
    made(str(form(tmp_path / "20.csv", "mentor", 20)))
    before = (trustcheck_home / "report-log.json").read_bytes()
    late = str(form(tmp_path / "21.csv", "mentor", 21))
    done = run("report", late, "--replaces", "0badc0de")
    assert done.exit_code == 2
    assert done.stdout == ""
    assert "No earlier report in your log matches '0badc0de'" in done.stderr
    assert "Traceback" not in done.stderr
    # A file trustcheck did not write (or one edited since) names no report either.
    other = tmp_path / "notes.md"
    other.write_text("# my notes\n", encoding="utf-8")
    done = run("report", late, "--replaces", str(other))
    assert done.exit_code == 2
    assert "is not a report trustcheck wrote on this computer" in done.stderr
    assert (trustcheck_home / "report-log.json").read_bytes() == before


def test_a_report_already_replaced_cannot_be_replaced_again(tmp_path):
    made(str(form(tmp_path / "20.csv", "mentor", 20)))
    late = str(form(tmp_path / "21.csv", "mentor", 21))
    earlier = refused(late, more=4)
    made(late, "--replaces", earlier)
    done = run("report", str(form(tmp_path / "22.csv", "mentor", 22)), "--replaces", earlier)
    assert done.exit_code == 2
    assert "was already replaced by report" in done.stderr


def test_replacing_one_report_does_not_let_another_through_and_marks_nothing(tmp_path,
                                                                            trustcheck_home):
    made(str(form(tmp_path / "20.csv", "mentor", 20)))
    made(str(form(tmp_path / "25.csv", "mentor", 25)))
    first_id, second_id = (e.id for e in ReportLog.open(trustcheck_home).entries())
    before = (trustcheck_home / "report-log.json").read_bytes()
    late = str(form(tmp_path / "26.csv", "mentor", 26))
    second = refused(late, more=4)  # 26 differs from 25 by one, from 20 by six
    assert second == second_id
    done = run("report", late, "--replaces", first_id)
    assert done.exit_code == 2
    assert f"--replaces {second}" in " ".join(done.stderr.split())
    assert (trustcheck_home / "report-log.json").read_bytes() == before


def test_a_damaged_replaces_entry_is_a_damaged_log(tmp_path, trustcheck_home):
    made(str(form(tmp_path / "20.csv", "mentor", 20)))
    log = log_of(trustcheck_home)
    log["reports"][0]["replaces"] = "abc"
    (trustcheck_home / "report-log.json").write_text(json.dumps(log), encoding="utf-8")
    done = run("report", str(tmp_path / "20.csv"))
    assert done.exit_code == 1
    assert "is damaged; move it aside" in done.stderr


# --- two reports at once ------------------------------------------------------------------------

RECORDER = textwrap.dedent("""
    import sys, time
    from datetime import datetime, timezone
    from pathlib import Path

    from trustcheck.cohort import Bucket, Figure, Layout, StrategyLayout
    from trustcheck.reportlog import ReportLog

    folder, name, go, replaces = Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3]), sys.argv[4:]
    layout = Layout("mentor", "x", "1", "0" * 64, "X", (StrategyLayout("a", "A", "mentor", ()),))
    bucket = Bucket(layout)
    for n in range(10):
        bucket.add(f"{name}-{n}", [50.0], 50.0, None)
    log = ReportLog.open(folder)
    shown = log.shown([Figure("strategy:a", ((bucket, 0),))])
    print("ready", flush=True)
    while not go.exists():  # both have read the log: now record at the same time
        time.sleep(0.002)
    log.record(shown, 5, datetime.now(timezone.utc), replaces=replaces)
""")


def _record_together(tmp_path: Path, folder: Path, runs: list[list[str]], go: Path) -> None:
    released_together([[sys.executable, "-c", RECORDER, str(folder), *args[:1], str(go),
                        *args[1:]] for args in runs], go, HANG_GUARD)


def test_a_replacing_report_and_another_recorded_at_once_both_stay(tmp_path):
    folder = tmp_path / "config"
    for number in range(3):
        _record_together(tmp_path, folder, [[f"base{number}"]], tmp_path / f"go-base-{number}")
        log = ReportLog.open(folder)
        base = log.entries()[-1]
        _record_together(tmp_path, folder, [[f"new{number}", base.id], [f"other{number}"]],
                         tmp_path / f"go-{number}")
        log = ReportLog.open(folder)
        entries = log.entries()
        assert len(entries) == 3 * (number + 1), f"an entry was lost in round {number}"
        marked = next(e for e in entries if e.id == base.id)
        assert marked.replaced_by is not None
        assert sum(1 for e in entries if e.replaced_by is not None) == number + 1
    assert stat.S_IMODE((folder / "report-log.json").stat().st_mode) == 0o600


# --- the "how many more" rule -------------------------------------------------------------------

LAYOUT = Layout("mentor", "x", "1", "0" * 64, "X", (StrategyLayout("a", "A", "mentor", ()),
                                                     StrategyLayout("b", "B", "mentor", ())))
PROPERTY = settings(max_examples=150, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])
FOLDERS = itertools.count()


def figures(people: dict[str, tuple[bool, bool]]) -> list[Figure]:
    """The overall index and two strategies over `people`: name -> (skipped a, skipped b)."""
    bucket = Bucket(LAYOUT)
    for key, (skip_a, skip_b) in people.items():
        bucket.add(key, [None if skip_a else 40.0, None if skip_b else 60.0], 50.0, None)
    return [Figure("overall", ((bucket, OVERALL),)), Figure("strategy:a", ((bucket, 0),)),
            Figure("strategy:b", ((bucket, 1),))]


crowd = st.dictionaries(st.sampled_from([f"p{n}" for n in range(30)]),
                        st.sampled_from([(False, False), (True, False), (False, True)]),
                        min_size=3, max_size=30)


@st.composite
def two_crowds(draw: st.DrawFn) -> tuple[dict, dict]:
    """An earlier report's people, and today's: the same with a few edits, or anyone."""
    earlier = draw(crowd)
    if draw(st.booleans()):
        return earlier, draw(crowd)
    now = dict(earlier)
    for name in draw(st.lists(st.sampled_from(sorted(earlier)), max_size=3)):
        now.pop(name, None)  # left, or filtered out
    now |= draw(st.dictionaries(st.sampled_from([f"late{n}" for n in range(8)]),
                                st.tuples(st.booleans(), st.booleans()), max_size=4))
    if not now:
        return earlier, earlier
    for name in draw(st.lists(st.sampled_from(sorted(now)), max_size=2)):
        now[name] = (True, now[name][1])  # answered again, skipping a
    return earlier, now


@PROPERTY
@given(crowds=two_crowds(), min_group=st.integers(3, 8))
def test_adding_the_number_needed_is_allowed_and_one_fewer_is_refused(tmp_path, crowds,
                                                                      min_group):
    earlier, now = crowds
    folder = tmp_path / f"log-{next(FOLDERS)}"
    log = ReportLog.open(folder)
    log.record(log.shown(figures(earlier)), min_group, NOW)
    log = ReportLog.open(folder)
    close = list(log.close(log.shown(figures(now)), min_group))
    needed = responses_needed(close)
    conflict = log.conflict(log.shown(figures(now)), min_group)
    assert (needed == 0) == (conflict is None)
    event("refused" if needed else "allowed")
    if needed == 0:
        return

    def with_newcomers(count: int) -> Conflict | None:
        people = dict(now) | {f"new{n}": (False, False) for n in range(count)}
        return log.conflict(log.shown(figures(people)), min_group)

    assert 1 <= needed <= min_group
    assert with_newcomers(needed) is None
    assert with_newcomers(needed - 1) is not None


def test_the_rule_in_plain_numbers():
    def differs(difference: int, threshold: int = 5) -> Conflict:
        return Conflict("2026-05-01T12:00:00Z", difference, threshold, "abcd1234")

    assert responses_needed([]) == 0
    assert responses_needed([differs(1)]) == 4
    assert responses_needed([differs(3), differs(1)]) == 4  # the figure with least room
    assert responses_needed([differs(2, threshold=8)]) == 6  # an earlier, stricter report
    # A figure over new groups that covers the same people still needs the whole threshold...
    assert responses_needed([differs(1), differs(0)]) == 5
    # ...but alone it is no reason to refuse.
    assert responses_needed([differs(0)]) == 0


@pytest.mark.parametrize("name", ["2026-05-01 12:00", "2026-05-01 12:00 UTC",
                                  "2026-05-01T12:00:00Z", "2026-05-01 12:00:00"])
def test_a_report_is_found_by_its_time_as_shown_or_as_stored(tmp_path, name):
    log = ReportLog.open(tmp_path)
    log.record(log.shown(figures({f"p{n}": (False, False) for n in range(10)})), 5, NOW)
    log = ReportLog.open(tmp_path)
    assert [e.created_at for e in log.find(name)] == ["2026-05-01T12:00:00Z"]
    assert log.find("2026-05-01") == []  # a day alone is too vague to name one report
    assert log.find(log.entries()[0].id.upper()) == log.entries()


def test_a_report_in_a_log_left_in_an_older_folder_can_be_replaced_too(tmp_path):
    from test_cohort_report import gathered

    from trustcheck.errors import InputError
    from trustcheck.usecases import cohort_report

    old, new = tmp_path / "data", tmp_path / "config"
    cohort_report.record(cohort_report.make(gathered(form(tmp_path / "a.csv", "mentor", 20)),
                                            min_group=5, log_folder=old, now=NOW))
    late = form(tmp_path / "b.csv", "mentor", 21)
    with pytest.raises(InputError, match="at least 4 more people") as refusal:
        cohort_report.make(gathered(late), min_group=5, log_folder=new,
                           older_log_folders=[old], now=NOW)
    earlier = re.search(r"--replaces ([0-9a-f]{8})", refusal.value.message)[1]
    replacing = cohort_report.make(gathered(late), min_group=5, log_folder=new,
                                   older_log_folders=[old], now=NOW, replaces=[earlier])
    cohort_report.record(replacing)
    # The older log is left as it was; the new one says which report was replaced.
    assert ReportLog.open(old).entries()[0].replaced_by is None
    assert log_of(new)["reports"][0]["replaces"] == [earlier]
    cohort_report.make(gathered(late), min_group=5, log_folder=new, older_log_folders=[old],
                       now=NOW)  # the older report stays forgotten
