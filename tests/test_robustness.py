"""Odd but real situations: closed pipes, spoofing characters, deep nesting, empty labels."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from trustcheck.cli.app import app


def run(*args: str, input: str | None = None):
    return CliRunner().invoke(app, list(args), input=input)


def answers_file(folder: Path, partner: str | None = None) -> Path:
    template = run("template", "--role", "mentor", "--format", "json")
    items = json.loads(template.stdout)["items"]
    data: dict = {"answers": {item["id"]: 4 for item in items}}
    if partner is not None:
        data["partner"] = partner
    path = folder / f"answers-{len(list(folder.glob('answers-*')))}.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_closing_the_pipe_early_on_a_full_view_is_not_an_error(tmp_path: Path) -> None:
    run("assess", "--role", "mentor", "--answers", str(answers_file(tmp_path)))
    for command in (["history", "show", "last"], ["checklists", "show", "mentor"]):
        process = subprocess.Popen([sys.executable, "-m", "trustcheck", *command],
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   stdin=subprocess.DEVNULL, env=dict(os.environ, COLUMNS="40"))
        process.stdout.readline()  # like `| head -1`
        process.stdout.close()
        stderr = process.stderr.read().decode()
        assert process.wait(timeout=60) == 0, stderr
        assert "Traceback" not in stderr
        assert "Exception ignored" not in stderr


def test_bidirectional_controls_in_a_name_never_reach_the_terminal(tmp_path: Path) -> None:
    spoof = "Sam\u202eevil\u2066"
    saved = run("assess", "--role", "mentor", "--answers", str(answers_file(tmp_path)),
                "--partner", spoof)
    assert saved.exit_code == 0, saved.stderr
    for args in (["history"], ["history", "show", "last"], ["history", "trends"]):
        shown = run(*args)
        assert shown.exit_code == 0, shown.stderr
        assert "\u202e" not in shown.stdout and "\u2066" not in shown.stdout
        assert "Sam" in shown.stdout
    exported = run("history", "--format", "json")
    assert "\u202e" not in exported.stdout
    assert json.loads(exported.stdout)[0]["partner"] == spoof  # stored exactly as typed


def test_deeply_nested_answers_are_bad_input_not_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_text('{"answers": ' + "[" * 5000 + "]" * 5000 + "}", encoding="utf-8")
    result = run("assess", "--role", "mentor", "--answers", str(path))
    assert result.exit_code == 2
    assert "Traceback" not in result.stderr
    assert "unexpected problem" not in result.stderr


def test_an_empty_partner_filter_means_check_ins_without_a_partner(tmp_path: Path) -> None:
    run("assess", "--role", "mentor", "--answers", str(answers_file(tmp_path)))
    run("assess", "--role", "mentor", "--answers", str(answers_file(tmp_path, "Sam")))

    without = json.loads(run("history", "--partner", "", "--format", "json").stdout)
    assert [a["partner"] for a in without] == [None]
    spaced = json.loads(run("history", "--partner", "  Sam ", "--format", "json").stdout)
    assert [a["partner"] for a in spaced] == ["Sam"]


def test_a_message_with_user_text_stays_on_one_line(tmp_path: Path) -> None:
    run("assess", "--role", "mentor", "--answers", str(answers_file(tmp_path)))
    result = run("history", "show", "x\nfake line")
    assert result.exit_code == 2
    assert len(result.stderr.strip().splitlines()) == 1


def test_a_misspelt_role_in_the_answers_file_is_named(tmp_path: Path) -> None:
    path = tmp_path / "answers.yaml"
    path.write_text("role: mentro\nanswers: {}\n", encoding="utf-8")
    result = run("assess", "--answers", str(path))
    assert result.exit_code == 2
    assert "'mentro'" in result.stderr and "mentor or mentee" in result.stderr


def test_report_to_a_dash_goes_to_standard_output_like_export(tmp_path: Path,
                                                              monkeypatch) -> None:
    for _ in range(5):
        run("assess", "--role", "mentor", "--answers", str(answers_file(tmp_path)),
            "--cohort", "spring")
    monkeypatch.chdir(tmp_path)
    result = run("report", "--cohort", "spring", "--format", "json", "-o", "-")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["schema"] == "trustcheck/report/v2"
    assert not (tmp_path / "-").exists()
