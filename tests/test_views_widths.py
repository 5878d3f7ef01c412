"""The remaining text views at 80 and 120 columns, and in plain output (issue 12 §1 and §5):
`trustcheck commitments`, `compare A B`, `compare THEIR_FILE` (two-way) and `checklists list`.

Each view fits its width without cutting or wrapping a name, has no box drawing and no trailing
spaces, hangs wrapped lines under their text, breaks no word or command, prints numbers as
"62.5", "50" and "± 11", shows no ids (but `checklists show`, the reference), and never shows a
difference within the noise as a number.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import run, save
from test_commitments import LISTEN, MENTOR, NEXT_STEP, REASONS, commit_args
from test_commitments import assess as assess_mentor
from test_compare import assess as assess_file
from test_compare import write
from test_two_way import pair

from trustcheck.exchange import from_assessment, to_dict

WIDTHS = [80, 120]
BOX_DRAWING = re.compile("[\u2500-\u257f\u2580-\u259f]")  # ─ ━ │ ┃ ╇ ╭ … and █ ░ ▅ …
ACTION_IDS = [action.id for strategy in MENTOR.strategies for action in strategy.actions]
LONG_TITLE = "Say openly what worries you about the work, the plan and the way we meet"


def shown(*args: str, columns: int, plain: bool = False) -> str:
    env = {"COLUMNS": str(columns)}
    if plain:
        env["TRUSTCHECK_PLAIN"] = "1"
    result = run(*args, env=env)
    assert result.exit_code == 0, result.stderr
    return result.stdout


def tidy(text: str, columns: int) -> list[str]:
    """The lines, checked for what every view promises whatever its width."""
    lines = text.splitlines()
    assert all(len(line) <= columns for line in lines), [ln for ln in lines if len(ln) > columns]
    assert all(line == line.rstrip() for line in lines), "trailing spaces"
    assert not BOX_DRAWING.search(text), BOX_DRAWING.findall(text)
    assert "…" not in text, "something was cut"
    assert not re.search(r"\b\d+\.0\b", text), "50.0 where 50 is meant"
    assert not re.search(r"±\S", text), "± without a space after it"
    return lines


def wide(*args: str, columns: int) -> str:
    """The same view in the same layout with room to spare: 99 columns for the narrow layout
    (below 100), 400 for the wide one."""
    return shown(*args, columns=99 if columns < 100 else 400)


def no_word_broken(narrow: str, wide: str) -> None:
    """Every word of the narrow view is a whole word of the same view drawn wider."""
    vocabulary = set(wide.split())
    broken = [word for word in narrow.split() if word not in vocabulary]
    assert not broken, f"words broken at the line ends: {broken}"


def on_one_line(text: str, *phrases: str) -> None:
    """Names and commands are never wrapped: each phrase sits whole on one line."""
    lines = text.splitlines()
    for phrase in phrases:
        assert any(phrase in line for line in lines), f"{phrase!r} is cut or wrapped"


# --- `trustcheck commitments` --------------------------------------------------------------------


@pytest.fixture
def commitments_made() -> None:
    assess_mentor(*commit_args(LISTEN, REASONS))
    assess_mentor(*commit_args(NEXT_STEP), commitments={LISTEN: "done", REASONS: "partly"})


@pytest.mark.parametrize("columns", WIDTHS)
def test_commitments_go_by_their_words_and_fit_the_width(commitments_made, columns) -> None:
    text = shown("commitments", columns=columns)
    lines = tidy(text, columns)
    no_word_broken(text, wide("commitments", columns=columns))

    assert not any(action_id in text for action_id in ACTION_IDS)
    assert "[" not in text
    assert lines[0] == "mentor with Sam  ·  follow-through: 75% (2 reviewed)"
    flat = " ".join(text.split())
    for action in (NEXT_STEP, LISTEN, REASONS):
        assert MENTOR.action(action).text in flat
    # Where an answers file finds the ids, as a command that runs as printed.
    on_one_line(text, "`trustcheck commitments --format json`")
    if columns < 100:  # narrow: a list, each commitment's wrapped lines under its first word
        listen = MENTOR.action(LISTEN).text
        first = next(i for i, line in enumerate(lines) if line.startswith("- At the end"))
        assert listen.startswith(lines[first][2:])
        assert lines[first + 1].startswith("  ") and not lines[first + 1].startswith("   ")
        assert " ".join(line.strip() for line in lines[first:first + 2]) == f"- {listen}"
        assert "  done (reviewed " in text and "  partly done (reviewed " in text
    else:  # wide: a table, a commitment on the row of its dates and status
        assert lines[1].split() == ["Chosen", "Status", "Reviewed", "Commitment"]
        row = next(line for line in lines if MENTOR.action(NEXT_STEP).text[:40] in line)
        assert re.match(r"^\d{4}-\d\d-\d\d  open\s+Agree with your mentee", row)


def test_plain_commitments_are_a_list_without_the_dot(commitments_made) -> None:
    text = shown("commitments", columns=120, plain=True)
    lines = tidy(text, 120)
    assert lines[0] == "mentor with Sam; follow-through: 75% (2 reviewed)"
    assert f"- {MENTOR.action(NEXT_STEP).text}" in lines
    assert "  open, chosen " in text and "Chosen" not in text


# --- `trustcheck compare A B` --------------------------------------------------------------------


@pytest.fixture
def two_results(tmp_path: Path) -> tuple[str, str]:
    """A mentor and a mentee who see empathy 75 points apart and the rest the same."""
    folder = tmp_path / "results"
    folder.mkdir()
    mine = write(folder, "me.json", assess_file(folder, "mentor", {"empathy": 5}, partner="Sam",
                                                save=False))
    theirs = write(folder, "them.json", assess_file(folder, "mentee", {"empathy": 2},
                                                    partner="Sam", save=False))
    return str(mine), str(theirs)


@pytest.mark.parametrize("columns", WIDTHS)
def test_comparing_two_results_fits_the_width_without_ids_or_noise(two_results,
                                                                   columns) -> None:
    text = shown("compare", *two_results, columns=columns)
    lines = tidy(text, columns)
    no_word_broken(text, wide("compare", *two_results, columns=columns))

    assert not any(action_id in text for action_id in ACTION_IDS)
    data = json.loads(shown("compare", *two_results, "--format", "json", columns=columns))
    titles = [g["title"] for g in data["shared"]]
    # A table: each shared strategy on a row of its own, its whole name first.
    assert lines[lines.index("Shared strategies, largest gap first") + 1].split() == [
        "Strategy", "You", "Your", "mentee", "Gap"]
    rows = {title: next(line for line in lines if line.startswith(title + "  "))
            for title in titles}
    assert re.search(r"100 ± 10\s+25 ± 10\s+75\s+worth talking about$", rows["Show empathy"])
    for gap in data["shared"]:
        if not gap["flagged"]:  # within the noise: said in words, no number for the gap
            assert re.search(r"± \d+\s+about the same$", rows[gap["title"]]), rows[gap["title"]]
    # The overall indexes are apart by less than the noise: no number for the difference.
    overall = data["overall"]
    assert overall["direction"] == "about the same" and overall["gap"] > 0
    assert (f"you {overall['a']:g}, your mentee {overall['b']:g}: about the same."
            in " ".join(text.split()))
    assert f"{overall['gap']:g}" not in text
    # The flagged strategy's actions hang under their first word.
    start = next(i for i, line in enumerate(lines) if line.startswith('1. You see "Show empathy"'))
    block = lines[start:lines.index("", start)]
    assert all(line.startswith("   ") for line in block[1:]), block
    assert any(line.startswith("   - ") for line in block)
    if columns < 100:  # actions that wrap go on under their first word
        assert any(line.startswith("     ") and not line.startswith("      ") for line in block)
    on_one_line(text, '`trustcheck commitments add "WHAT YOU AGREED" --partner NAME`')


def test_plain_comparison_says_each_strategy_in_a_sentence(two_results) -> None:
    text = shown("compare", *two_results, columns=80, plain=True)
    tidy(text, 80)
    flat = " ".join(text.split())
    assert ("Show empathy: you 100 (plus or minus 10), your mentee 25 (plus or minus 10); "
            "75 points apart, worth talking about.") in flat
    assert ("Agree shared goals: you 75 (plus or minus 11), your mentee 75 (plus or minus "
            "11); about the same.") in flat
    assert "Be transparent: 75 out of 100, plus or minus 10, solid." in flat
    assert "±" not in text and "Strategy " not in text


# --- `trustcheck compare THEIR_FILE` (two-way) ---------------------------------------------------


@pytest.fixture
def their_file(tmp_path: Path, trustcheck_home: Path):
    """The mentor's check-in (with a view of the mentee) and the mentee's scores file; one of
    the mentee's strategies has a title too long for a table at 80 columns."""
    def make(title: str) -> Path:
        mentor, mentee = pair({"transparency": 20.0, "active_listening": 90.0},
                              {"open_communication": 95.0})
        save(trustcheck_home, mentor)
        side = to_dict(from_assessment(mentee))
        for strategy in side["strategies"]:
            if strategy["id"] == "open_communication":
                strategy["title"] = title
        path = tmp_path / "from-my-mentee.json"
        path.write_text(json.dumps(side), encoding="utf-8")
        return path
    return make


@pytest.mark.parametrize("columns", WIDTHS)
def test_the_two_way_view_fits_the_width(their_file, columns) -> None:
    theirs = str(their_file("Communicate openly"))
    text = shown("compare", theirs, "--partner", "Sam", columns=columns)
    lines = tidy(text, columns)
    no_word_broken(text, wide("compare", theirs, "--partner", "Sam", columns=columns))

    heading = lines.index("How you see yourself, and how your mentee sees you")
    assert lines[heading + 1].split() == ["Strategy", "You", "Your", "mentee"]
    assert re.match(r"^Be transparent\s+50 ± 10\s+20 ± 6  blind spot$",
                    next(line for line in lines if line.startswith("Be transparent")))
    on_one_line(text, "--format markdown", "--format html")
    # The explanation of ± wraps under its own first word, never inside one.
    meaning = next(i for i, line in enumerate(lines) if line.startswith("Scores run from"))
    assert not lines[meaning + 1].startswith(" ")


@pytest.mark.parametrize("columns", WIDTHS)
def test_a_name_too_long_for_the_table_turns_it_into_sentences(their_file, columns) -> None:
    theirs = str(their_file(LONG_TITLE))
    text = shown("compare", theirs, "--partner", "Sam", columns=columns)
    lines = tidy(text, columns)
    flat = " ".join(text.split())
    if columns < len(LONG_TITLE) + 30:  # the table would not fit: sentences, hanging
        assert f"- {LONG_TITLE}: your mentee sees themselves at 50 ± 10, you see them at " \
               "95 ± 6; a hidden strength." in flat
        assert "Strategy " not in text  # (both parts: one layout for the whole view)
        start = next(i for i, line in enumerate(lines) if line.startswith(f"- {LONG_TITLE}"))
        assert lines[start + 1].startswith("  ") and not lines[start + 1].startswith("   ")
    else:  # it fits: still a table, the name whole at the start of its row
        assert any(line.startswith(LONG_TITLE + "  ") for line in lines)


def test_the_plain_two_way_view_says_scores_in_words(their_file) -> None:
    text = shown("compare", str(their_file("Communicate openly")), "--partner", "Sam",
                 columns=80, plain=True)
    tidy(text, 80)
    flat = " ".join(text.split())
    assert ("Be transparent: you see yourself at 50 (plus or minus 10), your mentee sees you at "
            "20 (plus or minus 6); a blind spot.") in flat
    assert "Your mentee trusts you: 80 (plus or minus 6)." in flat
    assert '"plus or minus" is one standard error of measurement' in flat
    assert "±" not in text


# --- `trustcheck checklists list` and `show` ------------------------------------------------------


@pytest.mark.parametrize("columns", WIDTHS)
def test_the_checklist_list_fits_the_width(columns) -> None:
    text = shown("checklists", "list", columns=columns)
    lines = tidy(text, columns)
    if columns < 100:
        assert lines == ["mentee: Trust check for mentees",
                         "  for mentees, version 2, 44 statements, built in",
                         "mentor: Trust check for mentors",
                         "  for mentors, version 2, 44 statements, built in"]
    else:
        assert [line.split("  ")[0] for line in lines] == ["Id", "mentee", "mentor"]
        assert lines[1].split() == ["mentee", "mentee", "2", "44", "Trust", "check", "for",
                                    "mentees", "built", "in"]
    assert shown("checklists", "list", columns=columns, plain=True) == "\n".join(
        ["mentee: Trust check for mentees", "  for mentees, version 2, 44 statements, built in",
         "mentor: Trust check for mentors",
         "  for mentors, version 2, 44 statements, built in"]) + "\n"


@pytest.mark.parametrize("columns", WIDTHS)
def test_checklists_show_keeps_its_ids_with_hanging_indents(columns) -> None:
    text = shown("checklists", "show", "mentor", columns=columns)
    lines = tidy(text, columns)
    no_word_broken(text, wide("checklists", "show", "mentor", columns=columns))
    for action_id in ACTION_IDS:  # the reference keeps every id
        assert f"action {action_id}" in text
    # Every line but headings starts indented; wrapped text never starts at column 0.
    headings = {s.title for s in MENTOR.strategies}
    body = lines[lines.index(next(ln for ln in lines if ln.startswith("Be transparent"))):]
    for line in body:
        assert line == "" or line.startswith(" ") or line.split(" [")[0] in headings | {
            "Obstacles"}, line


@pytest.mark.parametrize("columns", WIDTHS)
def test_a_shared_strategy_name_too_long_for_the_table_gives_sentences(columns) -> None:
    """The comparison renderer with a checklist's long strategy title: at 80 columns the table
    would cut or wrap it, so every strategy gets a sentence instead, hanging under its name."""
    from io import StringIO

    from conftest import builtin, make

    from trustcheck.compare import compare
    from trustcheck.render.text import comparison, make_console

    mentor, mentee = make("a" * 32, role="mentor", value=5), make("b" * 32, role="mentee")
    found = compare(mentor, mentee, checklists=[builtin("mentor"), builtin("mentee")])
    found = found._replace(shared=tuple(
        gap._replace(title=LONG_TITLE) if gap.strategy == "empathy" else gap
        for gap in found.shared))
    drawn = StringIO()
    comparison(make_console(drawn, width=columns), found)
    text = drawn.getvalue()
    lines = tidy(text, columns)

    if columns < len(LONG_TITLE) + 40:
        start = next(i for i, line in enumerate(lines) if line.startswith(f"- {LONG_TITLE}:"))
        assert lines[start + 1].startswith("  ") and not lines[start + 1].startswith("   ")
        assert "Strategy " not in text  # the strategies only one side answers, too
        assert "- Be transparent: " in text
    else:
        assert any(line.startswith(LONG_TITLE + "  ") for line in lines)
        assert any(line.startswith("Be transparent  ") for line in lines)


def test_without_a_gap_beyond_the_noise_there_is_no_gap_column(tmp_path: Path) -> None:
    folder = tmp_path / "results"
    folder.mkdir()
    mine = write(folder, "me.json", assess_file(folder, "mentor", save=False))
    theirs = write(folder, "them.json", assess_file(folder, "mentee", save=False))
    text = shown("compare", str(mine), str(theirs), columns=80)
    lines = tidy(text, 80)
    assert lines[lines.index("Shared strategies, largest gap first") + 1].split() == [
        "Strategy", "You", "Your", "mentee"]
    assert re.match(r"^Show empathy\s+75 ± 10\s+75 ± 10  about the same$",
                    next(line for line in lines if line.startswith("Show empathy")))
