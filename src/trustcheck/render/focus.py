"""`trustcheck focus` as plain text: what to work on next, without importing Rich.

Rich alone takes longer to import than the rest of `focus`, so this view writes its lines
itself: words (and `commands` in backticks) are never broken, wrapped lines of a list item or
a numbered area start under its text (a hanging indent), and no line ends in spaces. Numbers
follow the house format: one decimal without a trailing ".0", and a change within measurement
noise is said as "about the same", never shown as a number.
"""

from __future__ import annotations

import os
from datetime import datetime
from typing import IO, TYPE_CHECKING

from trustcheck.render.listing import local_time
from trustcheck.render.modes import plain
from trustcheck.render.table import number, paint, width_of
from trustcheck.text import one_line

if TYPE_CHECKING:
    from trustcheck.plan import FollowThrough, Plan, PlanItem

# A piece of a paragraph: its text and a style name of render.table (bold, dim, green, ...).
Piece = tuple[str, str]

_COLOURS = frozenset({"red", "green", "yellow", "cyan"})
NARROW_BELOW = 100  # columns: below this, dates without the time of day (as `history`)
ABOUT_THE_SAME = "about the same"


def page_width(stream: IO[str]) -> int:
    """The width lines wrap at: COLUMNS, else the size of the terminal on standard input,
    output or error, else 80 (also for a dumb terminal)."""
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


def words(text: str) -> list[tuple[int, int]]:
    """(start, end) of each unbreakable run of the text: a word, or a `command` in backticks
    with the spaces inside it (a command broken over two lines cannot be copied)."""
    found: list[tuple[int, int]] = []
    position, length = 0, len(text)
    while position < length:
        if text[position].isspace():
            position += 1
            continue
        start = position
        if text[position] == "`":
            closing = text.find("`", position + 1)
            if closing > 0:
                position = closing + 1
        while position < length and not text[position].isspace():
            position += 1
        found.append((start, position))
    return found


def wrapped(text: str, width: int, hang: int = 0) -> list[tuple[int, int]]:
    """(start, end) of each line of one paragraph wrapped at the width, the lines after the
    first `hang` columns narrower (they are indented by that much). Spaces where a line breaks
    are dropped; a word (or command) wider than a whole line is kept whole on a line of its
    own rather than cut."""
    runs: list[tuple[int, int]] = []
    for start, end in words(text):
        # A command too wide for any line is broken at its spaces after all, never mid-word.
        if " " in text[start:end] and width_of(text[start:end]) > width - hang:
            runs += [(start + s, start + e) for s, e in words(text[start:end].replace("`", "x"))]
        else:
            runs.append((start, end))
    if not runs:
        return [(0, 0)]
    lines: list[tuple[int, int]] = []
    first, last = 0, runs[0][1]  # the first line keeps any spaces the paragraph starts with
    room = width
    for start, end in runs[1:]:
        if width_of(text[first:end]) <= room:
            last = end
            continue
        lines.append((first, last))
        first, last, room = start, end, width - hang
    lines.append((first, last))
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

    def say(self, *pieces: Piece | str, indent: int = 0, hang: int = 0) -> None:
        """A paragraph made of pieces, `indent` columns in; its wrapped lines start `hang`
        columns further in (under the text after "- " or "1. "). A line break in the text
        starts a new line at the hanging indent too."""
        parts = [(piece, "") if isinstance(piece, str) else piece for piece in pieces]
        text = "".join(part for part, _ in parts)
        width = max(self.width - indent, hang + 1)
        offset, first_line = 0, True
        for line in text.split("\n"):
            spans = wrapped(line, width, hang) if first_line else wrapped(line, width - hang)
            for index, (start, end) in enumerate(spans):
                margin = indent + (0 if first_line and index == 0 else hang)
                shown = self._painted(parts, offset + start, offset + end)
                self.lines.append((" " * margin + shown).rstrip() if shown.strip() else "")
            offset += len(line) + 1
            first_line = False

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


def local_date(moment: datetime) -> str:
    return moment.astimezone().strftime("%Y-%m-%d")


def followed_through(found: FollowThrough) -> str:
    """How last time's commitments went, in one sentence (the text view and the page)."""
    if found.rate is None:
        return "no commitments reviewed yet."
    return (f"{number(found.rate)}% of what you committed to was carried out "
            f"({found.counts['done']} done, {found.counts['partly']} partly done, "
            f"{found.counts['not_done']} not done; partly done counts half).")


def with_sem(score: float | None, sem: float | None, band: str) -> str:
    """A score with its uncertainty, "62.5 ± 11 of 100" (± is one standard error of
    measurement, in whole points); in plain output in words: "62.5 out of 100, plus or minus
    11, solid"."""
    from trustcheck.reliability import sem_or_default

    if score is None:
        return band
    if plain():
        return f"{number(score)} out of 100, plus or minus {sem_or_default(sem):.0f}, {band}"
    return f"{number(score)} ± {sem_or_default(sem):.0f} of 100"


def change(points: float | None, direction: str | None) -> Piece:
    """A change in points: "+5" (green), "-3.3" (red), in plain output "up 5", "down 3.3";
    a change within the noise (zero too) is "about the same", with no number: noise is not a
    change. — when there is nothing to compare."""
    if points is None:
        return "—", "dim"
    if direction == ABOUT_THE_SAME or round(points, 1) == 0:
        return ABOUT_THE_SAME, "dim"
    if plain():
        return f"{'up' if points > 0 else 'down'} {number(abs(points))}", ""
    if points > 0:
        return f"+{number(points)}", "green"
    return f"-{number(-points)}", "red"


def relationship_name(role: str, partner: str | None) -> tuple[Piece, ...]:
    if partner:
        return (f"{role} with ", ""), (one_line(partner), "bold")
    return (f"{role}, no partner named", ""),


def _plan_item(page: Page, position: int, item: PlanItem, since: str | None) -> None:
    from trustcheck.bands import band

    marker = f"{position}. "
    heading: list[Piece] = [(marker, ""), (one_line(item.title), "bold"), (": ", ""),
                            (with_sem(item.score, item.sem, band(item.score)), "bold")]
    if item.change is not None and since is not None:
        heading += [(" (", ""), change(item.change, item.direction), (f" since {since})", "")]
    page.say(*heading, hang=len(marker))
    page.say(one_line(item.reason), indent=len(marker))
    for action in item.actions:
        page.say("- ", one_line(action.text), indent=len(marker), hang=2)
    if item.note:
        page.say((one_line(item.note), "dim"), indent=len(marker))


def focus_plan(plan: Plan, stream: IO[str]) -> None:
    """`trustcheck focus`: what to work on next in one relationship, and why, in numbers."""
    from trustcheck.focus import overall_sem

    page = Page(page_width(stream), styles_wanted(stream))
    narrow = page.width < NARROW_BELOW
    when = local_date if narrow else local_time
    latest, previous = plan.latest, plan.previous
    page.say(("What to work on next", "bold"), ": ",
             *relationship_name(latest.role, latest.partner))
    line: list[Piece | str] = [
        f"From your check-in of {when(latest.created_at)}: overall ",
        (with_sem(latest.overall, overall_sem(latest.strategies), latest.band), "bold")]
    if not plain():
        line.append(f" ({latest.band})")
    if previous is not None:
        before = "no score" if previous.overall is None else number(previous.overall)
        line.append(f". Compared with {when(previous.created_at)} ({before})")
        if plan.overall_change is not None:
            line += [": ", change(plan.overall_change, plan.overall_direction)]
    else:
        # On a line of its own, so the sentence is never broken by the terminal's width.
        line.append(";\nthis is the first check-in, so there is no trend yet")
    page.say(*line, ".")
    page.say(("Follow-through: ", "bold"), followed_through(plan.follow_through))

    position = 0
    since = None if previous is None else local_date(previous.created_at)
    for heading, items in (("Lowest strategies", plan.lowest),
                           ("Slipped since your previous check-in (more than the noise)",
                            plan.slipped)):
        if not items:
            continue
        page.blank()
        page.say((heading, "bold"))
        for item in items:
            position += 1
            _plan_item(page, position, item, since)
    if not plan.lowest and not plan.slipped and latest.overall is not None:
        page.blank()
        page.say("Every strategy is strong and none slipped. Keep doing what you are doing.")
    if plan.felt_trust:
        page.blank()
        page.say(("How you feel with your partner", "bold"))
        page.say(one_line(plan.felt_trust))
    if plan.obstacles:
        page.blank()
        page.say(("Obstacles to watch for", "bold"))
        for obstacle in plan.obstacles:
            page.say("- ", (one_line(obstacle.title), "bold"), ": ", one_line(obstacle.reason),
                     hang=2)
            page.say(one_line(obstacle.remedy), indent=2)
    if plan.strengths:
        page.blank()
        page.say(("Strengths to keep", "bold"))
        for strength in plan.strengths:
            page.say("- ", (one_line(strength.title), "bold"), ": ", one_line(strength.reason),
                     hang=2)
    page.blank()
    sign = "Plus or minus" if plain() else "±"
    page.say((f"{sign} is one standard error of measurement: how far a score can wobble with "
              "nothing changed; a change within the noise is called about the same.", "dim"))
    if plan.open_commitments:
        page.blank()
        page.say(("Your open commitments", "bold"))
        for open_one in plan.open_commitments:
            page.say("- ", one_line(open_one.commitment.text),
                     (f" (chosen {local_date(open_one.made_at)})", "dim"), hang=2)
    stream.write(page.text())
