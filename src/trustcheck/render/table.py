"""A small, fast plain-text table writer for listings people run often (history, trends).

Rich takes longer to import than the rest of such a command together, so listings use this;
the full result views (assess, history show) use Rich.
"""

from __future__ import annotations

import os
import shutil
import unicodedata
from collections.abc import Sequence
from typing import IO, NamedTuple

from trustcheck.text import one_line

_SGR = {"bold": "1", "dim": "2", "red": "31", "green": "32", "yellow": "33", "cyan": "36"}
MIN_FLEX_WIDTH = 8


class Styled(NamedTuple):
    """A cell with a style name (bold, dim, red, green, yellow, cyan, or several joined by ' ')."""

    text: str
    style: str = ""


Cell = str | Styled


# Changes and gaps in every view (tables, Rich text, reports, HTML) go through `signed` (or, in
# the listings' text, `signed_number`), so a change reads the same everywhere; they live here
# because every listing imports this module.
NOTHING = "—"  # nothing to compare: no score on one side


def signed(points: float | None) -> str:
    """A change or gap in points: +5.0, -3.2, 0.0, or — when there is nothing to compare.

    The signs are ASCII "+" and "-", not the typographic minus U+2212: screen readers read "-"
    as "minus" (many skip U+2212 or call it by its code), and a spreadsheet or a script given a
    copied value reads "-3.2" as a number but the same with U+2212 as text. A change that rounds
    to zero prints as 0.0, never as -0.0 or +0.0.
    """
    if points is None:
        return NOTHING
    shown = round(points, 1)
    if shown > 0:
        return f"+{shown:.1f}"
    if shown < 0:
        return f"-{-shown:.1f}"
    return "0.0"


def number(value: float) -> str:
    """A score or a number of points in the text format people read: one decimal without a
    trailing ".0" ("62.5", "50", "0"), never "-0"."""
    shown = f"{round(value, 1) + 0.0:.1f}"
    return shown[:-2] if shown.endswith(".0") else shown


def signed_number(points: float | None) -> str:
    """A change in points as text views print it: "+12.5", "-3", "0", or — when there is
    nothing to compare. The same ASCII signs as `signed`, without a trailing ".0"."""
    if points is None:
        return NOTHING
    shown = number(points)
    return shown if shown == "0" or shown.startswith("-") else f"+{shown}"


class Column(NamedTuple):
    title: str  # a "\n" puts the rest on a header line of its own (lined up at the bottom)
    align: str = "left"  # or "right"
    flexible: bool = False  # may be shortened (with …) to fit the terminal


def colour_wanted(stream: IO[str]) -> bool:
    """Colour only on a terminal, never with NO_COLOR set (https://no-color.org) or TERM=dumb."""
    if os.environ.get("NO_COLOR", "") != "" or os.environ.get("TERM") == "dumb":
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def terminal_width(stream: IO[str]) -> int | None:
    """The terminal's width, or None (no limit) when output goes to a file or a pipe."""
    try:
        if not stream.isatty():
            return None
    except (AttributeError, ValueError):
        return None
    return shutil.get_terminal_size((100, 24)).columns


# Columns each character takes, looked up once per character: a long listing has the same
# few hundred characters (sparkline bars, digits) hundreds of thousands of times.
_WIDTH_OF: dict[str, int] = {}


def width_of(text: str) -> int:
    if text.isascii():
        return len(text)
    known = _WIDTH_OF
    total = 0
    for ch in text:
        found = known.get(ch)
        if found is None:
            found = known[ch] = 2 if unicodedata.east_asian_width(ch) in "WF" else 1
        total += found
    return total


def shorten(text: str, width: int) -> str:
    if width_of(text) <= width:
        return text
    out, used = [], 0
    for ch in text:
        w = width_of(ch)
        if used + w > width - 1:
            break
        out.append(ch)
        used += w
    return "".join(out) + "…"


def paint(text: str, style: str, colour: bool) -> str:
    if not colour or not style:
        return text
    codes = ";".join(_SGR[name] for name in style.split() if name in _SGR)
    return f"\x1b[{codes}m{text}\x1b[0m" if codes else text


def _natural_widths(columns: Sequence[Column], cells: Sequence[Sequence[tuple[str, int, str]]]
                    ) -> list[int]:
    return [max([width_of(part) for part in col.title.split("\n")] + [row[i][1] for row in cells])
            for i, col in enumerate(columns)]


def _cells(rows: Sequence[Sequence[Cell]]) -> list[list[tuple[str, int, str]]]:
    # Each cell as (text, its width, style), cleaned and measured once.
    return [[_measured(c.text, c.style) if isinstance(c, Styled) else _measured(c, "")
             for c in row] for row in rows]


def natural_width(columns: Sequence[Column], rows: Sequence[Sequence[Cell]], *,
                  gap: int = 2) -> int:
    """How many columns the table takes when nothing in it is shortened."""
    return sum(_natural_widths(columns, _cells(rows))) + gap * (len(columns) - 1)


def render(columns: Sequence[Column], rows: Sequence[Sequence[Cell]], *,
           width: int | None = None, colour: bool = False, gap: int = 2,
           rule: bool = True) -> str:
    """The table as text, header first; user text is cleaned of control characters.

    `rule=False` leaves out the line under the header (plain output: no box drawing). A title
    with a line break takes two header lines, so a narrow column can have a long title."""
    cells = _cells(rows)
    widths = _natural_widths(columns, cells)
    if width is not None:
        excess = sum(widths) + gap * (len(columns) - 1) - width
        flexible = sorted((i for i, col in enumerate(columns) if col.flexible),
                          key=lambda i: -widths[i])
        while excess > 0 and flexible:
            i = max(flexible, key=lambda k: widths[k])
            if widths[i] <= MIN_FLEX_WIDTH:
                break
            cut = min(excess, widths[i] - MIN_FLEX_WIDTH, max(1, widths[i] // 4))
            widths[i] -= cut
            excess -= cut
    spacer = " " * gap

    last = len(columns) - 1
    right = [col.align == "right" for col in columns]

    def line(values: Sequence[tuple[str, int, str]], header: bool = False) -> str:
        parts = []
        for i, (text, used, style) in enumerate(values):
            if used > widths[i]:
                text = shorten(text, widths[i])
                used = width_of(text)
            pad = " " * (widths[i] - used)
            if i == last and not right[i]:
                pad = ""  # no trailing spaces
            padded = pad + text if right[i] else text + pad
            parts.append(paint(padded, "bold" if header and text else style, colour))
        return spacer.join(parts).rstrip()

    for row in cells:
        if len(row) != len(columns):
            raise ValueError(f"a row has {len(row)} cells for {len(columns)} columns")
    titles = [col.title.split("\n") for col in columns]
    height = max(len(parts) for parts in titles)
    out = []
    for level in range(height):
        parts = [[""] * (height - len(found)) + found for found in titles]  # bottom-aligned
        out.append(line([(part[level], width_of(part[level]), "") for part in parts],
                        header=True))
    if rule:
        out.append(spacer.join("─" * w for w in widths))
    out.extend(line(row) for row in cells)
    return "\n".join(out) + "\n"


def _measured(text: str, style: str) -> tuple[str, int, str]:
    # Most cells are figures and sparklines already on one line: printable text has no control
    # character and no whitespace but the plain space, so one_line would give it back as it is.
    if not (text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " "):
        text = one_line(text)
    return text, width_of(text), style
