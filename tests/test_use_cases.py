"""The use cases behind focus, commitments, trends and compare: plain values in, records out,
read from a real history file."""

from __future__ import annotations

import pytest
from conftest import answers_file, run

from trustcheck.errors import InputError
from trustcheck.paths import builtin_folder
from trustcheck.records import Filters
from trustcheck.usecases import compare_results, focusplan, history_trends

FOLDERS = [(builtin_folder(), True)]


def saved(tmp_path, *args: str, role: str = "mentor", value: int = 4) -> None:
    answers = answers_file(tmp_path, role=role, value=value)
    done = run("assess", "--answers", str(answers), *args)
    assert done.exit_code == 0, done.stderr


def test_with_no_history_there_is_no_plan_no_commitment_and_no_trend(tmp_path):
    database = tmp_path / "never-made.db"
    assert focusplan.plan_for(database, role=None, partner=None, any_partner=True,
                              checklist_folders=FOLDERS) is None
    assert focusplan.commitments(database, role=None, partner=None,
                                 any_partner=True).groups == []
    assert history_trends.for_history(database, Filters()) == []
    assert not database.exists()  # reading never creates the history


def test_the_focus_plan_is_for_the_one_relationship_meant(tmp_path, trustcheck_home):
    saved(tmp_path, "--partner", "Sam", value=2)
    saved(tmp_path, "--partner", "Sam", "--commit", "transparency.share-reasoning", value=4)
    saved(tmp_path, "--partner", "Ada")
    database = trustcheck_home / "history.db"
    with pytest.raises(InputError) as several:
        focusplan.plan_for(database, role=None, partner=None, any_partner=True,
                           checklist_folders=FOLDERS)
    assert sorted(p.message for p in several.value.problems) == [
        "mentor with Ada: trustcheck focus --partner Ada",
        "mentor with Sam: trustcheck focus --partner Sam"]
    plan = focusplan.plan_for(database, role="mentor", partner="Sam", any_partner=False,
                              checklist_folders=FOLDERS)
    assert plan is not None and plan.latest.partner == "Sam" and plan.previous is not None
    assert [o.commitment.action for o in plan.open_commitments] == [
        "transparency.share-reasoning"]
    listing = focusplan.commitments(database, role=None, partner="Ada", any_partner=False)
    assert listing.groups == []  # Sam's commitment is not Ada's


def test_trends_come_per_relationship_and_narrow_to_one_strategy(tmp_path, trustcheck_home):
    for value in (2, 3, 4):
        saved(tmp_path, "--partner", "Sam", value=value)
    saved(tmp_path, "--partner", "Kim", role="mentee")
    database = trustcheck_home / "history.db"
    found = history_trends.for_history(database, Filters())
    assert sorted((t.role, t.partner, t.assessments) for t in found) == [
        ("mentee", "Kim", 1), ("mentor", "Sam", 3)]
    narrowed = history_trends.for_history(database, Filters(role="mentor"),
                                          strategy="transparency")
    assert [sorted(r.strategy for r in t.rows) for t in narrowed] == [
        ["overall", "transparency"]]


def test_compare_reads_a_file_and_a_saved_id_alike(tmp_path, trustcheck_home):
    saved(tmp_path, "--partner", "Sam", role="mentee")
    exported = run("history", "export", "--id", "last", "--format", "json")
    mentee_file = tmp_path / "mentee.json"
    mentee_file.write_text(exported.stdout, encoding="utf-8")
    saved(tmp_path, "--partner", "Sam")
    found = compare_results.compare_references("last", str(mentee_file),
                                               database=trustcheck_home / "history.db",
                                               checklist_folders=FOLDERS)
    assert (found.a.role, found.b.role) == ("mentor", "mentee")
    assert found.stated == (None, None)
    with pytest.raises(InputError, match="There is no file at missing.json"):
        compare_results.compare_references("last", "missing.json",
                                           database=trustcheck_home / "history.db",
                                           checklist_folders=FOLDERS)
