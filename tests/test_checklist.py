"""Checklists: loading them, listing every problem in a broken one, `trustcheck checklists`."""

from __future__ import annotations

import json
import re
import shutil
from functools import partial
from pathlib import Path

import pytest
from conftest import answers_file, rows, write
from conftest import run as run_in_process

from trustcheck import checklist

REPO = Path(__file__).resolve().parents[1]
SHIPPED = REPO / "checklists"


# --- helpers ----------------------------------------------------------------------------------

run = partial(run_in_process, catch_exceptions=False)  # an exception escapes with its traceback


def problems_of(path: Path) -> list[str]:
    """The problems `trustcheck checklists validate PATH` lists (it must fail with exit 2)."""
    result = run("checklists", "validate", str(path))
    assert result.exit_code == 2, result.stderr
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines[0].startswith(f"{path}: ") and "problem" in lines[0]
    listed = [line[4:] for line in lines[1:] if line.startswith("  - ")]
    assert len(listed) == len(lines) - 1, "every problem should be on its own '  - ' line"
    return listed


def problem_at(problems: list[str], path: Path, line: int, *words: str) -> str:
    """The one problem reported at `path, line N` that contains all the given words."""
    prefix = f"{path}, line {line}: "
    matching = [p for p in problems if p.startswith(prefix) and all(w in p for w in words)]
    assert matching, f"no problem at line {line} with {words} in:\n" + "\n".join(problems)
    return matching[0]


CUSTOM = """
    # A small checklist of our own, with a four-point scale.
    id: custom
    version: 2
    title: Our workshop check
    role: mentor
    scale:
      low: 1
      high: 4
      labels: [Never, Sometimes, Often, Always]
      skip: Does not apply
    strategies:
      - id: listen
        title: Listen well
        why: People trust those who hear them out.
        items:
          - id: listen.1
            text: I let my mentee finish before I answer.
          - id: listen.2
            text: I check my phone while my mentee talks.
            reverse: true
        actions:
          - id: listen.summarise
            text: Summarise what you heard at the end of each meeting.
      - id: follow_up
        title: Follow up
        items:
          - id: follow_up.1
            text: I do what I said I would do.
          - id: follow_up.2
            text: I forget what we agreed.
            reverse: true
    obstacles:
      - id: rushing
        title: Rushing
        signals: [listen]
        remedy: Slow down and ask one more question.
"""

BEST_ANSWERS = """
    checklist: custom
    role: mentor
    answers:
      listen.1: 4
      listen.2: 1
      follow_up.1: 4
      follow_up.2: 1
"""


# --- 1. loading ---------------------------------------------------------------------------------

def test_the_shipped_mentor_and_mentee_checklists_load():
    mentor = checklist.load(SHIPPED / "mentor.yaml")
    mentee = checklist.load(SHIPPED / "mentee.yaml")

    assert (mentor.id, mentor.role) == ("mentor", "mentor")
    assert (mentee.id, mentee.role) == ("mentee", "mentee")
    assert mentor.items and mentee.items
    assert all(item.text for item in mentor.items + mentee.items)


def test_shared_strategies_appear_in_both_checklists_with_the_same_ids():
    mentor = checklist.load(SHIPPED / "mentor.yaml")
    mentee = checklist.load(SHIPPED / "mentee.yaml")
    shared = checklist.load(SHIPPED / "shared.yaml")

    def shared_of(c):
        return [s for s in c.strategies if s.group == "shared"]

    shared_ids = [s.id for s in shared.strategies]
    assert shared_ids, "shared.yaml should hold strategies"
    assert [s.id for s in shared_of(mentor)] == shared_ids
    assert [s.id for s in shared_of(mentee)] == shared_ids
    for in_mentor, in_mentee in zip(shared_of(mentor), shared_of(mentee), strict=False):
        assert [i.id for i in in_mentor.items] == [i.id for i in in_mentee.items]
        assert [a.id for a in in_mentor.actions] == [a.id for a in in_mentee.actions]
    assert {s.group for s in mentor.strategies} == {"mentor", "shared"}
    assert {s.group for s in mentee.strategies} == {"mentee", "shared"}


def test_other_becomes_mentee_for_mentors_and_mentor_for_mentees():
    raw = {i.id: i.text for i in checklist.load(SHIPPED / "shared.yaml").items}
    with_other = [item_id for item_id, text in raw.items() if "{other}" in text]
    assert with_other, "shared.yaml should use {other} somewhere"

    mentor = {i.id: i.text for i in checklist.load(SHIPPED / "mentor.yaml").items}
    mentee = {i.id: i.text for i in checklist.load(SHIPPED / "mentee.yaml").items}
    for item_id in with_other:
        assert mentor[item_id] == raw[item_id].replace("{other}", "mentee")
        assert mentee[item_id] == raw[item_id].replace("{other}", "mentor")
    for role in ("mentor", "mentee"):
        assert "{other}" not in json.dumps(checklist.load(SHIPPED / f"{role}.yaml").content())


def test_the_shown_statements_say_my_mentee_to_a_mentor():
    result = run("checklists", "show", "mentor")

    assert result.exit_code == 0
    assert "{other}" not in result.stdout
    raw = next(i.text for i in checklist.load(SHIPPED / "shared.yaml").items if "{other}" in i.text)
    assert raw.replace("{other}", "mentee") in " ".join(result.stdout.split())


def test_fingerprint_is_the_same_on_every_load(tmp_path):
    first = checklist.load(SHIPPED / "mentor.yaml").sha256
    second = checklist.load(SHIPPED / "mentor.yaml").sha256
    copy = tmp_path / "copy"
    shutil.copytree(SHIPPED, copy)

    assert first == second == checklist.load(copy / "mentor.yaml").sha256
    assert len(first) == 64
    shown = json.loads(run("checklists", "show", "mentor", "--format", "json").stdout)
    assert shown["sha256"] == first


def test_fingerprint_changes_when_a_statement_is_reworded(tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(SHIPPED, copy)
    before = checklist.load(copy / "mentor.yaml").sha256
    shared = copy / "shared.yaml"
    text = shared.read_text(encoding="utf-8")
    statement = checklist.load(shared).items[0].text
    assert statement in text
    shared.write_text(text.replace(statement, statement.replace("I ", "I mostly ", 1)),
                      encoding="utf-8")

    assert checklist.load(copy / "mentor.yaml").sha256 != before


def test_a_custom_checklist_with_its_own_scale_loads(tmp_path):
    loaded = checklist.load(write(tmp_path, "custom.yaml", CUSTOM))

    assert loaded.id == "custom" and loaded.version == "2" and loaded.role == "mentor"
    assert (loaded.scale.low, loaded.scale.high) == (1, 4)
    assert loaded.scale.labels == ("Never", "Sometimes", "Often", "Always")
    assert loaded.scale.skip_label == "Does not apply"
    assert [s.id for s in loaded.strategies] == ["listen", "follow_up"]
    assert {s.group for s in loaded.strategies} == {"mentor"}
    assert loaded.strategy("listen").items[1].reverse is True


def test_a_custom_checklist_file_can_be_used_to_assess(tmp_path):
    path = write(tmp_path, "custom.yaml", CUSTOM)
    answers = write(tmp_path, "answers.yaml", BEST_ANSWERS)

    result = run("assess", "--checklist", str(path), "--answers", str(answers),
                 "--role", "mentor", "--format", "json")

    assert result.exit_code == 0, result.stderr
    shown = json.loads(result.stdout)
    assert shown["checklist"]["id"] == "custom"
    assert shown["checklist"]["sha256"] == checklist.load(path).sha256
    assert shown["overall"] == 100  # 4 of 4 is the best answer; 1 is best on reverse items
    stored = json.loads(run("history", "--format", "json").stdout)
    assert [r["checklist"]["id"] for r in stored] == ["custom"]


def test_answers_beyond_a_custom_scale_are_refused(tmp_path):
    path = write(tmp_path, "custom.yaml", CUSTOM)
    answers = write(tmp_path, "answers.yaml", BEST_ANSWERS.replace("listen.1: 4", "listen.1: 5"))

    result = run("assess", "--checklist", str(path), "--answers", str(answers),
                 "--role", "mentor")

    assert result.exit_code == 2
    assert "listen.1" in result.stderr and "use 1 to 4" in result.stderr
    assert "nothing was saved" in result.stderr


def test_a_custom_checklist_in_the_home_folder_is_found_by_id(tmp_path, trustcheck_home):
    write(trustcheck_home / "checklists", "custom.yaml", CUSTOM)
    answers = write(tmp_path, "answers.yaml", BEST_ANSWERS)

    result = run("assess", "--checklist", "custom", "--answers", str(answers),
                 "--role", "mentor", "--format", "json")

    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["checklist"]["title"] == "Our workshop check"


def test_an_answers_file_from_a_custom_template_needs_no_checklist_option(
        tmp_path, trustcheck_home):
    # A facilitator installs the workshop's checklist once and hands out its template.
    write(trustcheck_home / "checklists", "custom.yaml", CUSTOM)
    answers = answers_file(tmp_path, checklist=trustcheck_home / "checklists" / "custom.yaml",
                           value=3)

    result = run("assess", "--answers", str(answers), "--format", "json")

    assert result.exit_code == 0, result.stderr
    saved = json.loads(result.stdout)
    assert (saved["checklist"]["id"], saved["role"]) == ("custom", "mentor")
    assert rows(trustcheck_home, "SELECT checklist_id FROM assessments") == [("custom",)]


def test_an_answers_file_for_a_checklist_that_is_not_installed_says_how_to_use_it(
        tmp_path, trustcheck_home):
    path = write(tmp_path, "custom.yaml", CUSTOM)
    answers = answers_file(tmp_path, checklist=path, value=3)

    result = run("assess", "--answers", str(answers))

    assert result.exit_code == 2
    assert f"{answers} is for the checklist 'custom', which is not among your checklists; " \
           "pass it with --checklist PATH" in result.stderr
    database = trustcheck_home / "history.db"
    assert not database.exists() or rows(trustcheck_home,
                                         "SELECT COUNT(*) FROM assessments") == [(0,)]
    # With the option it is answered as usual.
    assert run("assess", "--answers", str(answers), "--checklist", str(path)).exit_code == 0


def test_the_checklist_an_answers_file_names_is_an_id_never_a_path(
        tmp_path, trustcheck_home, monkeypatch):
    # A name in a file must not pick up whatever file of that name the working folder holds.
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "custom.yaml", CUSTOM)
    write(tmp_path, "custom", CUSTOM)
    for named in ("custom", "custom.yaml"):
        answers = write(tmp_path, "answers.yaml", BEST_ANSWERS.replace(
            "checklist: custom", f"checklist: {named}"))

        result = run("assess", "--answers", str(answers))

        assert result.exit_code == 2
        assert f"is for the checklist '{named}', which is not among your checklists" \
            in result.stderr


def test_a_checklist_option_that_differs_from_the_answers_file_is_refused(
        tmp_path, trustcheck_home):
    write(trustcheck_home / "checklists", "custom.yaml", CUSTOM)
    answers = write(tmp_path, "answers.yaml", BEST_ANSWERS)

    result = run("assess", "--answers", str(answers), "--checklist", "mentor")

    assert result.exit_code == 2
    assert "this file is for the checklist 'custom', not 'mentor'; run the command with " \
           "`--checklist custom`" in result.stderr


# --- 2. validation: every problem, with file and line --------------------------------------------

def test_duplicate_strategy_id_is_reported_with_both_lines(tmp_path):
    path = write(tmp_path, "c.yaml", """
        id: c
        version: 1
        title: C
        role: mentor
        strategies:
          - id: listen
            title: Listen
            items:
              - {id: listen.1, text: I listen.}
          - id: listen
            title: Listen again
            items:
              - {id: listen.2, text: I listen more.}
    """)

    problem = problem_at(problems_of(path), path, 10, "'listen'", "used twice", "line 6")
    assert "unique" in problem


def test_duplicate_item_id_is_reported_with_its_line(tmp_path):
    path = write(tmp_path, "c.yaml", """
        id: c
        version: 1
        title: C
        role: mentor
        strategies:
          - id: listen
            title: Listen
            items:
              - id: listen.1
                text: I listen.
              - id: listen.1
                text: I listen more.
    """)

    problem_at(problems_of(path), path, 11, "'listen.1'", "used twice", "first used on line 9")


def test_duplicate_action_id_is_reported_with_its_line(tmp_path):
    path = write(tmp_path, "c.yaml", """
        id: c
        version: 1
        title: C
        role: mentor
        strategies:
          - id: listen
            title: Listen
            items:
              - {id: listen.1, text: I listen.}
            actions:
              - id: listen.pause
                text: Pause before you answer.
              - id: listen.pause
                text: Count to three.
    """)

    problem_at(problems_of(path), path, 13, "'listen.pause'", "used twice", "line 11")


def test_a_misspelt_key_gets_a_did_you_mean_hint(tmp_path):
    path = write(tmp_path, "c.yaml", """
        id: c
        version: 1
        title: C
        role: mentor
        strategies:
          - id: listen
            title: Listen
            items:
              - id: listen.1
                txet: I listen.
    """)
    problems = problems_of(path)

    problem_at(problems, path, 10, "'txet' is not something trustcheck knows",
               "Did you mean 'text'?")
    problem_at(problems, path, 9, "the item 'listen.1' has no 'text'")


def test_a_misspelt_top_level_key_gets_a_hint(tmp_path):
    path = write(tmp_path, "c.yaml", """
        id: c
        version: 1
        titel: C
        role: mentor
        strategies:
          - id: listen
            title: Listen
            items:
              - {id: listen.1, text: I listen.}
    """)

    problem_at(problems_of(path), path, 3, "'titel'", "Did you mean 'title'?")


def test_an_item_without_text_is_reported(tmp_path):
    path = write(tmp_path, "c.yaml", """
        id: c
        version: 1
        title: C
        role: mentor
        strategies:
          - id: listen
            title: Listen
            items:
              - id: listen.1
                text: I listen.
              - id: listen.2
                text: "   "
    """)

    problem = problem_at(problems_of(path), path, 12, "the item 'listen.2' has no 'text'")
    assert "please add its text" in problem


def test_a_strategy_without_a_title_is_reported(tmp_path):
    path = write(tmp_path, "c.yaml", """
        id: c
        version: 1
        title: C
        role: mentor
        strategies:
          - id: listen
            items:
              - {id: listen.1, text: I listen.}
    """)

    problem_at(problems_of(path), path, 6, "the strategy 'listen' has no 'title'")


def test_a_strategy_with_no_items_is_reported(tmp_path):
    path = write(tmp_path, "c.yaml", """
        id: c
        version: 1
        title: C
        role: mentor
        strategies:
          - id: listen
            title: Listen
            items: []
          - id: follow_up
            title: Follow up
    """)
    problems = problems_of(path)

    problem_at(problems, path, 8, "the strategy 'listen'", "empty 'items'", "add at least one")
    problem_at(problems, path, 9, "the strategy 'follow_up' has no 'items'", "add at least one")


def test_a_scale_without_labels_is_reported(tmp_path):
    path = write(tmp_path, "c.yaml", """
        id: c
        version: 1
        title: C
        role: mentor
        scale:
          low: 1
          high: 4
          labels: []
        strategies:
          - id: listen
            title: Listen
            items:
              - {id: listen.1, text: I listen.}
    """)

    problem_at(problems_of(path), path, 8, "the scale needs 'labels'", "4 names, one per point")


def test_a_scale_running_backwards_is_reported(tmp_path):
    path = write(tmp_path, "c.yaml", """
        id: c
        version: 1
        title: C
        role: mentor
        scale:
          low: 4
          high: 4
          labels: [Always]
        strategies:
          - id: listen
            title: Listen
            items:
              - {id: listen.1, text: I listen.}
    """)

    problem_at(problems_of(path), path, 5, "runs from 4 to 4",
               "'high' must be larger than 'low'")


def test_a_scale_with_too_few_labels_is_reported(tmp_path):
    path = write(tmp_path, "c.yaml", """
        id: c
        version: 1
        title: C
        role: mentor
        scale:
          low: 1
          high: 4
          labels: [Never, Sometimes, Always]
        strategies:
          - id: listen
            title: Listen
            items:
              - {id: listen.1, text: I listen.}
    """)

    problem_at(problems_of(path), path, 8, "4 points (1 to 4) but 3 labels",
               "one non-empty label per point")


@pytest.mark.parametrize("written, shown", [("yes please", "yes please"), ("1", "1")])
def test_a_reverse_flag_that_is_not_true_or_false_is_reported(tmp_path, written, shown):
    path = write(tmp_path, "c.yaml", f"""
        id: c
        version: 1
        title: C
        role: mentor
        strategies:
          - id: listen
            title: Listen
            items:
              - id: listen.1
                text: I listen.
                reverse: {written}
    """)

    problem_at(problems_of(path), path, 11, "'reverse' of the item 'listen.1'",
               "should be true or false", f"not '{shown}'")


def test_an_obstacle_naming_an_unknown_strategy_is_reported(tmp_path):
    path = write(tmp_path, "c.yaml", """
        id: c
        version: 1
        title: C
        role: mentor
        strategies:
          - id: listen
            title: Listen
            items:
              - {id: listen.1, text: I listen.}
        obstacles:
          - id: rushing
            title: Rushing
            signals: [listne]
            remedy: Slow down.
    """)

    problem_at(problems_of(path), path, 11, "the obstacle 'rushing'", "'listne'",
               "does not have", "Did you mean 'listen'?")


def test_a_role_other_than_mentor_or_mentee_is_reported(tmp_path):
    path = write(tmp_path, "c.yaml", """
        id: c
        version: 1
        title: C
        role: coach
        strategies:
          - id: listen
            title: Listen
            items:
              - {id: listen.1, text: I listen.}
    """)

    problem_at(problems_of(path), path, 4, "'role' should be mentor or mentee, not 'coach'")


def test_missing_id_version_and_title_are_all_reported(tmp_path):
    path = write(tmp_path, "c.yaml", """
        # no id, version or title
        role: mentor
        strategies:
          - id: listen
            title: Listen
            items:
              - {id: listen.1, text: I listen.}
    """)
    problems = problems_of(path)

    assert len(problems) == 3
    problem_at(problems, path, 2, "the checklist has no 'id'", "every checklist needs one")
    problem_at(problems, path, 2, "the checklist has no 'version'", "version: 1")
    problem_at(problems, path, 2, "the checklist has no 'title'")


def test_a_strategy_without_an_id_is_reported_in_plain_words(tmp_path):
    path = write(tmp_path, "c.yaml", """
        id: c
        version: 1
        title: C
        role: mentor
        strategies:
          - title: Listen
            items:
              - {id: listen.1, text: I listen.}
    """)

    problem_at(problems_of(path), path, 6, "a strategy has no 'id'",
               "every strategy needs one that never changes")


def test_an_empty_file_is_reported(tmp_path):
    path = write(tmp_path, "c.yaml", "# nothing here yet\n")

    problem_at(problems_of(path), path, 1, "the file is empty", "needs an id, a title")


def test_a_file_that_is_a_list_not_a_checklist_is_reported(tmp_path):
    path = write(tmp_path, "c.yaml", """
        - id: listen
        - id: follow_up
    """)

    problem_at(problems_of(path), path, 1, "the checklist should be a set of 'key: value' lines")


def test_a_missing_included_file_is_reported_at_the_include_line(tmp_path):
    path = write(tmp_path, "c.yaml", """
        id: c
        version: 1
        title: C
        role: mentor
        include:
          - shared.yaml
          - sahred.yaml
    """)
    problems = problems_of(path)

    assert len([p for p in problems if "was not found" in p]) == 2
    problem_at(problems, path, 6, "'shared.yaml' was not found next to this file")
    problem_at(problems, path, 7, "'sahred.yaml' was not found next to this file")


def test_including_a_full_checklist_is_refused(tmp_path):
    shutil.copy(SHIPPED / "shared.yaml", tmp_path / "shared.yaml")
    shutil.copy(SHIPPED / "mentee.yaml", tmp_path / "mentee.yaml")
    path = write(tmp_path, "c.yaml", """
        id: c
        version: 1
        title: C
        role: mentor
        include:
          - mentee.yaml
        strategies:
          - id: listen
            title: Listen
            items:
              - {id: listen.1, text: I listen.}
    """)

    problem_at(problems_of(path), path, 6, "'mentee.yaml' is a full checklist",
               "only parts without 'role' or 'include' can be included")


def test_an_id_used_again_in_an_included_file_is_reported(tmp_path):
    write(tmp_path, "part.yaml", """
        id: part
        version: 1
        title: Part
        strategies:
          - id: listen
            title: Listen (part)
            items:
              - id: listen.1
                text: I listen to the part.
    """)
    path = write(tmp_path, "c.yaml", """
        id: c
        version: 1
        title: C
        role: mentor
        include:
          - part.yaml
        strategies:
          - id: listen
            title: Listen
            items:
              - {id: listen.1, text: I listen.}
    """)
    problems = problems_of(path)

    assert len(problems) == 2
    problem_at(problems, path, 6, "strategy id 'listen'", "part.yaml (line 5)",
               "unique across included files")
    problem_at(problems, path, 6, "item id 'listen.1'", "part.yaml (line 8)")


def test_problems_inside_an_included_file_name_that_file(tmp_path):
    part = write(tmp_path, "part.yaml", """
        id: part
        version: 1
        title: Part
        strategies:
          - id: listen
            items:
              - {id: listen.1, text: I listen.}
    """)
    path = write(tmp_path, "c.yaml", """
        id: c
        version: 1
        title: C
        role: mentor
        include: [part.yaml]
    """)

    problem_at(problems_of(path), part, 5, "the strategy 'listen' has no 'title'")


def test_every_problem_in_a_file_is_listed_together(tmp_path):
    path = write(tmp_path, "c.yaml", """
        id: c
        version: 1
        title: C
        role: mentor
        strategies:
          - id: listen
            title: Listen
            items:
              - id: listen.1
                text: I listen.
              - id: listen.1
                txt: I listen more.
                reverse: yes please
          - id: listen
            items: []
        obstacles:
          - id: rushing
            title: Rushing
            remedy: Slow down.
            signals: [hurry]
    """)

    result = run("checklists", "validate", str(path))

    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == f"{path}: 8 problems."
    problems = problems_of(path)
    assert len(problems) == 8
    problem_at(problems, path, 12, "'txt'", "Did you mean 'text'?")
    problem_at(problems, path, 11, "'listen.1' is used twice")
    problem_at(problems, path, 11, "the item 'listen.1' has no 'text'")
    problem_at(problems, path, 13, "should be true or false")
    problem_at(problems, path, 14, "'listen' is used twice")
    problem_at(problems, path, 14, "the strategy 'listen' has no 'title'")
    problem_at(problems, path, 15, "empty 'items'")
    problem_at(problems, path, 17, "'hurry'")


def test_using_a_broken_checklist_lists_its_problems_and_saves_nothing(tmp_path, trustcheck_home):
    path = write(tmp_path, "c.yaml", """
        id: c
        version: 1
        title: C
        role: mentor
        strategies:
          - id: listen
            titel: Listen
            items:
              - {id: listen.1, text: I listen.}
    """)
    answers = write(tmp_path, "answers.yaml", "answers:\n  listen.1: 3\n")

    result = run("assess", "--checklist", str(path), "--answers", str(answers), "--role", "mentor")

    assert result.exit_code == 2
    assert f"The checklist {path} has 2 problems" in result.stderr
    assert f"{path}, line 7: 'titel'" in result.stderr
    assert not (trustcheck_home / "history.db").exists()


# --- 3. `trustcheck checklists` -----------------------------------------------------------------

def test_validate_reports_the_bad_file_and_says_the_good_one_is_valid(tmp_path):
    good = write(tmp_path, "good.yaml", CUSTOM)
    bad = write(tmp_path, "bad.yaml", CUSTOM.replace("high: 4", "high: 5"))

    result = run("checklists", "validate", str(good), str(bad))

    assert result.exit_code == 2
    assert f"{good}: valid." in result.stderr
    assert f"{bad}: 1 problem." in result.stderr
    assert f"{bad}, line 9: the scale has 5 points (1 to 5) but 4 labels" in result.stderr
    assert result.stdout == ""


def test_validate_exits_0_when_every_file_is_valid(tmp_path):
    good = write(tmp_path, "good.yaml", CUSTOM)

    result = run("checklists", "validate", str(good), str(SHIPPED / "mentor.yaml"))

    assert result.exit_code == 0
    assert f"{good}: valid." in result.stderr
    assert "problem" not in result.stderr


def test_validate_names_a_file_that_does_not_exist(tmp_path):
    missing = tmp_path / "missing.yaml"

    result = run("checklists", "validate", str(missing))

    assert result.exit_code == 2
    assert f"There is no file at {missing}" in result.stderr


def test_list_shows_the_built_in_checklists():
    result = run("checklists", "list")

    assert result.exit_code == 0
    header, *lines = result.stdout.splitlines()  # no ━ rule under the header (issue 12)
    assert header.split() == ["Id", "Role", "Version", "Statements", "Title", "From"]
    rows = {line.split()[0]: line for line in lines if line.strip()}
    assert set(rows) == {"mentor", "mentee"}
    statements = len(checklist.load(SHIPPED / "mentor.yaml").items)
    assert "built in" in rows["mentor"] and str(statements) in rows["mentor"]
    assert "built in" in rows["mentee"]
    assert "shared" not in result.stdout
    assert result.stderr == ""


def test_list_shows_a_checklist_put_in_the_home_folder(trustcheck_home):
    write(trustcheck_home / "checklists", "custom.yaml", CUSTOM)

    result = run("checklists", "list")

    assert result.exit_code == 0
    # The folder's path is too long for a table at 120 columns: two lines (or three) each, the
    # path never cut.
    lines = result.stdout.splitlines()
    ids = [line.split(":")[0] for line in lines if not line.startswith(" ")]
    assert ids == ["custom", "mentee", "mentor"]
    assert "custom: Our workshop check" in lines
    assert f"  from {trustcheck_home / 'checklists' / 'custom.yaml'}" in lines


def test_list_reports_a_broken_home_checklist_without_crashing(trustcheck_home):
    folder = trustcheck_home / "checklists"
    write(folder, "custom.yaml", CUSTOM)
    broken = write(folder, "broken.yaml", CUSTOM.replace("id: custom", "id: broken")
                   .replace("labels: [Never, Sometimes, Often, Always]", "labels: [Never]"))
    (folder / "garbled.yaml").write_bytes(b"id: caf\xe9\nrole: mentor\n")

    result = run("checklists", "list")

    assert result.exit_code == 0
    assert "custom" in result.stdout and "mentor" in result.stdout
    # (This test's folder has "broken" in its name, and paths are shown whole: look for the
    # checklist, not the word.)
    assert "broken:" not in result.stdout and "broken.yaml" not in result.stdout
    assert "garbled" not in result.stdout
    assert f"{broken} has problems and is left out" in result.stderr
    assert f"`trustcheck checklists validate {broken}`" in result.stderr
    assert f"{folder / 'garbled.yaml'} has problems" in result.stderr
    assert "Traceback" not in result.stderr


def test_list_leaves_out_parts_meant_only_for_including(trustcheck_home):
    folder = trustcheck_home / "checklists"
    write(folder, "custom.yaml", CUSTOM)
    shutil.copy(SHIPPED / "shared.yaml", folder / "extra.yaml")

    result = run("checklists", "list", "--format", "json")

    assert result.exit_code == 0
    assert sorted(x["id"] for x in json.loads(result.stdout)) == ["custom", "mentee", "mentor"]
    assert result.stderr == ""


def test_list_as_json_can_be_read_by_other_tools(trustcheck_home):
    write(trustcheck_home / "checklists", "custom.yaml", CUSTOM)

    result = run("checklists", "list", "--format", "json")

    assert result.exit_code == 0
    listed = {x["id"]: x for x in json.loads(result.stdout)}
    assert set(listed) == {"custom", "mentor", "mentee"}
    assert listed["mentor"]["builtin"] is True and listed["mentor"]["role"] == "mentor"
    assert listed["mentor"]["statements"] == len(checklist.load(SHIPPED / "mentor.yaml").items)
    assert listed["mentor"]["sha256"] == checklist.load(SHIPPED / "mentor.yaml").sha256
    assert listed["custom"]["builtin"] is False
    assert listed["custom"]["path"] == str(trustcheck_home / "checklists" / "custom.yaml")
    assert listed["custom"]["scale"] == {"low": 1, "high": 4, "skip": "Does not apply",
                                         "labels": ["Never", "Sometimes", "Often", "Always"]}


def test_show_prints_every_statement_of_the_mentor_checklist():
    result = run("checklists", "show", "mentor")

    assert result.exit_code == 0
    shown = " ".join(result.stdout.split())
    loaded = checklist.load(SHIPPED / "mentor.yaml")
    for item in loaded.items:
        assert " ".join(item.text.split()) in shown, item.id
    for strategy in loaded.strategies:
        assert strategy.title in shown


def test_show_of_an_unknown_checklist_names_the_available_ones():
    result = run("checklists", "show", "nope")

    assert result.exit_code == 2
    assert "There is no checklist called 'nope'" in result.stderr
    assert "available: mentee, mentor" in result.stderr
    assert "trustcheck checklists list" in result.stderr
    assert result.stdout == ""


def test_show_prints_markup_and_control_characters_in_a_title_harmlessly(tmp_path, trustcheck_home):
    path = write(tmp_path, "odd.yaml", r"""
        id: odd
        version: 1
        title: "Plan [bold]x[/] \e[31mred"
        role: mentor
        strategies:
          - id: listen
            title: "Listen [red]now[/]"
            items:
              - {id: listen.1, text: "I listen \e]0;owned\a well."}
    """)
    assert "\x1b" in checklist.load(path).title

    result = run("checklists", "show", str(path))

    assert result.exit_code == 0
    assert "Plan [bold]x[/]" in result.stdout
    assert "Listen [red]now[/]" in result.stdout
    assert "red" in result.stdout and "well." in result.stdout
    assert "\x1b" not in result.stdout and "\a" not in result.stdout

    write(trustcheck_home / "checklists", "odd.yaml", path.read_text(encoding="utf-8"))
    listed = run("checklists", "list")
    assert listed.exit_code == 0
    assert "Plan [bold]x[/]" in listed.stdout
    assert "\x1b" not in listed.stdout


# --- version 2 keys: conditional, reliability, text worded by role -----------------------------

ROLE_PART = """
    id: our-shared
    version: 1
    title: Shared by both roles
    strategies:
      - id: agenda
        title: Set the agenda together
        reliability: 0.72  # three statements about one habit
        items:
          - id: agenda.1
            text:
              mentor: I asked my {other} what they wanted to talk about.
              mentee: I brought topics I wanted to talk about.
          - id: agenda.2
            text: When we disagreed about a topic, I said so to my {other}.
            conditional: true
          - id: agenda.3
            text: I chose every topic on my own.
            reverse: true
"""

ROLE_CHECKLIST = """
    id: team-{role}
    version: 1
    title: Team check for {role}s
    role: {role}
    include: [our-shared.yaml]
    strategies:
      - id: own
        title: Own habits
        items:
          - id: own.1
            text:
              mentor: I gave my mentee my full attention.
              mentee: I gave my mentor my full attention.
          - id: own.2
            text: I checked my phone in our meetings.
            reverse: true
"""


def role_checklists(folder: Path) -> dict[str, Path]:
    write(folder, "our-shared.yaml", ROLE_PART)
    return {role: write(folder, f"team-{role}.yaml", ROLE_CHECKLIST.replace("{role}", role))
            for role in ("mentor", "mentee")}


def test_a_statement_worded_by_role_reads_as_the_role_that_answers_it(tmp_path):
    paths = role_checklists(tmp_path)

    mentor = {i.id: i.text for i in checklist.load(paths["mentor"]).items}
    mentee = {i.id: i.text for i in checklist.load(paths["mentee"]).items}

    assert mentor["agenda.1"] == "I asked my mentee what they wanted to talk about."
    assert mentee["agenda.1"] == "I brought topics I wanted to talk about."
    assert mentor["own.1"] == "I gave my mentee my full attention."
    assert mentee["own.1"] == "I gave my mentor my full attention."
    # The same statement with the same id in both, so cohorts and compare still line them up.
    assert list(mentor) == list(mentee)
    shown = run("checklists", "show", str(paths["mentee"]))
    assert shown.exit_code == 0
    assert "I brought topics I wanted to talk about." in " ".join(shown.stdout.split())
    assert "I asked my" not in shown.stdout


def test_conditional_and_reliability_are_read_and_shown(tmp_path):
    paths = role_checklists(tmp_path)
    loaded = checklist.load(paths["mentor"])

    agenda = loaded.strategy("agenda")
    assert agenda is not None and agenda.reliability == 0.72
    assert loaded.strategy("own").reliability is None
    assert [i.conditional for i in agenda.items] == [False, True, False]

    shown = run("checklists", "show", str(paths["mentor"]))
    assert shown.exit_code == 0
    text = " ".join(shown.stdout.split())
    assert "[agenda, shared, reliability 0.72]" in text
    assert "When we disagreed about a topic, I said so to my mentee. (may not come up)" in text
    assert "I chose every topic on my own. (reverse)" in text

    as_json = json.loads(run("checklists", "show", str(paths["mentor"]), "-f", "json").stdout)
    strategies = {s["id"]: s for s in as_json["strategies"]}
    assert strategies["agenda"]["reliability"] == 0.72
    assert "reliability" not in strategies["own"]
    assert [i.get("conditional", False) for i in strategies["agenda"]["items"]] == \
        [False, True, False]
    template = json.loads(run("template", "--checklist", str(paths["mentor"]), "-f",
                              "json").stdout)
    assert {i["id"]: i["conditional"] for i in template["items"]}["agenda.2"] is True


def test_the_new_keys_change_the_fingerprint_only_when_set(tmp_path):
    paths = role_checklists(tmp_path)
    before = checklist.load(paths["mentor"]).sha256
    part = tmp_path / "our-shared.yaml"
    text = part.read_text(encoding="utf-8")

    part.write_text(text.replace("        conditional: true\n", ""), encoding="utf-8")
    unmarked = checklist.load(paths["mentor"]).sha256
    part.write_text(text.replace("        conditional: true\n", "        conditional: false\n"),
                    encoding="utf-8")

    assert unmarked != before
    assert checklist.load(paths["mentor"]).sha256 == unmarked


@pytest.mark.parametrize("written, shown", [("1.5", "'1.5'"), ("0", "'0'"), ("1", "'1'"),
                                            ("high", "'high'"), ("true", "'True'"),
                                            ("", "nothing")])
def test_a_reliability_outside_0_to_1_is_reported_with_its_line(tmp_path, written, shown):
    path = write(tmp_path, "custom.yaml",
                 CUSTOM.replace("        why: People trust those who hear them out.\n",
                                "        why: People trust those who hear them out.\n"
                                f"        reliability: {written}\n"))

    problems = problems_of(path)

    assert problems == [f"{path}, line 15: the 'reliability' of the strategy 'listen' should be "
                        "a number between 0 and 1 (such as 0.75, how consistent its statements "
                        f"are), not {shown}."]


def test_a_conditional_flag_that_is_not_true_or_false_is_reported(tmp_path):
    path = write(tmp_path, "custom.yaml", CUSTOM.replace(
        "            text: I check my phone while my mentee talks.\n",
        "            text: I check my phone while my mentee talks.\n"
        "            conditional: sometimes\n"))

    assert problems_of(path) == [f"{path}, line 20: 'conditional' of the item 'listen.2' should "
                                 "be true or false, not 'sometimes'."]


def test_a_statement_worded_by_role_needs_both_roles_and_nothing_else(tmp_path):
    path = write(tmp_path, "our-shared.yaml", """
        id: our-shared
        version: 1
        title: Shared
        strategies:
          - id: agenda
            title: Agenda
            items:
              - id: agenda.1
                text:
                  mentor: I asked my mentee what to talk about.
              - id: agenda.2
                text:
                  mentor: I asked my mentee.
                  mentees: I brought topics.
              - id: agenda.3
                text:
                  mentor: I asked my mentee.
                  mentee: ""
    """)

    problems = problems_of(path)

    assert problem_at(problems, path, 9, "the text of the item 'agenda.1' is worded by role, "
                      "so it needs a 'mentee' line too")
    assert problem_at(problems, path, 14, "'mentees' is not something trustcheck knows in the "
                      "text of the item 'agenda.2'", "Did you mean 'mentee'?")
    assert problem_at(problems, path, 18, "the text of the item 'agenda.3' has no 'mentee'")
    assert len(problems) == 4  # agenda.2 also lacks its 'mentee' line


def test_a_part_on_its_own_shows_both_wordings(tmp_path):
    role_checklists(tmp_path)

    shown = run("checklists", "show", str(tmp_path / "our-shared.yaml"))

    assert shown.exit_code == 0
    assert ("Mentor: I asked my {other} what they wanted to talk about. / Mentee: I brought "
            "topics I wanted to talk about.") in " ".join(shown.stdout.split())


def test_the_example_in_the_checklist_guide_is_a_valid_checklist(tmp_path):
    guide = (REPO / "docs" / "checklists.md").read_text(encoding="utf-8")
    example = guide.split("## A small example", 1)[1].split("```yaml\n", 1)[1].split("```", 1)[0]
    path = write(tmp_path, "team-mentor.yaml", example)

    loaded = checklist.load(path)

    listening = loaded.strategy("listening")
    assert listening is not None and listening.reliability == 0.75
    assert any(item.conditional for item in listening.items)


# --- earlier versions: kept for past results, never offered for new check-ins ----------------

VERSION_1 = SHIPPED / "v1"
V1_FINGERPRINTS = {
    "mentor": "fcfc3ea0f1247e4950eb702d2bea0a87b91a0e68da0565fd4c940d4597c70557",
    "mentee": "0be561c55f6290c71466464794d2b8a693283ff173052be4ef1668e0931ac944",
}


def test_both_version_1_fingerprints_are_still_found(trustcheck_home):
    from trustcheck.paths import resolve
    from trustcheck.resultfiles import Library

    library = Library(resolve(None, {"TRUSTCHECK_HOME": str(trustcheck_home)})
                      .checklist_folders())

    for role, fingerprint in V1_FINGERPRINTS.items():
        found = library.by_fingerprint(role, fingerprint)
        assert found is not None, role
        assert (found.id, found.version, found.sha256) == (role, "1", fingerprint)
    newest = library.by_fingerprint("mentor", checklist.load(SHIPPED / "mentor.yaml").sha256)
    assert newest is not None and newest.version == "2"


def test_list_shows_the_newest_version_and_all_adds_the_earlier_ones():
    newest = run("checklists", "list", "--format", "json")
    every = run("checklists", "list", "--all", "--format", "json")

    assert newest.exit_code == every.exit_code == 0
    assert sorted((x["id"], x["version"]) for x in json.loads(newest.stdout)) == [
        ("mentee", "2"), ("mentor", "2")]
    listed = json.loads(every.stdout)
    assert sorted((x["id"], x["version"]) for x in listed) == [
        ("mentee", "1"), ("mentee", "2"), ("mentor", "1"), ("mentor", "2")]
    earlier = [x for x in listed if x["version"] == "1"]
    assert {x["sha256"] for x in earlier} == set(V1_FINGERPRINTS.values())
    # Where the installed trustcheck keeps them (the checkout's folder in an editable install).
    from trustcheck.paths import builtin_folder

    assert all(x["builtin"] and Path(x["path"]).parent == builtin_folder() / "v1"
               for x in earlier)

    text = run("checklists", "list", "--all")
    assert text.exit_code == 0 and text.stderr == ""
    # Columns stand at least two spaces apart (no │ lines since issue 12).
    cells = [re.split(r"\s{2,}", line.strip())
             for line in text.stdout.splitlines()[1:] if line.strip()]
    assert sorted((row[0], row[2]) for row in cells) == [
        ("mentee", "1"), ("mentee", "2"), ("mentor", "1"), ("mentor", "2")]


def test_show_gives_the_newest_and_an_earlier_version_on_request():
    newest = json.loads(run("checklists", "show", "mentor", "-f", "json").stdout)
    kept = json.loads(run("checklists", "show", "mentor", "--version", "1", "-f", "json").stdout)

    assert newest["version"] == "2"
    assert (kept["version"], kept["sha256"]) == ("1", V1_FINGERPRINTS["mentor"])

    missing = run("checklists", "show", "mentor", "--version", "7")
    assert missing.exit_code == 2
    assert missing.stderr == ("There is no version 7 of the checklist 'mentor' on this computer; "
                              "run `trustcheck checklists list --all` to see the versions "
                              "kept.\n")


def test_templates_and_roles_use_the_newest_version(tmp_path, trustcheck_home):
    template = json.loads(run("template", "--role", "mentee", "--format", "json").stdout)
    assert template["checklist"]["version"] == "2"
    assert [i["id"] for i in template["items"]] == \
        [i.id for i in checklist.load(SHIPPED / "mentee.yaml").items]

    done = run("assess", "--role", "mentee", "--answers", str(answers_file(tmp_path, "mentee")),
               "--format", "json")
    assert done.exit_code == 0, done.stderr
    assert json.loads(done.stdout)["checklist"]["version"] == "2"


def v1_answers(folder: Path, role: str = "mentor") -> Path:
    """An answers file as `trustcheck template` wrote it for version 1."""
    items = checklist.load(VERSION_1 / f"{role}.yaml").items
    lines = [f"checklist: {role}", "version: 1", f"role: {role}", "partner: Sam", "answers:"]
    lines += [f"  {item.id}: {1 + index % 5}" for index, item in enumerate(items)]
    path = folder / f"{role}-v1.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_an_answers_file_made_for_version_1_is_answered_against_version_1(tmp_path,
                                                                         trustcheck_home):
    done = run("assess", "--answers", str(v1_answers(tmp_path)), "--format", "json")

    assert done.exit_code == 0, done.stderr
    result = json.loads(done.stdout)
    assert (result["checklist"]["version"], result["checklist"]["sha256"]) == (
        "1", V1_FINGERPRINTS["mentor"])
    assert "made for version" not in done.stderr  # no wording changed under the answers
    assert rows(trustcheck_home, "SELECT checklist_version, checklist_sha256 FROM assessments") \
        == [("1", V1_FINGERPRINTS["mentor"])]


def test_a_stored_version_1_result_still_shows_its_scores_and_moves_to_another_computer(
        tmp_path, trustcheck_home):
    saved = json.loads(run("assess", "--answers", str(v1_answers(tmp_path, "mentee")),
                           "--format", "json").stdout)
    scores = {s["id"]: s["score"] for s in saved["strategies"]}
    assert any(score is not None for score in scores.values())

    shown = run("history", "show", "last", "--format", "json")
    assert shown.exit_code == 0, shown.stderr
    again = json.loads(shown.stdout)
    assert {s["id"]: s["score"] for s in again["strategies"]} == scores
    assert again["overall"] == saved["overall"]

    exported = tmp_path / "export.json"
    assert run("history", "export", "-o", str(exported)).exit_code == 0
    other_home = tmp_path / "other-computer"
    imported = run("history", "import", str(exported),
                   env={"TRUSTCHECK_HOME": str(other_home)})
    assert imported.exit_code == 0, imported.stderr
    assert "a checklist that is not on this computer" not in imported.stderr  # v1 was found
    moved = json.loads(run("history", "show", "last", "--format", "json",
                           env={"TRUSTCHECK_HOME": str(other_home)}).stdout)
    assert {s["id"]: s["score"] for s in moved["strategies"]} == scores
