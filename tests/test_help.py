"""Help pages a person can read at 80 columns: plain metavars and examples at the end."""

import re

import pytest
import typer
from conftest import run

from trustcheck.cli.app import app
from trustcheck.cli.helptext import EXAMPLES

BOXES = re.compile("[╭╮╰╯│─]")


def commands(command=None, path=()):
    """Every command and subcommand, with the words that reach it."""
    command = command or typer.main.get_command(app)
    yield path, command
    for name, sub in sorted(getattr(command, "commands", {}).items()):
        yield from commands(sub, (*path, name))


PATHS = [path for path, _ in commands()]


def help_page(*path, plain=False):
    env = {"COLUMNS": "80", **({"TRUSTCHECK_PLAIN": "1"} if plain else {})}
    result = run(*path, "--help", env=env)
    assert result.exit_code == 0, result.stderr
    return result.stdout


def test_every_command_has_examples_to_show():
    missing = [" ".join(path) for path, command in commands()
               if " ".join(path) not in EXAMPLES and "\nExamples:" not in (command.help or "")]
    assert not missing, f"add examples for these commands to cli/helptext.py: {missing}"


@pytest.mark.parametrize("path", PATHS, ids=lambda path: " ".join(path) or "trustcheck")
def test_each_help_page_fits_80_columns_and_ends_with_whole_examples(path):
    page = help_page(*path)
    lines = page.splitlines()
    assert all(len(line) <= 80 for line in lines), page
    usage = next(line for line in lines if "Usage:" in line)
    # Plain words for what each option and argument takes, never Click's types and ranges.
    assert not re.search(r"[{}<>]", usage), usage
    for unreadable in ("<str>", "<int", "<path>", "<directory>", "[x>=", "TEXT RANGE"):
        assert unreadable not in page, (unreadable, page)
    words = [line.strip(" │") for line in lines]
    start = words.index("Examples:")
    shown = [word for word in words[start + 1:] if word]
    # Each example on one line of its own, as it can be typed, and nothing after them.
    if " ".join(path) in EXAMPLES:
        assert shown == list(EXAMPLES[" ".join(path)]), page
    assert shown and all("trustcheck " in example for example in shown), page


def test_choices_and_counts_read_as_words_a_person_can_type():
    page = help_page("history")
    assert re.search(r"--role\s+-r\s+mentor\|mentee", page)
    assert re.search(r"--limit\s+-n\s+N\s", page)
    assert re.search(r"--partner\s+-p\s+NAME\s", page)
    assert "Usage: trustcheck history show [OPTIONS] ID" in help_page("history", "show")
    assert "Usage: trustcheck checklists lint [OPTIONS] FILE..." in help_page("checklists",
                                                                               "lint")


def test_a_negative_limit_is_still_refused_in_plain_words():
    result = run("history", "-n", "-1")
    assert result.exit_code == 2
    assert "give 0 or more" in result.stderr


def test_docstrings_wrap_as_sentences_not_at_their_source_line_breaks():
    page = help_page("history", "trends")
    # The docstring breaks after "fitted through the"; at 80 columns the sentence flows on.
    assert not any(line.strip(" │").endswith("through the") for line in page.splitlines())


@pytest.mark.parametrize("path", [(), ("history",), ("history", "show")])
def test_plain_help_has_no_box_drawing_and_keeps_the_examples(path):
    page = help_page(*path, plain=True)
    assert not BOXES.search(page), page
    assert "Examples:" in page
    for example in EXAMPLES[" ".join(path)]:
        assert f"    {example}" in page.splitlines()


def test_plain_usage_errors_have_no_box_drawing_either():
    result = run("history", "--rol", "mentor", env={"TRUSTCHECK_PLAIN": "1", "COLUMNS": "80"})
    assert result.exit_code == 2
    assert "No such option: --rol" in result.stderr
    assert not BOXES.search(result.stderr), result.stderr


def test_examples_a_docstring_ends_with_move_to_the_end_of_the_page():
    from trustcheck.cli.app import build

    application = build("paths")

    @application.command("later")
    def later() -> None:
        """A command added later.

        Examples:

          trustcheck later

          trustcheck later --again
        """

    from typer.testing import CliRunner

    for env in ({"COLUMNS": "80"}, {"COLUMNS": "80", "TRUSTCHECK_PLAIN": "1"}):
        page = CliRunner().invoke(application, ["later", "--help"], env=env).stdout
        words = [line.strip(" │") for line in page.splitlines()]
        assert [w for w in words[words.index("Examples:") + 1:] if w] == [
            "trustcheck later", "trustcheck later --again"], page
