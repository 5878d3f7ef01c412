"""Pure trends: how each strategy's score moved over the assessments of one relationship.

Everything here works on score rows (`trustcheck.records.ScoreRow`) and never reads the
clock, the environment or any checklist.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from datetime import datetime
from itertools import chain, compress
from typing import Any, NamedTuple, cast, overload

from trustcheck import reliability
from trustcheck.commitments import STATUS_POINTS
from trustcheck.errors import InputError
from trustcheck.records import DIDNT_COME_UP, Filters, ResultOutline, ScoreRow

SCHEMA = "trustcheck/trends/v2"
OVERALL = "overall"
OVERALL_TITLE = "Overall trust index"

# A direction (and a slope) needs scores from at least this many assessments, spread over at
# least this many days: three check-ins in ten minutes say nothing about a direction.
MIN_ASSESSMENTS = 3
MIN_SPAN_DAYS = 21
SLOPE_DAYS = 30  # the slope is shown in points per 30 days

IMPROVING = "improving"
SLIPPING = "slipping"
ABOUT_THE_SAME = "about the same"  # a fitted change within the noise
TOO_EARLY = "too early to tell"
NOT_ENOUGH = "not enough answers"  # the latest assessment gives this strategy no score
NO_LONGER_ASKED = "no longer asked"  # the latest assessment's checklist has no such strategy
DIRECTIONS = (IMPROVING, SLIPPING, ABOUT_THE_SAME, TOO_EARLY, NOT_ENOUGH, DIDNT_COME_UP,
              NO_LONGER_ASKED)

SPARKS = "▁▂▃▄▅▆▇█"  # 0 .. 100
NO_SCORE_SPARK = "·"
MAX_POINTS = 24  # a sparkline longer than this is shortened to it


class Point(NamedTuple):
    """One assessment's score for one strategy (None: too few answers for a score).

    A named tuple rather than a dataclass: a long history makes thousands of them.
    """

    at: datetime
    score: float | None
    assessment: str


class Series(Sequence[Point]):
    """One strategy's points, oldest first, kept as three columns (dates, scores, assessments).

    A long history has over a hundred thousand points and the table shows none of them one by
    one (only a sparkline), so a Point is made only when someone reads one, as JSON does.
    """

    __slots__ = ("dates", "scores", "assessments")

    def __init__(self, dates: Sequence[datetime], scores: Sequence[float | None],
                 assessments: Sequence[str]) -> None:
        self.dates = dates
        self.scores = scores
        self.assessments = assessments

    @classmethod
    def of(cls, points: Iterable[Point]) -> Series:
        found = tuple(points)
        return cls(tuple(p.at for p in found), tuple(p.score for p in found),
                   tuple(p.assessment for p in found))

    def __len__(self) -> int:
        return len(self.scores)

    @overload
    def __getitem__(self, index: int) -> Point: ...

    @overload
    def __getitem__(self, index: slice) -> Series: ...

    def __getitem__(self, index: int | slice) -> Point | Series:
        if isinstance(index, slice):
            return Series(self.dates[index], self.scores[index], self.assessments[index])
        return Point(self.dates[index], self.scores[index], self.assessments[index])

    def __iter__(self) -> Iterator[Point]:
        new_point = tuple.__new__  # made without Point's own checks: there can be thousands
        for point in zip(self.dates, self.scores, self.assessments, strict=True):
            yield new_point(Point, point)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Series):
            return (self.dates, self.scores, self.assessments) == \
                (other.dates, other.scores, other.assessments)
        if isinstance(other, Sequence) and not isinstance(other, str):
            return tuple(self) == tuple(other)
        return NotImplemented

    def __repr__(self) -> str:
        return f"Series({list(self)!r})"


class Row(NamedTuple):
    """One strategy's (or the overall index's) trend over one relationship."""

    strategy: str
    title: str
    series: Series
    latest: float | None
    change_previous: float | None
    change_first: float | None
    slope_per_30_days: float | None  # None until a direction can be told (see `direction`)
    direction: str
    sem: float | None = None  # the latest score's standard error of measurement
    noise: float | None = None  # a fitted change must be larger than this (see `noise`)

    @property
    def sparkline(self) -> str:
        return sparkline(self.series.scores)


class ChecklistChange(NamedTuple):
    """The assessment at `at` used another checklist (or version) than the one before it."""

    at: datetime
    assessment: str
    from_checklist: str
    from_version: str
    checklist: str
    to_version: str


class Trend(NamedTuple):
    """Every row for one relationship (one role and partner); the overall row comes last."""

    role: str
    partner: str | None
    assessments: int
    start: datetime
    end: datetime
    changes: tuple[ChecklistChange, ...]
    rows: tuple[Row, ...]
    follow_through: float | None = None  # 0..100, None when no commitment was reviewed yet
    reviewed: int = 0


# --- numbers ---------------------------------------------------------------------------------


def slope_per_30_days(series: Sequence[Point]) -> float | None:
    """Points gained (or lost) per 30 days, fitted on the real dates of the scored points."""
    fitted = _fit([p.at.timestamp() for p in series], [p.score for p in series])
    return None if fitted is None else _tidy(fitted.slope * SLOPE_DAYS)


class Fit(NamedTuple):
    """A straight line fitted through one strategy's scores over their dates."""

    slope: float  # points per day
    span: float  # days from the first score to the last
    scored: int  # how many scores
    scatter: float = 0.0  # how far the scores lie from the line (residual SD; 0 below 3)


class Dates(NamedTuple):
    """The dates of a series as a line fit needs them; worked out once per relationship and
    shared by every strategy scored at each of its assessments."""

    days: list[float]  # from the first date
    dx: list[float]  # each minus their mean
    spread: float  # the sum of dx squared


def dates_of(seconds: Sequence[float]) -> Dates:
    """`Dates` from each date's seconds since the epoch (at least one)."""
    # Whole seconds since the epoch are exact in a float, so their differences equal
    # (at - start).total_seconds() to the bit, and cost a tenth as much.
    start = seconds[0]
    days = [(at - start) / 86400 for at in seconds]
    mean_x = sum(days) / len(days)
    dx = [x - mean_x for x in days]
    return Dates(days, dx, sum([d ** 2 for d in dx]))


def _fit(seconds: Sequence[float], scores: Sequence[float | None],
         dates: Dates | None = None) -> Fit | None:
    """The straight line through the scored points over their dates; None when there is no
    line (fewer than two dates). `dates`, when given, are those of all the points."""
    values: Sequence[float]
    if None in scores:
        scored = [score is not None for score in scores]
        seconds = list(compress(seconds, scored))
        values = cast("list[float]", list(compress(scores, scored)))
        dates = None
    else:
        values = cast("Sequence[float]", scores)
    if not values:
        return None
    if dates is None:
        dates = dates_of(seconds)
    n = len(values)
    if n < 2 or dates.spread == 0:
        return None
    # The least-squares slope: the sums in the same order as written out by hand.
    mean_y = sum(values) / n
    slope = sum([d * (y - mean_y) for d, y in zip(dates.dx, values, strict=True)]) / dates.spread
    scatter = 0.0
    if n >= 3:  # how far the scores lie from the line, with n - 2 degrees of freedom
        residual = sum([(y - mean_y - slope * d) ** 2
                        for d, y in zip(dates.dx, values, strict=True)])
        scatter = math.sqrt(residual / (n - 2))
    return Fit(slope, dates.days[-1], n, scatter)


def noise(fit: Fit | None, sem: float) -> float:
    """How large the change along the fitted line must be to count: the reliable-change
    threshold of two scores (95 %), each with the strategy's standard error of measurement,
    or with the scores' own scatter around the line where that is larger (scores that jump
    about get no direction from a line that happens to tilt)."""
    error = max(sem, fit.scatter) if fit is not None else sem
    return _tidy(reliability.threshold(error, error))


def direction(fit: Fit | None, noise: float) -> str:
    """improving / slipping / about the same, or too early to tell.

    A direction needs scores from at least MIN_ASSESSMENTS assessments spread over at least
    MIN_SPAN_DAYS days. Then the change along the fitted line, from the first score's date to
    the last one's, must be larger than `noise` (see `noise`) to be called improving or
    slipping.
    """
    if fit is None or fit.scored < MIN_ASSESSMENTS or fit.span < MIN_SPAN_DAYS:
        return TOO_EARLY
    fitted_change = fit.slope * fit.span
    if abs(fitted_change) <= noise:
        return ABOUT_THE_SAME
    return IMPROVING if fitted_change > 0 else SLIPPING


def _tidy(value: float) -> float:
    """One decimal, and never -0.0."""
    return round(value, 1) + 0.0


def beyond_noise(change: float | None, sem: float | None) -> bool:
    """Whether a row's change since the previous (or the first) score is more than measurement
    noise: larger than the reliable-change threshold of two scores, each with the latest
    score's standard error (the default reliability's when it has none). Text views leave a
    change within the noise out ("about the same"); JSON keeps every change."""
    if change is None:
        return False
    error = reliability.sem_or_default(sem)
    return reliability.direction(0.0, change, error, error) != "about the same"


def _change(latest: float | None, earlier: float | None) -> float | None:
    return None if latest is None or earlier is None else _tidy(latest - earlier)


# --- sparklines ------------------------------------------------------------------------------


def downsample(values: Sequence[float | None], limit: int = MAX_POINTS) -> list[float | None]:
    """At most `limit` values: the first and last as they are, the ones between averaged in
    even runs (a run without any score stays None)."""
    if len(values) <= limit:
        return list(values)
    if limit < 3:
        return [values[0], values[-1]][:limit]
    out: list[float | None] = [values[0]]
    if None in values:
        for first, last in _runs(len(values), limit):
            run = values[first:last]
            scored = [v for v in run if v is not None] if None in run else run
            out.append(sum(scored) / len(scored) if scored else None)  # type: ignore[arg-type]
    else:
        # Every value is a score: each run's mean directly (the same sums, in the same order).
        out += [sum(values[first:last]) / (last - first)  # type: ignore[arg-type]
                for first, last in _runs(len(values), limit)]
    out.append(values[-1])
    return out


_RUNS: dict[tuple[int, int], list[tuple[int, int]]] = {}


def _runs(length: int, limit: int) -> list[tuple[int, int]]:
    """Where each averaged run of `downsample` starts and ends among `length` values (the
    first and last value stay apart); worked out once per length."""
    found = _RUNS.get((length, limit))
    if found is None:
        inner, buckets = length - 2, limit - 2
        found = _RUNS[(length, limit)] = [
            (1 + b * inner // buckets, 1 + (b + 1) * inner // buckets) for b in range(buckets)]
    return found


def spark(score: float | None) -> str:
    """One character for a 0..100 score: ▁ for 0 up to █ for 100; · for no score."""
    if score is None:
        return NO_SCORE_SPARK
    level = int(min(100.0, max(0.0, score)) * (len(SPARKS) - 1) / 100 + 0.5)
    return SPARKS[level]


# Scores repeat a lot (answers are whole numbers), so each one's character is worked out once.
_SPARK_OF: dict[float | None, str] = {}


def sparkline(scores: Sequence[float | None], limit: int = MAX_POINTS) -> str:
    shown = downsample(scores, limit)
    known = _SPARK_OF
    try:
        return "".join([known[score] for score in shown])
    except KeyError:
        for score in shown:
            if score not in known:
                known[score] = spark(score)
        return "".join([known[score] for score in shown])


# --- rows and relationships ------------------------------------------------------------------


def trend_row(strategy: str, title: str, series: Sequence[Point], *,
              still_asked: bool = True, sem: float | None = None) -> Row:
    """The trend of one strategy from its series (oldest first).

    `latest` and the changes come from the last assessment of the series; "vs previous" compares
    it with the assessment just before it, "vs first" with the first score in the series. `sem`
    is the latest score's standard error of measurement (the default reliability's if None).
    """
    found = series if isinstance(series, Series) else Series.of(series)
    return _trend_row(strategy, title, found, [at.timestamp() for at in found.dates],
                      still_asked=still_asked, sem=reliability.sem(None) if sem is None else sem)


def _trend_row(strategy: str, title: str, series: Series, seconds: Sequence[float], *,
               still_asked: bool, sem: float, dates: Dates | None = None) -> Row:
    """`trend_row`, given each point's seconds since the epoch (and, if known, its `Dates`)."""
    scores = series.scores
    fitted = _fit(seconds, scores, dates)
    needed = noise(fitted, sem)
    found = direction(fitted, needed)
    # A slope is shown only with a direction: before then it is noise, and over minutes it
    # runs to thousands of points "per 30 days".
    shown = None if found == TOO_EARLY or fitted is None else _tidy(fitted.slope * SLOPE_DAYS)
    if not still_asked:
        return Row(strategy, title, series, None, None, None, shown, NO_LONGER_ASKED, sem,
                   needed)
    latest = scores[-1] if scores else None
    previous = scores[-2] if len(scores) >= 2 else None
    count = len(scores) - scores.count(None) if None in scores else len(scores)
    first = next(s for s in scores if s is not None) if count >= 2 else None
    if latest is None:
        found = NOT_ENOUGH
    return Row(strategy, title, series, latest, _change(latest, previous),
               _change(latest, first), shown, found, sem, needed)


def checklist_changes(rows: Sequence[ScoreRow]) -> tuple[ChecklistChange, ...]:
    """Every assessment whose checklist id or version differs from the one before it."""
    changes = []
    for before, after in zip(rows, rows[1:], strict=False):
        if (before.checklist_id, before.checklist_version) != \
                (after.checklist_id, after.checklist_version):
            changes.append(ChecklistChange(after.created_at, after.id, before.checklist_id,
                                           before.checklist_version, after.checklist_id,
                                           after.checklist_version))
    return tuple(changes)


def by_relationship(rows: Iterable[ScoreRow]) -> list[list[ScoreRow]]:
    """Rows split per relationship (role and partner), each oldest first; the relationship
    with the most recent assessment comes first. Rows must come in oldest first."""
    groups: dict[tuple[str, str | None], list[ScoreRow]] = {}
    for row in rows:
        groups.setdefault((row.role, row.partner), []).append(row)
    # sorted() is stable: relationships last active at the same moment keep their first-met order
    return sorted(groups.values(), key=lambda group: group[-1].created_at, reverse=True)


def strategy_ids(rows: Iterable[ScoreRow]) -> list[str]:
    """Every strategy id scored (or asked) in the rows, in the order first met."""
    return list(dict.fromkeys(chain.from_iterable(row.scores for row in rows)))


def relationship_trend(rows: Sequence[ScoreRow], titles: Mapping[str, str], *,
                       strategy: str | None = None, follow_through: float | None = None,
                       reviewed: int = 0, sems: Mapping[str, float] | None = None,
                       overall_sem: float | None = None,
                       not_came_up: Collection[str] = ()) -> Trend:
    """The trend of one relationship from its rows (oldest first, at least one).

    `titles` gives each strategy's title, in the order to show them (the latest assessment's
    checklist order); strategies not in it follow in the order first met, titled by their id.
    With `strategy`, only that strategy's row (if rated at all) and the overall row are kept.
    `sems` gives each strategy's standard error of measurement and `overall_sem` the overall
    index's, as the latest assessment states them; where it does not, the default
    reliability's are used. `not_came_up` names the strategies that didn't come up in the
    latest assessment: their direction says so, rather than "not enough answers".
    """
    if not rows:
        raise ValueError("a trend needs at least one assessment")
    latest = rows[-1]
    columns = _columns(rows)
    met = list(columns) if columns is not None else strategy_ids(rows)
    order = [s for s in titles if s in met] + [s for s in met if s not in titles]
    if strategy is not None:
        order = [s for s in order if s == strategy]
    # Dates, ids and seconds once per relationship, shared by every strategy asked each time.
    dates = tuple(r.created_at for r in rows)
    ids = tuple(r.id for r in rows)
    seconds = [at.timestamp() for at in dates]
    every = dates_of(seconds)
    absent = object()
    default_sem = reliability.sem(None)
    sems = sems or {}
    out = []
    for strategy_id in order:
        found = columns[strategy_id] if columns is not None else \
            [r.scores.get(strategy_id, absent) for r in rows]
        # Not asked every time: keep only the assessments that asked it.
        if columns is None and absent in found:
            asked = [score is not absent for score in found]
            scores = cast("tuple[float | None, ...]", tuple(compress(found, asked)))
            series = Series(tuple(compress(dates, asked)), scores, tuple(compress(ids, asked)))
            row = _trend_row(strategy_id, titles.get(strategy_id, strategy_id), series,
                             list(compress(seconds, asked)),
                             still_asked=strategy_id in latest.scores,
                             sem=sems.get(strategy_id, default_sem))
        else:
            scores = cast("tuple[float | None, ...]", tuple(found))
            row = _trend_row(strategy_id, titles.get(strategy_id, strategy_id),
                             Series(dates, scores, ids), seconds,
                             still_asked=strategy_id in latest.scores,
                             sem=sems.get(strategy_id, default_sem), dates=every)
        if row.direction == NOT_ENOUGH and strategy_id in not_came_up:
            row = row._replace(direction=DIDNT_COME_UP)
        out.append(row)
    if overall_sem is None:
        overall_sem = reliability.overall_sem(
            [sems.get(s, default_sem) for s in latest.scores]) or default_sem
    out.append(_trend_row(OVERALL, OVERALL_TITLE,
                          Series(dates, tuple(r.overall for r in rows), ids), seconds,
                          still_asked=True, sem=overall_sem, dates=every))
    return Trend(latest.role, latest.partner, len(rows), rows[0].created_at, latest.created_at,
                 checklist_changes(rows), tuple(out), follow_through, reviewed)


def _columns(rows: Sequence[ScoreRow]) -> dict[str, tuple[float | None, ...]] | None:
    """Each strategy's scores, oldest first, when every row has the same strategies in the
    same order (one checklist throughout, as usual): a transpose done in C. None otherwise."""
    keys = list(rows[0].scores)
    if not all([list(row.scores) == keys for row in rows]):
        return None
    if not keys:
        return {}
    return dict(zip(keys, zip(*[row.scores.values() for row in rows], strict=True),
                    strict=True))


def scopes(scope: Filters, roles: Sequence[str]) -> list[Filters]:
    """The scopes to query for one trends scope (the store's `Filters`).

    The history is indexed by role, then partner: a partner without a role is looked up once
    per role, which keeps `trends --partner X` quick in a large history.
    """
    if scope.role or scope.partner is None:
        return [scope]
    return [scope._replace(role=role) for role in roles]


def follow_through_of(statuses: Mapping[str, int]) -> tuple[float | None, int]:
    """(follow-through rate, reviewed commitments) from how many were reviewed with each status.

    The same figure as `commitments.follow_through_rate` over those reviews: each status is
    worth 1, 0.5 or 0, so the sum is exact in any order.
    """
    reviewed = sum(statuses.values())
    if not reviewed:
        return None, 0
    points = sum(STATUS_POINTS[status] * count for status, count in statuses.items())
    return round(points / reviewed * 100, 1), reviewed


def trends(rows: Sequence[ScoreRow],
           reviewed: Mapping[tuple[str, str | None], Mapping[str, int]],
           outline: Callable[[str], ResultOutline], *,
           strategy: str | None = None) -> list[Trend]:
    """One Trend per relationship in `rows` (oldest first), the most recently active first.

    `reviewed` holds, per relationship (role, partner), how many of the commitments made in it
    were reviewed in scope with each status (the store's `review_counts`). `outline` gives the
    strategy titles and standard errors of one assessment by id (the latest of each
    relationship names them). With
    `strategy`, only that strategy and the overall index; a strategy no row has is refused.
    """
    if strategy is not None and rows and strategy != OVERALL and \
            strategy not in (known := strategy_ids(rows) + [OVERALL]):
        raise InputError(f"No check-in in scope has a strategy '{strategy}'; please "
                         f"use one of: {', '.join(known)}.")
    found = []
    for group in by_relationship(rows):
        latest = group[-1]
        if strategy not in (None, OVERALL) and strategy not in strategy_ids(group):
            continue  # e.g. a mentor strategy asked for: the mentee side is left out
        rate, count = follow_through_of(reviewed.get((latest.role, latest.partner), {}))
        described = outline(latest.id)
        found.append(relationship_trend(group, described.titles, strategy=strategy,
                                        follow_through=rate, reviewed=count,
                                        sems=described.sems,
                                        overall_sem=described.overall_sem,
                                        not_came_up=described.not_came_up))
    return found


def to_dict(trend: Trend) -> dict[str, Any]:
    """One trustcheck/trends/v2 block of `history trends --format json` (docs/json.md)."""
    from trustcheck.dates import iso

    return {
        "schema": SCHEMA,
        "role": trend.role,
        "partner": trend.partner,
        "assessments": trend.assessments,
        "from": iso(trend.start),
        "until": iso(trend.end),
        "checklist_changes": [
            {"at": iso(c.at), "assessment": c.assessment,
             "from_checklist": c.from_checklist, "from_version": c.from_version,
             "checklist": c.checklist, "to_version": c.to_version}
            for c in trend.changes
        ],
        "follow_through": {"rate": trend.follow_through, "reviewed": trend.reviewed},
        "rows": [
            {"strategy": r.strategy, "title": r.title, "latest": r.latest,
             "change_previous": r.change_previous, "change_first": r.change_first,
             "sem": r.sem, "noise": r.noise,
             "slope_per_30_days": r.slope_per_30_days, "direction": r.direction,
             "series": [{"date": iso(p.at), "score": p.score,
                         "assessment": p.assessment} for p in r.series]}
            for r in trend.rows
        ],
    }
