"""JSON output: serialises the JSON forms defined next to each record (docs/json.md), safe to
print to a terminal (C1 control characters escaped)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from trustcheck import assessment
from trustcheck.assessment import Assessment
from trustcheck.text import escape_c1


def dumps(data: Any) -> str:
    return escape_c1(json.dumps(data, ensure_ascii=False, indent=2)) + "\n"


def result_list(assessments: Sequence[Assessment]) -> str:
    return dumps([assessment.to_dict(a) for a in assessments])


def result_lines(assessments: Iterable[Assessment]) -> Iterator[str]:
    """JSON Lines: one compact result object per line, each ending in a newline ("\\n")."""
    for result in assessments:
        yield escape_c1(json.dumps(assessment.to_dict(result), ensure_ascii=False,
                                   separators=(",", ":"))) + "\n"


def result_objects_as_lines(objects: Iterable[dict[str, Any]]) -> Iterator[str]:
    """`result_lines` for result objects: one compact object per line."""
    for data in objects:
        yield escape_c1(json.dumps(data, ensure_ascii=False, separators=(",", ":"))) + "\n"


def result_objects_as_list(objects: Iterable[dict[str, Any]]) -> Iterator[str]:
    """`result_list` for any number of result objects, one at a time: `[`, the items, `]`."""
    first = True
    for data in objects:
        item = json.dumps(data, ensure_ascii=False, indent=2).replace("\n", "\n  ")
        yield escape_c1(("[\n  " if first else ",\n  ") + item)
        first = False
    yield "[]\n" if first else "\n]\n"


def result_texts_as_lines(texts: Iterable[str]) -> Iterator[str]:
    """`result_lines` from results as saved (`json.dumps` with its default separators).

    Compacting the text gives the same bytes as parsing and dumping it again, in half the time.
    """
    for text in texts:
        line = compact(text)
        # Plain ASCII without DEL has nothing to escape: skip the slower translation.
        yield (line if line.isascii() and "\x7f" not in line else escape_c1(line)) + "\n"


class _Compacted(dict[str, str]):
    """Pieces between strings, compacted: a few hundred kinds (": ", "}, {", ": 66.7, "...)
    repeat in every result, so each is worked out once and then looked up."""

    def __missing__(self, piece: str) -> str:
        if len(self) > 50_000:  # odd texts must not make it grow without end
            self.clear()
        found = self[piece] = piece.replace(", ", ",").replace(": ", ":")
        return found


_COMPACTED = _Compacted()


def compact(text: str) -> str:
    """JSON text from `json.dumps` with ", " and ": " between items, as `(",", ":")` makes it.

    Only what lies outside strings changes. Escaped backslashes and quotes are set aside first
    (as control characters, which json.dumps never leaves raw), so every quote left is where a
    string starts or ends, and every other piece between quotes is outside a string.
    """
    hidden = text.replace("\\\\", "\x01").replace('\\"', "\x00")
    pieces = hidden.split('"')
    pieces[::2] = map(_COMPACTED.__getitem__, pieces[::2])
    return '"'.join(pieces).replace("\x00", '\\"').replace("\x01", "\\\\")
