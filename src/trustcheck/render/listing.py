"""Listings people run often (history, trends), written with the fast plain table writer."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import IO, TYPE_CHECKING

from trustcheck.render.table import (
    Column,
    Styled,
    colour_wanted,
    render,
    signed,
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
            row.append(f"{lowest.title} ({lowest.score:g})" if lowest else "")
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
    """One block per relationship: a heading, a row per strategy and overall, then notes."""
    from trustcheck.render.table import paint
    from trustcheck.text import one_line
    from trustcheck.trends import MIN_ASSESSMENTS, MIN_SPAN_DAYS, OVERALL, sparkline

    colour = colour_wanted(stream)
    # The terminal's width only (not COLUMNS for a pipe): what tools read stays as it was.
    width = terminal_width(stream)
    narrow = width is not None and width < NARROW
    plain = plain_output()
    # Plain: the recent scores in numbers instead of a sparkline, "none" instead of a dash.
    # Narrow: a shorter sparkline, no slope column (JSON and a wider terminal have it).
    columns = [Column("Strategy", flexible=True), Column("Recent scores" if plain else "Trend"),
               Column("Latest", align="right"),
               Column("Change" if narrow else "vs previous", align="right"),
               Column("Since first" if narrow else "vs first", align="right")]
    if not narrow:
        columns.append(Column("per 30 days", align="right"))
    columns.append(Column("Direction"))

    def wrapped(text: str, style: str = "") -> str:
        """A note in whole words within the width (a terminal would break words)."""
        if width is not None:
            import textwrap

            text = textwrap.fill(text, width, break_long_words=False, break_on_hyphens=False)
        return "\n".join(paint(line, style, colour) for line in text.splitlines())

    blocks = []
    for trend in found:
        who = f"You as {trend.role}"
        who += f" with {one_line(trend.partner)}" if trend.partner else " (no partner named)"
        count = f"{trend.assessments} assessment{'s' if trend.assessments != 1 else ''}"
        # Narrow: dates without the time of day, as in `history`.
        start, end = (local_time(moment)[:10] if narrow else local_time(moment)
                      for moment in (trend.start, trend.end))
        span = start if trend.end == trend.start else f"{start} to {end}"
        lines = [wrapped(f"{who}: {count}, {span}", "bold")]
        rows: list[list[str | Styled]] = []
        for row in trend.rows:
            overall = row.strategy == OVERALL
            cells: list[str | Styled] = [
                Styled(row.title, "bold" if overall else ""),
                _recent(row.series.scores) if plain else
                sparkline(row.series.scores, NARROW_SPARKLINE) if narrow else row.sparkline,
                "—" if row.latest is None else
                f"{row.latest:.1f}" + ("" if row.sem is None else f" ±{row.sem:.0f}"),
                signed(row.change_previous), signed(row.change_first),
            ]
            if not narrow:
                cells.append(signed(row.slope_per_30_days))
            cells.append(Styled(row.direction, DIRECTION_STYLES.get(row.direction, "")))
            if plain:
                cells = [_in_words(cell) for cell in cells]
            rows.append(cells)
        lines.append(render(columns, rows, width=width, colour=colour,
                            rule=not plain).rstrip("\n"))
        for change in trend.changes:
            before = f"{one_line(change.from_checklist)} v{one_line(change.from_version)}"
            after = f"v{one_line(change.to_version)}"
            if change.checklist != change.from_checklist:
                after = f"{one_line(change.checklist)} {after}"
            lines.append(wrapped(f"Checklist changed from {before} to {after} on "
                                 f"{local_time(change.at)}; strategy scores stay comparable, "
                                 "item answers do not."))
        if trend.follow_through is None:
            lines.append("Commitments followed through: none reviewed yet.")
        else:
            lines.append(wrapped(f"Commitments followed through: {trend.follow_through:g}% of "
                                 f"{trend.reviewed} reviewed (partly done counts half)."))
        blocks.append("\n".join(lines))
    legend = wrapped(
        "± is each latest score's measurement noise (one standard error). Direction: a "
        "straight line is fitted through the scores over their dates; it is improving or "
        "slipping only when the change along that line is larger than the noise of two "
        "scores (95 %) or than the scores' scatter around the line, if larger; otherwise it "
        "is about the same. It needs scores from at least "
        f"{MIN_ASSESSMENTS} check-ins over at least {MIN_SPAN_DAYS} days; until then it is too "
        "early to tell.", "dim")
    stream.write("\n\n".join(blocks) + "\n\n" + legend + "\n")


RECENT_SCORES = 3  # plain trends name this many latest scores in numbers
NARROW_SPARKLINE = 8  # points in a sparkline of the narrow layout


def _recent(scores: Sequence[float | None]) -> str:
    """The latest few scores, oldest first, in numbers ("none" where one has no score)."""
    shown = ["none" if score is None else f"{score:g}" for score in scores[-RECENT_SCORES:]]
    return ", ".join(shown)


def _in_words(cell: str | Styled) -> str | Styled:
    """A dash for "nothing to show" read aloud as the word."""
    if isinstance(cell, Styled):
        return cell._replace(text="none") if cell.text == "—" else cell
    return "none" if cell == "—" else cell


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
