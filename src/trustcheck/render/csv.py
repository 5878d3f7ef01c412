"""CSV output for spreadsheets: one row per assessment, formulas neutralised."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING

from trustcheck.assessment import Assessment
from trustcheck.checklist import FELT_TRUST, Checklist
from trustcheck.dates import iso
from trustcheck.records import ScoreRow
from trustcheck.scoring import band
from trustcheck.text import one_line, spreadsheet_cell

if TYPE_CHECKING:
    from trustcheck.listings import AnswersTemplate

FIXED_COLUMNS = ("id", "created_at", "role", "partner", "cohort", "checklist_id",
                 "checklist_version", "overall", "band", "lowest_strategy")


def _write(rows: Iterable[Sequence[object]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    for row in rows:
        writer.writerow([spreadsheet_cell(one_line(cell)) if isinstance(cell, str) else cell
                         for cell in row])
    return buffer.getvalue()


def results(assessments: Sequence[Assessment]) -> str:
    """One row per assessment, one column per strategy score (ids in first-seen order)."""
    strategy_ids: dict[str, None] = {}
    for assessment in assessments:
        for strategy in assessment.strategies:
            strategy_ids.setdefault(strategy.id, None)
    rows: list[Sequence[object]] = [[*FIXED_COLUMNS, *strategy_ids]]
    for a in assessments:
        scores = {s.id: s.score for s in a.strategies}
        lowest = a.lowest
        rows.append([
            a.id, iso(a.created_at), a.role, a.partner or "", a.cohort or "", a.checklist.id,
            a.checklist.version, "" if a.overall is None else a.overall, a.band,
            lowest.id if lowest else "",
            *("" if scores.get(s) is None else scores[s] for s in strategy_ids),
        ])
    return _write(rows)


# Rows written before the text is handed on: big enough to be quick, small enough to stay flat.
CHUNK_ROWS = 2000


def score_rows(strategy_ids: Sequence[str], rows: Iterable[ScoreRow]) -> Iterator[str]:
    """`results` for any number of assessments, in chunks, from their stored scores.

    The same text as `results` gives for the same assessments: the scores of each row come in
    the order its result lists its strategies (a tie for the lowest goes to the first).
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([*FIXED_COLUMNS, *strategy_ids])
    # Names, labels and ids repeat row after row: each is cleaned once. The five that name a
    # relationship and its checklist are looked up together, in one step per row.
    cleaned: dict[str, object] = {}
    named: dict[tuple[str, str | None, str | None, str, str], list[object]] = {}

    def clean(cell: str) -> object:
        found = cleaned.get(cell)
        if found is None:
            found = cleaned[cell] = spreadsheet_cell(one_line(cell))
        return found

    for number, row in enumerate(rows, start=1):
        scores = row.scores
        lowest, low = "", 101.0  # the first of the lowest scores, as min() would pick
        for strategy, score in scores.items():
            # Felt trust (a partner view's) is a stored score too, but it is not a strategy.
            if score is not None and score < low and strategy != FELT_TRUST:
                lowest, low = strategy, score
        key = (row.role, row.partner, row.cohort, row.checklist_id, row.checklist_version)
        names = named.get(key)
        if names is None:
            names = named[key] = [clean(cell or "") for cell in key]
        # Scores are numbers, never text to clean; the csv module writes None as an empty cell.
        writer.writerow([spreadsheet_cell(one_line(row.id)), _stamp(row), *names, row.overall,
                         clean(band(row.overall)), clean(lowest), *map(scores.get, strategy_ids)])
        if len(cleaned) + len(named) > CHUNK_ROWS * 4:  # keep the memory flat
            cleaned.clear()
            named.clear()
        if number % CHUNK_ROWS == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def _stamp(row: ScoreRow) -> str:
    """When the assessment was taken, as `iso` writes it: the history's own text when it is in
    that form (trustcheck always stores it so), which saves reading and writing a date."""
    stamp = row.stamp
    if len(stamp) == 20 and stamp[:4].isdigit() and stamp[19] == "Z" and stamp.isprintable():
        return stamp
    return iso(row.created_at)


def answers_template(found: AnswersTemplate) -> str:
    """`trustcheck template --format csv` (the partner view's columns when asked for)."""
    return template(found.checklist, partner_view=found.partner_view)


def template(checklist: Checklist, *, partner_view: bool = False) -> str:
    """A header row to build a form or spreadsheet from: role, partner, cohort, item ids (with
    `partner_view`, the statements about the partner last)."""
    extra = checklist.partner_items if partner_view else ()
    return _write([["role", "partner", "cohort", *(item.id for item in checklist.items + extra)]])
