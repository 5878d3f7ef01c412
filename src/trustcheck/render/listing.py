"""Listings people run often (history, trends), written with the fast plain table writer."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import IO, TYPE_CHECKING

from trustcheck.render.table import Column, Styled, colour_wanted, render, signed, terminal_width

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


def local_time(moment: datetime) -> str:
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


def score_text(score: float | None) -> str:
    return "—" if score is None else f"{score:g}"


def history(results: Sequence[Assessment | CheckInLine], stream: IO[str]) -> None:
    """One line per assessment: date, id, role, partner, cohort, overall, band, lowest."""
    columns = [Column("Date"), Column("Id"), Column("Role"), Column("Partner", flexible=True),
               Column("Cohort", flexible=True), Column("Overall", align="right"),
               Column("Band"), Column("Lowest strategy", flexible=True)]
    rows: list[list[str | Styled]] = []
    for result in results:
        lowest = result.lowest
        rows.append([
            local_time(result.created_at), result.id[:8], result.role, result.partner or "",
            result.cohort or "", score_text(result.overall),
            Styled(result.band, BAND_STYLES.get(result.band, "")),
            f"{lowest.title} ({lowest.score:g})" if lowest else "",
        ])
    stream.write(render(columns, rows, width=terminal_width(stream),
                        colour=colour_wanted(stream)))


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
    from trustcheck.trends import MIN_ASSESSMENTS, MIN_SPAN_DAYS, OVERALL

    colour = colour_wanted(stream)
    width = terminal_width(stream)
    columns = [Column("Strategy", flexible=True), Column("Trend"),
               Column("Latest", align="right"), Column("vs previous", align="right"),
               Column("vs first", align="right"), Column("per 30 days", align="right"),
               Column("Direction")]
    blocks = []
    for trend in found:
        who = f"You as {trend.role}"
        who += f" with {one_line(trend.partner)}" if trend.partner else " (no partner named)"
        count = f"{trend.assessments} assessment{'s' if trend.assessments != 1 else ''}"
        span = local_time(trend.start)
        if trend.end != trend.start:
            span += f" to {local_time(trend.end)}"
        lines = [paint(f"{who}: {count}, {span}", "bold", colour)]
        rows: list[list[str | Styled]] = []
        for row in trend.rows:
            overall = row.strategy == OVERALL
            rows.append([
                Styled(row.title, "bold" if overall else ""), row.sparkline,
                "—" if row.latest is None else
                f"{row.latest:.1f}" + ("" if row.sem is None else f" ±{row.sem:.0f}"),
                signed(row.change_previous), signed(row.change_first),
                signed(row.slope_per_30_days),
                Styled(row.direction, DIRECTION_STYLES.get(row.direction, "")),
            ])
        lines.append(render(columns, rows, width=width, colour=colour).rstrip("\n"))
        for change in trend.changes:
            before = f"{one_line(change.from_checklist)} v{one_line(change.from_version)}"
            after = f"v{one_line(change.to_version)}"
            if change.checklist != change.from_checklist:
                after = f"{one_line(change.checklist)} {after}"
            lines.append(f"Checklist changed from {before} to {after} on "
                         f"{local_time(change.at)}; strategy scores stay comparable, item "
                         "answers do not.")
        if trend.follow_through is None:
            lines.append("Commitments followed through: none reviewed yet.")
        else:
            lines.append(f"Commitments followed through: {trend.follow_through:g}% of "
                         f"{trend.reviewed} reviewed (partly done counts half).")
        blocks.append("\n".join(lines))
    legend = paint(
        "± is each latest score's measurement noise (one standard error). Direction: a "
        "straight line is fitted through the scores over their dates; it is improving or "
        "slipping only when the change along that line is larger than the noise of two "
        "scores (95 %) or than the scores' scatter around the line, if larger; otherwise it "
        "is about the same. It needs scores from at least "
        f"{MIN_ASSESSMENTS} check-ins over at least {MIN_SPAN_DAYS} days; until then it is too "
        "early to tell.", "dim", colour)
    stream.write("\n\n".join(blocks) + "\n\n" + legend + "\n")


def paths(found: Sequence[dict], stream: IO[str]) -> None:
    """`trustcheck paths`: each place, and what chose it (dimmed when not created yet)."""
    rows = [[place["what"], place["path"],
             Styled(place["chosen_by"] + ("" if place["exists"] else " (not created yet)"),
                    "" if place["exists"] else "dim")]
            for place in found]
    stream.write(render([Column(""), Column("Path"), Column("Chosen by")], rows,
                        colour=colour_wanted(stream)))
