"""`trustcheck focus` as plain text: what to work on next, without importing Rich.

Rich alone takes longer to import than the rest of `focus`, so this view writes its lines
itself. It wraps and indents them the way the Rich view it replaced did (words kept whole,
wrapped lines of an indented paragraph keep the indent and are padded to the width), so the
output in a pipe or a file is byte for byte what people and their scripts had before.
"""

from __future__ import annotations

import os
from datetime import datetime
from typing import IO, TYPE_CHECKING

from trustcheck.render.listing import local_time, score_text
from trustcheck.render.table import paint, signed, width_of
from trustcheck.text import one_line

if TYPE_CHECKING:
    from trustcheck.plan import Plan, PlanItem

# A piece of a paragraph: its text and a style name of render.table (bold, dim, green, ...).
Piece = tuple[str, str]

_COLOURS = frozenset({"red", "green", "yellow", "cyan"})


def page_width(stream: IO[str]) -> int:
    """The width lines wrap at, found as Rich finds it, so wrapping stays as it was: COLUMNS,
    else the size of the terminal on standard input, output or error, else 80 (also for a
    dumb terminal)."""
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit():
        return int(columns) or 80
    if os.environ.get("TERM", "").lower() in ("dumb", "unknown") and _is_terminal(stream):
        return 80
    for descriptor in (0, 1, 2):
        try:
            return os.get_terminal_size(descriptor).columns or 80
        except (AttributeError, ValueError, OSError):
            continue
    return 80


def _is_terminal(stream: IO[str]) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def styles_wanted(stream: IO[str]) -> frozenset[str] | None:
    """Which styles to show: none in a pipe or a file or on a dumb terminal (None), bold and dim
    only with NO_COLOR set (https://no-color.org), all of them otherwise."""
    if not _is_terminal(stream) or os.environ.get("TERM", "").lower() in ("dumb", "unknown"):
        return None
    if os.environ.get("NO_COLOR", "") != "":
        return frozenset({"bold", "dim"})
    return frozenset({"bold", "dim"}) | _COLOURS


def break_points(text: str, width: int) -> list[int]:
    """Where a line of text breaks to fit the width: before a word that does not fit (a word
    keeps the spaces after it), and inside a word longer than a whole line."""
    breaks: list[int] = []
    used = 0
    position, length = 0, len(text)
    while position < length:
        # A word: the spaces before it (only at the start of the line), itself, the spaces after.
        start = position
        while position < length and text[position].isspace():
            position += 1
        while position < length and not text[position].isspace():
            position += 1
        while position < length and text[position].isspace():
            position += 1
        word = text[start:position]
        word_width = width_of(word.rstrip())
        if width - used >= word_width:
            used += width_of(word)
        elif word_width > width:
            # Too long for any line: folded across as many lines as it needs.
            pieces: list[str] = []
            piece, piece_width = "", 0
            for character in word:
                character_width = width_of(character)
                if piece_width + character_width > width:
                    pieces.append(piece)
                    piece, piece_width = "", 0
                piece += character
                piece_width += character_width
            pieces.append(piece)
            for last, folded in ((n == len(pieces) - 1, p) for n, p in enumerate(pieces)):
                if start:
                    breaks.append(start)
                if last:
                    used = width_of(folded)
                else:
                    start += len(folded)
        elif used and start:
            breaks.append(start)
            used = width_of(word)
    return breaks


def _wrapped(text: str, width: int) -> list[tuple[int, int]]:
    """(start, end) of each line of the text wrapped at the width: the spaces that end a line
    are kept as far as the width allows (as Rich keeps them), the rest dropped."""
    edges = [0, *break_points(text, width), len(text)]
    lines = []
    for start, end in zip(edges, edges[1:], strict=False):
        line = text[start:end]
        if len(line) > width:
            end -= min(len(line) - len(line.rstrip()), len(line) - width)
        while end > start and width_of(text[start:end]) > width:
            end -= 1
        lines.append((start, end))
    return lines


class Page:
    """The view's lines as they are written: paragraphs wrapped at the page's width.

    To add a sentence to the view, `page.say(...)` it where it belongs. (A plain class, not a
    dataclass: importing dataclasses would cost `focus` more than this class saves.)
    """

    def __init__(self, width: int, styles: frozenset[str] | None) -> None:
        self.width = width
        self.styles = styles
        self.lines: list[str] = []

    def blank(self) -> None:
        self.lines.append("")

    def say(self, *pieces: Piece | str, indent: int | None = None) -> None:
        """A paragraph made of pieces. An indented one (indent 0 too) keeps its indent on
        wrapped lines, and is as wide as its text, at most the page: its lines are padded to
        that width with spaces, as Rich pads them."""
        parts = [(piece, "") if isinstance(piece, str) else piece for piece in pieces]
        text = "".join(part for part, _ in parts)
        spans = _split_lines(text)
        width = self.width
        if indent is not None:
            widest = max(width_of(text[start:end]) for start, end in spans)
            width = min(widest + indent, self.width) - indent
        for first, last in spans:
            line = text[first:last]
            for start, end in _wrapped(line, max(width, 1)):
                shown = self._painted(parts, first + start, first + end)
                if indent is not None:
                    shown = (" " * indent + shown
                             + " " * max(width - width_of(line[start:end]), 0))
                self.lines.append(shown)

    def _painted(self, parts: list[Piece], start: int, end: int) -> str:
        out, offset = [], 0
        for part, style in parts:
            low, high = max(start, offset), min(end, offset + len(part))
            if low < high:
                out.append(self._paint(part[low - offset:high - offset], style))
            offset += len(part)
        return "".join(out)

    def _paint(self, text: str, style: str) -> str:
        if self.styles is None or not style:
            return text
        kept = " ".join(name for name in style.split() if name in self.styles)
        return paint(text, kept, True)

    def text(self) -> str:
        return "".join(line + "\n" for line in self.lines)


def _split_lines(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    while True:
        found = text.find("\n", start)
        if found < 0:
            spans.append((start, len(text)))
            return spans
        spans.append((start, found))
        start = found + 1


def local_date(moment: datetime) -> str:
    return moment.astimezone().strftime("%Y-%m-%d")


def with_sem(score: float | None, sem: float | None) -> str:
    """A score with its uncertainty, "62 ± 11": ± is one standard error of measurement."""
    from trustcheck.reliability import sem_or_default

    if score is None:
        return score_text(score)
    return f"{score:g} ± {sem_or_default(sem):.0f}"


def change(points: float | None, direction: str | None = None) -> Piece:
    """A change in points: +5.0 (green), -3.3 (red), 0.0, or — when there is nothing to compare;
    a change within the noise is dim and says so: "-8.3 about the same"."""
    shown = signed(points)
    if direction == "about the same" and points:
        return f"{shown} about the same", "dim"
    return shown, {"+": "green", "-": "red"}.get(shown[0], "dim")


def relationship_name(role: str, partner: str | None) -> tuple[Piece, ...]:
    if partner:
        return (f"{role} with ", ""), (one_line(partner), "bold")
    return (f"{role}, no partner named", ""),


def _plan_item(page: Page, number: int, item: PlanItem, since: datetime | None) -> None:
    heading: list[Piece] = [(f"{number}. ", ""), (one_line(item.title), "bold"), (": ", ""),
                            (with_sem(item.score, item.sem), "bold"), (" of 100", "")]
    if item.change is not None and since is not None:
        heading += [(" (", ""), change(item.change, item.direction),
                    (f" since {local_date(since)})", "")]
    page.say(*heading)
    page.say(one_line(item.reason), indent=3)
    for action in item.actions:
        page.say("- ", one_line(action.text), " ", (f"[{one_line(action.id)}]", "dim"), indent=3)
    if item.note:
        page.say((one_line(item.note), "dim"), indent=3)


def focus_plan(plan: Plan, stream: IO[str]) -> None:
    """`trustcheck focus`: what to work on next in one relationship, and why, in numbers."""
    from trustcheck.focus import overall_sem

    page = Page(page_width(stream), styles_wanted(stream))
    latest, previous = plan.latest, plan.previous
    page.say(("What to work on next", "bold"), ": ",
             *relationship_name(latest.role, latest.partner))
    line: list[Piece | str] = [
        f"From your check-in of {local_time(latest.created_at)}: overall ",
        (with_sem(latest.overall, overall_sem(latest.strategies)), "bold"), f" ({latest.band})"]
    if previous is not None:
        line += [f", compared with {local_time(previous.created_at)} "
                 f"({score_text(previous.overall)}): ",
                 change(plan.overall_change, plan.overall_direction)]
    else:
        # On a line of its own, so the sentence is never broken by the terminal's width.
        line.append(";\nthis is the first check-in, so there is no trend yet")
    page.say(*line, ".")
    ft = plan.follow_through
    if ft.rate is None:
        told = "no commitments reviewed yet."
    else:
        told = (f"{ft.rate:g}% of what you committed to was carried out ({ft.counts['done']} "
                f"done, {ft.counts['partly']} partly done, {ft.counts['not_done']} not done; "
                "partly done counts half).")
    page.say(("Follow-through: ", "bold"), told)

    number = 0
    for heading, items in (("Lowest strategies", plan.lowest),
                           ("Slipped since your previous check-in (more than the noise)",
                            plan.slipped)):
        if not items:
            continue
        page.blank()
        page.say((heading, "bold"))
        for item in items:
            number += 1
            _plan_item(page, number, item, None if previous is None else previous.created_at)
    if not plan.lowest and not plan.slipped and latest.overall is not None:
        page.blank()
        page.say("Every strategy is strong and none slipped. Keep doing what you are doing.")
    if plan.felt_trust:
        page.blank()
        page.say(("How you feel with your partner", "bold"))
        page.say(one_line(plan.felt_trust), indent=0)
    if plan.obstacles:
        page.blank()
        page.say(("Obstacles to watch for", "bold"))
        for obstacle in plan.obstacles:
            page.say("- ", (one_line(obstacle.title), "bold"), ": ", one_line(obstacle.reason))
            page.say(one_line(obstacle.remedy), indent=2)
    if plan.strengths:
        page.blank()
        page.say(("Strengths to keep", "bold"))
        for strength in plan.strengths:
            page.say("- ", (one_line(strength.title), "bold"), " - ", one_line(strength.reason))
    page.blank()
    page.say(("± is one standard error of measurement: how far a score can wobble with nothing "
              "changed; a change within the noise is called about the same.", "dim"))
    if plan.open_commitments:
        page.blank()
        page.say(("Your open commitments", "bold"))
        for open_one in plan.open_commitments:
            page.say("- ", one_line(open_one.commitment.text), " ",
                     (f"[{one_line(open_one.commitment.action)}], chosen "
                      f"{local_date(open_one.made_at)}", "dim"), indent=0)
    stream.write(page.text())
