"""Make user text safe to show: no terminal control characters, no spreadsheet formulas."""

from __future__ import annotations

import re

# C0 controls except tab and newline, DEL, the C1 range, and the bidirectional controls (which
# can make text display in another order than it was typed): none of them may reach a terminal.
_BIDI = "\u200e\u200f\u202a-\u202e\u2066-\u2069"
_CONTROL = re.compile(f"[\\x00-\\x08\\x0b-\\x1f\\x7f-\\x9f{_BIDI}]")
_CONTROL_ALL = re.compile(f"[\\x00-\\x1f\\x7f-\\x9f{_BIDI}]")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def plain(text: object) -> str:
    """Text with every control character removed (tabs and newlines kept)."""
    return _CONTROL.sub("", str(text))


def one_line(text: object) -> str:
    """Text on one line: control characters and line breaks become spaces, runs folded."""
    return " ".join(_CONTROL_ALL.sub(" ", str(text)).split())


def escape_c1(json_text: str) -> str:
    """json.dumps escapes C0 but leaves DEL, C1 and bidi controls raw; escape them too."""
    return re.sub(f"[\\x7f-\\x9f{_BIDI}]", lambda m: f"\\u{ord(m.group()):04x}", json_text)


def spreadsheet_cell(value: object) -> object:
    """A CSV cell that a spreadsheet will show as text, never run as a formula."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value
