"""`trustcheck checklists lint`: a coordinator checks that statements are easy and fair to answer.

The rules are tested as the pure functions they are (syllables and reading grades against
hand-counted texts), then through the real command on the built-in version 1 checklists (which
have the problems issue 10 names), on a small well-written checklist (clean) and on a badly
written one (every rule, with its file and line).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import run, write
from jsonschema import Draft202012Validator

from trustcheck import lint
from trustcheck.paths import builtin_folder

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = json.loads((ROOT / "docs" / "schemas" / "lint-v1.schema.json").read_text(encoding="utf-8"))
BUILTIN = builtin_folder() / "v1"  # version 1, kept unchanged: the problems issue 10 names
NEWEST = builtin_folder()


def assert_matches_schema(document: object) -> None:
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
              for e in Draft202012Validator(SCHEMA).iter_errors(document)]
    assert not errors, "\n".join(errors)


def text_line(path: Path, statement_id: str) -> int:
    """The line of a statement's `text:` in a checklist file, found by reading the file."""
    lines = path.read_text(encoding="utf-8").splitlines()
    start = next(n for n, line in enumerate(lines) if line.strip() == f"- id: {statement_id}")
    return next(n for n in range(start, len(lines)) if lines[n].strip().startswith("text:")) + 1


def problems_of(stdout: str) -> list[tuple[str, int, str, str, str]]:
    """(file, line, kind, id, reason) of each `FILE:LINE: kind ID: reason` line."""
    found = []
    for line in stdout.splitlines():
        match = re.match(r"^(.+?):(\d+): (statement|strategy) ([a-z0-9_.-]+): (.+)$", line)
        if match:
            file, number, kind, item, reason = match.groups()
            found.append((file, int(number), kind, item, reason))
    return found


# --- syllables and reading grade ----------------------------------------------------------------

@pytest.mark.parametrize(("word", "count"), [
    ("cat", 1), ("the", 1), ("make", 1), ("asked", 1), ("kept", 1), ("whole", 1), ("queue", 1),
    ("little", 2), ("wanted", 2), ("listened", 2), ("mentor", 2), ("mentee", 2), ("meetings", 2),
    ("promises", 3), ("summarised", 3), ("difficulty", 4), ("interrupted", 4),
    ("acknowledged", 3), ("follow-up", 3), ("didn't", 2), ("don't", 1), ("table", 2),
    ("beautiful", 3), ("recognised", 3), ("people", 2), ("2026", 1),
])
def test_syllables_are_counted_as_a_dictionary_does_for_everyday_words(word, count):
    assert lint.syllables(word) == count


@pytest.mark.parametrize(("text", "grade"), [
    # 6 words, 6 syllables: the classic very easy sentence.
    ("The cat sat on the mat.", -1.45),
    # 9 words in 2 sentences, 11 syllables.
    ("I asked a question. She gave a clear answer.", 0.59),
    # 14 words, 18 syllables (o-ver, prom-is-es, men-tee).
    ("Over the past month, I kept the small promises I made to my mentee.", 5.04),
    # 17 words, 31 syllables: a long statement from the built-in version 1.
    ("When my mentor described a difficulty recently, I acknowledged how it felt for them "
     "before suggesting anything.", 12.56),
])
def test_the_reading_grade_of_hand_counted_texts_is_within_one_grade(text, grade):
    assert abs(lint.reading_grade(text) - grade) <= 1.0


def test_longer_sentences_and_longer_words_read_at_a_higher_grade():
    short = "In our recent meetings, I asked my mentee a question."
    longer = ("In our recent meetings, I deliberately formulated considerably complicated "
              "questions regarding my mentee's professional circumstances.")
    assert lint.reading_grade(short) <= lint.MAX_GRADE < lint.reading_grade(longer)


# --- the rules, one by one ----------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "In our recent meetings, I listened and summarised back what my mentee said.",
    "Over the past month, I cancelled or moved a meeting.",
    "In our recent meetings, I asked and then explained my reasons.",
    "Over the past month, I listened and I told my mentee what I heard.",
    "In our recent meetings, I asked my mentee how they were doing and listened.",
])
def test_two_behaviours_joined_by_and_or_are_found(text):
    assert lint.joined_behaviours(text)


@pytest.mark.parametrize("text", [
    "Over the past month, my mentor and I agreed on a plan.",
    "In our recent meetings, my mentee and I talked about goals and plans.",
    "In our recent meetings, I felt heard and respected.",
    "Over the past month, I spent a day or two on my goals.",
    "Over the past month, I kept the small promises I made to my mentee.",
])
def test_one_behaviour_with_and_or_is_not_flagged(text):
    assert lint.joined_behaviours(text) == ""


@pytest.mark.parametrize(("text", "word"), [
    ("I said I understood something when I actually did not.", "not"),
    ("I acted on advice without telling them.", "without"),
    ("I didn't say thank you.", "didn't"),
    ("I never asked.", "never"),
    ("I avoided an awkward talk.", ""),
])
def test_negations_are_the_documented_words(text, word):
    assert lint.negation_in(text) == word


@pytest.mark.parametrize("text", [
    "Over the past month, I asked.", "In the last two weeks, I asked.", "This term, I asked.",
    "In our recent meetings, I asked.", "In our meetings over the summer, I asked.",
    "Since our last meeting, I asked.", "During the previous three sessions, I asked.",
])
def test_accepted_time_frames(text):
    assert lint.has_time_frame(text)


@pytest.mark.parametrize("text", [
    "I asked my mentee a question.", "Recently, I asked my mentee a question.",
    "I always ask my mentee a question.",
])
def test_statements_without_a_named_period_have_no_time_frame(text):
    assert not lint.has_time_frame(text)


def test_near_duplicates_share_meanings_and_unrelated_statements_do_not():
    same, shared = lint.similarity(
        "Over the past month, I held back a concern about my mentee's work.",
        "Over the past month, I kept quiet about something that was bothering me.")
    assert same >= lint.SIMILAR_AT and shared == {"silence", "concern"}
    different, _ = lint.similarity("Over the past month, I arrived on time for our meetings.",
                                   "Over the past month, I thanked my mentor for their help.")
    assert different < lint.SIMILAR_AT


# --- the built-in version 1 checklists -----------------------------------------------------------

def lint_builtin(role: str):
    done = run("checklists", "lint", str(BUILTIN / f"{role}.yaml"))
    assert done.exit_code == 1, done.stderr
    return done, problems_of(done.stdout)


def test_the_builtin_v1_checklists_show_the_double_negatives_the_issue_names():
    reverse_with_negation = {
        "mentor": {"confidentiality.2", "shared_goals.2", "recognition.1"},
        "mentee": {"open_communication.2", "appreciation.1", "respect_boundaries.2",
                   "growth_commitment.3", "shared_goals.2", "recognition.1"},
    }
    every = set()
    for role, expected in reverse_with_negation.items():
        _, found = lint_builtin(role)
        flagged = {item for _, _, _, item, reason in found if "double negative" in reason}
        assert flagged == expected
        every |= flagged
    # 7 of the 16 reverse statements (the shared ones counted once).
    assert len(every) == 7


def test_the_builtin_v1_flags_missing_and_vague_time_frames_at_their_lines():
    done, found = lint_builtin("mentor")
    by_item = {(item, reason.split(" ")[0]): (file, line) for file, line, _, item, reason in found}
    mentor, shared = BUILTIN / "mentor.yaml", BUILTIN / "shared.yaml"
    assert by_item[("realistic_expectations.1", "it")] == (
        str(mentor), text_line(mentor, "realistic_expectations.1"))
    vague = {item for _, _, _, item, reason in found if reason.startswith('"recently"')}
    assert {"accountability.1", "empathy.2", "constructive_feedback.2",
            "active_listening.3"} <= vague
    none = {item for _, _, _, item, reason in found if "has no time frame" in reason}
    assert {"shared_goals.1", "realistic_expectations.1", "realistic_expectations.3",
            "confidentiality.1", "confidentiality.3"} == none
    line = f"{shared}:{text_line(shared, 'shared_goals.1')}: statement shared_goals.1: it has no"
    assert line in done.stdout


def test_the_builtin_v1_finds_the_overlapping_statements_across_strategies():
    shared = BUILTIN / "shared.yaml"
    done, found = lint_builtin("mentee")
    duplicates = {(item, reason) for _, _, _, item, reason in found if "nearly the same" in reason}
    growth = text_line(BUILTIN / "mentee.yaml", "growth_commitment.1")
    assert (("consistency.1", f"it asks nearly the same as statement growth_commitment.1 on line "
             f"{growth} of mentee.yaml, so the two count twice in the scores; merge them or make "
             "each one ask something different.") in duplicates)
    assert {item for item, _ in duplicates} == {"consistency.1", "accountability.3"}
    assert f"{shared}:{text_line(shared, 'accountability.3')}: statement accountability.3:" \
        in done.stdout

    _, found = lint_builtin("mentor")
    reasons = [reason for _, _, _, item, reason in found
               if item == "conflict_resolution.3" and "nearly the same" in reason]
    feedback = text_line(BUILTIN / "mentor.yaml", "constructive_feedback.1")
    assert reasons == [f"it asks nearly the same as statement constructive_feedback.1 on line "
                       f"{feedback} of mentor.yaml, so the two count twice in the scores; "
                       "merge them or make each one ask something different."]


def test_the_builtin_v1_long_statements_are_above_grade_8():
    _, found = lint_builtin("mentee")
    graded = {item for _, _, _, item, reason in found if "school grade" in reason}
    assert {"empathy.2", "seek_feedback.1", "accountability.1"} <= graded
    assert "respect_boundaries.1" not in graded


def test_linting_says_how_many_problems_and_exits_1():
    done, found = lint_builtin("mentor")
    assert done.stdout.splitlines()[0] == (
        f"{BUILTIN / 'mentor.yaml'}: {len(found)} problems (checklist mentor, version 1).")
    assert done.stdout.splitlines()[-1] == f"{len(found)} problems in 1 of 1 checklist."
    assert done.stderr == (f"Found {len(found)} problems; please reword the statements named "
                           "above and run `trustcheck checklists lint` again.\n")


def test_the_builtin_v1_json_matches_its_schema_and_the_text():
    paths = [str(BUILTIN / "mentor.yaml"), str(BUILTIN / "mentee.yaml")]
    done = run("checklists", "lint", "--format", "json", *paths)
    assert done.exit_code == 1
    document = json.loads(done.stdout)
    assert_matches_schema(document)
    assert [f["path"] for f in document["files"]] == paths
    assert document["summary"]["files"] == 2 and document["summary"]["invalid"] == 0
    text = run("checklists", "lint", *paths).stdout
    assert document["summary"]["problems"] == len(problems_of(text))
    first = document["files"][0]["problems"][0]
    assert (first["kind"], first["id"], first["rule"]) == ("statement", "transparency.2",
                                                           "reading-grade")
    assert first["text"] == ("Over the past month, I gave my mentee a confident answer when I "
                             "was actually unsure.")


# --- a checklist written well, and one written badly ---------------------------------------------

GOOD_PART = """\
id: our-shared
version: 1
title: Shared parts
strategies:
  - id: follow_up
    title: Follow up
    items:
      - id: follow_up.1
        text: Over the past month, I replied to my {other} within two days.
      - id: follow_up.2
        text: Over the past month, I forgot to reply to my {other}.
        reverse: true
      - id: follow_up.3
        text: In our recent meetings, I checked what my {other} needed from me.
"""

GOOD = """\
id: team-mentor
version: 1
title: Trust check for team mentors
role: mentor
description: Rate each statement. Your answers stay private.
include: [our-shared.yaml]
strategies:
  - id: listening
    title: Listen actively
    items:
      - id: listening.1
        text: In our recent meetings, I asked my mentee a follow-up question.
      - id: listening.2
        text: In our recent meetings, I cut my mentee off mid-sentence.
        reverse: true
      - id: listening.3
        text: Over the past month, my mentee and I agreed on the next step.
      - id: listening.4
        text: In our recent meetings, I summarised what my mentee told me.
"""


def test_a_well_written_checklist_lints_clean(tmp_path):
    write(tmp_path, "our-shared.yaml", GOOD_PART)
    path = write(tmp_path, "team-mentor.yaml", GOOD)
    done = run("checklists", "lint", str(path))
    assert done.exit_code == 0, done.stdout
    assert done.stdout == (f"{path}: 0 problems (checklist team-mentor, version 1).\n\n"
                           "No problems in 1 checklist.\n")
    assert done.stderr == ""
    document = json.loads(run("checklists", "lint", "-f", "json", str(path)).stdout)
    assert_matches_schema(document)
    assert document["files"][0]["problems"] == []
    assert document["summary"] == {"files": 1, "problems": 0, "invalid": 0}


BAD = """\
id: rushed
version: 1
title: A rushed checklist
role: mentee
strategies:
  - id: listening
    title: Listen
    items:
      - id: listening.1
        text: I listened and summarised back what my mentor said.
      - id: listening.2
        text: Recently, I did not interrupt my mentor.
        reverse: true
  - id: preparing
    title: Prepare
    items:
      - id: preparing.1
        text: Over the past month, I deliberately contemplated comprehensive, multidimensional
          considerations concerning organisational responsibilities.
      - id: preparing.2
        text: Over the past month, I wrote down my questions before meetings.
      - id: preparing.3
        text: Over the past month, I wrote my questions down before our meetings.
"""


def test_a_badly_written_checklist_shows_every_rule_at_its_line(tmp_path):
    path = write(tmp_path, "rushed.yaml", BAD)
    done = run("checklists", "lint", str(path))
    assert done.exit_code == 1
    long_grade = lint.reading_grade(
        "Over the past month, I deliberately contemplated comprehensive, multidimensional "
        "considerations concerning organisational responsibilities.")
    assert long_grade > 20
    found = {(line, kind, item, reason.split(";")[0]) for _, line, kind, item, reason
             in problems_of(done.stdout)}
    assert found == {
        (6, "strategy", "listening", "it has 2 statements"),
        (10, "statement", "listening.1", 'it joins two things to do ("listened and summarised")'
                                         ", so someone who did one but not the other cannot "
                                         "answer"),
        (10, "statement", "listening.1", "it has no time frame, so people think of different "
                                         "periods"),
        (12, "statement", "listening.2", 'this statement describes a problem and also says '
                                         '"not", so the good answer is a double negative '
                                         "(disagreeing that you did not)"),
        (12, "statement", "listening.2", '"Recently" does not say how far back to think'),
        (14, "strategy", "preparing", "none of its statements describes a problem (reverse: "
                                      "true), so someone who agrees with everything scores high"),
        (18, "statement", "preparing.1", f"it reads at school grade {long_grade:.1f}, above 8"),
        (23, "statement", "preparing.3", "it asks nearly the same as statement preparing.2 on "
                                         "line 21, so the two count twice in the scores"),
    }
    assert all(file == str(path) for file, *_ in problems_of(done.stdout))
    assert done.stdout.splitlines()[-1] == "8 problems in 1 of 1 checklist."


def test_a_recall_period_stated_once_in_the_description_covers_the_statements(tmp_path):
    stated = BAD.replace("role: mentee\n",
                         "role: mentee\ndescription: Think about the past month as you answer.\n")
    path = write(tmp_path, "rushed.yaml", stated)
    reasons = [reason for *_, reason in problems_of(run("checklists", "lint", str(path)).stdout)]
    assert not any("no time frame" in reason for reason in reasons)
    assert any(reason.startswith('"Recently" does not say') for reason in reasons)


def test_statement_text_is_never_printed_raw(tmp_path):
    hostile = GOOD.replace("text: In our recent meetings, I asked my mentee a follow-up question.",
                           'text: "In our recent meetings, I asked \\e[31mmy mentee\\u202e a '
                           'follow-up question and told \\x9bthem."')
    write(tmp_path, "our-shared.yaml", GOOD_PART)
    path = write(tmp_path, "team-mentor.yaml", hostile)
    done = run("checklists", "lint", str(path))
    assert done.exit_code == 1
    assert 'statement listening.1: it joins two things to do ("question and told")' in done.stdout
    for raw in ("\x1b", "\u202e", "\x9b"):
        assert raw not in done.stdout + done.stderr
    shown = run("checklists", "lint", "--format", "json", str(path)).stdout
    assert "\x1b" not in shown and "\u202e" not in shown and "\x9b" not in shown
    assert "\\u001b[31m" in shown and "\\u202e" in shown and "\\u009b" in shown


def test_a_file_that_is_not_a_valid_checklist_is_not_linted_and_exits_2(tmp_path):
    broken = write(tmp_path, "broken.yaml", "id: broken\nversion: 1\nrole: mentor\n")
    good_part = write(tmp_path, "our-shared.yaml", GOOD_PART)
    good = write(tmp_path, "team-mentor.yaml", GOOD)
    done = run("checklists", "lint", str(broken), str(good))
    assert done.exit_code == 2
    assert done.stdout.splitlines()[0] == f"{broken}: not a valid checklist (see below)."
    assert done.stdout.splitlines()[-1] == "No problems in 1 checklist."
    assert done.stderr.splitlines()[0] == (
        f"{broken} is not a valid checklist, so it was not linted; please fix these problems "
        "first:")
    assert f"{broken}, line 1: the checklist has no 'title'" in done.stderr
    document = json.loads(run("checklists", "lint", "-f", "json", str(broken), str(good)).stdout)
    assert_matches_schema(document)
    assert document["files"][0]["valid"] is False and document["files"][0]["checklist"] is None
    assert document["files"][0]["errors"][0]["line"] == 1
    assert document["summary"] == {"files": 2, "problems": 0, "invalid": 1}
    assert good_part.exists()


def test_a_missing_file_is_named_in_one_sentence(tmp_path):
    done = run("checklists", "lint", str(tmp_path / "nowhere.yaml"))
    assert done.exit_code == 2
    assert done.stderr == (f"There is no file at {tmp_path / 'nowhere.yaml'}; please check the "
                           "path.\n")
    assert "Traceback" not in done.stdout + done.stderr


def test_the_real_command_lints_from_a_subprocess(tmp_path):
    import subprocess
    import sys

    trustcheck = Path(sys.executable).parent / "trustcheck"
    done = subprocess.run([str(trustcheck), "checklists", "lint", str(BUILTIN / "mentee.yaml")],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert "double negative" in done.stdout and "Traceback" not in done.stderr


# --- the built-in version 2 checklists ---------------------------------------------------------

def test_the_builtin_v2_checklists_lint_clean():
    paths = [str(NEWEST / "mentor.yaml"), str(NEWEST / "mentee.yaml")]

    done = run("checklists", "lint", *paths)

    assert done.exit_code == 0, done.stdout
    assert done.stdout.splitlines()[-1] == "No problems in 2 checklists."
    assert "(checklist mentor, version 2)" in done.stdout
    assert done.stderr == ""


def test_a_statement_naming_another_period_than_the_description_is_flagged(tmp_path):
    stated = GOOD.replace("description: Rate each statement. Your answers stay private.",
                          "description: Think about the past month when you answer.")
    write(tmp_path, "our-shared.yaml", GOOD_PART)
    path = write(tmp_path, "team-mentor.yaml", stated)

    done = run("checklists", "lint", str(path))

    assert done.exit_code == 1
    other = [(file, line, item, reason) for file, line, _, item, reason
             in problems_of(done.stdout) if reason.startswith("it asks about")]
    # "Over the past month" is the description's period; "In our recent meetings" is not.
    part = tmp_path / "our-shared.yaml"
    assert [(file, item, line) for file, line, item, _ in other] == [
        (str(path), item, text_line(path, item))
        for item in ("listening.1", "listening.2", "listening.4")
    ] + [(str(part), "follow_up.3", text_line(part, "follow_up.3"))]
    assert other[0][3] == ('it asks about "recent meetings" while the checklist\'s description '
                           'asks about "past month", so answers would cover different stretches '
                           "of time; use the description's period.")
    document = json.loads(run("checklists", "lint", "-f", "json", str(path)).stdout)
    assert_matches_schema(document)
    assert {p["rule"] for p in document["files"][0]["problems"]} == {"other-time-frame"}


def test_the_period_is_compared_in_one_form():
    assert lint.time_frame("Over the last month, I asked") == "past month"
    assert lint.time_frame("In the past month, I asked") == "past month"
    assert lint.time_frame("Think about the previous month.") == "past month"
    assert lint.time_frame("In the past three months, I asked") == "past three months"
    assert lint.time_frame("In our recent meetings, I asked") == "recent meetings"
    assert lint.time_frame("I asked my mentee") == ""


def test_the_help_and_the_docs_explain_the_exit_codes_and_every_rule():
    done = run("checklists", "lint", "--help")
    assert done.exit_code == 0
    help_text = " ".join(done.stdout.split())
    assert ("Exit 0 when there is nothing to improve, 1 when problems were found, 2 when a file "
            "is not a valid checklist.") in help_text
    guide = (ROOT / "docs" / "checklists.md").read_text(encoding="utf-8")
    linting = guide.split("## Linting", 1)[1].split("\n## ", 1)[0]
    for rule in lint.RULES:
        assert f"| `{rule}` |" in linting
    assert "`0` nothing to improve, `1` problems were found" in linting
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "it exits 0 when clean, 1 when it found problems" in " ".join(readme.split())
