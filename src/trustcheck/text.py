"""Make user text safe to show: no terminal control characters, no spreadsheet formulas.

Core code (readers, the CLI) and renderers all use it, so it lives outside `render/`.
"""

from __future__ import annotations

# C0 controls except tab and newline, DEL, the C1 range, and the bidirectional controls (which
# can make text display in another order than it was typed, the marks LRM, RLM and ALM
# included): none of them may reach a terminal.
# Translation tables rather than regular expressions: building them costs microseconds, while
# compiling the equivalent patterns cost half a millisecond of every start.
_BIDI = [0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)]
_DEL_C1 = range(0x7F, 0xA0)
_REMOVE = dict.fromkeys([*range(0x00, 0x09), *range(0x0B, 0x20), *_DEL_C1, *_BIDI])
_TO_SPACE = dict.fromkeys([*range(0x00, 0x20), *_DEL_C1, *_BIDI], " ")
_JSON_ESCAPES = {code: f"\\u{code:04x}" for code in [*_DEL_C1, *_BIDI]}
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def plain(text: object) -> str:
    """Text with every control character removed (tabs and newlines kept)."""
    return str(text).translate(_REMOVE)


def one_line(text: object) -> str:
    """Text on one line: control characters and line breaks become spaces, runs folded."""
    return " ".join(str(text).translate(_TO_SPACE).split())


def quoted_name(text: object) -> str:
    """A name from someone's file, short and on one line, fit to quote in a message."""
    return one_line(text)[:60]


def escape_c1(json_text: str) -> str:
    """json.dumps escapes C0 but leaves DEL, C1 and bidi controls raw; escape them too."""
    return json_text.translate(_JSON_ESCAPES)


def spreadsheet_cell(value: object) -> object:
    """A CSV cell that a spreadsheet will show as text, never run as a formula."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def is_utf8(text: str) -> bool:
    """False for text holding lone surrogates: undecodable bytes from the command line, or
    `\\ud800` in a JSON or YAML file. SQLite, JSON output and terminals cannot take them."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
