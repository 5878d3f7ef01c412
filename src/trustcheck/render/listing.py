"""Listings people run often (history), written with the fast plain table writer."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import IO

from trustcheck.assessment import Assessment
from trustcheck.render.table import Column, Styled, colour_wanted, render, terminal_width

BAND_STYLES = {
    "strong": "green",
    "solid": "cyan",
    "developing": "yellow",
    "needs attention": "red",
    "not enough answers": "dim",
}


def local_time(moment: datetime) -> str:
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


def score_text(score: float | None) -> str:
    return "—" if score is None else f"{score:g}"


def history(results: Sequence[Assessment], stream: IO[str]) -> None:
    """One line per assessment: date, id, role, partner, cohort, overall, band, lowest."""
    columns = [Column("Date"), Column("Id"), Column("Role"), Column("Partner", flexible=True),
               Column("Cohort", flexible=True), Column("Overall", align="right"),
               Column("Band"), Column("Lowest strategy", flexible=True)]
    rows = []
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
