"""How text output looks on this run: plain (for screen readers and braille displays) or not.

`--plain` (a global option) and `TRUSTCHECK_PLAIN=1` ask for plain output: no bars, sparklines
or box drawing, scores in words and numbers, "statement 5 of 33". Every text renderer asks
`plain()` rather than reading the environment itself, so the rule lives in one place.
(`NO_COLOR` is separate and keeps being honoured by each writer: plain output has no colour
either.)
"""

import os

PLAIN_VARIABLE = "TRUSTCHECK_PLAIN"


def plain() -> bool:
    """Whether this run's text output is plain: TRUSTCHECK_PLAIN set to anything but "" or 0."""
    return os.environ.get(PLAIN_VARIABLE, "").strip() not in ("", "0")


def ask_for_plain() -> None:
    """`--plain` on the command line: the rest of this run (and nothing after it) is plain."""
    os.environ[PLAIN_VARIABLE] = "1"
