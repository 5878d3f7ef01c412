"""The trends use case: how each strategy moved over time in every relationship in scope,
read from the history at one moment; and the same for a page of your own (HTML), with each
score's measurement noise, the latest check-in against the previous, and commitments."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from trustcheck.records import CommitmentRecord, Filters, ResultOutline, ScoreRow
    from trustcheck.reliability import Difference
    from trustcheck.store import Store
    from trustcheck.trends import Row, Trend


class RowNoise(NamedTuple):
    """How sure each score of one trend row is, and how its latest score compares."""

    sems: tuple[float, ...]  # each point's standard error of measurement (series order)
    # The latest check-in against the one before it, by the reliable-change rule; None unless
    # both have a score.
    since_previous: Difference | None


class PageSection(NamedTuple):
    """One relationship on the page: its trend, the noise of every row (in the trend's row
    order) and the commitments made in it, newest first."""

    trend: Trend
    noise: tuple[RowNoise, ...]
    commitments: tuple[CommitmentRecord, ...]


class Page(NamedTuple):
    """`history trends --format html`: a page of your own, one section per relationship."""

    sections: tuple[PageSection, ...]
    made_at: datetime  # UTC


def for_history(database: Path, scope: Filters, *, strategy: str | None = None) -> list[Trend]:
    """One Trend per relationship in scope (only `strategy` and the overall index, if given),
    the most recently active first; none when nothing was ever saved."""
    from trustcheck.store import Store
    from trustcheck.usecases import partners

    if not database.exists():
        return []
    # Only to read: it never writes, so it works on a full disk and never migrates.
    with Store.open_for_reading(database) as store, store.snapshot():
        # One moment: a check-in saved meanwhile is all or nothing.
        return _trends(store, partners.within(store, scope), strategy)[1]


def _trends(store: Store, scope: Filters, strategy: str | None
            ) -> tuple[list[ScoreRow], list[Trend]]:
    """The score rows in scope (its partner as saved) and the trends made of them."""
    from trustcheck import trends
    from trustcheck.records import ROLES

    scopes = trends.scopes(scope, ROLES)
    rows = [row for part in scopes for row in store.score_rows(part)]
    # Follow-through by the relationship each commitment was made in, counted when it was
    # reviewed in scope (SQLite counts them: no record per commitment).
    reviewed = {key: counts for part in scopes if rows
                for key, counts in store.review_counts(part).items()}
    return rows, trends.trends(rows, reviewed, store.outline, strategy=strategy)


def for_page(database: Path, scope: Filters, *, now: datetime,
             strategy: str | None = None) -> Page:
    """The trends in scope (as `for_history`) with what a page shows besides: every score's
    standard error as its own check-in stored it, the latest check-in against the previous,
    and the commitments made in each relationship. No sections when nothing matches."""
    from trustcheck.store import Store
    from trustcheck.usecases import partners

    if not database.exists():
        return Page((), now)
    with Store.open_for_reading(database) as store, store.snapshot():
        scope = partners.within(store, scope)
        rows, found = _trends(store, scope, strategy)
        # Each check-in's own SEMs (a checklist's reliability may change between versions).
        outlines = {row.id: store.outline(row.id) for row in rows} if found else {}
        made = store.commitments(scope) if found else []
    scored = {row.id: list(row.scores) for row in rows}
    by_relationship: dict[tuple[str, str | None], list[CommitmentRecord]] = {}
    for record in made:
        key = (record.relationship.role, record.relationship.partner)
        by_relationship.setdefault(key, []).append(record)
    return Page(tuple(
        PageSection(trend, tuple(row_noise(row, outlines, scored) for row in trend.rows),
                    tuple(by_relationship.get((trend.role, trend.partner), ())))
        for trend in found), now)


def row_noise(row: Row, outlines: Mapping[str, ResultOutline],
              scored: Mapping[str, Sequence[str]]) -> RowNoise:
    """Each point's SEM as its check-in stored it, and the latest score against the previous
    one by the reliable-change rule.

    As the trends themselves: a check-in that stored no SEM for a strategy gets the default
    reliability's, and one that stored none for the overall index gets the SEM of an average
    of the strategies it scored (`scored`: their ids, per check-in).
    """
    from trustcheck import reliability
    from trustcheck.trends import OVERALL

    default = reliability.sem(None)

    def sem_of(assessment: str) -> float:
        outline = outlines.get(assessment)
        if outline is None:
            return default
        if row.strategy != OVERALL:
            return outline.sems.get(row.strategy, default)
        if outline.overall_sem is not None:
            return outline.overall_sem
        return reliability.overall_sem(
            [outline.sems.get(s, default) for s in scored.get(assessment, ())]) or default

    sems = tuple(sem_of(assessment) for assessment in row.series.assessments)
    scores = row.series.scores
    since_previous = None
    if row.latest is not None and len(scores) >= 2 and scores[-2] is not None:
        since_previous = reliability.difference(scores[-2], row.latest, sems[-2], sems[-1])
    return RowNoise(sems, since_previous)
