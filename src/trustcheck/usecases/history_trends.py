"""The trends use case: how each strategy moved over time in every relationship in scope,
read from the history at one moment."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from trustcheck.records import Filters
    from trustcheck.trends import Trend


def for_history(database: Path, scope: Filters, *, strategy: str | None = None) -> list[Trend]:
    """One Trend per relationship in scope (only `strategy` and the overall index, if given),
    the most recently active first; none when nothing was ever saved."""
    from trustcheck import trends
    from trustcheck.records import ROLES
    from trustcheck.store import Store
    from trustcheck.usecases import partners

    if not database.exists():
        return []
    # Only to read: it never writes, so it works on a full disk and never migrates.
    with Store.open_for_reading(database) as store, store.snapshot():
        # One moment: a check-in saved meanwhile is all or nothing.
        scope = partners.within(store, scope)
        scopes = trends.scopes(scope, ROLES)
        rows = [row for part in scopes for row in store.score_rows(part)]
        # Follow-through by the relationship each commitment was made in, counted when it
        # was reviewed in scope (SQLite counts them: no record per commitment).
        reviewed = {key: counts for part in scopes if rows
                    for key, counts in store.review_counts(part).items()}
        return trends.trends(rows, reviewed, store.outline, strategy=strategy)
