"""The cohort report use case, called directly: no caller can skip the privacy rules."""

from __future__ import annotations

import stat
from datetime import datetime, timezone
from pathlib import Path

import pytest
from conftest import run
from test_report import form

from trustcheck import cohort
from trustcheck.cohort import Intake, Scope
from trustcheck.errors import InputError
from trustcheck.paths import builtin_folder
from trustcheck.usecases import cohort_report

NOW = datetime(2026, 5, 1, 12, 0, tzinfo=timezone.utc)
FOLDERS = [(builtin_folder(), True)]


def gathered(*paths: Path, min_group: int = 5) -> cohort_report.Gathered:
    return cohort_report.gather([str(p) for p in paths], Scope(), checklist_folders=FOLDERS,
                                database=Path("/nonexistent/history.db"), strict=False,
                                min_group=min_group)


@pytest.mark.parametrize("too_small", [-1, 0, 1, 2])
def test_cohort_build_refuses_a_minimum_group_below_three(tmp_path, too_small):
    buckets = gathered(form(tmp_path / "m.csv", "mentor", 6)).collected.buckets
    with pytest.raises(InputError, match="--min-group must be at least 3, because smaller "
                                         "groups would let people recognise"):
        cohort.build(buckets, min_group=too_small, scope=Scope(), intake=Intake(), now=NOW)
    with pytest.raises(InputError, match="--min-group must be at least 3"):
        gathered(tmp_path / "m.csv", min_group=too_small)


def test_three_is_the_smallest_group_the_core_builds(tmp_path):
    buckets = gathered(form(tmp_path / "m.csv", "mentor", 3)).collected.buckets
    built = cohort.build(buckets, min_group=3, scope=Scope(), intake=Intake(), now=NOW)
    assert built.document["min_group"] == 3 and built.document["responses"] == 3


def test_the_use_case_refuses_a_report_that_differs_by_one_person(tmp_path):
    logs = tmp_path / "config"
    first = cohort_report.make(gathered(form(tmp_path / "a.csv", "mentor", 20)), min_group=5,
                               log_folder=logs, now=NOW)
    assert first.document["responses"] == 20
    cohort_report.record(first)
    assert stat.S_IMODE((logs / "report-log.json").stat().st_mode) == 0o600
    assert stat.S_IMODE(logs.stat().st_mode) == 0o700
    with pytest.raises(InputError, match="by only 1 person, fewer than 5, so the two together "
                                         "could reveal that person's answers; nothing was "
                                         "reported"):
        cohort_report.make(gathered(form(tmp_path / "b.csv", "mentor", 21)), min_group=5,
                           log_folder=logs, now=NOW)
    # The same people again are fine, and so are five more.
    cohort_report.make(gathered(tmp_path / "a.csv"), min_group=5, log_folder=logs, now=NOW)
    cohort_report.make(gathered(form(tmp_path / "c.csv", "mentor", 25)), min_group=5,
                       log_folder=logs, now=NOW)


def test_a_log_left_in_an_older_folder_is_still_read(tmp_path):
    old, new = tmp_path / "data", tmp_path / "config"
    shown = cohort_report.make(gathered(form(tmp_path / "a.csv", "mentor", 20)), min_group=5,
                               log_folder=old, now=NOW)
    cohort_report.record(shown)
    with pytest.raises(InputError, match="by only 1 person"):
        cohort_report.make(gathered(form(tmp_path / "b.csv", "mentor", 19)), min_group=5,
                           log_folder=new, older_log_folders=[old], now=NOW)


def test_reports_made_with_different_data_folders_share_one_log(tmp_path, trustcheck_home):
    first = form(tmp_path / "first.csv", "mentor", 20)
    second = form(tmp_path / "second.csv", "mentor", 21)
    done = run("--data-dir", str(tmp_path / "workshop-1"), "report", str(first))
    assert done.exit_code == 0, done.stderr
    done = run("--data-dir", str(tmp_path / "workshop-2"), "report", str(second))
    assert done.exit_code == 2
    assert done.stdout == ""
    assert "by only 1 person, fewer than 5" in done.stderr
    assert (trustcheck_home / "report-log.json").exists()
    assert not (tmp_path / "workshop-1" / "report-log.json").exists()


def test_a_log_in_a_data_folder_from_before_is_still_honoured(tmp_path, monkeypatch):
    workshop = tmp_path / "workshop"
    monkeypatch.setenv("TRUSTCHECK_HOME", str(workshop))  # as before: the log lands there
    assert run("report", str(form(tmp_path / "first.csv", "mentor", 20))).exit_code == 0
    assert (workshop / "report-log.json").exists()
    monkeypatch.setenv("TRUSTCHECK_HOME", str(tmp_path / "elsewhere"))
    done = run("--data-dir", str(workshop), "report",
               str(form(tmp_path / "second.csv", "mentor", 19)))
    assert done.exit_code == 2
    assert "by only 1 person" in done.stderr


def test_every_format_shows_each_strategys_sem_and_says_which_reliability_it_comes_from(
        tmp_path):
    mentors = form(tmp_path / "m.csv", "mentor", 12)
    mentees = form(tmp_path / "e.csv", "mentee", range(100, 112))
    text = run("report", str(mentors), str(mentees), "--min-group", "5")
    assert text.exit_code == 0, text.stderr
    flat = " ".join(text.stdout.split())
    assert "SEM" in text.stdout and "± " in text.stdout
    # 12 responses are too few for the cohort's own alpha (30): the checklist's or the default.
    assert "± is one standard error of measurement" in flat
    assert "this cohort's own alpha" not in flat
    assert ("the reliability the checklist states" in flat
            or "the default reliability of 0.70 for every strategy" in flat)
    assert "differs when it is larger than 1.96" in flat.replace('"', "")
    markdown = run("report", str(mentors), str(mentees), "--format", "markdown")
    assert "| SEM |" in markdown.stdout and "More than chance?" in markdown.stdout
    page = run("report", str(mentors), str(mentees), "--format", "html")
    assert "<th class=\"num\">SEM</th>" in page.stdout and "± " in page.stdout
