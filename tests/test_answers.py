"""Answers files (YAML, JSON, stdin) for `assess --answers`, and every way they go wrong."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from conftest import run

from trustcheck import answers as answer_files
from trustcheck import checklist
from trustcheck.errors import InputError
from trustcheck.paths import builtin_folder

# These stories were written against version 1 of the mentor checklist (its ids and the scores
# its statements give), which is kept unchanged for past results: they answer that version.
MENTOR_V1 = builtin_folder() / "v1" / "mentor.yaml"

# --- helpers ----------------------------------------------------------------------------------


def mentor_v1() -> checklist.Checklist:
    return checklist.load(MENTOR_V1)


def item_ids() -> list[str]:
    return [item.id for item in mentor_v1().items]


def answers_yaml(values: dict[str, str] | None = None, *, drop: tuple[str, ...] = (),
                 head: str = "role: mentor\n", tail: str = "") -> str:
    """A mentor answers file: every statement answered 4 unless `values` says otherwise.

    Values are written into the YAML as given, so '"4"', 'skip', '' and 'null' all mean what
    they would in a file a person typed."""
    values = values or {}
    lines = [head.rstrip("\n")] if head else []
    lines.append("version: 1")  # as a template of version 1 says: answered against version 1
    lines.append("answers:")
    for item_id in item_ids():
        if item_id in drop:
            continue
        value = values.get(item_id, "4")
        lines.append(f"  {item_id}: {value}".rstrip())
    return "\n".join(lines) + "\n" + tail


def line_of(text: str, start: str) -> int:
    """The 1-based line of the first line starting with `start` (after indentation)."""
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip().startswith(start):
            return number
    raise AssertionError(f"{start!r} is not in the text")


def write(folder: Path, text: str, name: str = "answers.yaml") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def assess(*args: str, input: str | None = None):  # noqa: A002 - the CliRunner name
    return run("assess", "--role", "mentor", *args, input=input)


def saved_count(home: Path) -> int:
    """How many assessments are stored; 0 when there is no database at all."""
    database = home / "history.db"
    if not database.exists():
        return 0
    with sqlite3.connect(database) as db:
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
        if "assessments" not in tables:
            return 0
        return db.execute("SELECT COUNT(*) FROM assessments").fetchone()[0]


def stored(home: Path) -> tuple[tuple[str | None, str | None], dict[str, int | None]]:
    """The (partner, cohort) and the answers of the one stored assessment."""
    with sqlite3.connect(home / "history.db") as db:
        rows = db.execute("SELECT id, partner, cohort FROM assessments").fetchall()
        assert len(rows) == 1
        row_id, partner, cohort = rows[0]
        values = dict(db.execute("SELECT item_id, value FROM answers WHERE assessment_id = ?",
                                 (row_id,)).fetchall())
    return (partner, cohort), values


def assert_refused(result, home: Path, *phrases: str) -> None:
    """Exit 2, a plain message (no traceback) naming every phrase, and nothing saved."""
    assert result.exit_code == 2, (result.exit_code, result.stdout, result.stderr)
    assert isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout
    for phrase in phrases:
        assert phrase in result.stderr, (phrase, result.stderr)
    assert saved_count(home) == 0


# --- files that are read and saved ----------------------------------------------------------------


def test_a_filled_in_yaml_file_is_scored_and_saved(tmp_path: Path, trustcheck_home: Path) -> None:
    path = write(tmp_path, answers_yaml())
    result = assess("--answers", str(path))
    assert result.exit_code == 0, result.stderr
    assert "Overall trust index: 58.3 of 100" in result.stdout
    assert "Saved in your history" in result.stderr
    _, values = stored(trustcheck_home)
    assert values == {item_id: 4 for item_id in item_ids()}


def test_a_json_file_is_read_like_a_yaml_file(tmp_path: Path, trustcheck_home: Path) -> None:
    data = {"role": "mentor", "version": 1, "partner": "Robin",
            "answers": {item_id: 5 for item_id in item_ids()}}
    data["answers"]["transparency.2"] = 1  # reverse-keyed: disagreeing is the best answer
    path = write(tmp_path, json.dumps(data, indent=2), "answers.json")
    result = assess("--answers", str(path), "--format", "json")
    assert result.exit_code == 0, result.stderr
    shown = json.loads(result.stdout)
    assert shown["partner"] == "Robin"
    assert shown["answers"]["transparency.2"] == 1
    scores = {s["id"]: s["score"] for s in shown["strategies"]}
    assert scores["transparency"] == 100.0
    assert scores["active_listening"] == 66.7  # its reverse-keyed item was answered 5
    assert saved_count(trustcheck_home) == 1


def test_skip_empty_and_null_all_count_as_skipped(tmp_path: Path, trustcheck_home: Path) -> None:
    text = answers_yaml({"transparency.1": "skip", "transparency.2": "",
                         "active_listening.1": "null",
                         "active_listening.2": "~", "empathy.1": "n/a", "empathy.2": "SKIP"})
    result = assess("--answers", str(write(tmp_path, text)), "--format", "json")
    assert result.exit_code == 0, result.stderr
    shown = {s["id"]: s for s in json.loads(result.stdout)["strategies"]}
    assert shown["transparency"]["score"] is None
    assert shown["transparency"]["band"] == "not enough answers"
    assert (shown["transparency"]["answered"], shown["transparency"]["total"]) == (1, 3)
    assert shown["active_listening"]["score"] is None
    assert shown["empathy"]["score"] is None
    _, values = stored(trustcheck_home)
    skipped = {k for k, v in values.items() if v is None}
    assert skipped == {"transparency.1", "transparency.2", "active_listening.1",
                       "active_listening.2", "empathy.1", "empathy.2"}


def test_numbers_written_as_text_are_accepted(tmp_path: Path, trustcheck_home: Path) -> None:
    text = answers_yaml({"transparency.1": '"5"', "transparency.3": "' 2 '",
                         "empathy.1": "4.0"})
    result = assess("--answers", str(write(tmp_path, text)))
    assert result.exit_code == 0, result.stderr
    _, values = stored(trustcheck_home)
    assert (values["transparency.1"], values["transparency.3"], values["empathy.1"]) == (5, 2, 4)


def test_parse_returns_every_item_with_skips_as_none() -> None:
    text = answers_yaml({"transparency.1": "skip", "transparency.3": "5"}, head="partner: Ana\n")
    given = answer_files.parse(text, source="answers.yaml", checklist=mentor_v1())
    assert list(given.values) == item_ids()
    assert given.values["transparency.1"] is None
    assert given.values["transparency.3"] == 5
    assert given.partner == "Ana"
    assert given.role is None
    assert given.missing == ()


def test_missing_items_count_as_skipped_with_a_note(tmp_path: Path, trustcheck_home: Path) -> None:
    text = answers_yaml(drop=("transparency.1", "empathy.3"))
    result = assess("--answers", str(write(tmp_path, text)))
    assert result.exit_code == 0, result.stderr
    assert "2 statements had no answer in the file and count as skipped" in result.stderr
    _, values = stored(trustcheck_home)
    assert len(values) == 33
    assert values["transparency.1"] is None and values["empathy.3"] is None


def test_answers_can_come_from_standard_input(trustcheck_home: Path) -> None:
    result = assess("--answers", "-", "--partner", "Kim", input=answers_yaml())
    assert result.exit_code == 0, result.stderr
    assert "Overall trust index: 58.3 of 100" in result.stdout
    (partner, _), values = stored(trustcheck_home)
    assert partner == "Kim"
    assert values["transparency.1"] == 4


def test_bad_answers_on_standard_input_are_named_as_such(trustcheck_home: Path) -> None:
    result = assess("--answers", "-", input=answers_yaml({"transparency.1": "9"}))
    assert_refused(result, trustcheck_home, "standard input", "'transparency.1' is 9")


# --- partner and cohort: the command line wins over the file ------------------------------------


def test_partner_and_cohort_from_the_file_are_used_when_no_option_is_given(
        tmp_path: Path, trustcheck_home: Path) -> None:
    text = answers_yaml(head="role: mentor\npartner: Sam\ncohort: spring-2026\n")
    result = assess("--answers", str(write(tmp_path, text)))
    assert result.exit_code == 0, result.stderr
    assert "with Sam" in result.stdout
    (partner, cohort), _ = stored(trustcheck_home)
    assert (partner, cohort) == ("Sam", "spring-2026")


def test_partner_and_cohort_options_win_over_the_file(tmp_path: Path,
                                                      trustcheck_home: Path) -> None:
    text = answers_yaml(head="role: mentor\npartner: Sam\ncohort: spring-2026\n")
    result = assess("--answers", str(write(tmp_path, text)),
                    "--partner", "Alex", "--cohort", "autumn-2026")
    assert result.exit_code == 0, result.stderr
    assert "with Alex" in result.stdout and "Sam" not in result.stdout
    (partner, cohort), _ = stored(trustcheck_home)
    assert (partner, cohort) == ("Alex", "autumn-2026")


def test_one_option_does_not_hide_the_other_value_from_the_file(
        tmp_path: Path, trustcheck_home: Path) -> None:
    text = answers_yaml(head="role: mentor\npartner: Sam\ncohort: spring-2026\n")
    result = assess("--answers", str(write(tmp_path, text)), "--partner", "Alex")
    assert result.exit_code == 0, result.stderr
    (partner, cohort), _ = stored(trustcheck_home)
    assert (partner, cohort) == ("Alex", "spring-2026")


def test_a_partner_name_over_200_characters_is_refused(tmp_path: Path,
                                                       trustcheck_home: Path) -> None:
    path = write(tmp_path, answers_yaml())
    result = assess("--answers", str(path), "--partner", "x" * 201)
    assert_refused(result, trustcheck_home, "'--partner' is longer than 200 characters")


def test_a_partner_name_of_exactly_200_characters_is_kept(tmp_path: Path,
                                                          trustcheck_home: Path) -> None:
    path = write(tmp_path, answers_yaml())
    result = assess("--answers", str(path), "--partner", "x" * 200)
    assert result.exit_code == 0, result.stderr
    (partner, _), _ = stored(trustcheck_home)
    assert partner == "x" * 200


def test_a_partner_name_over_200_characters_in_the_file_is_refused(
        tmp_path: Path, trustcheck_home: Path) -> None:
    text = answers_yaml(head=f"role: mentor\npartner: {'y' * 250}\n")
    result = assess("--answers", str(write(tmp_path, text)))
    assert_refused(result, trustcheck_home, "line 2", "'partner' is longer than 200 characters")


# --- every problem, at once, with its line --------------------------------------------------------


def test_every_problem_in_a_yaml_file_is_listed_at_once_with_its_line(
        tmp_path: Path, trustcheck_home: Path) -> None:
    text = answers_yaml(
        {"transparency.1": "0", "transparency.3": "6", "active_listening.1": "3.5",
         "active_listening.2": "lots", "empathy.2": "true"},
        head="role: mentor\npartnr: Sam\n",
        tail="  transparecy.9: 4\n",
    )
    result = assess("--answers", str(write(tmp_path, text)))
    assert_refused(result, trustcheck_home, "have 7 problems; nothing was saved")
    expected = {
        "partnr:": "'partnr' is not something an answers file can hold. Did you mean 'partner'?",
        "transparency.1:": "the answer to 'transparency.1' is 0, outside the scale; use 1 to 5",
        "transparency.3:": "the answer to 'transparency.3' is 6, outside the scale; use 1 to 5",
        "active_listening.1:": "the answer to 'active_listening.1' is 3.5; use a whole number",
        "active_listening.2:": "the answer to 'active_listening.2' is 'lots'; use a whole number",
        "empathy.2:": "the answer to 'empathy.2' is",
        "transparecy.9:": "'transparecy.9' is not a statement in the checklist 'mentor'.",
    }
    for start, message in expected.items():
        assert f"line {line_of(text, start)}: {message}" in result.stderr, (start, result.stderr)


def test_an_unknown_item_id_is_reported_with_its_line_and_a_suggestion(
        tmp_path: Path, trustcheck_home: Path) -> None:
    text = answers_yaml(tail="  emapthy.1: 4\n")
    path = write(tmp_path, text)
    result = assess("--answers", str(path))
    assert_refused(result, trustcheck_home,
                   f"{path}, line {line_of(text, 'emapthy.1:')}: 'emapthy.1' is not a statement "
                   "in the checklist 'mentor'. Did you mean 'empathy.1'?")


@pytest.mark.parametrize("value", ["0", "6", "-1", "99"])
def test_an_answer_outside_the_scale_is_refused(value: str, tmp_path: Path,
                                               trustcheck_home: Path) -> None:
    text = answers_yaml({"consistency.2": value})
    result = assess("--answers", str(write(tmp_path, text)))
    assert_refused(result, trustcheck_home,
                   f"line {line_of(text, 'consistency.2:')}: the answer to 'consistency.2' is "
                   f"{value}, outside the scale; use 1 to 5, or skip.")


@pytest.mark.parametrize(
    "value", ["3.5", "lots", "true", "'4.0'", "[4]", "{a: 4}", "'²'", "'--3'"])
def test_an_answer_that_is_not_a_whole_number_is_refused(value: str, tmp_path: Path,
                                                         trustcheck_home: Path) -> None:
    text = answers_yaml({"shared_goals.1": value})
    result = assess("--answers", str(write(tmp_path, text)))
    assert_refused(result, trustcheck_home,
                   f"line {line_of(text, 'shared_goals.1:')}: the answer to 'shared_goals.1' is",
                   "use a whole number from 1 to 5, or skip.")


def test_an_absurdly_long_number_is_refused_plainly(tmp_path: Path, trustcheck_home: Path) -> None:
    text = answers_yaml({"shared_goals.1": "9" * 5000})
    result = assess("--answers", str(write(tmp_path, text)))
    assert_refused(result, trustcheck_home, f"line {line_of(text, 'shared_goals.1:')}")


def test_an_absurdly_long_number_in_json_is_refused_plainly(tmp_path: Path,
                                                           trustcheck_home: Path) -> None:
    text = '{"version": 1, "answers": {"shared_goals.1": ' + "9" * 5000 + "}}"
    result = assess("--answers", str(write(tmp_path, text, "answers.json")))
    assert_refused(result, trustcheck_home, "answers.json")


def test_problems_in_a_json_file_are_all_listed(tmp_path: Path, trustcheck_home: Path) -> None:
    data = {"version": 1, "answers": {item_id: 4 for item_id in item_ids()}, "colour": "blue"}
    data["answers"].update({"transparency.1": 0, "transparency.2": "lots", "transparecy.3": 4})
    result = assess("--answers", str(write(tmp_path, json.dumps(data), "answers.json")))
    assert_refused(
        result, trustcheck_home, "have 4 problems",
        "'colour' is not something an answers file can hold.",
        "the answer to 'transparency.1' is 0, outside the scale",
        "the answer to 'transparency.2' is 'lots'",
        "'transparecy.3' is not a statement in the checklist 'mentor'. "
        "Did you mean 'transparency.3'?",
    )


# --- too many skipped ----------------------------------------------------------------------------


def test_fewer_than_half_answered_says_how_many_to_answer(tmp_path: Path,
                                                         trustcheck_home: Path) -> None:
    skipped = {item_id: "skip" for item_id in item_ids()[:17]}  # 16 of 33 answered
    result = assess("--answers", str(write(tmp_path, answers_yaml(skipped))))
    assert_refused(result, trustcheck_home,
                   "only 16 of 33 statements have an answer; please answer at least 17")


def test_missing_items_count_towards_too_many_skipped(tmp_path: Path,
                                                      trustcheck_home: Path) -> None:
    result = assess("--answers", str(write(tmp_path, answers_yaml(drop=tuple(item_ids()[:20])))))
    assert_refused(result, trustcheck_home, "only 13 of 33 statements have an answer")


def test_just_over_half_answered_is_enough(tmp_path: Path, trustcheck_home: Path) -> None:
    skipped = {item_id: "skip" for item_id in item_ids()[:16]}  # 17 of 33 answered
    result = assess("--answers", str(write(tmp_path, answers_yaml(skipped))))
    assert result.exit_code == 0, result.stderr
    assert saved_count(trustcheck_home) == 1


def test_parse_raises_with_all_problems_for_callers_other_than_the_cli() -> None:
    text = answers_yaml({"transparency.1": "0"}, tail="  nope.1: 3\n")
    with pytest.raises(InputError) as caught:
        answer_files.parse(text, source="mine.yaml", checklist=mentor_v1())
    assert "nothing was saved" in caught.value.message
    assert [(p.source, p.line) for p in caught.value.problems] == [
        ("mine.yaml", line_of(text, "transparency.1:")), ("mine.yaml", line_of(text, "nope.1:"))]


# --- files that are not answers files at all -----------------------------------------------------


BAD_FILES = {
    "malformed yaml": (
        "answers.yaml",
        "role: mentor\nanswers:\n  transparency.1: 4\n transparency.2: 4\n  transparency.3: 4\n",
        ["could not be read as YAML", "line 4: this is not valid YAML"],
    ),
    "malformed json": (
        "answers.json",
        '{\n  "answers": {\n    "transparency.1": 4\n    "transparency.2": 4\n  }\n}\n',
        ["could not be read as JSON", "line 4: this is not valid JSON"],
    ),
    "a list, not a mapping": (
        "answers.yaml",
        "- 4\n- 5\n- 3\n",
        ["should hold 'answers:' followed by one 'item id: value' line per statement",
         "trustcheck template --role mentor"],
    ),
    "a json list": (
        "answers.json",
        "[4, 5, 3]",
        ["should hold 'answers:'"],
    ),
    "an empty file": (
        "answers.yaml",
        "",
        ["should hold 'answers:'"],
    ),
    "no answers section": (
        "answers.yaml",
        "role: mentor\npartner: Sam\n",
        ["there is no 'answers:' section"],
    ),
    "answers is a list": (
        "answers.yaml",
        "answers:\n  - 4\n  - 5\n",
        ["line 1: there is no 'answers:' section"],
    ),
    "unknown top-level key": (
        "answers.yaml",
        answers_yaml(head="role: mentor\ncohrt: spring\n"),
        ["line 2: 'cohrt' is not something an answers file can hold. Did you mean 'cohort'?"],
    ),
    "a role that contradicts --role": (
        "answers.yaml",
        answers_yaml(head="role: mentee\n"),
        ["says role 'mentee' but the command says --role mentor; please make them match."],
    ),
    "a role that is neither": (
        "answers.yaml",
        answers_yaml(head="role: boss\n"),
        ["line 1: 'role' should be mentor or mentee, not 'boss'."],
    ),
    "another checklist": (
        "answers.yaml",
        answers_yaml(head="checklist: mentee\n"),
        ["is for the checklist 'mentee', which is for mentees, not mentors; please make the "
         "role and the checklist match."],
    ),
    "not utf-8": (
        "answers.yaml",
        None,
        ["is not a UTF-8 text file"],
    ),
}


@pytest.mark.parametrize("case", list(BAD_FILES), ids=list(BAD_FILES))
def test_a_bad_answers_file_is_refused_plainly_and_nothing_is_saved(
        case: str, tmp_path: Path, trustcheck_home: Path) -> None:
    name, text, phrases = BAD_FILES[case]
    path = tmp_path / name
    if text is None:
        path.write_bytes(answers_yaml().encode("utf-8").replace(b"role: mentor", b"role: \xff"))
    else:
        path.write_text(text, encoding="utf-8")
    result = assess("--answers", str(path))
    assert_refused(result, trustcheck_home, str(path), *phrases)


def test_a_missing_file_is_refused_plainly(tmp_path: Path, trustcheck_home: Path) -> None:
    missing = tmp_path / "not-there.yaml"
    result = assess("--answers", str(missing))
    assert_refused(result, trustcheck_home,
                   f"There is no file at {missing}; please check the path.")


def test_a_folder_instead_of_a_file_is_refused_plainly(tmp_path: Path,
                                                       trustcheck_home: Path) -> None:
    result = assess("--answers", str(tmp_path))
    assert_refused(result, trustcheck_home, "is a folder, not a file")


def test_nothing_is_saved_even_when_earlier_assessments_exist(tmp_path: Path,
                                                             trustcheck_home: Path) -> None:
    assert assess("--answers", str(write(tmp_path, answers_yaml()))).exit_code == 0
    bad = write(tmp_path, answers_yaml({"transparency.1": "0"}), "bad.yaml")
    result = assess("--answers", str(bad))
    assert result.exit_code == 2
    assert saved_count(trustcheck_home) == 1


@pytest.mark.parametrize(("written", "meant"), [
    ("didn't come up", True), ("Didn't Come Up", True), ("didnt come up", True),
    ("did not come up", True), ("didn\u2019t come up", True), ("  did  not   come up ", True),
    ("didn't come", False), ("not come up", False), ("skip", False), ("come up", False),
])
def test_didnt_come_up_is_recognised_as_people_write_it(written, meant):
    assert answer_files.is_not_came_up(written) is meant


def test_the_json_description_of_a_checklist_given_as_answers_is_named_for_what_it_is(
        tmp_path: Path, trustcheck_home: Path) -> None:
    described = run("template", "--role", "mentor", "--format", "json").stdout
    path = tmp_path / "described.json"
    path.write_text(described, encoding="utf-8")
    result = run("assess", "--role", "mentor", "--answers", str(path), "--format", "json")
    assert result.exit_code == 2
    assert "looks like a description of a checklist, not an answers file" in result.stderr
    assert "{'id'" not in result.stderr  # never a Python dictionary in a message
    assert not (trustcheck_home / "history.db").exists() or "nothing was saved" in result.stderr
