""""Didn't come up": a statement about an event that did not happen (feedback given, a
disagreement) is neither an answer nor a skip, from the answers file to the stored result.

Every test uses the small checklist in tests/data/conditional.yaml (not the built-in ones,
whose statements change), where feedback.1, feedback.2 and follow_up.2 are conditional.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import uuid
from datetime import datetime, timezone
from pathlib import Path

import pytest
from conftest import run, write
from hypothesis import given, settings
from hypothesis import strategies as st

from trustcheck import assessment, reliability, scoring
from trustcheck import checklist as checklists
from trustcheck.cohort import Scope
from trustcheck.paths import resolve
from trustcheck.resultfiles import DIDNT_COME_UP, SKIPPED, Scorer
from trustcheck.sources import Library, collect

DATA = Path(__file__).resolve().parent / "data"
CONDITIONAL = DATA / "conditional.yaml"
NOW = datetime(2026, 5, 1, 12, 0, tzinfo=timezone.utc)
NOT_CAME_UP = "didn't come up"
STATUS = "didn't come up this time"


@pytest.fixture(scope="module")
def used() -> checklists.Checklist:
    return checklists.load(CONDITIONAL)


def installed(home: Path) -> Path:
    """The checklist copied into the person's own checklist folder, as a facilitator would."""
    folder = home / "checklists"
    folder.mkdir(parents=True, exist_ok=True)
    return Path(shutil.copy(CONDITIONAL, folder / "conditional.yaml"))


def answers_yaml(folder: Path, answers: dict[str, object], name: str = "answers.yaml",
                 partner: str = "Sam") -> Path:
    lines = ["checklist: conditional", "role: mentor", f"partner: {partner}", "answers:"]
    lines += [f"  {item}: {value}" for item, value in answers.items()]
    return write(folder, name, "\n".join(lines) + "\n")


# Feedback mostly didn't come up; the rest low, so there are focus areas and obstacles to pick.
MOSTLY_NOT = {"feedback.1": NOT_CAME_UP, "feedback.2": NOT_CAME_UP, "feedback.3": 1,
              "listen.1": 2, "listen.2": 4, "follow_up.1": 2, "follow_up.2": NOT_CAME_UP}


def stored_answers(home: Path) -> dict[str, object]:
    with sqlite3.connect(home / "history.db") as db:
        found = dict(db.execute("SELECT item_id, value FROM answers"))
    db.close()
    return found


# --- the scoring rule ----------------------------------------------------------------------------


def test_a_statement_that_didnt_come_up_neither_lowers_nor_raises_a_score(used):
    scores = scoring.score(used, {"feedback.1": NOT_CAME_UP, "feedback.2": 5, "feedback.3": 1})
    feedback = scores.get("feedback")

    assert feedback is not None
    # feedback.2 agreed fully (100) and feedback.3, reverse-keyed, disagreed fully (100).
    assert (feedback.score, feedback.answered, feedback.total, feedback.not_came_up) == \
        (100.0, 2, 3, 1)
    assert feedback.band == "strong"


def test_a_strategy_whose_statements_mostly_didnt_come_up_has_no_score_and_says_so(used):
    scores = scoring.score(used, {"feedback.1": NOT_CAME_UP, "feedback.2": NOT_CAME_UP,
                                  "feedback.3": 5, "listen.1": 4, "listen.2": 2})
    feedback = scores.get("feedback")

    assert feedback is not None
    assert (feedback.score, feedback.answered, feedback.not_came_up) == (None, 1, 2)
    assert feedback.band == STATUS
    # It is left out of the overall index, which is the mean of the others.
    assert scores.overall == scores.get("listen").score  # type: ignore[union-attr]


def test_half_of_the_statements_that_came_up_is_enough_for_a_score(used):
    # follow_up has 2 statements; 1 didn't come up (not more than half), 1 answered.
    came_up = scoring.score(used, {"follow_up.1": 4, "follow_up.2": NOT_CAME_UP})
    skipped = scoring.score(used, {"follow_up.2": NOT_CAME_UP})

    assert came_up.get("follow_up") == scoring.StrategyScore(
        "follow_up", "Follow up", "mentor", 75.0, 1, 2, 1,
        round(reliability.sem(None), 1))  # a score carries its measurement error
    assert skipped.get("follow_up").score is None  # type: ignore[union-attr]
    assert skipped.get("follow_up").band == "not enough answers"  # type: ignore[union-attr]


def test_a_strategy_that_didnt_come_up_is_never_a_focus_area_obstacle_strength_or_lowest(used):
    result = assessment.build(used, {**MOSTLY_NOT}, role="mentor", partner=None, cohort=None,
                              now=NOW, id="a" * 32)

    assert "feedback" not in [area.strategy for area in result.focus]
    assert result.focus  # the others are low, so there are focus areas
    # Its obstacle is signalled only by feedback, which has no score: nothing to flag.
    assert result.obstacles == ()
    assert result.strength is None or result.strength.strategy != "feedback"
    assert result.lowest is not None and result.lowest.id != "feedback"
    assert result.not_came_up == 3


@settings(max_examples=80, deadline=None)
@given(st.lists(st.one_of(st.none(), st.integers(1, 5), st.just(NOT_CAME_UP)),
                min_size=7, max_size=7))
def test_the_fast_scorer_of_reports_agrees_with_scoring_score(values):
    used = checklists.load(CONDITIONAL)
    # Only conditional statements can have "didn't come up"; elsewhere it becomes a skip.
    values = [None if v == NOT_CAME_UP and not item.conditional else v
              for v, item in zip(values, used.items, strict=True)]
    answers = {item.id: v for item, v in zip(used.items, values, strict=True)}
    marks = [SKIPPED if v is None else DIDNT_COME_UP if v == NOT_CAME_UP else v for v in values]

    scores, overall = Scorer(used).score(marks)
    expected = scoring.score(used, answers)  # type: ignore[arg-type]

    assert scores == [s.score for s in expected.strategies]
    assert overall == expected.overall


# --- answers files -------------------------------------------------------------------------------


@pytest.mark.parametrize("written", ["didn't come up", "Didnt come up", "did not come up",
                                     "DIDN\u2019T COME UP", "'didn''t  come up'"])
def test_an_answers_file_may_say_a_conditional_statement_didnt_come_up(
        tmp_path, trustcheck_home, written):
    installed(trustcheck_home)
    answers = answers_yaml(tmp_path, {**MOSTLY_NOT, "feedback.1": written})

    done = run("assess", "--answers", str(answers), "--format", "json")

    assert done.exit_code == 0, done.stderr
    shown = json.loads(done.stdout)
    assert shown["schema"] == "trustcheck/result/v3"
    assert shown["answers"]["feedback.1"] == NOT_CAME_UP
    feedback = next(s for s in shown["strategies"] if s["id"] == "feedback")
    assert (feedback["score"], feedback["not_came_up"], feedback["band"]) == (None, 2, STATUS)
    # What is stored is what was shown: the canonical text, never a number.
    assert stored_answers(trustcheck_home)["feedback.1"] == NOT_CAME_UP


def test_a_json_answers_file_may_say_it_too(tmp_path, trustcheck_home):
    installed(trustcheck_home)
    path = tmp_path / "answers.json"
    path.write_text(json.dumps({"checklist": "conditional", "role": "mentor",
                                "answers": MOSTLY_NOT}), encoding="utf-8")

    done = run("assess", "--answers", str(path), "--format", "json", "--no-save")

    assert done.exit_code == 0, done.stderr
    assert json.loads(done.stdout)["answers"]["feedback.2"] == NOT_CAME_UP


def test_didnt_come_up_for_a_statement_that_is_not_about_an_event_is_refused_with_its_line(
        tmp_path, trustcheck_home):
    installed(trustcheck_home)
    answers = answers_yaml(tmp_path, {**MOSTLY_NOT, "listen.1": NOT_CAME_UP})

    done = run("assess", "--answers", str(answers))

    assert done.exit_code == 2
    assert f"{answers}, line 8:" in done.stderr  # listen.1 is on line 8 of the file
    assert "the answer to 'listen.1' is 'didn't come up', but this statement is not about " \
           "something that may not have happened" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (trustcheck_home / "history.db").exists()


def test_a_wrong_value_for_a_conditional_statement_names_didnt_come_up_as_a_choice(
        tmp_path, trustcheck_home):
    installed(trustcheck_home)
    answers = answers_yaml(tmp_path, {**MOSTLY_NOT, "feedback.1": "never"})

    done = run("assess", "--answers", str(answers))

    assert done.exit_code == 2
    assert "use a whole number from 1 to 5, skip, or didn't come up." in done.stderr


def test_enough_answers_counts_only_the_statements_that_came_up(tmp_path, trustcheck_home):
    installed(trustcheck_home)
    # 3 of 7 didn't come up; 2 of the 4 that came up are answered: enough.
    came_up = {"feedback.1": NOT_CAME_UP, "feedback.2": NOT_CAME_UP, "feedback.3": "skip",
               "listen.1": 4, "listen.2": 2, "follow_up.1": "skip",
               "follow_up.2": NOT_CAME_UP}
    # The same two answers with the rest skipped: 2 of 7 is not enough.
    skipped = {key: ("skip" if value == NOT_CAME_UP else value) for key, value in came_up.items()}

    enough = run("assess", "--answers", str(answers_yaml(tmp_path, came_up, "a.yaml")),
                 "--format", "json", "--no-save")
    too_few = run("assess", "--answers", str(answers_yaml(tmp_path, skipped, "b.yaml")),
                  "--no-save")

    assert enough.exit_code == 0, enough.stderr
    assert json.loads(enough.stdout)["overall"] == 75.0
    assert too_few.exit_code == 2
    assert "only 2 of 7 statements have an answer; please answer at least 4" in too_few.stderr


def test_when_nothing_that_came_up_is_answered_there_is_no_result(tmp_path, trustcheck_home):
    installed(trustcheck_home)
    answers = answers_yaml(tmp_path, {"feedback.1": NOT_CAME_UP, "feedback.2": NOT_CAME_UP,
                                      "follow_up.2": NOT_CAME_UP})

    done = run("assess", "--answers", str(answers))

    assert done.exit_code == 2
    assert "only 0 of 4 statements that came up have an answer; please answer at least 2" \
        in done.stderr


def test_the_template_offers_didnt_come_up_only_beside_conditional_statements(trustcheck_home):
    installed(trustcheck_home)
    done = run("template", "--checklist", "conditional")

    assert done.exit_code == 0, done.stderr
    marked = {line.split(":")[0].strip() for line in done.stdout.splitlines()
              if line.startswith("  ") and "(or: didn't come up)" in line}
    assert marked == {"feedback.1", "feedback.2", "follow_up.2"}
    assert "write didn't come up" in done.stdout


# --- what people see -----------------------------------------------------------------------------


def test_the_results_screen_and_history_show_say_didnt_come_up_this_time(
        tmp_path, trustcheck_home):
    installed(trustcheck_home)
    answers = answers_yaml(tmp_path, MOSTLY_NOT)

    taken = run("assess", "--answers", str(answers))
    shown = run("history", "show", "last")

    assert taken.exit_code == 0, taken.stderr
    assert shown.exit_code == 0, shown.stderr
    for screen in (taken.stdout, shown.stdout):
        feedback_row = next(line for line in screen.splitlines()
                            if line.startswith("Give feedback well"))
        assert STATUS in feedback_row and "not enough answers" not in feedback_row
        assert "3 statements didn't come up this time; they count neither for nor against a " \
               "score." in " ".join(screen.split())
    # history show lists the answers too, in the person's words.
    assert "feedback.1: didn't come up" in shown.stdout
    assert "feedback.3: 1" in shown.stdout


def test_focus_never_lists_a_strategy_that_didnt_come_up_as_a_drop(tmp_path, trustcheck_home):
    installed(trustcheck_home)
    # Last time feedback was strong; this time most of it didn't come up.
    before = {**MOSTLY_NOT, "feedback.1": 5, "feedback.2": 5}
    first = run("assess", "--answers", str(answers_yaml(tmp_path, before, "1.yaml")))
    assert first.exit_code == 0, first.stderr
    second = run("assess", "--answers", str(answers_yaml(tmp_path, MOSTLY_NOT, "2.yaml")),
                 "--format", "json")
    assert second.exit_code == 0, second.stderr

    compared = json.loads(second.stdout)["compared_to"]
    plan = run("focus", "--partner", "Sam", "--format", "json")

    assert compared["strategies"]["feedback"] is None  # no change to show, not a drop
    assert plan.exit_code == 0, plan.stderr
    listed = json.dumps(json.loads(plan.stdout))
    assert '"feedback"' not in listed


# --- stored results ------------------------------------------------------------------------------


def result_with_not_came_up(used: checklists.Checklist) -> dict:
    built = assessment.build(used, dict(MOSTLY_NOT), role="mentor", partner="Sam", cohort=None,
                             now=NOW, id=uuid.uuid4().hex)
    return assessment.to_dict(built)


def test_a_v3_result_reads_back_exactly(used):
    data = result_with_not_came_up(used)

    read = assessment.from_dict(data)

    assert assessment.to_dict(read) == data
    assert read.answers["feedback.1"] == NOT_CAME_UP
    assert read.strategies[0].not_came_up == 2


def test_a_v2_result_reads_with_no_statement_that_didnt_come_up(used):
    data = result_with_not_came_up(used)
    answers = {key: (None if value == NOT_CAME_UP else value)
               for key, value in data["answers"].items()}
    older = data | {"schema": "trustcheck/result/v2", "answers": answers}
    del older["overall_sem"]
    older["strategies"] = [{k: v for k, v in s.items() if k not in ("not_came_up", "sem")}
                           for s in data["strategies"]]

    read = assessment.from_dict(older)

    assert [s.not_came_up for s in read.strategies] == [0, 0, 0]
    assert read.overall_sem is None and all(s.sem is None for s in read.strategies)
    assert assessment.to_dict(read)["schema"] == "trustcheck/result/v3"


def test_a_v3_result_with_didnt_come_up_imports_into_another_history(
        tmp_path, trustcheck_home, monkeypatch):
    installed(trustcheck_home)
    taken = run("assess", "--answers", str(answers_yaml(tmp_path, MOSTLY_NOT)))
    assert taken.exit_code == 0, taken.stderr
    exported = run("history", "export", "-o", str(tmp_path / "mine.json"))
    assert exported.exit_code == 0, exported.stderr

    elsewhere = tmp_path / "elsewhere"
    monkeypatch.setenv("TRUSTCHECK_HOME", str(elsewhere))
    installed(elsewhere)
    imported = run("history", "import", str(tmp_path / "mine.json"))

    assert imported.exit_code == 0, imported.stderr
    assert "1 added" in imported.stderr
    shown = json.loads(run("history", "show", "last", "--format", "json").stdout)
    assert shown == json.loads((tmp_path / "mine.json").read_text(encoding="utf-8"))[0]
    assert stored_answers(elsewhere)["follow_up.2"] == NOT_CAME_UP


def test_a_v2_result_file_still_imports(tmp_path, trustcheck_home):
    # Written by `history export` of the code before result v3 (tests/data/README.md).
    imported = run("history", "import", str(DATA / "result-v2.json"))

    assert imported.exit_code == 0, imported.stderr
    assert "1 added" in imported.stderr
    shown = json.loads(run("history", "show", "last", "--format", "json").stdout)
    original = json.loads((DATA / "result-v2.json").read_text(encoding="utf-8"))[0]
    assert shown["schema"] == "trustcheck/result/v3"
    assert (shown["id"], shown["answers"], shown["overall"]) == \
        (original["id"], original["answers"], original["overall"])
    assert all(s["not_came_up"] == 0 for s in shown["strategies"])


@pytest.mark.parametrize(("change", "reason"), [
    (lambda data: data["answers"].update({"listen.1": NOT_CAME_UP}),
     "it says a statement didn't come up that is not about an event that may not happen"),
    (lambda data: data["answers"].update({"feedback.3": NOT_CAME_UP}),
     "it says a statement didn't come up that is not about an event that may not happen"),
    (lambda data: data["answers"].update({"feedback.1": "did not come up"}),
     "an answer is not a whole number from 1 to 5."),
    (lambda data: data["strategies"][0].update({"not_came_up": -1}),
     "a strategy score that is not a number from 0 to 100"),
    (lambda data: data["strategies"][0].update({"not_came_up": "2"}),
     "a count of statements that didn't come up that is not a whole number"),
])
def test_a_hand_edited_didnt_come_up_is_refused_on_import(
        tmp_path, trustcheck_home, used, change, reason):
    installed(trustcheck_home)
    data = result_with_not_came_up(used)
    change(data)
    path = tmp_path / "edited.json"
    path.write_text(json.dumps([data]), encoding="utf-8")

    imported = run("history", "import", str(path))

    assert imported.exit_code == 2
    assert reason in " ".join(imported.stderr.split())
    assert not (trustcheck_home / "history.db").exists() or \
        run("history", "--format", "json").stdout.strip() == "[]"


# --- CSV forms for a report ----------------------------------------------------------------------


def csv_form(rows: list[list[str]]) -> str:
    used = checklists.load(CONDITIONAL)
    header = ["role", "partner", "cohort", *(item.id for item in used.items)]
    return "\n".join(",".join(row) for row in [header, *rows]) + "\n"


def test_a_csv_form_cell_may_say_didnt_come_up(tmp_path, trustcheck_home):
    installed(trustcheck_home)
    path = tmp_path / "form.csv"
    row = ["mentor", "Sam", "spring", "Didn\u2019t come up", "did not come up", "1", "2", "4",
           "2", "didnt come up"]
    path.write_text(csv_form([row]), encoding="utf-8")

    collected = collect([str(path)], Scope(), Library(resolve(None, os.environ)
                                                      .checklist_folders()))

    assert collected.problems == []
    bucket = collected.buckets[0]
    expected = scoring.score(checklists.load(CONDITIONAL), dict(MOSTLY_NOT))
    assert [column[0] for column in bucket.scores][1:] == \
        [s.score for s in expected.strategies][1:]
    assert str(bucket.scores[0][0]) == "nan"  # feedback: no score, as in the result
    # No answer to count or correlate: kept as not answered.
    assert list(bucket.answers[:3]) == [SKIPPED, SKIPPED, 1]


def test_a_csv_row_saying_a_habit_didnt_come_up_is_left_out_with_its_line(
        tmp_path, trustcheck_home):
    installed(trustcheck_home)
    path = tmp_path / "form.csv"
    good = ["mentor", "Sam", "spring", "4", "4", "2", "4", "2", "4", "4"]
    bad = ["mentor", "Ann", "spring", "4", "4", "2", "didn't come up", "2", "4", "4"]
    path.write_text(csv_form([good, bad]), encoding="utf-8")

    collected = collect([str(path)], Scope(), Library(resolve(None, os.environ)
                                                      .checklist_folders()))

    assert collected.used == 1 and collected.left_out == 1
    [problem] = collected.problems
    assert problem.line == 3
    assert "'listen.1' is \"didn't come up\", but that statement is not about something that " \
           "may not have happened" in problem.message
