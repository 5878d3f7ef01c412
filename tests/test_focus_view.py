"""`trustcheck focus` as plain text, without Rich: wrapped as before, coloured on a terminal."""

from __future__ import annotations

import io
import os
import subprocess
import sys

import pexpect
import pytest
from conftest import run
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.padding import Padding
from rich.text import Text
from test_focus_command import slipping_story

from trustcheck.render.focus import Page
from trustcheck.render.text import make_console

# Words of ASCII, wide (two-column) characters and runs of spaces, so wrapping meets every case:
# a word that fits, one that moves to the next line, one longer than a whole line.
WORDS = st.lists(st.text(alphabet="ab-.,日本", min_size=1, max_size=30), max_size=12)
GAPS = st.lists(st.sampled_from([" ", " ", "  "]), min_size=12, max_size=12)


def as_rich_printed(text: str, width: int, indent: int | None) -> str:
    stream = io.StringIO()
    console = make_console(stream, width=width)
    console.print(Text(text) if indent is None else Padding(Text(text), (0, 0, 0, indent),
                                                            expand=False))
    return stream.getvalue()


@settings(max_examples=300, deadline=None)
@given(words=WORDS, gaps=GAPS, width=st.integers(8, 90),
       indent=st.sampled_from([None, 0, 2, 3]))
def test_a_paragraph_wraps_exactly_as_the_rich_view_wrapped_it(words, gaps, width, indent):
    text = "".join(word + gap for word, gap in zip(words, gaps, strict=False)).strip(" ") or "x"
    page = Page(width, None)

    page.say(text, indent=indent)

    assert page.text() == as_rich_printed(text, width, indent)


def test_focus_in_a_narrow_pipe_keeps_whole_words_and_indents_wrapped_lines() -> None:
    slipping_story()

    shown = run("focus", "--partner", "Sam", env={"COLUMNS": "50"})

    assert shown.exit_code == 0, shown.stderr
    lines = shown.stdout.splitlines()
    assert lines[0] == "What to work on next: mentor with Sam"
    assert all(len(line) <= 50 for line in lines)
    assert "\x1b[" not in shown.stdout
    # A strategy's reason and actions run over several lines, each indented under its heading.
    first = next(n for n, line in enumerate(lines) if line.startswith("1. Be transparent"))
    second = next(n for n, line in enumerate(lines) if line.startswith("2. "))
    assert len([line for line in lines[first:second] if line.startswith("   ")]) >= 3
    assert "Be transparent" in shown.stdout and "[transparency." in shown.stdout


def test_focus_imports_no_rich(trustcheck_home) -> None:
    slipping_story()
    program = ("import sys\n"
               "sys.argv = ['trustcheck', 'focus', '--partner', 'Sam']\n"
               "from trustcheck.cli import main\n"
               "try:\n    main()\nexcept SystemExit:\n    pass\n"
               "sys.stderr.write(' '.join(sorted(sys.modules)))\n")

    ran = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True,
                         env=dict(os.environ), timeout=120)

    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.startswith("What to work on next: mentor with Sam")
    assert "rich" not in set(ran.stderr.split())


def focus_on_a_terminal(home, **env: str) -> str:
    environment = {**os.environ, "TRUSTCHECK_HOME": str(home), "COLUMNS": "100",
                   "TERM": "xterm", **env}
    environment.pop("NO_COLOR", None)
    environment.update(env)
    child = pexpect.spawn(sys.executable, ["-m", "trustcheck", "focus", "--partner", "Sam"],
                          env=environment, encoding="utf-8", timeout=60, dimensions=(50, 100))
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, child.before
    return child.before


@pytest.mark.parametrize("no_color", [False, True])
def test_focus_on_a_terminal_is_bold_and_coloured_unless_no_color(trustcheck_home, no_color):
    slipping_story()

    shown = focus_on_a_terminal(trustcheck_home, **({"NO_COLOR": "1"} if no_color else {}))

    assert "\x1b[1mWhat to work on next\x1b[0m: mentor with \x1b[1mSam\x1b[0m" in shown
    assert "\x1b[1mLowest strategies\x1b[0m" in shown
    # A drop since the previous check-in is red, as it was with Rich; NO_COLOR keeps bold only.
    assert ("\x1b[31m-100.0\x1b[0m" in shown) is not no_color
    assert ("-100.0" in shown)
