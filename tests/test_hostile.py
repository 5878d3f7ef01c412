"""Hostile input and files outside their place: broken text, duplicate keys, includes that
reach out of their folder, --force on things that are not files, private folders, bidi marks."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from conftest import answers_file, mode, rows, run, write

from trustcheck.text import escape_c1, one_line, plain

TRUSTCHECK = Path(sys.executable).parent / "trustcheck"
SECRET = "root:$6$hunter2-secret-hash:19000:0:99999:7:::"


def run_bytes(*args: str | bytes, home: Path) -> subprocess.CompletedProcess:
    """The installed `trustcheck` as a person's shell runs it, arguments given as raw bytes."""
    env = dict(os.environ, TRUSTCHECK_HOME=str(home), NO_COLOR="1")
    env.pop("TRUSTCHECK_DEBUG", None)
    command = [os.fsencode(TRUSTCHECK), *(a if isinstance(a, bytes) else a.encode() for a in args)]
    return subprocess.run(command, capture_output=True, env=env, timeout=60)


def assert_bad_input(result: subprocess.CompletedProcess, *words: str) -> str:
    """Exit 2, one sentence on stderr naming what is wrong, never the catch-all."""
    stderr = result.stderr.decode()
    assert result.returncode == 2, stderr
    assert "unexpected" not in stderr and "Traceback" not in stderr
    for word in words:
        assert word in stderr, stderr
    return stderr


# --- text that is not UTF-8 ------------------------------------------------------------------

@pytest.mark.parametrize("args", [
    ["assess", "--role", "mentor", "--answers", "{answers}", "--partner", b"Sam\xff"],
    ["assess", "--role", "mentor", "--answers", "{answers}", "--cohort", b"\xffspring"],
    ["assess", "--role", "mentor", "--answers", "{answers}", b"--partner=Sam\xff"],
    ["history", "--partner", b"Sam\xff"],
    ["history", "-p", b"Sam\xff"],
    ["history", "--cohort", b"\xff"],
    ["history", "show", b"\xff"],
    ["history", "export", "--partner", b"Sam\xff"],
    ["history", "delete", "--partner", b"Sam\xff", "--yes"],
    ["report", "--cohort", b"\xff"],
    ["commitments", "--partner", b"Sam\xff"],
    ["focus", "--partner", b"Sam\xff"],
])
def test_a_label_that_is_not_utf8_on_the_command_line_is_bad_input(tmp_path, args):
    home = tmp_path / "home"
    answers = answers_file(tmp_path)
    assert run_bytes("assess", "--role", "mentor", "--answers", str(answers), "--partner", "Sam",
                     home=home).returncode == 0
    args = [str(answers) if a == "{answers}" else a for a in args]

    result = run_bytes(*args, home=home)

    stderr = assert_bad_input(result, "not valid UTF-8", "\\xff")
    assert len(stderr.strip().splitlines()) == 1
    assert rows(home, "SELECT partner FROM assessments") == [("Sam",)]  # nothing else saved


def test_the_option_is_named_when_a_label_is_not_utf8(tmp_path):
    result = run_bytes("history", "--cohort", b"a\xff\x1b[31m", home=tmp_path / "home")

    stderr = assert_bad_input(result, "--cohort", "a\\xff")
    assert "\x1b" not in stderr  # escaped, never sent raw to the terminal


def test_an_existing_file_with_a_non_utf8_name_is_still_read(tmp_path):
    home = tmp_path / "home"
    answers = answers_file(tmp_path)
    odd = os.fsencode(tmp_path) + b"/answers-\xff.yaml"
    os.rename(answers, odd)

    result = run_bytes("assess", "--role", "mentor", "--answers", odd, "--no-save", home=home)

    assert result.returncode == 0, result.stderr.decode()


@pytest.mark.parametrize("option", ["--partner", "--cohort"])
def test_a_label_with_a_lone_surrogate_is_bad_input_in_process_too(tmp_path, option):
    answers = answers_file(tmp_path)

    for args in (["assess", "--answers", str(answers), option, "Sam\udcff"],
                 ["history", option, "\ud800"]):
        result = run(*args)
        assert result.exit_code == 2, result.output
        assert f"The {option} you gave holds a character that is not valid UTF-8" in \
            result.stderr
        assert "unexpected" not in result.stderr
    assert not (tmp_path / "trustcheck-home" / "history.db").exists() or \
        rows(tmp_path / "trustcheck-home", "SELECT count(*) FROM assessments") == [(0,)]


def json_answers(tmp_path: Path, **changes: object) -> Path:
    import yaml

    data = yaml.safe_load(answers_file(tmp_path).read_text(encoding="utf-8"))
    data.update(changes)
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(data, indent=2), encoding="utf-8")
    return path


@pytest.mark.parametrize("label", ["partner", "cohort"])
def test_a_lone_surrogate_in_a_json_answers_file_is_named_with_its_line(tmp_path, label):
    path = json_answers(tmp_path, **{label: "\ud800"})
    line = next(n for n, text in enumerate(path.read_text().splitlines(), 1)
                if f'"{label}"' in text)

    result = run("assess", "--answers", str(path))

    assert result.exit_code == 2, result.output
    assert f"{path}, line {line}: '{label}' holds a character that is not valid UTF-8" in \
        result.stderr
    assert "unexpected" not in result.stderr
    assert not (tmp_path / "trustcheck-home" / "history.db").exists()


def test_a_lone_surrogate_in_a_yaml_answers_file_is_bad_input(tmp_path):
    path = answers_file(tmp_path)
    text = path.read_text(encoding="utf-8").replace("\npartner:", '\npartner: "\\ud800"', 1)
    path.write_text(text, encoding="utf-8")

    result = run("assess", "--answers", str(path))

    assert result.exit_code == 2, result.output
    assert str(path) in result.stderr and "line" in result.stderr
    assert "unexpected" not in result.stderr


def test_a_key_given_twice_in_a_json_answers_file_is_refused_with_its_line(tmp_path):
    path = json_answers(tmp_path, partner="Sam")
    lines = path.read_text().splitlines()
    first = next(n for n, text in enumerate(lines) if '"transparency.4"' in text)
    lines.insert(first + 1, '    "transparency.4": 1,')
    path.write_text("\n".join(lines), encoding="utf-8")

    result = run("assess", "--answers", str(path))

    assert result.exit_code == 2, result.output
    assert f"{path}, line {first + 2}: 'transparency.4' appears twice in the same place." in \
        result.stderr
    assert not (tmp_path / "trustcheck-home" / "history.db").exists()


# --- includes stay in their folder -----------------------------------------------------------

CHECKLIST = """
    id: mine
    version: 1
    title: Mine
    role: mentor
    include:
      - {include}
"""


@pytest.fixture
def secret_file(tmp_path: Path) -> Path:
    """A file outside the checklist's folder whose first line must never be shown."""
    path = tmp_path / "elsewhere" / "shadow"
    path.parent.mkdir()
    path.write_text(SECRET + "\nsecond: line\n", encoding="utf-8")
    return path


def include_cases(tmp_path: Path, secret: Path) -> list[tuple[Path, str]]:
    folder = tmp_path / "checklists"
    folder.mkdir()
    (folder / "linked.yaml").symlink_to(secret)
    cases = []
    for name, include in [("absolute", str(secret)), ("parent", "../elsewhere/shadow"),
                          ("link", "linked.yaml"), ("hidden-parent", "sub/../../elsewhere/shadow")]:
        cases.append((write(folder, f"{name}.yaml", CHECKLIST.format(include=include)), include))
    return cases


def test_an_include_outside_the_checklist_folder_is_refused_and_never_shown(tmp_path,
                                                                             secret_file):
    for path, include in include_cases(tmp_path, secret_file):
        for args in (["checklists", "validate", str(path)], ["checklists", "show", str(path)],
                     ["assess", "--checklist", str(path), "--answers", str(path)]):
            result = run(*args)
            shown = result.stdout + result.stderr
            assert result.exit_code == 2, (args, shown)
            assert "hunter2" not in shown and "root:" not in shown and "second" not in shown
            assert f"the included file '{include}'" in shown, shown
            assert "outside this checklist's folder" in shown, shown


def test_an_include_next_to_the_checklist_still_works(tmp_path):
    folder = tmp_path / "checklists"
    write(folder, "part.yaml", """
        id: part
        version: 1
        title: Part
        strategies:
          - id: care
            title: Care
            why: Because.
            items:
              - id: care.1
                text: I listen.
            actions:
              - id: care.ask
                text: Ask.
    """)
    path = write(folder, "mine.yaml", CHECKLIST.format(include="part.yaml"))

    result = run("checklists", "validate", str(path))

    assert result.exit_code == 0, result.output


# --- --force replaces files, nothing else ----------------------------------------------------

def test_force_does_not_replace_a_fifo(tmp_path):
    answers = answers_file(tmp_path)
    assert run("assess", "--answers", str(answers)).exit_code == 0
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)

    result = run("history", "export", "-o", str(fifo), "--force")

    assert result.exit_code == 2, result.output
    assert f"{fifo} is a fifo (named pipe), which --force does not replace" in result.stderr
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_force_does_not_replace_a_folder(tmp_path):
    assert run("assess", "--answers", str(answers_file(tmp_path))).exit_code == 0
    folder = tmp_path / "out"
    folder.mkdir()

    result = run("history", "export", "-o", str(folder), "--force")

    assert result.exit_code == 2, result.output
    assert folder.is_dir()


def test_force_does_not_replace_a_device_even_as_root(tmp_path):
    # As root (as these tests run here) the rename would succeed; refused before any writing.
    assert run("assess", "--answers", str(answers_file(tmp_path))).exit_code == 0

    result = run("history", "export", "-o", "/dev/full", "--force")

    assert result.exit_code == 2, result.output
    assert "/dev/full is a device, which --force does not replace" in result.stderr
    assert stat.S_ISCHR(os.lstat("/dev/full").st_mode)


def test_force_still_replaces_a_regular_file(tmp_path):
    assert run("assess", "--answers", str(answers_file(tmp_path))).exit_code == 0
    target = tmp_path / "export.json"
    target.write_text("old", encoding="utf-8")

    result = run("history", "export", "-o", str(target), "--force")

    assert result.exit_code == 0, result.output
    assert stat.S_ISREG(os.lstat(target).st_mode)
    assert target.read_text(encoding="utf-8") != "old"


# --- private folders -------------------------------------------------------------------------

def test_folders_trustcheck_creates_above_the_data_folder_are_private(tmp_path, umask_022):
    existing = tmp_path / "existing"
    existing.mkdir(mode=0o755)
    os.chmod(existing, 0o755)
    home = existing / "a" / "b"
    answers = answers_file(tmp_path)

    result = run("assess", "--answers", str(answers), env={"TRUSTCHECK_HOME": str(home)})

    assert result.exit_code == 0, result.output
    assert mode(existing / "a") == 0o700
    assert mode(home) == 0o700
    assert mode(existing) == 0o755  # not trustcheck's: left as it was


# --- bidirectional formatting ----------------------------------------------------------------

BIDI_CLASSES = {"LRE", "RLE", "LRO", "RLO", "PDF", "LRI", "RLI", "FSI", "PDI"}
BIDI_MARKS = {"\u200e", "\u200f", "\u061c"}  # LRM, RLM, ALM


def every_bidi_control() -> list[str]:
    found = [chr(code) for code in range(sys.maxunicode + 1)
             if unicodedata.bidirectional(chr(code)) in BIDI_CLASSES]
    return sorted(set(found) | BIDI_MARKS)


def test_every_bidirectional_control_and_mark_is_removed():
    controls = every_bidi_control()
    assert "\u061c" in controls and "\u202e" in controls and "\u2069" in controls
    for control in controls:
        text = f"Sam{control}evil"
        assert plain(text) == "Samevil", hex(ord(control))
        assert one_line(text) == "Sam evil", hex(ord(control))
        assert escape_c1(text) == f"Sam\\u{ord(control):04x}evil", hex(ord(control))


def test_an_arabic_letter_mark_in_a_partner_name_never_reaches_the_screen(tmp_path):
    answers = answers_file(tmp_path)
    assert run("assess", "--answers", str(answers), "--partner", "Sam\u061cX").exit_code == 0

    result = run("history")

    assert result.exit_code == 0
    assert "\u061c" not in result.stdout
