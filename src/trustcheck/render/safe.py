"""Make user text safe to show: no terminal control characters, no spreadsheet formulas."""

from __future__ import annotations

import re

# C0 controls except tab and newline, DEL, and the C1 range: none of them may reach a terminal raw.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_CONTROL_ALL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def plain(text: object) -> str:
    """Text with every control character removed (tabs and newlines kept)."""
    return _CONTROL.sub("", str(text))


def one_line(text: object) -> str:
    """Text on one line: control characters and line breaks become spaces, runs folded."""
    return " ".join(_CONTROL_ALL.sub(" ", str(text)).split())


def escape_c1(json_text: str) -> str:
    """json.dumps escapes C0 but leaves DEL and C1 raw; escape them so terminals never see them."""
    return re.sub(r"[\x7f-\x9f]", lambda m: f"\\u{ord(m.group()):04x}", json_text)


def spreadsheet_cell(value: object) -> object:
    """A CSV cell that a spreadsheet will show as text, never run as a formula."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value
