"""No dead ends: a global option in the wrong place, a partner name typed another way, a
choice of relationship, and listings that fit a narrow terminal all say what to do next."""

import pytest
from conftest import make, rows, run, save

# --- a global option after the command -------------------------------------------------------


@pytest.mark.parametrize(("args", "said"), [
    (["history", "--data-dir", "elsewhere"],
     "--data-dir goes before the command: trustcheck --data-dir elsewhere history"),
    (["history", "show", "last", "--plain"],
     "--plain goes before the command: trustcheck --plain history show last"),
    (["paths", "--version"], "--version goes before the command: trustcheck --version"),
    (["history", "-n", "5", "--data-dir=my data"],
     "--data-dir goes before the command: trustcheck '--data-dir=my data' history -n 5"),
])
def test_a_global_option_after_the_command_says_where_it_goes(args, said, tmp_path,
                                                               monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run(*args)
    assert result.exit_code == 2
    assert result.stderr.strip() == said
    assert result.stdout == ""
    assert not (tmp_path / "elsewhere").exists()


def test_an_option_of_the_command_itself_is_not_taken_for_a_global_one():
    result = run("checklists", "show", "mentor", "--version", "2")
    assert "goes before the command" not in result.stderr


# --- partner names as people type them -------------------------------------------------------

FILTERS = [
    ["history"],
    ["history", "--format", "json"],
    ["history", "trends"],
    ["history", "trends", "--format", "html"],
    ["history", "export", "--format", "csv"],
    ["focus"],
    ["commitments"],
]


@pytest.mark.parametrize("command", FILTERS, ids=" ".join)
def test_every_partner_filter_finds_a_name_typed_in_another_case_or_spacing(command,
                                                                            trustcheck_home):
    save(trustcheck_home,
         make("aaaa1111", partner="Sam Lee", commit=("transparency.share-reasoning",)),
         make("bbbb2222", days=1, partner="Alex"))
    result = run(*command, "--partner", "  sam   LEE ")
    assert result.exit_code == 0, result.stderr
    assert "Sam Lee" in result.stdout or "aaaa1111" in result.stdout, result.stdout
    assert "Alex" not in result.stdout
    assert "No " not in result.stderr


@pytest.mark.parametrize("command", FILTERS, ids=" ".join)
def test_a_near_miss_suggests_the_saved_name_and_changes_nothing(command, trustcheck_home):
    save(trustcheck_home, make("aaaa1111", partner="Sam"), make("bbbb2222", days=1,
                                                                partner="Alex"))
    result = run(*command, "--partner", "Sma")
    assert result.exit_code == 2
    assert result.stderr.strip() == "No check-ins with “Sma”. Did you mean Sam?"
    assert result.stdout == ""


def test_a_name_like_nobody_saved_lists_nothing_and_says_so(trustcheck_home):
    save(trustcheck_home, make("aaaa1111", partner="Sam"))
    result = run("history", "--partner", "Zed")
    assert result.exit_code == 0
    assert result.stdout == ""
    assert "No check-ins match those filters" in result.stderr


def test_delete_by_partner_finds_the_saved_spelling(trustcheck_home):
    save(trustcheck_home, make("aaaa1111", partner="Sam"), make("bbbb2222", partner="Alex"))
    result = run("history", "delete", "--partner", "SAM", "--yes")
    assert result.exit_code == 0, result.stderr
    assert rows(trustcheck_home, "SELECT partner FROM assessments") == [("Alex",)]


# --- listings that fit the terminal ----------------------------------------------------------


def _many_check_ins(home):
    save(home, make("aaaa1111", partner="Sam Lee-Whitfield the Third", cohort="spring-2026-x"),
         make("bbbb2222", days=20, partner="Alex", cohort=None, value=2),
         make("cccc3333", days=40, partner="Alex", value=3))


@pytest.mark.parametrize("columns", [80, 120])
def test_history_fits_the_terminal_and_keeps_what_matters(columns, trustcheck_home):
    _many_check_ins(trustcheck_home)
    result = run("history", env={"COLUMNS": str(columns)})
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= columns, result.stdout
    for shown in ("cccc3333", "Alex", "needs attention", "38.6", "2026-03-21"):
        assert shown in result.stdout
    # The lowest strategy only where there is room for it.
    assert ("Lowest strategy" in lines[0]) == (columns >= 100)


def test_narrow_history_leaves_out_an_empty_cohort_column(trustcheck_home):
    save(trustcheck_home, make("aaaa1111", cohort=None))
    result = run("history", env={"COLUMNS": "80"})
    assert "Cohort" not in result.stdout
    assert "Sam" in result.stdout


@pytest.mark.parametrize("columns", [80, 120])
def test_paths_fits_the_terminal_and_never_shortens_a_path(columns, trustcheck_home,
                                                           tmp_path):
    result = run("paths", env={"COLUMNS": str(columns)})
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    database = str(trustcheck_home / "history.db")
    assert any(database in line for line in lines)
    assert "…" not in result.stdout
    if len(database) + 12 < columns:  # the path itself fits: so does every line
        assert max(len(line) for line in lines) <= columns, result.stdout


def test_plain_trends_give_scores_in_numbers_with_no_sparklines_or_rules(trustcheck_home):
    _many_check_ins(trustcheck_home)
    # TRUSTCHECK_PLAIN, which --plain sets for the rest of the process: tests share one.
    result = run("history", "trends", "--partner", "alex", env={"TRUSTCHECK_PLAIN": "1"})
    assert result.exit_code == 0, result.stderr
    assert "Recent scores" in result.stdout
    assert "38.6, 50" in result.stdout
    assert not set(result.stdout) & set("▁▂▃▄▅▆▇█·─—")


def test_plain_history_and_paths_have_no_box_drawing(trustcheck_home):
    _many_check_ins(trustcheck_home)
    for command in (["history"], ["paths"]):
        result = run(*command, env={"TRUSTCHECK_PLAIN": "1"})
        assert result.exit_code == 0, result.stderr
        assert "─" not in result.stdout, command


# --- focus picks one relationship in a terminal ----------------------------------------------


def _focus_in_a_terminal(home, *args):
    import io
    import os
    import sys

    import pexpect

    env = dict(os.environ, TRUSTCHECK_HOME=str(home), NO_COLOR="1")
    child = pexpect.spawn(sys.executable, ["-m", "trustcheck", "focus", *args], env=env,
                          encoding="utf-8", timeout=15, dimensions=(40, 100))
    child.logfile_read = io.StringIO()
    return child


def _three_relationships(home):
    save(home, make("aaaa1111", partner="Sam", value=2), make("bbbb2222", partner="Alex"),
         make("cccc3333", role="mentee", partner=None))


def test_focus_in_a_terminal_lets_you_pick_a_relationship_by_number(trustcheck_home):
    import pexpect

    _three_relationships(trustcheck_home)
    child = _focus_in_a_terminal(trustcheck_home)
    child.expect_exact("Enter alone stops: ")
    shown = child.logfile_read.getvalue()
    assert "mentor, with Sam" in shown and "mentee, no partner named" in shown
    number = next(line.split()[0] for line in shown.splitlines() if "with Sam" in line)
    child.sendline("x")  # not a number: asked again, nothing else happens
    child.expect_exact("Please type a number from 1 to 3")
    child.sendline(number)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    after = child.logfile_read.getvalue().split("Please type a number", 1)[1]
    assert "Sam" in after
    assert "Alex" not in after


def test_focus_in_a_terminal_stops_on_enter_alone(trustcheck_home):
    import pexpect

    _three_relationships(trustcheck_home)
    child = _focus_in_a_terminal(trustcheck_home)
    child.expect_exact("Enter alone stops: ")
    child.sendline("")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert "focus --partner NAME" in child.logfile_read.getvalue()


def test_focus_without_a_terminal_fails_fast_naming_partner_and_role(trustcheck_home):
    _three_relationships(trustcheck_home)
    result = run("focus")
    assert result.exit_code == 2
    assert "--partner" in result.stderr and "--role" in result.stderr
    assert "Type its number" not in result.stderr


def test_commitments_add_joins_the_check_in_saved_under_the_name_as_first_typed(
        trustcheck_home):
    save(trustcheck_home, make("aaaa1111", partner="Sam Lee"))
    result = run("commitments", "add", "Send a short note", "--partner", "sam lee")
    assert result.exit_code == 0, result.stderr
    assert "with Sam Lee" in result.stderr
    assert rows(trustcheck_home, "SELECT count(*) FROM commitments") == [(1,)]


@pytest.mark.parametrize("columns", [80, 120])
def test_trends_fit_the_terminal_in_whole_words(columns, trustcheck_home, monkeypatch):
    import io
    import re

    from trustcheck.records import Filters
    from trustcheck.render.listing import trends as render
    from trustcheck.store import Store
    from trustcheck.trends import trends

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setenv("COLUMNS", str(columns))
    save(trustcheck_home, *(make(f"{n:04d}aaaa", days=n * 9, partner="Sam Lee-Whitfield",
                                 value=2 + n % 3) for n in range(30)))
    with Store.open(trustcheck_home / "history.db") as history:
        found = trends(history.score_rows(Filters()), history.review_counts(Filters()),
                       history.outline)
    terminal = Terminal()
    render(found, terminal)
    lines = terminal.getvalue().splitlines()
    assert max(len(line) for line in lines) <= columns, terminal.getvalue()
    # The notes wrap between words: no line ends inside one.
    words = set(re.findall(r"\w+", " ".join(lines)))
    assert "measurement" in words and "followed" in words
    assert ("per 30 days" in terminal.getvalue()) == (columns >= 100)
