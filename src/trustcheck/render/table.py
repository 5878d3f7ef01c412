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


# Changes and gaps in every view (tables, Rich text, reports, HTML) go through `signed`, so a
# change reads the same everywhere; it lives here because every listing imports this module.
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


class Column(NamedTuple):
    title: str
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


def width_of(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


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


def render(columns: Sequence[Column], rows: Sequence[Sequence[Cell]], *,
           width: int | None = None, colour: bool = False, gap: int = 2) -> str:
    """The table as text, header first; user text is cleaned of control characters."""
    cells = [[c if isinstance(c, Styled) else Styled(c) for c in row] for row in rows]
    cells = [[Styled(one_line(c.text), c.style) for c in row] for row in cells]
    widths = [max([width_of(col.title)] + [width_of(row[i].text) for row in cells])
              for i, col in enumerate(columns)]
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

    def line(values: Sequence[Styled], header: bool = False) -> str:
        parts = []
        for i, (col, value) in enumerate(zip(columns, values, strict=True)):
            text = shorten(value.text, widths[i])
            pad = " " * (widths[i] - width_of(text))
            if i == len(columns) - 1 and col.align == "left":
                pad = ""  # no trailing spaces
            padded = pad + text if col.align == "right" else text + pad
            parts.append(paint(padded, "bold" if header else value.style, colour))
        return spacer.join(parts).rstrip()

    out = [line([Styled(col.title) for col in columns], header=True)]
    out.append(spacer.join("─" * w for w in widths))
    out.extend(line(row) for row in cells)
    return "\n".join(out) + "\n"
