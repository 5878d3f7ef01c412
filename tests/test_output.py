"""One output path: every command hands one record to `trustcheck.cli.output`, which picks the
renderer for its type and format from one table; JSON forms live next to their records."""

from __future__ import annotations

import ast
import json
from importlib import import_module
from pathlib import Path

import pytest
from conftest import answers_file, run

from trustcheck import cli
from trustcheck.cli import output

CLI_FOLDER = Path(cli.__file__).parent


def renderer(where: str) -> object:
    module, name = where.split(":")
    return getattr(import_module(module), name)


@pytest.mark.parametrize("type_name", sorted(output.RENDERERS))
def test_every_renderer_in_the_table_exists(type_name):
    for format, way in output.RENDERERS[type_name].items():
        assert way.how in ("data", "rich", "stream", "text", "lines"), (type_name, format)
        assert callable(renderer(way.where)), (type_name, format)
        if way.for_files is not None:
            assert callable(renderer(way.for_files)), (type_name, format)
        if way.how == "data":  # the JSON form is defined next to the record, not in render/
            assert not way.where.startswith("trustcheck.render."), (type_name, format)


def test_no_command_module_picks_a_renderer_itself():
    """Only the output path imports renderers; the few left render an interactive step or
    stream a whole history."""
    interactive_steps = {("assess.py", "trustcheck.render.text"),  # the commitments just picked
                         ("history/delete.py", "trustcheck.render.listing"),  # what will go
                         ("history/delete.py", "trustcheck.render.table"),
                         ("common.py", "trustcheck.render.text"),  # the console for questions
                         ("questionnaire.py", "trustcheck.render.text"),
                         # --plain chooses how every renderer writes, not which one
                         ("app.py", "trustcheck.render.modes"),
                         # a whole history streamed: the format decides what is read
                         ("history/export.py", "trustcheck.render.csv"),
                         ("history/export.py", "trustcheck.render.json")}
    found = set()
    for path in CLI_FOLDER.rglob("*.py"):
        name = path.relative_to(CLI_FOLDER).as_posix()
        if name == "output.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
                    "trustcheck.render"):
                found.add((name, node.module))
    assert found <= interactive_steps, found - interactive_steps


def test_no_module_in_cli_or_render_renames_what_it_imports():
    renamed = []
    for folder in (CLI_FOLDER, CLI_FOLDER.parent / "render"):
        for path in folder.rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, (ast.Import, ast.ImportFrom)):
                    renamed += [f"{path.name}: {alias.name} as {alias.asname}"
                                for alias in node.names if alias.asname not in (None, alias.name)]
    assert renamed == []


def test_a_record_without_a_renderer_for_the_format_is_a_programming_error():
    from trustcheck.listings import Paths

    with pytest.raises(KeyError):
        output.emit(Paths([]), "csv")


def test_focus_without_any_check_in_prints_null_for_tools_and_a_sentence_for_people():
    as_json = run("focus", "--format", "json")
    assert (as_json.exit_code, as_json.stdout, as_json.stderr) == (0, "null\n", "")
    as_text = run("focus")
    assert as_text.exit_code == 0 and as_text.stdout == ""
    assert as_text.stderr.startswith("No check-ins saved yet; run `trustcheck assess")


def test_empty_listings_give_tools_an_empty_shape_and_people_a_sentence():
    for args, empty in ((("history",), []), (("history", "trends"), []),
                        (("commitments",), {"schema": "trustcheck/commitments/v1",
                                            "relationships": []})):
        as_json = run(*args, "--format", "json")
        assert as_json.exit_code == 0, as_json.stderr
        assert json.loads(as_json.stdout) == empty
        as_text = run(*args)
        assert as_text.exit_code == 0 and as_text.stdout == ""
        assert as_text.stderr.startswith("No "), as_text.stderr


def test_a_report_written_to_a_file_is_the_plain_text_view(tmp_path, trustcheck_home):
    for number in range(3):
        answers = answers_file(tmp_path, value=2 + number)
        assert run("assess", "--answers", str(answers), "--cohort", "spring").exit_code == 0
    target = tmp_path / "report.txt"
    done = run("report", "--min-group", "3", "--cohort", "spring", "-o", str(target))
    assert done.exit_code == 0, done.stderr
    written = target.read_text(encoding="utf-8")
    assert written.startswith("Cohort report")
    assert "\x1b[" not in written  # no colour in a file
    assert all(line == line.rstrip() for line in written.splitlines())
