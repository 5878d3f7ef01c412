"""Numbers as every view prints them, so a change reads the same in a table, a report and HTML."""

from __future__ import annotations

NOTHING = "—"  # nothing to compare: no score on one side


def signed(points: float | None) -> str:
    """A change or gap in points: +5.0, -3.2, 0.0, or — when there is nothing to compare.

    The signs are ASCII "+" and "-", not the typographic minus U+2212: screen readers read "-"
    as "minus" (many skip U+2212 or call it by its code), and a spreadsheet or a script given a
    copied value reads "-3.2" as a number, while "−3.2" stays text. A change that rounds to
    zero prints as 0.0, never as -0.0 or +0.0.
    """
    if points is None:
        return NOTHING
    shown = round(points, 1)
    if shown > 0:
        return f"+{shown:.1f}"
    if shown < 0:
        return f"-{-shown:.1f}"
    return "0.0"
