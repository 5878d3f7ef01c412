"""Listings people run often (history, trends), written with the fast plain table writer."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import IO, TYPE_CHECKING

from trustcheck.render.table import (
    NOTHING,
    Column,
    Styled,
    colour_wanted,
    natural_width,
    number,
    render,
    signed_number,
    terminal_width,
    width_of,
)

if TYPE_CHECKING:
    from trustcheck.assessment import Assessment
    from trustcheck.records import CheckInLine
    from trustcheck.trends import Trend

BAND_STYLES = {
    "strong": "green",
    "solid": "cyan",
    "developing": "yellow",
    "needs attention": "red",
    "not enough answers": "dim",
    "didn't come up this time": "dim",
}


# Below this many columns, listings take their narrow layout (fewer, shorter columns).
NARROW = 100


def local_time(moment: datetime) -> str:
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


def layout_width(stream: IO[str]) -> int | None:
    """The width to fit: the terminal's; for a pipe or file, COLUMNS when it is set (people
    set it to ask for a width), else none."""
    import os

    found = terminal_width(stream)
    if found is None:
        columns = os.environ.get("COLUMNS", "").strip()
        found = int(columns) if columns.isdecimal() and int(columns) > 0 else None
    return found


def plain_output() -> bool:
    from trustcheck.render.modes import plain

    return plain()


def score_text(score: float | None) -> str:
    return "—" if score is None else f"{score:g}"


def history(results: Sequence[Assessment | CheckInLine], stream: IO[str]) -> None:
    """One line per check-in: date, id, role, partner, cohort, overall, band, lowest.

    Narrower than 100 columns: the date without the time, no lowest strategy, and the cohort
    only when a check-in has one, so a line fits 80 columns."""
    width = layout_width(stream)
    narrow = width is not None and width < NARROW
    plain = plain_output()
    with_cohort = not narrow or any(result.cohort for result in results)
    columns = [Column("Date"), Column("Id"), Column("Role"), Column("Partner", flexible=True)]
    if with_cohort:
        columns.append(Column("Cohort", flexible=True))
    columns += [Column("Overall", align="right"), Column("Band")]
    if not narrow:
        columns.append(Column("Lowest strategy", flexible=True))
    rows: list[list[str | Styled]] = []
    for result in results:
        when = local_time(result.created_at)
        row: list[str | Styled] = [when[:10] if narrow else when, result.id[:8], result.role,
                                   result.partner or ""]
        if with_cohort:
            row.append(result.cohort or "")
        row += [score_text(result.overall), Styled(result.band, BAND_STYLES.get(result.band, ""))]
        if plain:
            row = [_in_words(cell) for cell in row]
        if not narrow:
            lowest = result.lowest
            row.append(f"{lowest.title} ({number(lowest.score)})" if lowest else "")
        rows.append(row)
    stream.write(render(columns, rows, width=width, colour=colour_wanted(stream),
                        rule=not plain))


DIRECTION_STYLES = {
    "improving": "green",
    "slipping": "red",
    "about the same": "",
    "too early to tell": "dim",
    "not enough answers": "dim",
    "didn't come up this time": "dim",
    "no longer asked": "dim",
}


def trends(found: Sequence[Trend], stream: IO[str]) -> None:
    """One block per relationship: a heading, a row per strategy and overall, then notes.

    The width to fit is the terminal's, or COLUMNS for a pipe (as in `history`); below 100
    columns the narrow layout leaves out the slope and gives the changes two-line titles. The
    sparkline (or, plain, the recent scores) takes the room the other columns leave."""
    from trustcheck.text import one_line

    colour = colour_wanted(stream)
    width = layout_width(stream)
    narrow = width is not None and width < NARROW
    plain = plain_output()
    blocks = []
    for trend in found:
        who = f"You as {trend.role}"
        who += f" with {one_line(trend.partner)}" if trend.partner else " (no partner named)"
        count = f"{trend.assessments} check-in{'s' if trend.assessments != 1 else ''}"
        # Narrow: dates without the time of day, as in `history`.
        start, end = (local_time(moment)[:10] if narrow else local_time(moment)
                      for moment in (trend.start, trend.end))
        span = start if trend.end == trend.start else f"{start} to {end}"
        lines = [_wrapped(f"{who}: {count}, {span}", width, colour, "bold")]
        lines.append(_trend_table(trend, width, narrow, plain, colour))
        for change in trend.changes:
            before = f"{one_line(change.from_checklist)} v{one_line(change.from_version)}"
            after = f"v{one_line(change.to_version)}"
            if change.checklist != change.from_checklist:
                after = f"{one_line(change.checklist)} {after}"
            lines.append(_wrapped(f"Checklist changed from {before} to {after} on "
                                  f"{local_time(change.at)}; strategy scores stay comparable, "
                                  "item answers do not.", width, colour))
        if trend.follow_through is None:
            lines.append("Commitments followed through: none reviewed yet.")
        else:
            lines.append(_wrapped(
                f"Commitments followed through: {number(trend.follow_through)}% of "
                f"{trend.reviewed} reviewed (partly done counts half).", width, colour))
        blocks.append("\n".join(lines))
    stream.write("\n\n".join(blocks) + "\n\n" + _trends_key(width, colour) + "\n")


def _trends_key(width: int | None, colour: bool) -> str:
    """What ±, a blank change and the direction mean, one point each."""
    from trustcheck.trends import MIN_ASSESSMENTS, MIN_SPAN_DAYS

    points = [
        "± is each latest score's measurement noise (one standard error).",
        "A change since the previous or the first check-in is shown only when it is larger "
        "than the noise of two scores (95 %); a blank means about the same.",
        "Direction: a straight line is fitted through the scores over their dates; it is "
        "improving or slipping only when the change along that line is larger than the noise "
        "of two scores (95 %) or than the scores' scatter around the line, if larger; "
        "otherwise it is about the same. It needs scores from at least "
        f"{MIN_ASSESSMENTS} check-ins over at least {MIN_SPAN_DAYS} days; until then it is "
        "too early to tell.",
    ]
    return "\n".join(_wrapped(point, width, colour, "dim", prefix="- ") for point in points)


# Spaces a line must not break at: after ±, between a number and "%" or "check-ins", and
# between a date and its time.
KEEP_TOGETHER = r"± \d|\d %|\d \d\d:\d\d|\d check-in"


def _wrapped(text: str, width: int | None, colour: bool, style: str = "",
             prefix: str = "") -> str:
    """A note in whole words within the width, continuation lines indented under its text
    (a hanging indent: under the text after `prefix`, or two spaces in without one)."""
    from trustcheck.render.table import paint

    if width is not None:
        import re
        import textwrap

        glued = re.sub(KEEP_TOGETHER, lambda found: found.group().replace(" ", "\x00"), text)
        indent = " " * len(prefix) if prefix else "  "
        # Prose stays within 100 columns however wide the terminal: long lines tire the eye.
        text = textwrap.fill(glued, min(width, NARROW), initial_indent=prefix,
                             subsequent_indent=indent, break_long_words=False,
                             break_on_hyphens=False)
        text = text.replace("\x00", " ")
    else:
        text = prefix + text
    return "\n".join(paint(line, style, colour) for line in text.splitlines())


def _trend_table(trend: Trend, width: int | None, narrow: bool, plain: bool,
                 colour: bool) -> str:
    """One relationship's table, fitted to the width."""
    from trustcheck.trends import MAX_POINTS, OVERALL, sparkline

    # Plain: one-line titles (a screen reader reads a header line by line), recent scores in
    # numbers instead of a sparkline (left out when they do not fit), "none" for a dash.
    # Narrow: no slope column, and the changes' titles on two lines.
    previous, first = ("vs previous", "vs first") if plain or not narrow else \
        ("vs\nprevious", "vs\nfirst")
    columns = [Column("Strategy", flexible=True), Column("Recent scores" if plain else "Trend"),
               Column("Latest", align="right"), Column(previous, align="right"),
               Column(first, align="right")]
    if not narrow:
        columns.append(Column("per 30 days", align="right"))
    columns.append(Column("Direction"))
    rows: list[list[str | Styled]] = []
    for row in trend.rows:
        cells: list[str | Styled] = [
            Styled(row.title, "bold" if row.strategy == OVERALL else ""), "",
            _with_noise(row.latest, row.sem),
            _change_cell(row.change_previous, row.sem), _change_cell(row.change_first, row.sem),
        ]
        if not narrow:
            cells.append(_slope_cell(row.slope_per_30_days, row.direction))
        cells.append(Styled(row.direction, DIRECTION_STYLES.get(row.direction, "")))
        if plain:
            cells = [_in_words(cell) for cell in cells]
        rows.append(cells)
    # The second column takes what the others leave (at most its full length).
    room = None if width is None else width - natural_width(columns, rows) + len(columns[1].title)
    if plain:
        recent = [_recent(row.series.scores) for row in trend.rows]
        if room is not None and max(width_of(text) for text in [*recent, "Recent scores"]) > room:
            del columns[1]
            for cells in rows:
                del cells[1]
        else:
            for cells, text in zip(rows, recent, strict=True):
                cells[1] = text
    else:
        longest = NARROW_SPARKLINE if narrow else MAX_POINTS
        points = longest if room is None else max(len(columns[1].title), min(longest, room))
        for cells, row in zip(rows, trend.rows, strict=True):
            cells[1] = sparkline(row.series.scores, points)
    return render(columns, rows, width=width, colour=colour, rule=not plain).rstrip("\n")


def _with_noise(score: float | None, sem: float | None) -> str:
    """A latest score with its measurement noise: "62.5 ± 11" (± in whole points)."""
    from trustcheck.reliability import sem_or_default

    if score is None:
        return NOTHING
    return f"{number(score)} ± {sem_or_default(sem):.0f}"


def _change_cell(points: float | None, sem: float | None) -> str:
    """A change beyond the noise as "+25" or "-12.5"; blank within it (about the same), a dash
    when one side has no score."""
    from trustcheck.trends import beyond_noise

    if points is None:
        return NOTHING
    return signed_number(points) if beyond_noise(points, sem) else ""


def _slope_cell(points: float | None, direction: str) -> str:
    """Points per 30 days, shown with a direction (improving or slipping) only: along a line
    that is about the same the slope is noise too."""
    from trustcheck.trends import IMPROVING, SLIPPING

    if points is None:
        return NOTHING
    return signed_number(points) if direction in (IMPROVING, SLIPPING) else ""


RECENT_SCORES = 3  # plain trends name this many latest scores in numbers
NARROW_SPARKLINE = 8  # points in a sparkline of the narrow layout, at most


def _recent(scores: Sequence[float | None]) -> str:
    """The latest few scores, oldest first, in numbers ("none" where one has no score)."""
    shown = ["none" if score is None else number(score) for score in scores[-RECENT_SCORES:]]
    return ", ".join(shown)


def _in_words(cell: str | Styled) -> str | Styled:
    """A dash for "nothing to show" read aloud as the word."""
    if isinstance(cell, Styled):
        return cell._replace(text="none") if cell.text == NOTHING else cell
    return "none" if cell == NOTHING else cell


def paths(found: Sequence[dict], stream: IO[str]) -> None:
    """`trustcheck paths`: each place, and what chose it (dimmed when not created yet).

    Narrower than 100 columns (or plain), each place takes two lines, the path whole on the
    first: a path is never shortened, since people copy it."""
    colour = colour_wanted(stream)
    width = layout_width(stream)
    chosen = [Styled(place["chosen_by"] + ("" if place["exists"] else " (not created yet)"),
                     "" if place["exists"] else "dim") for place in found]
    rows = [[place["what"], place["path"], why] for place, why in zip(found, chosen, strict=True)]
    table = render([Column(""), Column("Path"), Column("Chosen by")], rows, colour=colour)
    too_wide = width is not None and (width < NARROW or max(
        width_of(line) for line in table.splitlines()) > width)
    if too_wide or plain_output():
        from trustcheck.render.table import paint
        from trustcheck.text import one_line

        lines = []
        for place, why in zip(found, chosen, strict=True):
            lines.append(f"{one_line(place['what'])}: {one_line(place['path'])}")
            lines.append(f"  chosen by: {paint(one_line(why.text), why.style, colour)}")
        stream.write("\n".join(lines) + "\n")
        return
    stream.write(table)
