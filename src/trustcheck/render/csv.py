"""CSV output for spreadsheets: one row per assessment, formulas neutralised."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from trustcheck.assessment import Assessment
from trustcheck.checklist import Checklist
from trustcheck.dates import iso
from trustcheck.text import one_line, spreadsheet_cell

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


def template(checklist: Checklist) -> str:
    """A header row to build a form or spreadsheet from: role, partner, cohort, item ids."""
    return _write([["role", "partner", "cohort", *(item.id for item in checklist.items)]])
