"""`history trends` and `history` as a person reads them at 80 and 120 columns: in a pipe (with
COLUMNS) and in a real terminal, plain for screen readers, in the shared number format, with
changes within the noise left blank and notes wrapped in whole words with hanging indents."""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path

import pexpect
import pytest
from conftest import builtin, run, save
from test_trends import assessment_local, cells_of, make, series

from trustcheck.render.table import Column, natural_width, number, render, signed_number

# The longest strategy titles of the shipped mentor checklist: never cut at 80 columns.
LONGEST_TITLES = ("Set realistic expectations", "Work through disagreements")
BOX_AND_BARS = set("─│╭╮╰╯▁▂▃▄▅▆▇█·")


def history_of_sam(home: Path) -> None:
    """Four check-ins with Sam a fortnight apart (overall 25, 50, 75, 100), and a check-in
    with no partner named, so one block says "improving" and one "too early to tell"."""
    save(home, *series("Sam", [2, 3, 4, 5]), make("n" * 32, days=3, partner=None, level=3))


def trends_text(columns: int, **env: str) -> str:
    result = run("history", "trends", env={"COLUMNS": str(columns), **env})
    assert result.exit_code == 0, result.stderr
    return result.stdout


def in_terminal(home: Path, columns: int, *args: str) -> str:
    """`trustcheck history trends ARGS` in a real terminal this wide; what it printed."""
    env = dict(os.environ, TRUSTCHECK_HOME=str(home), TERM="xterm-256color", NO_COLOR="1")
    env.pop("COLUMNS", None)  # the terminal's own width
    child = pexpect.spawn(sys.executable, ["-m", "trustcheck", "history", "trends", *args],
                          env=env, encoding="utf-8", timeout=20, dimensions=(40, columns))
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, child.before
    return child.before.replace("\r\n", "\n")


def assert_fits(text: str, columns: int) -> None:
    lines = text.splitlines()
    assert max(len(line) for line in lines) <= columns, text
    assert not [line for line in lines if line != line.rstrip()], "trailing spaces:\n" + text


@pytest.mark.parametrize("columns", [80, 120])
def test_trends_fit_the_width_set_by_columns_even_in_a_pipe(columns, trustcheck_home):
    history_of_sam(trustcheck_home)
    text = trends_text(columns)
    assert_fits(text, columns)
    for title in LONGEST_TITLES:
        assert title in text  # whole, never "Set realistic expecta…"
    assert "…" not in text
    assert "You as mentor with Sam: 4 check-ins, 2026-03-01" in text
    # Below 100 columns the narrow layout: dates without the time, no slope column.
    assert ("per 30 days" in text) == (columns >= 100)
    assert ("2026-03-01 09:00 to" in text) == (columns >= 100)


@pytest.mark.parametrize("columns", [80, 120])
def test_trends_fit_a_real_terminal(columns, trustcheck_home):
    history_of_sam(trustcheck_home)
    text = in_terminal(trustcheck_home, columns)
    assert_fits(text, columns)
    for title in LONGEST_TITLES:
        assert title in text
    assert ("per 30 days" in text) == (columns >= 100)


def test_without_columns_a_pipe_gets_the_wide_table_on_long_lines(trustcheck_home):
    history_of_sam(trustcheck_home)
    result = run("history", "trends", env={"COLUMNS": ""})
    assert result.exit_code == 0, result.stderr
    assert "per 30 days" in result.stdout
    # The key is not wrapped: each point on one line, for tools that read it.
    assert [line for line in result.stdout.splitlines() if line.startswith("  ")] == []


@pytest.mark.parametrize("columns", [80, 120])
def test_scores_and_changes_use_the_shared_number_format(columns, trustcheck_home):
    history_of_sam(trustcheck_home)
    text = trends_text(columns)
    block = text.split("\n\n")[0].splitlines()
    assert cells_of(block, "Overall trust index")[2:5] == ["100 ± 3", "+25", "+75"]
    assert cells_of(block, "Be transparent")[2] == "100 ± 10"
    assert not re.search(r"\d\.0\b", text)  # "50", never "50.0"
    assert not re.search(r"±\d", text)  # "± 11", with a space


def test_a_change_within_the_noise_is_blank_and_json_keeps_it(trustcheck_home):
    # Two check-ins a step apart: +25 on each strategy is within the noise of two scores
    # (30.4 points), +25 on the overall index (noise about 8) is a real change.
    save(trustcheck_home, *series("Sam", [2, 3]))
    block = trends_text(120).split("\n\n")[0].splitlines()
    assert cells_of(block, "Be transparent")[3:5] == ["", ""]
    assert cells_of(block, "Overall trust index")[3:5] == ["+25", "+25"]
    assert "a blank means about the same" in " ".join(trends_text(80).split())
    [found] = json.loads(run("history", "trends", "--format", "json").stdout)
    transparency = next(row for row in found["rows"] if row["strategy"] == "transparency")
    assert (transparency["change_previous"], transparency["change_first"]) == (25.0, 25.0)


def test_a_slope_along_a_line_that_is_about_the_same_is_blank_too(trustcheck_home):
    save(trustcheck_home, *series("Sam", [3, 4, 3, 4]))
    block = trends_text(120).split("\n\n")[0].splitlines()
    assert cells_of(block, "Be transparent")[-2:] == ["", "about the same"]
    [found] = json.loads(run("history", "trends", "--format", "json").stdout)
    transparency = next(row for row in found["rows"] if row["strategy"] == "transparency")
    assert transparency["slope_per_30_days"] is not None  # JSON gives it as before


def test_the_notes_wrap_in_whole_words_with_hanging_indents(trustcheck_home):
    mentor = builtin("mentor")
    save(trustcheck_home, *series("Sam", [2, 3]),
         make("c" * 32, days=28, level=4, used=mentor._replace(version=mentor.version + "1")))
    text = trends_text(80)
    lines = text.splitlines()
    change = next(i for i, line in enumerate(lines) if line.startswith("Checklist changed"))
    assert lines[change + 1].startswith("  ") and lines[change + 1][2] != " "
    key = text.rsplit("\n\n", 1)[1].splitlines()
    assert key[0].startswith("- ± is each latest score's measurement noise")
    # Each point starts with "- "; its other lines start under its text.
    assert all(line.startswith(("- ", "  ")) and not line.startswith("   ") for line in key)
    assert len([line for line in key if line.startswith("- ")]) == 3
    # Nothing breaks between a number and "%", after "±" or inside a date and time.
    for line in lines:
        assert not re.search(r"\(95$|^\s*%|±$", line), line
    assert any(f"on {assessment_local(28)};" in line for line in lines)


@pytest.mark.parametrize("columns", [80, 120])
def test_plain_trends_say_it_in_words_and_numbers(columns, trustcheck_home):
    history_of_sam(trustcheck_home)
    text = trends_text(columns, TRUSTCHECK_PLAIN="1")
    assert_fits(text, columns)
    assert not set(text) & (BOX_AND_BARS | {"—"})
    for title in LONGEST_TITLES:
        assert title in text
    headers = [line for line in text.splitlines() if line.startswith("Strategy")]
    assert all("vs previous" in line and "Direction" in line for line in headers)
    assert "none" in text  # nothing to compare, said as a word
    # Wide enough, the recent scores in numbers; at 80 columns they do not fit and are left
    # out (the changes say it in numbers).
    assert ("Recent scores" in text) == (columns >= 100)
    if columns >= 100:
        assert "50, 75, 100" in text


def test_history_prints_scores_without_a_trailing_zero(trustcheck_home):
    save(trustcheck_home, *series("Sam", [2, 3]))
    for columns in (80, 120):
        result = run("history", env={"COLUMNS": str(columns)})
        assert result.exit_code == 0, result.stderr
        assert_fits(result.stdout, columns)
        assert not re.search(r"\d\.0\b", result.stdout)
    assert "Be transparent (50)" in run("history", env={"COLUMNS": "120"}).stdout


# --- the table writer -----------------------------------------------------------------------


def test_numbers_drop_a_trailing_zero_and_keep_ascii_signs():
    assert [number(v) for v in (50.0, 62.54, 0.04, -0.04, 100.0, 7.25)] == \
        ["50", "62.5", "0", "0", "100", "7.2"]
    assert [signed_number(v) for v in (12.5, -3.0, 0.0, -0.04, 75.0, None)] == \
        ["+12.5", "-3", "0", "0", "+75", "—"]


def test_a_title_on_two_lines_is_aligned_at_the_bottom_and_narrows_its_column():
    columns = [Column("Strategy"), Column("vs\nprevious", align="right"), Column("Direction")]
    rows = [["Listen", "+25", "improving"]]
    assert render(columns, rows, rule=False) == (
        "                vs\n"
        "Strategy  previous  Direction\n"
        "Listen         +25  improving\n")
    assert natural_width(columns, rows) == len("Strategy  previous  Direction")
