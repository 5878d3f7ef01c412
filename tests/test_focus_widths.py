"""`trustcheck focus` at 80 and 120 columns, in plain output, and with changes within the noise:
what a person reads, checked line by line."""

from __future__ import annotations

import re

import pytest
from conftest import run
from test_focus_command import MENTOR, NEXT_STEP, day, saved, slipping_story, values

ACTION_IDS = [action.id for strategy in MENTOR.strategies for action in strategy.actions]
BOX_AND_BARS = set("─━│┃╭╮╰╯┌┐└┘█░▒▓▁▂▃▄▅▆▇")


def focus_at(columns: int, *args: str, **env: str) -> list[str]:
    # TRUSTCHECK_PLAIN always given, so the runner restores it after `--plain` sets it.
    shown = run(*args, "focus", "--partner", "Sam",
                env={"COLUMNS": str(columns), "TRUSTCHECK_PLAIN": "", **env})
    assert shown.exit_code == 0, shown.stderr
    assert shown.stderr == ""
    return shown.stdout.splitlines()


def noise_story() -> tuple:
    """Two check-ins whose differences are all within the noise: one strategy up 25 points,
    one down 25, one the same (the reliable-change threshold of each is above 27 points)."""
    before = saved(values(default=100, transparency=25, active_listening=25,
                          realistic_expectations=50), days_ago=30)
    latest = saved(values(default=100, transparency=50, active_listening=25,
                          realistic_expectations=25), days_ago=2)
    return before, latest


@pytest.mark.parametrize("columns", [80, 120])
def test_every_line_fits_the_width_with_no_trailing_spaces_and_no_ids(columns: int) -> None:
    slipping_story()

    lines = focus_at(columns)

    assert lines[0] == "What to work on next: mentor with Sam"
    assert all(len(line) <= columns for line in lines), [n for n in lines if len(n) > columns]
    assert [line for line in lines if line != line.rstrip()] == []
    text = "\n".join(lines)
    # Ids belong to JSON and `checklists show`, not to personal advice.
    assert [found for found in ACTION_IDS if found in text] == []
    assert not re.search(r"\[[a-z_]+\.[a-z-]+\]", text)
    # One number format: no "50.0", "+0.0" or "-100.0" anywhere in the view.
    assert not re.search(r"\d\.0(?!\d)", text), re.findall(r".{20}\d\.0(?!\d).{0,10}", text)


@pytest.mark.parametrize("columns", [80, 120])
def test_wrapped_lines_hang_under_their_text(columns: int) -> None:
    slipping_story()

    lines = focus_at(columns)

    # Every line of the numbered areas is indented under the text after "1. ", and the lines
    # after an action's "- " start under its first word.
    first = lines.index("Lowest strategies") + 1
    end = lines.index("Obstacles to watch for") - 1
    for number, line in enumerate(lines[first:end], start=first):
        if not line or line == "Slipped since your previous check-in (more than the noise)":
            continue
        assert re.match(r"\d\. \S|   \S|   - \S|     \S", line), (number, line)
        if line.startswith("     "):
            assert lines[number - 1].startswith(("   - ", "     ")), line
    # An action too long for one line at 80 columns wraps under its text.
    action = ("At the end of each meeting, summarise what you heard in one sentence and ask "
              "if you got it right.")
    flat = " ".join(" ".join(lines).split())
    assert f"- {action}" in flat
    if columns == 80:
        at = next(n for n, line in enumerate(lines) if line.startswith("   - At the end of each"))
        assert lines[at + 1].startswith("     ") and lines[at + 1][5] != " "
    # The open commitment, in words with the day it was chosen, hangs under its "- " too.
    commitment = lines[lines.index("Your open commitments") + 1:]
    assert commitment[0].startswith("- Agree with your mentee")
    assert all(line.startswith("  ") for line in commitment[1:])
    assert NEXT_STEP not in " ".join(commitment)


def test_below_100_columns_dates_leave_out_the_time_and_at_120_they_keep_it() -> None:
    before, latest = slipping_story()

    narrow, wide = focus_at(80), focus_at(120)

    assert narrow[1].startswith(f"From your check-in of {day(latest.created_at)}: overall ")
    assert not re.search(r"\d\d:\d\d", "\n".join(narrow))
    assert re.match(rf"From your check-in of {day(latest.created_at)} \d\d:\d\d: overall 72\.7 ± 3 "
                    rf"of 100 \(solid\)\. Compared with {day(before.created_at)} \d\d:\d\d "
                    r"\(100\): -27\.3\.$", wide[1])


@pytest.mark.parametrize("columns", [80, 120])
def test_a_change_within_the_noise_is_about_the_same_with_no_number(columns: int) -> None:
    before, _ = noise_story()
    since = day(before.created_at)

    lines = focus_at(columns)
    flat = " ".join(" ".join(lines).split())

    # Up 25, the same, down 25: all within the noise, so none is shown as a number.
    assert f"1. Listen actively: 25 ± 10 of 100 (about the same since {since})" in flat
    assert f"2. Set realistic expectations: 25 ± 11 of 100 (about the same since {since})" in flat
    assert f"3. Be transparent: 50 ± 10 of 100 (about the same since {since})" in flat
    assert ("About the same as at your previous check-in (25 then; the difference is within "
            "the 27.7 points answers can wobble by).") in flat
    for noise in ("+25", "-25", "up 25", "down 25", "0.0", "(0 since", "(+0", "(-0"):
        assert noise not in flat, noise
    assert "(81.8): about the same." in flat


@pytest.mark.parametrize("how", [("--plain",), ()])
@pytest.mark.parametrize("columns", [80, 120])
def test_plain_output_says_scores_in_words_with_no_symbols_or_drawing(
        how: tuple[str, ...], columns: int) -> None:
    before, _ = slipping_story()
    since = day(before.created_at)

    lines = focus_at(columns, *how, **({} if how else {"TRUSTCHECK_PLAIN": "1"}))
    text = "\n".join(lines)
    flat = " ".join(text.split())

    assert "±" not in text and not BOX_AND_BARS & set(text)
    assert all(len(line) <= columns for line in lines)
    assert [line for line in lines if line != line.rstrip()] == []
    assert "overall 72.7 out of 100, plus or minus 3, solid. Compared with" in flat
    assert "(100): down 27.3." in flat
    assert (f"1. Be transparent: 0 out of 100, plus or minus 10, needs attention (down 100 "
            f"since {since})") in flat
    assert (f"4. Respect confidentiality: 50 out of 100, plus or minus 11, developing (down 50 "
            f"since {since})") in flat
    assert "Plus or minus is one standard error of measurement" in flat
    if columns == 80:
        # A heading too long for the line hangs under the title, after "1. ".
        at = next(n for n, line in enumerate(lines) if line.startswith("1. Be transparent"))
        assert lines[at + 1].startswith("   ") and lines[at + 1][3] != " "


def test_plain_output_says_noise_as_about_the_same_too() -> None:
    before, _ = noise_story()

    flat = " ".join(" ".join(focus_at(80, "--plain")).split())

    assert (f"1. Listen actively: 25 out of 100, plus or minus 10, needs attention (about the "
            f"same since {day(before.created_at)})") in flat
    assert "(81.8): about the same." in flat


@pytest.mark.parametrize("columns", [80, 120])
def test_the_first_check_in_says_there_is_no_trend_yet_on_a_line_of_its_own(columns: int) -> None:
    latest = saved(values(default=100, transparency=25), days_ago=1)

    lines = focus_at(columns)

    assert lines[1].startswith(f"From your check-in of {day(latest.created_at)}")
    assert lines[1].endswith(": overall 93.2 ± 3 of 100 (strong);")
    assert lines[2] == "this is the first check-in, so there is no trend yet."
    assert lines[lines.index("Lowest strategies") + 1] == "1. Be transparent: 25 ± 10 of 100"
    assert all(line == line.rstrip() and len(line) <= columns for line in lines)
