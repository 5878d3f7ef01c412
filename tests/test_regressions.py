"""Bugs found in review, one test each: what a person saw before each fix, and sees now."""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import sys
import textwrap
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from conftest import released_together
from typer.testing import CliRunner

from trustcheck import assessment
from trustcheck import checklist as checklists
from trustcheck.cli.app import app
from trustcheck.dates import parse_range
from trustcheck.errors import InputError
from trustcheck.paths import builtin_folder
from trustcheck.store import Store

NOW = datetime(2026, 5, 1, 12, 0, tzinfo=timezone.utc)
HANG_GUARD = 60  # seconds: only so that a regression fails instead of hanging the suite


# --- helpers ---------------------------------------------------------------------------------


def run(*args: str, input: str | None = None):
    """Run trustcheck in this process; stdout and stderr are kept apart."""
    return CliRunner().invoke(app, list(args), input=input)


def run_process(*args: str) -> subprocess.CompletedProcess:
    """Run trustcheck as a real process (for what could hang), with this test's data folder."""
    return subprocess.run([sys.executable, "-m", "trustcheck", *args], capture_output=True,
                          text=True, timeout=HANG_GUARD, stdin=subprocess.DEVNULL)


def builtin(role: str) -> checklists.Checklist:
    return checklists.load(builtin_folder() / f"{role}.yaml")


def made(role: str = "mentor", *, person: int = 0, at: datetime = NOW,
         partner: str | None = "Sam", id: str | None = None) -> assessment.Assessment:
    """An assessment whose answers differ from person to person, the same on every run."""
    used = builtin(role)
    answers = {item.id: 1 + (person * 7 + sum(map(ord, item.id))) % 5 for item in used.items}
    return assessment.build(used, answers, role=role, partner=partner, cohort="spring",
                            now=at, id=id or uuid.uuid4().hex)


def result(role: str = "mentor", **kwargs: object) -> dict:
    """A result object as `assess --format json` prints it."""
    return assessment.to_dict(made(role, **kwargs))


def write_json(path: Path, data: object) -> Path:
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def problem_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("  - ")]


# --- 1. dates --------------------------------------------------------------------------------


def test_since_three_thousand_years_ago_is_refused_in_a_sentence_instead_of_hanging():
    done = run_process("history", "--since", "3000y")

    assert done.returncode == 2
    assert done.stdout == ""
    assert "--since '3000y' reaches back more than 100 years" in done.stderr
    assert "100y" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.parametrize(("since", "until", "offset"), [
    (None, "9999-12-31", -5),   # the last day, west of UTC: its end is in the year 10000
    ("0001-01-01", None, +5),   # the first day, east of UTC: its start is in the year 0
])
def test_a_date_at_the_edge_of_the_calendar_in_a_local_time_zone_is_a_plain_input_error(
        since, until, offset):
    local = timezone(timedelta(hours=offset))

    with pytest.raises(InputError) as raised:
        parse_range(since, until, now=NOW, local=local)

    option, text = ("--since", since) if since else ("--until", until)
    assert raised.value.exit_code == 2
    assert raised.value.message.startswith(f"{option} '{text}' is outside the dates trustcheck "
                                           "can handle; please use a date between")


# --- 2. checklist ids from data are never paths ----------------------------------------------


def test_a_result_naming_a_fifo_as_its_checklist_is_left_out_of_a_report_not_opened(tmp_path):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)  # opening it for reading would wait for ever for a writer
    rows = [result("mentor", person=n) for n in range(6)]
    rows[2]["checklist"]["id"] = str(fifo)
    results = write_json(tmp_path / "results.json", rows)

    report = run_process("report", str(results), "--format", "json")

    assert report.returncode == 0, report.stderr
    counted = json.loads(report.stdout)
    assert (counted["responses"], counted["left_out"]) == (5, 1)
    left_out = problem_lines(report.stderr)
    assert len(left_out) == 1
    assert left_out[0].startswith(f"  - {results}, line ")
    assert "has an id that is not a checklist id" in left_out[0]

    imported = run_process("history", "import", str(results))
    assert imported.returncode == 2
    assert "record 3" in imported.stderr and "has an id that is not a checklist id" in (
        imported.stderr)
    assert "record 1" not in imported.stderr
    assert not (Path(os.environ["TRUSTCHECK_HOME"]) / "history.db").exists()

    mine = write_json(tmp_path / "mine.json", rows[2])
    theirs = write_json(tmp_path / "theirs.json", result("mentee", person=9))
    compared = run_process("compare", str(mine), str(theirs))
    assert compared.returncode == 2
    assert "has an id that is not a checklist id" in compared.stderr


# --- 3. one validator for result objects -----------------------------------------------------


def test_a_score_edited_into_text_is_refused_by_compare_import_and_report(tmp_path):
    mentor, mentee = result("mentor"), result("mentee", person=1)
    mentor["strategies"][0]["score"] = "50"
    edited = write_json(tmp_path / "mentor.json", mentor)
    partner = write_json(tmp_path / "mentee.json", mentee)

    compared = run("compare", str(edited), str(partner))
    assert compared.exit_code == 2
    assert compared.stdout == ""
    assert "unexpected problem" not in compared.stderr
    assert f"{edited} has values trustcheck cannot use" in compared.stderr
    from trustcheck.resultfiles import Library, validate

    reason = "a strategy score is not a number from 0 to 100."  # the one validator's words
    assert validate(mentor, Library([(builtin_folder(), True)])).problem == reason
    assert f"{edited}, line 1: {reason}" in compared.stderr

    imported = run("history", "import", str(edited))
    assert imported.exit_code == 2
    assert f"{edited}, line 1: {reason}" in imported.stderr

    cohort = [result("mentor", person=n) for n in range(5)] + [mentor]
    listed = write_json(tmp_path / "cohort.json", cohort)
    report = run("report", str(listed), "--format", "json")
    assert report.exit_code == 0, report.stderr
    counted = json.loads(report.stdout)
    assert (counted["responses"], counted["left_out"]) == (5, 1)
    assert [line for line in problem_lines(report.stderr) if line.endswith(reason)]

    # Scores only (answers left out, as shared with a partner) are still fine to compare.
    for shared, data in ((edited, result("mentor")), (partner, mentee)):
        write_json(shared, {**data, "answers": {}, "partner": None, "cohort": None})
    assert run("compare", str(edited), str(partner)).exit_code == 0


# --- 4. an empty id ----------------------------------------------------------------------------


def test_an_empty_or_blank_id_picks_no_assessment(trustcheck_home):
    with Store.open(trustcheck_home / "history.db") as history:
        history.save(made("mentor"))

    for reference in ("", "   "):
        shown = run("history", "show", reference)
        exported = run("history", "export", "--id", reference)

        for done in (shown, exported):
            assert done.exit_code == 2
            assert done.stdout == ""
            assert "Please give a check-in id" in done.stderr
            assert "`trustcheck history`" in done.stderr


# --- 5. checklist versions -------------------------------------------------------------------


def test_a_decimal_checklist_version_asks_to_be_quoted(tmp_path):
    text = (builtin_folder() / "mentor.yaml").read_text(encoding="utf-8")
    for name in ("shared.yaml",):
        (tmp_path / name).write_text((builtin_folder() / name).read_text(encoding="utf-8"),
                                     encoding="utf-8")
    mine = tmp_path / "mentor.yaml"
    mine.write_text(re.sub(r"\nversion: \d+\n", "\nversion: 1.10\n", text, count=1),
                    encoding="utf-8")
    line = mine.read_text(encoding="utf-8").splitlines().index("version: 1.10") + 1

    done = run("checklists", "validate", str(mine))

    assert done.exit_code == 2
    assert f"{mine}, line {line}: the version 1.1 is read as a decimal number" in done.stderr
    assert 'please write it in quotes (version: "1.10") or as a whole number' in done.stderr

    mine.write_text(re.sub(r"\nversion: \d+\n", '\nversion: "1.10"\n', text, count=1),
                    encoding="utf-8")
    assert run("checklists", "validate", str(mine)).exit_code == 0
    assert checklists.load(mine).version == "1.10"


# --- 6. shared parts with any id ---------------------------------------------------------------


def test_compare_works_with_a_shared_part_whose_id_is_not_shared(tmp_path, trustcheck_home):
    folder = trustcheck_home / "checklists"
    folder.mkdir(parents=True)
    part = (builtin_folder() / "shared.yaml").read_text(encoding="utf-8")
    (folder / "common.yaml").write_text(part.replace("\nid: shared\n", "\nid: common\n", 1),
                                        encoding="utf-8")
    for role in ("mentor", "mentee"):
        text = (builtin_folder() / f"{role}.yaml").read_text(encoding="utf-8")
        text = text.replace(f"\nid: {role}\n", f"\nid: team-{role}\n", 1)
        text = text.replace("  - shared.yaml\n", "  - common.yaml\n", 1)
        (folder / f"team-{role}.yaml").write_text(text, encoding="utf-8")
    saved = {}
    for role, level in (("mentor", 5), ("mentee", 2)):
        used = checklists.load(folder / f"team-{role}.yaml")
        answers = write_json(tmp_path / f"{role}.json", {"role": role, "answers": {
            item.id: (6 - level if item.reverse else level) for item in used.items}})
        done = run("assess", "--checklist", f"team-{role}", "--answers", str(answers),
                   "--format", "json")
        assert done.exit_code == 0, done.stderr
        saved[role] = write_json(tmp_path / f"{role}-result.json", json.loads(done.stdout))

    compared = run("compare", str(saved["mentor"]), str(saved["mentee"]), "--format", "json")

    assert compared.exit_code == 0, compared.stderr
    found = json.loads(compared.stdout)
    shared = {gap["strategy"] for gap in found["shared"]}
    assert shared == {s.id for s in builtin("mentor").strategies if s.group == "shared"}
    assert all(gap["gap"] == 75.0 and gap["flagged"] for gap in found["shared"])


# --- 7. the log of earlier reports -----------------------------------------------------------

RECORDER = textwrap.dedent("""
    import sys, time
    from datetime import datetime, timezone
    from pathlib import Path

    from trustcheck.cohort import Bucket, Figure, Layout, StrategyLayout
    from trustcheck.reportlog import ReportLog

    folder, name, go = Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3])
    layout = Layout("mentor", "x", "1", "0" * 64, "X", (StrategyLayout("a", "A", "mentor", ()),))
    bucket = Bucket(layout)
    for n in range(10):
        bucket.add(f"{name}-{n}", [50.0], 50.0, None)
    log = ReportLog.open(folder)
    shown = log.shown([Figure("strategy:a", ((bucket, 0),))])
    assert log.conflict(shown, 5) is None
    print("ready", flush=True)
    while not go.exists():  # both have read the log: now record at the same time
        time.sleep(0.002)
    log.record(shown, 5, datetime.now(timezone.utc))
""")


def test_two_reports_recorded_at_once_both_stay_in_the_log(tmp_path):
    folder = tmp_path / "data"
    rounds = 3
    for number in range(rounds):
        go = tmp_path / f"go-{number}"
        released_together([[sys.executable, "-c", RECORDER, str(folder),
                            f"round{number}-{side}", str(go)] for side in ("a", "b")],
                           go, HANG_GUARD)

        log = json.loads((folder / "report-log.json").read_text(encoding="utf-8"))
        assert len(log["reports"]) == 2 * (number + 1), f"an entry was lost in round {number}"

    assert stat.S_IMODE((folder / "report-log.json").stat().st_mode) == 0o600
    assert stat.S_IMODE((folder / "report-log.json.lock").stat().st_mode) == 0o600


# --- 8. check-ins saved in the same second ---------------------------------------------------


def test_two_check_ins_in_the_same_second_are_compared_with_each_other(tmp_path,
                                                                        trustcheck_home,
                                                                        monkeypatch):
    first = made("mentor", person=0, at=NOW, id="a" * 32)
    with Store.open(trustcheck_home / "history.db") as history:
        history.save(first)

    class SameSecond(datetime):
        @classmethod
        def now(cls, tz=None):
            return NOW.replace(microsecond=400_000)

    monkeypatch.setattr("trustcheck.cli.assess.datetime", SameSecond)
    used = builtin("mentor")
    answers = write_json(tmp_path / "answers.json", {"role": "mentor", "partner": "Sam",
                                                      "answers": {i.id: 5 for i in used.items}})

    assessed = run("assess", "--answers", str(answers), "--format", "json")

    assert assessed.exit_code == 0, assessed.stderr
    second = json.loads(assessed.stdout)
    assert second["created_at"] == assessment.iso(first.created_at)  # the very same second
    assert second["compared_to"] is not None
    assert second["compared_to"]["id"] == first.id

    focused = run("focus", "--format", "json")

    assert focused.exit_code == 0, focused.stderr
    plan = json.loads(focused.stdout)
    assert plan["latest"]["id"] == second["id"]
    assert plan["previous"]["id"] == first.id
    assert plan["overall_change"] == round(second["overall"] - first.overall, 1)
