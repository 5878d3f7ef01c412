"""The results screen of `assess` and `history show`: short, readable at 80 columns, no ids.

A check-in with a previous one of the same relationship (so real changes and noise both show),
taken from an answers file, at 80 and 120 columns (COLUMNS, as a terminal of that width sets).
"""

from __future__ import annotations

import json
import re

import pytest
from conftest import builtin, run

MENTOR = builtin("mentor")
ACTION_IDS = [action.id for strategy in MENTOR.strategies for action in strategy.actions]


def values(default: int = 50, **levels: int) -> dict[str, int]:
    """Answers that give each strategy exactly its level (0, 25, 50, 75 or 100)."""
    answers = {}
    for strategy in MENTOR.strategies:
        step = levels.get(strategy.id, default) // 25
        for item in strategy.items:
            answers[item.id] = 5 - step if item.reverse else 1 + step
    return answers


def check_in(answers: dict[str, int], *args: str, columns: int = 120, partner: str = "Sam",
             plain: bool = False):
    env = {"COLUMNS": str(columns)}
    if plain:
        env["TRUSTCHECK_PLAIN"] = "1"
    text = json.dumps({"role": "mentor", "partner": partner, "answers": answers})
    result = run("assess", "--answers", "-", *args, input=text, env=env)
    assert result.exit_code == 0, result.stderr
    return result


BEFORE = values(default=50)
# Transparency and empathy move by 50 points (real changes); recognition by 25 (within the noise).
NOW = values(default=25, transparency=100, empathy=0, recognition=75, active_listening=50)


@pytest.fixture
def earlier() -> None:
    check_in(BEFORE)


def no_word_broken(narrow: str, wide: str) -> None:
    """Every word of the narrow screen is a whole word of the same screen drawn wide."""
    vocabulary = set(wide.split())
    bars = re.compile("^[\u2580-\u259f]+$")  # bars are shorter in the narrow layout
    broken = [word for word in narrow.split() if word not in vocabulary and not bars.match(word)]
    assert not broken, f"words broken at the line ends: {broken}"


@pytest.mark.parametrize("columns", [80, 120])
def test_the_results_screen_is_short_fits_the_width_and_shows_no_ids(
        earlier: None, columns: int) -> None:
    shown = check_in(NOW, "--no-save", columns=columns).stdout
    lines = shown.splitlines()

    assert len(lines) <= 24
    assert all(len(line) <= columns for line in lines), [ln for ln in lines if len(ln) > columns]
    assert all(line == line.rstrip() for line in lines)
    assert not any(action_id in shown for action_id in ACTION_IDS)
    assert "[" not in shown
    # Every strategy on one row, its whole name at the start of the line.
    for strategy in MENTOR.strategies:
        assert any(line.startswith(strategy.title + " ") for line in lines), strategy.title
    assert shown.count("Overall trust index: ") == 1
    # Each focus area by title with one action, the first of its actions.
    assert "What to work on next" in shown
    flat = " ".join(shown.split())
    focus = json.loads(check_in(NOW, "--no-save", "--format", "json").stdout)["focus"]
    first = focus[0]
    assert f"1. {first['title']}: {first['actions'][0]['text']}" in flat
    assert first["actions"][1]["text"] not in flat
    wide = check_in(NOW, "--no-save", columns=400).stdout
    no_word_broken(shown, wide)


def test_below_100_columns_the_narrow_layout_leaves_out_the_group_and_shortens_bars(
        earlier: None) -> None:
    narrow = check_in(NOW, "--no-save", columns=80).stdout
    wide = check_in(NOW, "--no-save", columns=120).stdout
    assert "Group" not in narrow and "Group" in wide
    row = next(line for line in narrow.splitlines() if line.startswith("Be transparent"))
    assert "██████████" in row and "█" * 11 not in row
    row = next(line for line in wide.splitlines() if line.startswith("Be transparent"))
    assert "█" * 20 in row


def test_only_real_changes_are_named_and_noise_is_not_called_a_change(earlier: None) -> None:
    lines = check_in(NOW, "--no-save", columns=80).stdout.splitlines()
    header = next(line for line in lines if line.startswith("Strategy"))
    assert header.rstrip().endswith("Change")

    def row(title: str) -> str:
        return next(line for line in lines if line.startswith(title)).rstrip()

    assert row("Be transparent").endswith("+50")
    assert row("Show empathy").endswith("-50")
    assert not row("Recognise progress").endswith("+25")  # 25 points: within the noise
    assert row("Recognise progress").endswith("solid")
    note = next(line for line in lines if line.startswith("Since "))
    assert "Change shows only real changes" in note


def test_the_first_check_in_shows_no_change_column() -> None:
    shown = check_in(NOW, "--no-save", columns=80).stdout
    assert "Change" not in shown and "Since " not in shown


def test_plain_output_has_no_bars_or_box_drawing_and_says_scores_in_words(
        earlier: None) -> None:
    shown = check_in(NOW, "--no-save", columns=80, plain=True).stdout
    assert not re.search("[\u2500-\u259f]", shown), "no bars or box drawing"
    assert "Be transparent: 100 out of 100, plus or minus " in shown
    assert "Show empathy: 0 out of 100, plus or minus " in shown and "down 50" in shown
    assert "Overall trust index: " in shown and " out of 100, plus or minus " in shown
    assert len(shown.splitlines()) <= 24
    assert all(len(line) <= 80 for line in shown.splitlines())


def test_details_add_every_action_obstacles_and_a_strength_without_ids(earlier: None) -> None:
    summary = check_in(NOW, "--no-save", columns=80).stdout
    full = check_in(NOW, "--no-save", "--details", columns=80).stdout
    assert full.startswith(summary)
    assert "In full" in full and "In full" not in summary
    focus = json.loads(check_in(NOW, "--no-save", "--format", "json").stdout)["focus"]
    flat = " ".join(full.split())
    for area in focus:
        assert area["reason"] in flat
        for action in area["actions"]:
            assert action["text"] in flat
    assert "Obstacles to watch for" in full
    assert "± is one standard error of measurement" in flat
    assert "[" not in full and not any(action_id in full for action_id in ACTION_IDS)
    assert all(len(line) <= 80 for line in full.splitlines())
    no_word_broken(full, check_in(NOW, "--no-save", "--details", columns=400).stdout)


def test_details_do_not_change_the_json() -> None:
    plain_json = json.loads(check_in(NOW, "--no-save", "--format", "json").stdout)
    full_json = json.loads(check_in(NOW, "--no-save", "--format", "json", "--details").stdout)
    from test_schemas import problems

    assert problems("result-v3", full_json) == []
    for data in (plain_json, full_json):
        data.pop("id"), data.pop("created_at")
    assert plain_json == full_json


def test_history_show_leads_with_the_summary_then_everything(earlier: None) -> None:
    check_in(NOW)
    shown = run("history", "show", "last", env={"COLUMNS": "80"})
    assert shown.exit_code == 0, shown.stderr
    text = shown.stdout
    assert text.index("Overall trust index") < text.index("In full") < text.index("Answers")
    assert all(len(line) <= 80 for line in text.splitlines())


def test_a_wrapped_line_keeps_a_hanging_indent(earlier: None) -> None:
    lines = check_in(NOW, "--no-save", "--details", columns=80).stdout.splitlines()
    bullets = [i for i, line in enumerate(lines[:-1]) if line.startswith("   - ")]
    assert bullets, "actions are listed under their area"
    wrapped = 0
    for i in bullets:
        after = lines[i + 1]
        if after == "" or after.startswith("   - ") or re.match(r"[0-9]\. ", after):
            continue
        assert re.match(r" {5}\S", after), f"not lined up under the action: {after!r}"
        wrapped += 1
    assert wrapped, "some action is long enough to wrap at 80 columns"
    numbered = [i for i, line in enumerate(lines[:-1]) if re.match(r"[0-9]\. ", line)]
    for i in numbered:
        after = lines[i + 1]
        assert after == "" or re.match(r"[0-9]\. ", after) or re.match(r" {3}\S", after), after


def test_a_partner_typed_in_another_case_is_kept_with_the_stored_spelling(
        earlier: None) -> None:
    again = check_in(NOW, partner="  sam ")
    assert again.stderr.count('Your history already has "Sam"') == 1
    listed = json.loads(run("history", "--format", "json", "-n", "0").stdout)
    assert {item["partner"] for item in listed} == {"Sam"}
    # and it was compared with the earlier one, as the same relationship
    assert "Since " in again.stdout


def test_plain_questions_say_statement_n_of_total(trustcheck_home, monkeypatch) -> None:
    from test_interactive import TOTAL, finish, screen, spawn, start

    monkeypatch.setenv("TRUSTCHECK_PLAIN", "1")
    child = spawn("--role", "mentor", "--no-save", home=trustcheck_home)
    start(child)
    child.expect_exact(f"Statement 1 of {TOTAL}:")
    child.send("4")
    child.expect_exact(f"Statement 2 of {TOTAL}:")
    child.send("\x03")
    assert finish(child) == 130
    seen = screen(child)
    assert not any(f"{n}/{TOTAL}" in seen for n in (1, 2))
    assert not re.search("[\u2500-\u259f]", seen)
