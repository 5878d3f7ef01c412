"""The command line as a person or a script uses it: templates, assess, history, help, errors."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import typer
from conftest import answers_file, builtin, run, template_text

from trustcheck import __version__
from trustcheck.cli.app import app

ISO_UTC = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
HEX64 = re.compile(r"^[0-9a-f]{64}$")


# --- helpers ---------------------------------------------------------------------------------


def run_process(*args: str, env: dict[str, str] | None = None,
                stdin=subprocess.DEVNULL) -> subprocess.CompletedProcess:
    """Run `python -m trustcheck` as a real process, the way a script would."""
    return subprocess.run([sys.executable, "-m", "trustcheck", *args], env=env or dict(os.environ),
                          stdin=stdin, capture_output=True, text=True, timeout=120)


def assess(answers: Path, *extra: str, role: str = "mentor"):
    result = run("assess", "--role", role, "--answers", str(answers), *extra)
    assert result.exit_code == 0, result.stderr
    return result


def assess_json(answers: Path, *extra: str, role: str = "mentor") -> dict:
    return json.loads(assess(answers, "--format", "json", *extra, role=role).stdout)


def history_json(*extra: str) -> list[dict]:
    result = run("history", "--format", "json", *extra)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def walk(command, path: tuple[str, ...] = ()):
    """Every command and subcommand of the app, with the words that reach it."""
    yield path, command
    for name, sub in sorted(getattr(command, "commands", {}).items()):
        yield from walk(sub, (*path, name))


# --- version and help ------------------------------------------------------------------------


def test_version_is_printed_by_the_app_and_by_python_dash_m():
    result = run("--version")
    assert result.exit_code == 0
    assert result.stdout.strip() == f"trustcheck {__version__}"

    process = run_process("--version")
    assert process.returncode == 0
    assert process.stdout.strip() == f"trustcheck {__version__}"
    assert process.stderr == ""


def test_every_command_and_subcommand_has_help_text_and_shows_it():
    commands = list(walk(typer.main.get_command(app)))
    names = {" ".join(path) for path, _ in commands}
    assert {"", "assess", "template", "history", "history show", "checklists",
            "checklists list", "checklists show", "checklists validate"} <= names
    for path, command in commands:
        assert (command.help or "").strip(), f"`trustcheck {' '.join(path)}` has no help text"
        result = run(*path, "--help")
        assert result.exit_code == 0, (path, result.stderr)
        assert "Usage:" in result.stdout
        first_line = command.help.strip().splitlines()[0]
        assert first_line in result.stdout, f"help for {path} does not show {first_line!r}"


# --- templates -------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["mentor", "mentee"])
def test_yaml_template_lists_every_statement_beside_its_item_id(role):
    text = template_text("--role", role)
    checklist = builtin(role)
    lines = text.splitlines()
    assert f"role: {role}" in lines
    for item in checklist.items:
        line = next((x for x in lines if x.strip().startswith(f"{item.id}:")), None)
        assert line is not None, f"{item.id} missing from the template"
        marked = "  (or: didn't come up)" if item.conditional else ""
        assert line.endswith(f"# {item.text}{marked}")
    assert "{other}" not in text


@pytest.mark.parametrize("role", ["mentor", "mentee"])
def test_yaml_template_once_filled_is_accepted_by_assess(tmp_path, role):
    answers = answers_file(tmp_path, role, value=5)
    result = assess_json(answers, role=role)
    assert result["role"] == role
    assert set(result["answers"]) == {item.id for item in builtin(role).items}
    assert all(value == 5 for value in result["answers"].values())


def test_a_filled_template_made_for_another_checklist_version_is_saved_with_a_note(tmp_path):
    checklist = builtin("mentor")
    current = answers_file(tmp_path, "mentor")
    assert f'version: "{checklist.version}"' in current.read_text(encoding="utf-8")
    older = tmp_path / "older.yaml"
    older.write_text(current.read_text(encoding="utf-8").replace(
        f'version: "{checklist.version}"', 'version: "0.9"'), encoding="utf-8")

    same = run("assess", "--answers", str(current), "--format", "json")
    noted = run("assess", "--answers", str(older), "--format", "json")

    assert same.exit_code == 0 and same.stderr.count("\n") == 2  # where it was saved, how to see it
    assert noted.exit_code == 0, noted.stderr
    assert (f"{older} was made for version 0.9 of the checklist 'mentor', and this is version "
            f"{checklist.version}: the answers were checked statement by statement, but a "
            "statement's wording may have changed since.") in noted.stderr
    assert json.loads(noted.stdout)["checklist"]["version"] == checklist.version


def test_a_decimal_version_in_an_answers_file_gives_no_false_note(tmp_path):
    # YAML reads version: 1.10 as the number 1.1, which cannot be compared with "1.10".
    current = answers_file(tmp_path, "mentor")
    decimal = tmp_path / "decimal.yaml"
    decimal.write_text(re.sub(r'(?m)^version: .*$', "version: 1.10",
                              current.read_text(encoding="utf-8")), encoding="utf-8")

    result = run("assess", "--answers", str(decimal), "--no-save")

    assert result.exit_code == 0, result.stderr
    assert "was made for version" not in result.stderr


@pytest.mark.parametrize("role", ["mentor", "mentee"])
def test_json_template_names_the_checklist_and_every_item(role):
    result = run("template", "--role", role, "--format", "json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    checklist = builtin(role)
    assert set(data) == {"checklist", "items"}
    assert data["checklist"]["id"] == checklist.id
    assert data["checklist"]["sha256"] == checklist.sha256
    assert [item["id"] for item in data["items"]] == [item.id for item in checklist.items]
    for entry, item in zip(data["items"], checklist.items, strict=False):
        assert set(entry) == {"id", "strategy", "group", "text", "reverse", "conditional"}
        assert entry["strategy"] == item.strategy
        assert entry["group"] == checklist.strategy(item.strategy).group
        assert entry["text"] == item.text
        assert entry["reverse"] is item.reverse
        assert entry["conditional"] is item.conditional


@pytest.mark.parametrize("role", ["mentor", "mentee"])
def test_csv_template_is_one_header_row_with_every_item_id_in_order(role):
    result = run("template", "--role", role, "--format", "csv")
    assert result.exit_code == 0, result.stderr
    rows = list(csv.reader(io.StringIO(result.stdout)))
    expected = ["role", "partner", "cohort", *(item.id for item in builtin(role).items)]
    assert rows == [expected]


@pytest.mark.parametrize("command", ["template", "assess"])
def test_template_and_assess_refuse_a_shared_part_with_the_same_sentence(
        command, tmp_path, trustcheck_home):
    # One rule for both commands (trustcheck.checklist.choose_checklist): the same words.
    shared = Path(__file__).parents[1] / "checklists" / "shared.yaml"
    extra = ["--answers", str(answers_file(tmp_path, "mentor"))] if command == "assess" else []
    result = run(command, "--checklist", str(shared), *extra)
    assert result.exit_code == 2, result.stdout + result.stderr
    assert result.stdout == ""
    assert ("The checklist 'shared' is a shared part without a role; please choose a checklist "
            "made for mentors or mentees.") in result.stderr
    assert not (trustcheck_home / "history.db").exists()


@pytest.mark.parametrize("command", ["template", "assess"])
def test_template_and_assess_refuse_a_checklist_of_the_other_role_with_the_same_sentence(
        command, tmp_path, trustcheck_home):
    extra = ["--answers", str(answers_file(tmp_path, "mentee"))] if command == "assess" else []
    result = run(command, "--role", "mentee", "--checklist", "mentor", *extra)
    assert result.exit_code == 2, result.stdout + result.stderr
    assert result.stdout == ""
    assert ("The checklist 'mentor' is for mentors, but you chose --role mentee; please pick a "
            "mentee checklist or change --role.") in result.stderr
    assert not (trustcheck_home / "history.db").exists()


# --- the scripted workshop path --------------------------------------------------------------


def test_workshop_path_from_template_to_history(tmp_path, trustcheck_home):
    answers = answers_file(tmp_path, "mentor", value=4, overrides={"transparency.4": "skip"})

    saved = run("assess", "--role", "mentor", "--answers", str(answers),
                "--partner", "Sam", "--cohort", "spring")
    assert saved.exit_code == 0, saved.stderr
    assert "Your check-in as a mentor with Sam (cohort spring)" in saved.stdout
    assert "Overall trust index:" in saved.stdout
    assert "Saved in your history as" in saved.stderr
    assert (trustcheck_home / "history.db").is_file()

    listing = run("history")
    assert listing.exit_code == 0, listing.stderr
    row = next(line for line in listing.stdout.splitlines() if "Sam" in line)
    assert "mentor" in row and "spring" in row
    short_id = re.search(r"\b[0-9a-f]{8}\b", row)[0]
    assert short_id in saved.stderr

    for reference in ("last", short_id[:6]):
        shown = run("history", "show", reference)
        assert shown.exit_code == 0, shown.stderr
        assert "Your check-in as a mentor with Sam (cohort spring)" in shown.stdout
        assert "Answers" in shown.stdout
        assert "transparency.4: skipped" in shown.stdout
        assert "transparency.6: 4" in shown.stdout

    listed = history_json()
    assert len(listed) == 1
    assert listed[0]["schema"] == "trustcheck/result/v3"
    assert listed[0]["id"].startswith(short_id)
    assert listed[0]["partner"] == "Sam" and listed[0]["cohort"] == "spring"
    assert listed[0]["answers"]["transparency.4"] is None

    table = run("history", "--format", "csv")
    assert table.exit_code == 0, table.stderr
    rows = list(csv.DictReader(io.StringIO(table.stdout)))
    assert len(rows) == 1
    assert rows[0]["partner"] == "Sam" and rows[0]["cohort"] == "spring"
    strategy_ids = [s["id"] for s in listed[0]["strategies"]]
    for strategy in listed[0]["strategies"]:
        assert float(rows[0][strategy["id"]]) == strategy["score"]
    assert list(rows[0])[-len(strategy_ids):] == strategy_ids


def test_assess_json_has_the_documented_shape_and_messages_go_to_stderr(tmp_path, trustcheck_home):
    answers = answers_file(tmp_path, "mentor", value=3, overrides={"empathy.5": "skip"})
    result = run("assess", "--role", "mentor", "--answers", str(answers), "--partner", "Sam",
                 "--cohort", "spring", "--format", "json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)  # nothing but JSON on stdout
    assert "Saved in your history as" in result.stderr
    assert str(trustcheck_home / "history.db") in result.stderr  # where it was saved
    assert "Saved" not in result.stdout

    assert data["schema"] == "trustcheck/result/v3"
    assert re.fullmatch(r"[0-9a-f]{32}", data["id"])
    assert ISO_UTC.match(data["created_at"])
    assert (data["role"], data["partner"], data["cohort"]) == ("mentor", "Sam", "spring")
    checklist = builtin("mentor")
    assert data["checklist"]["id"] == "mentor"
    assert data["checklist"]["version"] == checklist.version
    assert HEX64.match(data["checklist"]["sha256"])
    assert data["checklist"]["sha256"] == checklist.sha256

    assert list(data["answers"]) == [item.id for item in checklist.items]
    assert data["answers"]["empathy.5"] is None
    assert all(isinstance(v, int) for k, v in data["answers"].items() if k != "empathy.5")

    assert [s["id"] for s in data["strategies"]] == [s.id for s in checklist.strategies]
    for strategy in data["strategies"]:
        assert {"id", "title", "group", "score", "answered", "total", "band"} <= set(strategy)
        assert isinstance(strategy["score"], (int, float))
        assert strategy["answered"] <= strategy["total"]
    assert isinstance(data["overall"], (int, float))
    assert data["band"] in ("strong", "solid", "developing", "needs attention")

    assert data["focus"], "a middling result should suggest what to work on"
    for area in data["focus"]:
        assert {"strategy", "reason", "actions"} <= set(area)
        assert area["strategy"] in {s.id for s in checklist.strategies}
        assert all({"id", "text"} <= set(action) for action in area["actions"])
    for obstacle in data["obstacles"]:
        assert {"id", "title", "remedy"} <= set(obstacle)

    stored = history_json()
    assert data.pop("compared_to") is None  # printed by assess only, never stored
    assert stored == [data]


# --- saving, data folders and history listings -----------------------------------------------


def test_no_save_shows_the_result_but_stores_nothing(tmp_path, trustcheck_home):
    answers = answers_file(tmp_path)
    result = assess(answers, "--no-save", "--format", "json")
    assert json.loads(result.stdout)["role"] == "mentor"
    assert "Not saved" in result.stderr
    assert not (trustcheck_home / "history.db").exists()
    assert history_json() == []


def test_data_dir_option_puts_the_history_in_that_folder(tmp_path, trustcheck_home):
    answers = answers_file(tmp_path)
    elsewhere = tmp_path / "workshop-data"
    result = run("--data-dir", str(elsewhere), "assess", "--role", "mentor",
                 "--answers", str(answers), "--partner", "Ada")
    assert result.exit_code == 0, result.stderr
    assert (elsewhere / "history.db").is_file()
    assert not (trustcheck_home / "history.db").exists()

    assert history_json() == []
    there = run("--data-dir", str(elsewhere), "history", "--format", "json")
    assert [r["partner"] for r in json.loads(there.stdout)] == ["Ada"]


def test_history_filters_by_role_partner_and_cohort_newest_first(tmp_path):
    mentor = answers_file(tmp_path, "mentor")
    mentee = answers_file(tmp_path, "mentee")
    assess(mentor, "--partner", "Sam", "--cohort", "spring")
    assess(mentee, "--partner", "Ada", "--cohort", "spring", role="mentee")
    assess(mentor, "--partner", "Ada", "--cohort", "autumn")
    assess(mentor, "--partner", "Sam", "--cohort", "autumn")

    def who(*filters: str) -> list[tuple[str, str, str]]:
        return [(r["role"], r["partner"], r["cohort"]) for r in history_json(*filters)]

    assert who() == [("mentor", "Sam", "autumn"), ("mentor", "Ada", "autumn"),
                     ("mentee", "Ada", "spring"), ("mentor", "Sam", "spring")]
    assert who("--role", "mentee") == [("mentee", "Ada", "spring")]
    assert who("--partner", "Sam") == [("mentor", "Sam", "autumn"), ("mentor", "Sam", "spring")]
    assert who("--cohort", "spring") == [("mentee", "Ada", "spring"),
                                         ("mentor", "Sam", "spring")]
    assert who("--role", "mentor", "--partner", "Ada") == [("mentor", "Ada", "autumn")]
    assert who("--partner", "Nobody") == []


def test_history_limit_shows_the_newest_and_zero_shows_all(tmp_path):
    answers = answers_file(tmp_path)
    for number in range(25):
        assess(answers, "--partner", f"p{number}")
    assert [r["partner"] for r in history_json("-n", "2")] == ["p24", "p23"]
    assert len(history_json()) == 20  # the default
    everything = history_json("-n", "0")
    assert [r["partner"] for r in everything] == [f"p{n}" for n in reversed(range(25))]

    text = run("history", "-n", "2")
    assert "p24" in text.stdout and "p23" in text.stdout and "p22" not in text.stdout


def test_history_show_of_an_unknown_id_exits_2_with_a_plain_message(tmp_path):
    assess(answers_file(tmp_path))
    result = run("history", "show", "nope")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "no saved check-in with the id 'nope'" in result.stderr
    assert "trustcheck history" in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_history_with_nothing_saved_says_so_and_succeeds(trustcheck_home):
    result = run("history")
    assert result.exit_code == 0
    assert result.stdout == ""
    assert "No check-ins found yet" in result.stderr
    assert not (trustcheck_home / "history.db").exists(), "only reading must not create a file"

    shown = run("history", "show", "last")
    assert shown.exit_code == 2
    assert "no saved check-ins yet" in shown.stderr


# --- no terminal -----------------------------------------------------------------------------


def test_assess_without_a_terminal_or_answers_file_stops_at_once_and_says_what_to_do():
    process = run_process("assess", "--role", "mentor", stdin=subprocess.DEVNULL)
    assert process.returncode == 2
    assert process.stdout == ""
    assert "--answers" in process.stderr
    assert "trustcheck template" in process.stderr
    assert "Traceback" not in process.stderr


# --- output safety ---------------------------------------------------------------------------


def test_rich_markup_in_a_partner_name_is_printed_literally(tmp_path):
    answers = answers_file(tmp_path)
    saved = assess(answers, "--partner", "[bold]x[/]", "--cohort", "[red]c[/red]")
    assert "with [bold]x[/] (cohort [red]c[/red])" in saved.stdout

    listing = run("history")
    assert "[bold]x[/]" in listing.stdout
    assert "[red]c[/red]" in listing.stdout
    shown = run("history", "show", "last")
    assert "with [bold]x[/] (cohort [red]c[/red])" in shown.stdout


CONTROL_PARTNER = "\x1b[31mRed\x07Bell\x9bC1"
CONTROL_COHORT = "\x1b]0;pwned\x07spring"


def _assert_no_raw_controls(text: str) -> None:
    for raw in ("\x1b", "\x07", "\x9b"):
        assert raw not in text, f"{raw!r} reached the output"


def test_control_characters_in_labels_never_reach_stdout_raw(tmp_path):
    answers = answers_file(tmp_path)

    text = assess(answers, "--partner", CONTROL_PARTNER, "--cohort", CONTROL_COHORT)
    _assert_no_raw_controls(text.stdout)
    _assert_no_raw_controls(text.stderr)
    assert "Red" in text.stdout and "Bell" in text.stdout and "C1" in text.stdout
    assert "spring" in text.stdout

    as_json = assess(answers, "--partner", CONTROL_PARTNER, "--cohort", CONTROL_COHORT,
                     "--format", "json")
    _assert_no_raw_controls(as_json.stdout)
    data = json.loads(as_json.stdout)
    assert data["partner"] == CONTROL_PARTNER  # escaped in JSON, exact once decoded
    assert data["cohort"] == CONTROL_COHORT

    for command in (["history"], ["history", "--format", "json"], ["history", "--format", "csv"],
                    ["history", "show", "last"], ["history", "show", "last", "-f", "json"]):
        result = run(*command)
        assert result.exit_code == 0, result.stderr
        _assert_no_raw_controls(result.stdout)
        assert "Red" in result.stdout, command


# --- bad option values -----------------------------------------------------------------------


@pytest.mark.parametrize("args", [
    ["assess", "--role", "boss"],
    ["template", "--role", "boss"],
    ["history", "--role", "boss"],
    ["assess", "--role", "mentor", "--format", "xml"],
    ["template", "--role", "mentor", "--format", "xml"],
    ["history", "--format", "xml"],
    ["history", "-n", "-1"],
])
def test_bad_option_values_exit_2_without_doing_anything(args, trustcheck_home):
    result = run(*args)
    assert result.exit_code == 2, result.stdout + result.stderr
    assert result.stdout == ""
    assert "Invalid value" in result.stderr
    assert not (trustcheck_home / "history.db").exists()


# --- unexpected failures ---------------------------------------------------------------------

BOOM = """
import sys
import trustcheck.scoring

def boom(*args, **kwargs):
    raise RuntimeError("scoring exploded")

trustcheck.scoring.score = boom
sys.argv = ["trustcheck", *sys.argv[1:]]
from trustcheck.cli import main
main()
"""


def test_an_unexpected_error_is_one_plain_sentence_and_exit_1(tmp_path, monkeypatch):
    answers = answers_file(tmp_path)

    def boom(*args, **kwargs):
        raise RuntimeError("scoring exploded")

    monkeypatch.setattr("trustcheck.scoring.score", boom)
    result = run("assess", "--role", "mentor", "--answers", str(answers))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "TRUSTCHECK_DEBUG=1" in result.stderr
    assert history_json() == []  # and nothing was saved


def test_an_unexpected_error_in_a_real_process_hides_the_traceback_unless_debugging(tmp_path):
    answers = answers_file(tmp_path)
    command = [sys.executable, "-c", BOOM, "assess", "--role", "mentor", "--answers", str(answers)]

    quiet = subprocess.run(command, capture_output=True, text=True, timeout=120,
                           stdin=subprocess.DEVNULL)
    assert quiet.returncode == 1
    assert "Traceback" not in quiet.stderr
    assert "TRUSTCHECK_DEBUG" in quiet.stderr
    assert len(quiet.stderr.strip().splitlines()) == 1

    loud = subprocess.run(command, capture_output=True, text=True, timeout=120,
                          stdin=subprocess.DEVNULL, env={**os.environ, "TRUSTCHECK_DEBUG": "1"})
    assert loud.returncode == 1
    assert "Traceback" in loud.stderr
    assert "RuntimeError: scoring exploded" in loud.stderr


def test_history_loads_only_the_subcommand_it_runs(tmp_path):
    """`history -n 20` is run often: it must not pay for the modules of export, import, delete
    and backup (each history subcommand lives in its own module)."""
    import subprocess
    import sys

    env = dict(os.environ, TRUSTCHECK_HOME=str(tmp_path / "home"))

    program = ("import atexit, sys\n"
               "atexit.register(lambda: sys.stderr.write('\\nLOADED ' + ' '.join(sys.modules)))\n"
               "sys.argv = ['trustcheck', *sys.argv[1:]]\n"
               "from trustcheck.cli import main\n"
               "main()\n")

    def loaded(*args: str) -> set[str]:
        done = subprocess.run([sys.executable, "-c", program, *args], capture_output=True,
                              text=True, env=env, stdin=subprocess.DEVNULL)
        return set(done.stderr.rsplit("LOADED ", 1)[1].split())

    others = {f"trustcheck.cli.history.{name}" for name in ("export", "imports", "delete",
                                                              "backup", "trends")}
    assert not loaded("history", "-n", "20") & others
    assert not loaded("history", "--partner", "export") & others  # a value, not a subcommand
    assert "trustcheck.cli.history.export" in loaded("history", "export", "--format", "csv")
    assert others <= loaded("history", "--help")
