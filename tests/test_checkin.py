"""The check-in use case, called directly with plain values and a real history file."""

from __future__ import annotations

from datetime import timedelta

import pytest
from conftest import START, answers_file, builtin, rows_of

from trustcheck.errors import InputError
from trustcheck.paths import builtin_folder
from trustcheck.usecases import checkin

FOLDERS = [(builtin_folder(), True)]


def file_plan(history: checkin.History, path, **options) -> checkin.Plan:
    values = {"role": None, "partner": None, "cohort": None, "checklist": None, "commit": ()}
    values.update(options)
    return checkin.prepare_from_file(history, path.read_text(encoding="utf-8"), str(path),
                                     folders=FOLDERS, **values)


def check_in(history: checkin.History, path, *, when=START, id="a" * 32, **options):
    plan = file_plan(history, path, **options)
    scored = checkin.score(history, plan, plan.given, now=when, id=id)
    return plan, scored, checkin.save(history, scored.result)


def test_a_check_in_from_a_file_is_scored_saved_and_compared_with_the_last(tmp_path):
    history = checkin.History(tmp_path / "data" / "history.db")
    try:
        first_plan, first, saved = check_in(history, answers_file(tmp_path, value=3),
                                            partner="Sam")
        assert first_plan.role == "mentor" and first_plan.checklist.id == "mentor"
        assert first.change is None  # nothing to compare with yet
        assert saved.id == "a" * 32 and saved.short_id == "aaaaaaaa"
        assert saved.database == tmp_path / "data" / "history.db"
        assert rows_of(saved.database)["assessments"] == 1

        _, second, _ = check_in(history, answers_file(tmp_path, value=5), partner="Sam",
                                when=START + timedelta(days=7), id="b" * 32)
        assert second.change is not None
        assert second.result.overall > first.result.overall
        assert second.change.id == "a" * 32
        assert second.change.overall_change == pytest.approx(
            second.result.overall - first.result.overall, abs=0.05)
    finally:
        history.close()


def test_nothing_is_created_until_a_check_in_is_saved(tmp_path):
    database = tmp_path / "data" / "history.db"
    history = checkin.History(database)
    plan = file_plan(history, answers_file(tmp_path))
    checkin.score(history, plan, plan.given, now=START, id="c" * 32)
    history.close()
    assert not database.exists()


def test_the_role_of_the_file_and_of_the_command_must_agree(tmp_path):
    history = checkin.History(tmp_path / "history.db")
    with pytest.raises(InputError, match="says role 'mentor' but the command says --role "
                                         "mentee; please make them match"):
        file_plan(history, answers_file(tmp_path, "mentor"), role="mentee")


def test_a_label_too_long_is_refused_before_anything_else(tmp_path):
    history = checkin.History(tmp_path / "history.db")
    with pytest.raises(InputError, match="Please shorten the option and try again"):
        checkin.prepare(history, role="mentor", partner="x" * 10_000, cohort=None,
                        checklist=None, commit=(), no_save=False, folders=FOLDERS)


def test_without_a_role_or_checklist_the_person_is_asked_for_one(tmp_path):
    history = checkin.History(tmp_path / "history.db")
    with pytest.raises(InputError, match="--role mentor or --role mentee"):
        checkin.prepare(history, role=None, partner=None, cohort=None, checklist=None,
                        commit=(), no_save=False, folders=FOLDERS)


def test_too_few_answers_from_the_questions_are_not_scored(tmp_path):
    history = checkin.History(tmp_path / "history.db")
    plan = checkin.prepare(history, role="mentee", partner=None, cohort=None, checklist=None,
                           commit=(), no_save=False, folders=FOLDERS)
    with pytest.raises(InputError, match="^Nothing was saved: "):
        checkin.answered(plan, {item.id: None for item in plan.checklist.items}, {})


def test_commitments_picked_at_the_end_are_kept_with_the_same_result(tmp_path):
    history = checkin.History(tmp_path / "history.db")
    try:
        plan = checkin.prepare(history, role="mentor", partner="Sam", cohort=None,
                               checklist=None, commit=(), no_save=False, folders=FOLDERS)
        given = checkin.answered(plan, {item.id: 2 for item in plan.checklist.items}, {})
        scored = checkin.score(history, plan, given, now=START, id="d" * 32)
        action = scored.result.focus[0].actions[0]
        picked = checkin.recommit(plan, scored, [action.id])
        assert [c.action for c in picked.result.commitments] == [action.id]
        assert picked.result._replace(commitments=()) == scored.result
        checkin.save(history, picked.result)
        # The next check-in of the same relationship reviews it.
        later = checkin.prepare(history, role="mentor", partner="Sam", cohort=None,
                                checklist=None, commit=(), no_save=False, folders=FOLDERS)
        assert [o.commitment.action for o in later.open_commitments] == [action.id]
    finally:
        history.close()


def test_a_file_with_skipped_statements_says_how_many(tmp_path):
    path = answers_file(tmp_path)
    first = builtin("mentor").items[0].id
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(line for line in lines if not line.startswith(f"  {first}:")),
                    encoding="utf-8")
    history = checkin.History(tmp_path / "history.db")
    plan = file_plan(history, path)
    scored = checkin.score(history, plan, plan.given, now=START, id="e" * 32)
    assert scored.notes == ("1 statement had no answer in the file and count as skipped.",)


def test_a_partner_typed_in_another_case_joins_the_stored_spelling_with_one_note(tmp_path):
    history = checkin.History(tmp_path / "data" / "history.db")
    try:
        check_in(history, answers_file(tmp_path, value=3), partner="Sam")
        plan, scored, _ = check_in(history, answers_file(tmp_path, value=4), partner=" sAM ",
                                   when=START + timedelta(days=7), id="b" * 32)
        assert plan.partner == "Sam" and scored.result.partner == "Sam"
        assert scored.change is not None, "compared with the earlier check-in about Sam"
        assert [note for note in plan.notes if "Sam" in note] == [
            'Your history already has "Sam", so this check-in is kept with your earlier ones '
            "about Sam."]
        asked = checkin.prepare(history, role="mentor", partner="sam", cohort=None,
                                checklist=None, commit=(), no_save=False, folders=FOLDERS)
        assert asked.partner == "Sam" and len(asked.notes) == 1
        same = checkin.prepare(history, role="mentor", partner="Sam", cohort=None,
                               checklist=None, commit=(), no_save=False, folders=FOLDERS)
        assert same.notes == ()
    finally:
        history.close()


def test_the_usual_role_is_that_of_the_latest_check_in_with_the_partner(tmp_path):
    history = checkin.History(tmp_path / "data" / "history.db")
    try:
        assert checkin.usual_role(history, "Sam") is None  # no history yet
        check_in(history, answers_file(tmp_path, value=3), partner="Sam")
        check_in(history, answers_file(tmp_path, role="mentee", value=3), partner="Kim",
                 when=START + timedelta(days=1), id="b" * 32)
        assert checkin.usual_role(history, "sam") == "mentor"
        assert checkin.usual_role(history, "Kim") == "mentee"
        assert checkin.usual_role(history, "Alex") is None
    finally:
        history.close()
