"""Issue 13 §1 and issue 12's rule for text views: the cohort report at 80 and 120 columns.

A facilitator runs `trustcheck report` in whatever terminal is at hand, often a laptop at 80
columns, or projects it. Nothing may be cut off at the right, no word or strategy name may be
broken over two lines, wrapped lines get a hanging indent, and the first 24 lines at 80 columns
still give the room what it needs: who answered, the overall index with its uncertainty, the
workshop focus and mentors beside mentees.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import run
from rich.cells import cell_len
from test_cohort import bucket_of, report

from trustcheck.render.report import text_string

FORM = Path(__file__).parent / "data" / "forms" / "google-forms-export.csv"
SHARED_TITLES = ("Be consistent", "Be accountable", "Show empathy", "Agree shared goals",
                 "Recognise progress", "Work through disagreements")
VERDICTS = ("about the same", "differs")
BLOCKS = re.compile("[\u2500-\u259f]")  # box drawing and the bars' blocks


def report_at(columns: int, env: dict[str, str] | None = None) -> str:
    done = run("report", str(FORM), env={"COLUMNS": str(columns), **(env or {})})
    assert done.exit_code == 0, done.stderr
    return done.stdout


def titles_in(out: str) -> list[str]:
    """Every strategy name the report shows, from its table of every strategy."""
    table = out.split("Every strategy\n")[1].split("\n\n")[0]
    names = re.findall(r"^(\S.*?)\s{2,}\d", table, flags=re.MULTILINE)
    assert len(names) >= 15, table
    return names


def unwrapped(out: str) -> str:
    """The report with every line break (and the indent after it) turned into one space."""
    return re.sub(r"\n[ \t]*", " ", out)


def section(out: str, heading: str) -> list[str]:
    return out.split(f"\n{heading}\n")[1].split("\n\n")[0].splitlines()


@pytest.mark.parametrize("columns", [80, 120])
def test_nothing_is_cut_off_at_the_right_and_no_name_or_word_is_broken(columns):
    out = report_at(columns)
    too_long = [line for line in out.splitlines() if cell_len(line) > columns]
    assert too_long == []
    # Each strategy name appears whole: undoing the line breaks finds no more of it than before.
    for title in titles_in(out):
        assert out.count(title) == unwrapped(out).count(title), title
    # Each word at this width is a word of the same report laid out with no need to wrap.
    wide = set(report_at(1000).split())
    assert set(out.split()) - wide == set()


def test_at_80_columns_mentors_beside_mentees_fits_with_its_verdicts_whole_and_no_bars():
    out = report_at(80)
    rows = section(out, "Mentors beside mentees on the shared strategies")
    assert rows[0].split() == ["Strategy", "Mentors", "Mentees", "Gap"]
    for title in (*SHARED_TITLES, "Overall trust index"):
        line = next(row for row in rows if row.startswith(title + "  "))
        assert line.endswith(VERDICTS), line  # "about the same", never "about the sam"
    assert not BLOCKS.search(out)  # a narrow screen has no room for bars


def test_at_120_columns_the_bars_stay_and_strategy_names_sit_on_one_line():
    out = report_at(120)
    rows = section(out, "Mentors beside mentees on the shared strategies")
    assert len(rows) == 1 + len(SHARED_TITLES) + 1  # a header and one line per row
    assert all("█" in row for row in rows[1:])
    assert all(row.endswith(VERDICTS) for row in rows[1:])
    assert "for a group like this" in out  # the wide screen keeps the whole sentence


@pytest.mark.parametrize("columns", [80, 120])
def test_plain_has_no_bars_and_no_box_drawing_at_either_width(columns):
    out = report_at(columns, {"TRUSTCHECK_PLAIN": "1"})
    assert not BLOCKS.search(out)
    assert "Mentors beside mentees" in out and "Middle half" in out


@pytest.mark.parametrize("columns", [80, 120])
def test_wrapped_lines_get_a_hanging_indent(columns):
    out = report_at(columns)
    # Lists: a wrapped item goes on under its text, not under its dash.
    for heading in ("Quality of the data", "What went together with felt trust"):
        lines = section(out, heading)
        assert any(line.startswith("  ") for line in lines), lines  # something did wrap
        assert all(line.startswith(("- ", "  ")) for line in lines), lines
        assert not any(line.startswith("   ") for line in lines), lines
    # The workshop focus: each group starts at the margin, its wrapped lines two further in.
    focus = section(out, "Workshop focus")
    starts = [line for line in focus if not line.startswith(" ")]
    assert [line.split(":")[0] for line in starts] == [
        "Everyone (shared strategies)", "Mentors (their own strategies)",
        "Mentees (their own strategies)"]
    assert all(line.startswith("  ") and line[2] != " " for line in focus if line not in starts)
    # Actions under a focus area: continuation lines under the text, two past the dash.
    actions = out.split("\nWhat to try\n")[1].split("\n\n")[0].splitlines()
    under_actions = [line for line in actions
                     if line.startswith("     ") and not line.startswith("     - ")]
    assert under_actions, actions  # some action did wrap
    assert all(line.startswith("       ") and line[7] != " " for line in under_actions)


def test_the_first_24_lines_at_80_columns_give_the_room_what_it_needs():
    out = report_at(80)
    first = "\n".join(out.splitlines()[:24])
    assert "Who answered: 6 mentors and 7 mentees" in first
    assert re.search(r"Overall trust index: \d+\.\d of 100 \(\w+\), likely between "
                     r"\d+\.\d and \d+\.\d", first)
    assert "Workshop focus" in first
    for group in ("Everyone (shared strategies):", "Mentors (their own strategies):",
                  "Mentees (their own strategies):"):
        assert group in first
    beside = first.split("Mentors beside mentees on the shared strategies\n")[1].splitlines()
    assert beside[0].startswith("Strategy")
    assert len(beside) >= 4 and all(row.endswith(VERDICTS) for row in beside[1:])


# --- the renderer with a width: names longer than any terminal expects ----------------------


LONG = "Keep every promise you make, however small, and say early when you cannot"


def long_named_report() -> dict:
    """A mixed room's report in which "Be consistent" is called by a very long name."""
    document = report(bucket_of("mentor", 6, lambda p, i: 2 + p % 3),
                      bucket_of("mentee", 6, lambda p, i: 3 + p % 2)).document
    renamed: dict = json.loads(json.dumps(document).replace('"Be consistent"', json.dumps(LONG)))
    return renamed


@pytest.mark.parametrize("columns", [80, 120])
def test_a_long_strategy_name_is_never_split_other_columns_give_way(columns):
    out = text_string(long_named_report(), width=columns)
    assert [line for line in out.splitlines() if cell_len(line) > columns] == []
    assert out.count(LONG) == unwrapped(out).count(LONG) >= 2
    every = out.split("\nEvery strategy\n")[1]
    assert any(line.startswith(LONG + "  ") for line in every.splitlines())
    # Columns were given up rather than the name wrapped or cut, and the report says which.
    header = [name.strip() for name in every.splitlines()[0].split("  ") if name.strip()]
    assert "Mean" in header
    missing = [name for name in ("Median", "Middle half", "Favourable", "SEM")
               if name not in header]
    assert missing, header
    note = next(line for line in unwrapped(every).split(". ") if "left out to fit" in line)
    assert all(name in note for name in missing), note


def test_a_screen_too_narrow_for_a_table_puts_each_rows_figures_under_its_name():
    out = text_string(long_named_report(), width=60)
    assert [line for line in out.splitlines() if cell_len(line) > 60] == []
    # A name longer than a whole line breaks between its words, never inside one, and goes on
    # with a hanging indent.
    wide = text_string(long_named_report(), width=1000)
    assert unwrapped(out).count(LONG) == wide.count(LONG) >= 2
    focus = section(out, "Workshop focus")
    assert all(line.startswith("  ") and line[2] != " " for line in focus
               if not line.startswith(("Everyone", "Mentors", "Mentees")))
    beside = section(out, "Mentors beside mentees on the shared strategies")
    # The long name does not fit beside four figures: each row's figures and verdict go under
    # its name, and stay whole.
    assert "Show empathy" in beside
    figures = beside[beside.index("Show empathy") + 1]
    assert re.match(r"  Mentors \d+\.\d, Mentees \d+\.\d, Gap [+-]\d+\.\d, ", figures)
    assert unwrapped("\n".join(beside)).count("Mentors") == len(SHARED_TITLES) + 1
