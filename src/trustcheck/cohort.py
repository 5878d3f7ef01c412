"""Pure cohort statistics for workshop reports: groups, suppression, spread, alpha and focus.

Responses arrive grouped by the exact checklist they answered (a `Bucket` per checklist id,
version and fingerprint), in compact columns so 100,000 of them fit in a few megabytes. `build`
turns the buckets into the documented report document (`trustcheck/report/v2`, docs/json.md)
and, for each figure shown, who is behind it: the differencing check (`differs_too_little`,
applied by `trustcheck.reportlog`) needs that.

Privacy rules, applied here and explained in every report:
- a group smaller than `min_group` is never shown: it reads "suppressed (fewer than N
  responses)";
- when one role is below `min_group` and the other is not, the smaller role's responses are left
  out of every figure in that section, totals included, so nobody can work them out by
  subtracting the larger role's figures from the total;
- when both roles are below `min_group` but together reach it, only the combined figures are
  shown and never the split;
- mentors and mentees side by side on a shared strategy only when both sides reach `min_group`
  on that strategy; otherwise neither side is shown (the combined figure stays);
- what went together with felt trust is one rank correlation per strategy, only from at least
  30 people (association.MIN_PAIRS) and never fewer than `min_group`, and each counts as a
  figure for the differencing check.
No individual answers, names, ids or free text ever enter the document, and no minimum or
maximum either: each would be one person's own score.
"""

from __future__ import annotations

import math
from array import array
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import accumulate
from operator import itemgetter
from typing import Any, NamedTuple

from trustcheck import association, reliability
from trustcheck.checklist import ROLES, Action, Checklist, Obstacle, Scale
from trustcheck.dates import iso
from trustcheck.errors import InputError
from trustcheck.focus import FOCUS_BELOW, MAX_FOCUS, OBSTACLE_BELOW
from trustcheck.scoring import band, item_points
from trustcheck.text import one_line

SCHEMA = "trustcheck/report/v2"
DEFAULT_MIN_GROUP = 5
SMALLEST_MIN_GROUP = 3
ALPHA_MIN_RESPONSES = 10
ALPHA_FLAG_BELOW = 0.6
ALPHA_WELL_FROM = 0.7  # "hang together well" from here; "fairly well" from ALPHA_FLAG_BELOW
FAVOURABLE_FROM = 75.0  # item points after reverse-keying: 4 or 5 on the usual 1-5 scale
SKIPPED = -1  # an unanswered statement in a bucket's answers column
NAN = float("nan")
PLURAL = {"mentor": "mentors", "mentee": "mentees"}
# Passed from the item-level figures to the SEM, never shown: the key cannot be a field name.
_COMPLETE_SPREAD = " complete spread"


# --- what a checklist version looks like ------------------------------------------------------

class StrategyLayout(NamedTuple):
    id: str
    title: str
    group: str
    items: tuple[str, ...]  # item ids; () when unknown (checklist not on this computer)
    actions: tuple[Action, ...] = ()
    reliability: float | None = None  # as the checklist states it; None: the default


class Layout(NamedTuple):
    """One checklist version as a report needs it; `available` when the checklist itself is here.

    Without the checklist a report still has every strategy score (results carry them), but not
    which statements are reverse-keyed, so the item-level figures (favourable share, alpha) and
    the obstacles are not available.
    """

    role: str
    checklist_id: str
    version: str
    sha256: str
    title: str
    strategies: tuple[StrategyLayout, ...]
    items: tuple[str, ...] = ()
    reverse: tuple[bool, ...] = ()
    scale: tuple[int, int] = (1, 5)
    obstacles: tuple[Obstacle, ...] = ()
    available: bool = False

    @property
    def key(self) -> tuple[str, str, str, str]:
        return (self.role, self.checklist_id, self.version, self.sha256)

    @classmethod
    def from_checklist(cls, checklist: Checklist, role: str) -> Layout:
        return cls(
            role=role,
            checklist_id=checklist.id,
            version=checklist.version,
            sha256=checklist.sha256,
            title=checklist.title,
            strategies=tuple(
                StrategyLayout(s.id, s.title, s.group, tuple(i.id for i in s.items), s.actions,
                               s.reliability)
                for s in checklist.strategies),
            items=tuple(i.id for i in checklist.items),
            reverse=tuple(i.reverse for i in checklist.items),
            scale=(checklist.scale.low, checklist.scale.high),
            obstacles=checklist.obstacles,
            available=True,
        )


# --- the responses to one checklist version, in columns ---------------------------------------

class Bucket:
    """Every response to one checklist version: scores, overall, answers, in compact arrays."""

    def __init__(self, layout: Layout) -> None:
        self.layout = layout
        self.keys: list[str] = []  # who (an opaque key per response), for differencing only
        self.scores = [array("d") for _ in layout.strategies]  # NaN: no score
        self.overall = array("d")
        # Answers are kept only when the checklist is here (needed for reverse-keying); row r
        # holds items r*k .. r*k+k-1, SKIPPED when not answered or not known.
        self.answers = array("b")
        self.has_answers = bytearray()
        self.straight = bytearray()  # 1: the same raw answer to every statement answered
        self.felt = array("d")  # felt trust from the partner view; NaN: not given
        self.actions: dict[str, tuple[Action, ...]] = {}  # gathered from results' focus areas

    def __len__(self) -> int:
        return len(self.keys)

    def add(self, key: str, scores: Sequence[float | None], overall: float | None,
            answers: list[int] | None, felt_trust: float | None = None) -> None:
        """One response: `scores` in layout order; `answers` raw, in layout item order, SKIPPED
        for a statement not answered (None: the result holds no answers, e.g. scores only);
        `felt_trust` the score of felt trust from the response's partner view, if any."""
        self.keys.append(key)
        self.felt.append(NAN if felt_trust is None else felt_trust)
        for column, value in zip(self.scores, scores, strict=True):
            column.append(NAN if value is None else value)
        self.overall.append(NAN if overall is None else overall)
        answered = 0 if answers is None else len(answers) - answers.count(SKIPPED)
        distinct = set(answers or ())
        distinct.discard(SKIPPED)
        self.straight.append(1 if answered >= 2 and len(distinct) == 1 else 0)
        self.has_answers.append(1 if answered else 0)
        if self.layout.available:
            if answers is None:
                self.answers.extend([SKIPPED] * len(self.layout.items))
            else:
                self.answers.extend(answers)

    def remember_actions(self, strategy: str, actions: tuple[Action, ...]) -> None:
        if actions and strategy not in self.actions:
            self.actions[strategy] = actions


# --- statistics --------------------------------------------------------------------------------

def describe(values: Iterable[float]) -> dict[str, Any]:
    """n, mean, median, quartiles and standard deviation, one decimal, as reports show them.

    No minimum or maximum: each of those is one person's own score.
    """
    return describe_counts(Counter(values))


def describe_counts(counts: Mapping[float, int]) -> dict[str, Any]:
    """`describe` from how often each value occurs (scores take few distinct values)."""
    n = sum(counts.values())
    if not n:
        return {"n": 0, "mean": None, "median": None, "q1": None, "q3": None, "sd": None}
    keys = sorted(counts)
    cumulative = list(accumulate(counts[k] for k in keys))

    def at(position: int) -> float:  # the value at a 0-based position in sorted order
        return keys[bisect_right(cumulative, position)]

    def quantile(p: float) -> float:  # linear between neighbours, as QUARTILE.INC
        position = (n - 1) * p
        lower = math.floor(position)
        low, high = at(lower), at(min(lower + 1, n - 1))
        return low + (position - lower) * (high - low)

    return {
        "n": n,
        "mean": _one(_mean(counts, n)),
        "median": _one(quantile(0.5)),
        "q1": _one(quantile(0.25)),
        "q3": _one(quantile(0.75)),
        "sd": _one(math.sqrt(_variance(counts))) if n > 1 else None,
    }


def _mean(counts: Mapping[float, int], n: int) -> float:
    return math.fsum(value * count for value, count in counts.items()) / n


def _variance(counts: Mapping[float, int]) -> float:
    """The sample variance (divided by n - 1) of values given with their counts."""
    n = sum(counts.values())
    mean = _mean(counts, n)
    return math.fsum(count * (value - mean) ** 2 for value, count in counts.items()) / (n - 1)


def cronbach_alpha(rows: Iterable[Sequence[float]]) -> float | None:
    """Cronbach's alpha of complete responses (one row per person, one column per statement).

    alpha = k / (k - 1) * (1 - sum of the statements' variances / variance of the row totals),
    with sample variances (n - 1). None when it is undefined: fewer than two statements or two
    people, or every total the same.
    """
    return alpha_of_patterns(Counter(tuple(row) for row in rows))


def alpha_of_patterns(patterns: Mapping[tuple[float, ...], int]) -> float | None:
    """`cronbach_alpha` from how many people gave each pattern of item points."""
    n = sum(patterns.values())
    if n < 2:
        return None
    k = len(next(iter(patterns)))
    if k < 2:
        return None
    items: list[Counter[float]] = [Counter() for _ in range(k)]
    totals: Counter[float] = Counter()
    for pattern, count in patterns.items():
        for column, value in zip(items, pattern, strict=True):
            column[value] += count
        totals[math.fsum(pattern)] += count
    total_variance = _variance(totals)
    if total_variance == 0:
        return None
    item_variances = math.fsum(_variance(column) for column in items)
    return k / (k - 1) * (1 - item_variances / total_variance)


def _one(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def _pick(column: Sequence[Any], rows: list[int]) -> Sequence[Any]:
    """The entries of a column at the given rows (all of it when every row is wanted)."""
    if len(rows) == len(column):
        return column
    if not rows:
        return ()
    if len(rows) == 1:
        return (column[rows[0]],)
    picked: tuple[Any, ...] = itemgetter(*rows)(column)  # a tuple when given two rows or more
    return picked


# --- building the report -----------------------------------------------------------------------

class Scope(NamedTuple):
    """What the report was asked to cover (shown in the report, never used to find people)."""

    cohort: str | None = None
    role: str | None = None


class Intake(NamedTuple):
    """How reading the sources went, as counts only."""

    left_out: int = 0  # rows that could not be used (listed as warnings)
    duplicates: int = 0  # the same result met twice, counted once
    scores_only: int = 0  # results without answers, counted on their stated scores
    checklist_not_here: int = 0  # results whose checklist is not here: on stated scores too


OVERALL = -1  # the column of a Figure part that means "the overall index"


class Figure(NamedTuple):
    """Who is behind one figure the report shows, so differencing can be checked figure by
    figure: `statistic` names what was computed ("overall" or "strategy:<id>"), `parts` the
    columns it came from ((bucket, strategy index or OVERALL); rows without a score are not in
    it)."""

    statistic: str
    parts: tuple[tuple[Bucket, int], ...]
    answered_only: bool = False  # only responses that hold answers (favourable shares)
    felt_only: bool = False  # only responses that give felt trust (associations with it)

    def gaps(self) -> Iterator[tuple[Bucket, list[int]]]:
        """Per bucket, the rows left out of the figure because they have no score (few)."""
        for bucket, column in self.parts:
            values = bucket.overall if column == OVERALL else bucket.scores[column]
            if self.felt_only:
                felt = bucket.felt
                yield bucket, [row for row, value in enumerate(values)
                               if value != value or felt[row] != felt[row]]
            elif self.answered_only:
                answered = bucket.has_answers
                yield bucket, [row for row, value in enumerate(values)
                               if value != value or not answered[row]]
            else:
                yield bucket, [row for row, value in enumerate(values) if value != value]


class Report(NamedTuple):
    """The report document (plain data, the JSON shape) and who is behind each figure."""

    document: dict[str, Any]
    figures: list[Figure]

    @property
    def members(self) -> list[str]:
        """Everyone whose answers are in at least one figure."""
        seen: dict[str, None] = {}
        for figure in self.figures:
            for bucket, gaps in figure.gaps():
                skip = set(gaps)
                seen.update((key, None) for row, key in enumerate(bucket.keys)
                            if row not in skip)
        return list(seen)


def suppressed_text(min_group: int) -> str:
    return f"suppressed (fewer than {min_group} responses)"


def sections_of(buckets: Sequence[Bucket]) -> list[list[Bucket]]:
    """The main section pairs the most answered checklist of each role; others stand alone.

    Results from a checklist version that differs from the rest (an older version, an edited
    copy, a custom checklist) are reported in their own section, never blended with the others.
    """
    present = [b for b in buckets if len(b)]
    main = []
    for role in ROLES:
        mine = [b for b in present if b.layout.role == role]
        if mine:
            main.append(max(mine, key=lambda b: (len(b), b.layout.version, b.layout.sha256)))
    others = sorted((b for b in present if b not in main),
                    key=lambda b: (-len(b), b.layout.role, b.layout.checklist_id,
                                   b.layout.version, b.layout.sha256))
    return ([main] if main else []) + [[b] for b in others]


@dataclass
class _Row:
    """One strategy line of a section: the same strategy in one or two buckets (roles)."""

    id: str
    title: str
    group: str
    parts: list[tuple[Bucket, int]]  # (bucket, strategy index in that bucket)


def _same_items(a: StrategyLayout, b: StrategyLayout, la: Layout, lb: Layout) -> bool:
    """Two checklists' strategies can be pooled only if their statements are the same."""
    if a.items and b.items and a.items != b.items:
        return False
    if la.available and lb.available:
        ra = [la.reverse[la.items.index(i)] for i in a.items]
        rb = [lb.reverse[lb.items.index(i)] for i in b.items]
        return ra == rb
    return True


def _rows(section: list[Bucket]) -> list[_Row]:
    rows: list[_Row] = []
    for bucket in section:
        for index, strategy in enumerate(bucket.layout.strategies):
            match = next((r for r in rows if r.id == strategy.id), None)
            if match is not None:
                other_bucket, other_index = match.parts[0]
                other = other_bucket.layout.strategies[other_index]
                if _same_items(other, strategy, other_bucket.layout, bucket.layout):
                    match.parts.append((bucket, index))
                    continue
                # Same id, different statements: two separate lines, never blended.
                match.title = f"{other.title} ({other_bucket.layout.role} checklist)"
                rows.append(_Row(strategy.id, f"{strategy.title} ({bucket.layout.role} checklist)",
                                 strategy.group, [(bucket, index)]))
                continue
            rows.append(_Row(strategy.id, strategy.title, strategy.group, [(bucket, index)]))
    return rows


class _Section:
    """Computes one section's figures under the privacy rules."""

    def __init__(self, buckets: list[Bucket], min_group: int, notes: list[str]) -> None:
        self.buckets = buckets
        self.n = min_group
        self.notes = notes  # "what was suppressed and why", shared by the whole report
        self.label = section_label(buckets)
        self.kept: list[Bucket] = []  # the buckets (roles) whose responses count, all of them
        self.split = False  # whether mentors and mentees may be shown side by side
        self.suppressed = False
        self.role_notes: dict[str, str] = {}
        self.figures: list[Figure] = []
        self._choose_population()

    # who counts --------------------------------------------------------------------------

    def _choose_population(self) -> None:
        n = self.n
        sizes = {b.layout.role: len(b) for b in self.buckets}
        small = [role for role, size in sizes.items() if size < n]
        self.kept = list(self.buckets)
        if sum(sizes.values()) < n:
            self.suppressed = True
            self.kept = []
            for role in sizes:
                self.role_notes[role] = suppressed_text(n)
            self.notes.append(
                f"{self.label}: {suppressed_text(n)} in all, so nothing from it is shown.")
        elif len(sizes) == 2 and len(small) == 1:
            role = small[0]
            self.kept = [b for b in self.buckets if b.layout.role != role]
            self.role_notes[role] = suppressed_text(n)
            self.notes.append(
                f"{self.label}: {PLURAL[role]} are {suppressed_text(n)}, so their answers are "
                "left out of every figure in this section, the totals included; otherwise their "
                f"figures could be worked out by subtracting the {PLURAL[_other(role)]}' "
                "figures from the total.")
        elif len(sizes) == 2 and len(small) == 2:
            for role in sizes:
                self.role_notes[role] = suppressed_text(n)
            self.notes.append(
                f"{self.label}: mentors and mentees are each {suppressed_text(n)}, so only "
                "figures for both together are shown, never one role alone.")
        self.split = len(sizes) == 2 and not small

    def _is_kept(self, bucket: Bucket) -> bool:
        return any(bucket is b for b in self.kept)

    # figures ------------------------------------------------------------------------------

    def _cell(self, counts: Mapping[float, int]) -> dict[str, Any]:
        stats = describe_counts(counts) | {"se": None, "low": None, "high": None}
        if stats["n"] < self.n:
            return {key: None for key in stats} | {
                "band": None, "suppressed": True, "note": suppressed_text(self.n)}
        return stats | _mean_interval(counts, stats["n"]) | {
            "band": band(stats["mean"]), "suppressed": False, "note": None}

    def _shown(self, statistic: str, parts: Iterable[tuple[Bucket, int]]) -> None:
        self.figures.append(Figure(statistic, tuple(parts)))

    def overall(self) -> dict[str, Any]:
        cell = self._cell(_scored_counts(b.overall for b in self.kept))
        if not cell["suppressed"]:
            self._shown("overall", ((b, OVERALL) for b in self.kept))
        return cell

    def strategy(self, row: _Row) -> dict[str, Any]:
        parts = [(b, i) for b, i in row.parts if self._is_kept(b)]
        cell = self._cell(_scored_counts(b.scores[i] for b, i in parts))
        if not cell["suppressed"]:
            self._shown("strategy:" + row.id, parts)
        entry = {"id": row.id, "title": row.title, "group": row.group,
                 "roles": [b.layout.role for b, _ in parts]} | cell
        item_level = self._item_level(parts, suppressed=cell["suppressed"])
        complete_spread = item_level.pop(_COMPLETE_SPREAD, None)
        entry |= item_level
        entry |= _measurement(parts, entry, complete_spread)
        entry["hangs_together"] = hangs_together(entry["alpha"])
        if entry["favourable"] is not None:
            self.figures.append(Figure("favourable:" + row.id, tuple(parts), answered_only=True))
        return entry

    def _item_level(self, parts: list[tuple[Bucket, int]], *,
                    suppressed: bool) -> dict[str, Any]:
        nothing: dict[str, Any] = {"favourable": None, "favourable_n": None, "alpha": None,
                                   "alpha_n": None, "alpha_flag": False, "alpha_note": None}
        if suppressed:
            return nothing
        missing = [b for b, _ in parts if not b.layout.available]
        if missing:
            return nothing | {"alpha_note": "not available: " + _unavailable(missing)}
        favourable = answered = people = 0
        patterns: Counter[tuple[float, ...]] = Counter()
        for bucket, index in parts:
            width = len(bucket.layout.items)
            scores, has_answers = bucket.scores[index], bucket.has_answers
            rows = [r for r, value in enumerate(scores) if value == value and has_answers[r]]
            people += len(rows)
            plan = _item_plan(bucket, index)
            columns = []
            for position, table in plan:
                column = _pick(bucket.answers[position::width], rows)
                columns.append(column)
                for value, count in Counter(column).items():
                    if value != SKIPPED:
                        answered += count
                        if table[value] >= FAVOURABLE_FROM:
                            favourable += count
            tables = [table for _, table in plan]
            for pattern, count in Counter(zip(*columns, strict=True)).items():
                if SKIPPED not in pattern:
                    points = tuple(t[v] for t, v in zip(tables, pattern, strict=True))
                    patterns[points] += count
        result = dict(nothing)
        if people >= self.n and answered:
            result["favourable"] = _one(favourable / answered * 100)
            result["favourable_n"] = people
        complete = sum(patterns.values())
        # The spread of the strategy's scores among the same complete responses alpha uses.
        complete_scores: Counter[float] = Counter()
        for pattern, count in patterns.items():
            complete_scores[sum(pattern) / len(pattern)] += count
        result[_COMPLETE_SPREAD] = (math.sqrt(_variance(complete_scores)) if complete > 1
                                    else None)
        needed_here = max(ALPHA_MIN_RESPONSES, self.n)
        if complete >= needed_here:
            alpha = alpha_of_patterns(patterns)
            result["alpha_n"] = complete
            if alpha is None:
                result["alpha_note"] = ("not defined: every complete response has the same "
                                        "total, or the strategy has one statement")
            else:
                result["alpha"] = round(alpha, 2)
                result["alpha_flag"] = alpha < ALPHA_FLAG_BELOW
        else:
            result["alpha_note"] = f"needs at least {needed_here} complete responses"
        return result

    def comparison(self, rows: list[_Row]) -> dict[str, Any]:
        roles = {b.layout.role for b in self.buckets}
        result: dict[str, Any] = {"available": False, "note": None, "overall": None,
                                  "strategies": []}
        if roles != set(ROLES):
            result["note"] = "only one role answered in this section"
            return result
        if not self.split:
            result["note"] = (f"not shown: at least one role has fewer than {self.n} "
                              "responses; see what was suppressed and why")
            return result
        shared = [r for r in rows if len(r.parts) == 2]
        if not shared:
            result["note"] = "the two checklists have no strategy in common"
            return result
        result["available"] = True
        hidden = []
        for row in shared:
            sides = {b.layout.role: describe_counts(_scored_counts([b.scores[i]]))
                     for b, i in row.parts}
            entry = self._side_by_side(sides) | {"id": row.id, "title": row.title}
            if entry["suppressed"]:
                hidden.append(row.title)
            else:
                for part in row.parts:
                    self._shown("strategy:" + row.id, [part])
            result["strategies"].append(entry)
        result["overall"] = self._side_by_side(
            {b.layout.role: describe_counts(_scored_counts([b.overall])) for b in self.kept})
        if not result["overall"]["suppressed"]:
            for bucket in self.kept:
                self._shown("overall", [(bucket, OVERALL)])
        if hidden:
            self.notes.append(
                f"{self.label}: mentors and mentees are not shown side by side for "
                f"{_and(hidden)}, because one side has fewer than {self.n} scored responses "
                "there; the combined figure is shown instead.")
        return result

    def _side_by_side(self, sides: dict[str, dict[str, Any]]) -> dict[str, Any]:
        if all(side["n"] >= self.n for side in sides.values()):
            return {"mentor": sides["mentor"], "mentee": sides["mentee"],
                    "gap": _one(sides["mentor"]["mean"] - sides["mentee"]["mean"]),
                    **_gap_judged(sides["mentor"], sides["mentee"]),
                    "suppressed": False, "note": None}
        return {"mentor": None, "mentee": None, "gap": None, "threshold": None,
                "direction": None, "suppressed": True, "note": suppressed_text(self.n)}

    def focus(self, rows: list[_Row], strategies: list[dict[str, Any]]) -> dict[str, Any]:
        """The workshop focus, fitted to the room.

        A room of both roles first gets the lowest shared strategies (everyone can act on
        them), then each role the lowest of its own strategies; a room of one role (or one
        section of one checklist) gets that role's lowest of all. "Lowest" respects noise: see
        `lowest`.
        """
        pairs = list(zip(rows, strategies, strict=True))
        roles = [b.layout.role for b in self.kept]
        if len(roles) == 2:
            groups = [self._focus_group("everyone", [(r, s) for r, s in pairs
                                                     if len(self._kept_parts(r)) == 2])]
            for role in roles:
                own = [(r, s) for r, s in pairs
                       if [b.layout.role for b, _ in self._kept_parts(r)] == [role]]
                if own:
                    groups.append(self._focus_group(role, own))
            return {"room": "mixed", "groups": groups}
        return {"room": roles[0], "groups": [self._focus_group(roles[0], pairs)]}

    def _kept_parts(self, row: _Row) -> list[tuple[Bucket, int]]:
        return [(b, i) for b, i in row.parts if self._is_kept(b)]

    def _focus_group(self, audience: str,
                     pairs: list[tuple[_Row, dict[str, Any]]]) -> dict[str, Any]:
        candidates = [(row, entry) for row, entry in pairs
                      if not entry["suppressed"] and entry["mean"] < FOCUS_BELOW]
        picked = lowest([(entry["mean"], entry["se"]) for _, entry in candidates])
        areas = []
        for index, tier in picked.shown:
            row, entry = candidates[index]
            areas.append({"strategy": row.id, "title": row.title, "mean": entry["mean"],
                          "se": entry["se"], "band": entry["band"], "tier": tier,
                          "actions": self._actions(row)})
        also = [candidates[index][0].title for index in picked.also_as_low]
        scored = [entry for _, entry in pairs if not entry["suppressed"]]
        return {"for": audience, "areas": areas, "also_as_low": also,
                "note": _focus_note(areas, also, bool(scored))}

    def _actions(self, row: _Row) -> list[dict[str, Any]]:
        by_role = [(b.layout.role, b.layout.strategies[i].actions or b.actions.get(row.id, ()))
                   for b, i in row.parts if self._is_kept(b)]
        texts = {tuple((a.id, a.text) for a in actions) for _, actions in by_role}
        if len(texts) <= 1:
            return [{"id": a.id, "text": a.text, "for": None}
                    for a in (by_role[0][1] if by_role else ())]
        return [{"id": a.id, "text": a.text, "for": PLURAL[role]}
                for role, actions in by_role for a in actions]

    def obstacles(self, rows: list[_Row],
                  strategies: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], str | None]:
        """Obstacles flagged for at least one role, one entry each however many checklists
        name them, with what signals them for each role."""
        merged: dict[str, dict[str, Any]] = {}
        for bucket in self.kept:
            means = {row.id: (row.title, entry["mean"])
                     for row, entry in zip(rows, strategies, strict=True)
                     if entry["mean"] is not None and any(b is bucket for b, _ in row.parts)}
            for obstacle in bucket.layout.obstacles:
                known = [(s, *means[s]) for s in obstacle.signals if s in means]
                if not known:
                    continue
                mean = _one(math.fsum(m for _, _, m in known) / len(known))
                entry = merged.setdefault(obstacle.id, {
                    "id": obstacle.id, "title": obstacle.title, "remedy": obstacle.remedy,
                    "flagged": False, "roles": []})
                signalled = mean is not None and mean < OBSTACLE_BELOW
                entry["flagged"] = entry["flagged"] or signalled
                entry["roles"].append({
                    "role": bucket.layout.role, "mean": mean, "flagged": signalled,
                    "remedy": obstacle.remedy,
                    "signals": [{"strategy": s, "title": t, "mean": m} for s, t, m in known]})
        flagged = [entry for entry in merged.values() if entry.pop("flagged")]
        for entry in flagged:
            # One remedy for the room when the checklists agree; otherwise each role's own.
            if len({part["remedy"] for part in entry["roles"]}) > 1:
                entry["remedy"] = None
        flagged.sort(key=lambda entry: min(r["mean"] for r in entry["roles"] if r["flagged"]))
        missing = [b for b in self.kept if not b.layout.available]
        return flagged, ("not available for " + _unavailable(missing)) if missing else None

    def felt_trust(self, rows: list[_Row], strategies: list[dict[str, Any]]) -> dict[str, Any]:
        """Which strategies went together with felt trust in this section (Spearman's rho),
        from at least association.MIN_PAIRS responses with both, and never fewer than the
        minimum group: only one coefficient per strategy, so no one's answers can be read."""
        needed = max(association.MIN_PAIRS, self.n)
        with_felt = sum(sum(1 for v in b.felt if v == v) for b in self.kept)
        result: dict[str, Any] = {"available": False, "responses": with_felt,
                                  "min_responses": needed, "note": None, "strategies": []}
        if with_felt < needed:
            # A count below the minimum group is not shown either.
            have = f"{with_felt} do" if with_felt >= self.n else f"fewer than {self.n} do"
            result["note"] = (f"it needs at least {needed} responses that say how much people "
                              f"trust their partner (felt trust), and {have}")
            result["responses"] = None if with_felt < self.n else with_felt
            return result
        too_few: list[str] = []
        for row, entry in zip(rows, strategies, strict=True):
            if entry["suppressed"]:
                continue
            parts = self._kept_parts(row)
            scores: list[float] = []
            felt: list[float] = []
            for bucket, index in parts:
                for score, trust in zip(bucket.scores[index], bucket.felt, strict=True):
                    if score == score and trust == trust:
                        scores.append(score)
                        felt.append(trust)
            found = association.associate(scores, felt, needed)
            if found is None:
                too_few.append(row.title)
                continue
            self.figures.append(Figure("felt_trust:" + row.id, tuple(parts), felt_only=True))
            result["strategies"].append({
                "id": row.id, "title": row.title, "n": found.n, "rho": round(found.rho, 2),
                "low": round(found.low, 2), "high": round(found.high, 2), "link": found.link})
        result["strategies"].sort(key=lambda s: (-s["rho"], s["title"]))
        result["available"] = bool(result["strategies"])
        if result["available"] and too_few:
            result["note"] = (f"not shown for {_and(too_few)}: fewer than {needed} people have "
                              "both its score and felt trust, or they do not vary")
        if not result["available"]:
            result["note"] = (f"no strategy has at least {needed} responses with both a score "
                              "and felt trust that vary, so nothing can be ranked")
        return result

    def quality(self) -> dict[str, Any]:
        with_answers = sum(sum(b.has_answers) for b in self.kept)
        missing = [b for b in self.kept if not b.layout.available]
        return {
            "straight_lined": sum(sum(b.straight) for b in self.kept) if with_answers else None,
            "with_answers": with_answers,
            "alpha_min_responses": max(ALPHA_MIN_RESPONSES, self.n),
            "alpha_flag_below": ALPHA_FLAG_BELOW,
            "reliability_min_responses": max(reliability.MIN_RESPONSES_FOR_ALPHA, self.n),
            "item_level_note": ("favourable shares and alpha not available for "
                                + _unavailable(missing)) if missing else None,
        }

    def document(self) -> dict[str, Any]:
        roles = []
        for bucket in self.buckets:
            note = self.role_notes.get(bucket.layout.role)
            roles.append({"role": bucket.layout.role, "responses": None if note else len(bucket),
                          "suppressed": note is not None, "note": note})
        checklists = [{"role": b.layout.role, "id": b.layout.checklist_id,
                       "version": b.layout.version, "sha256": b.layout.sha256,
                       "title": b.layout.title, "available": b.layout.available}
                      for b in self.buckets]
        base = {"label": self.label, "checklists": checklists, "roles": roles}
        if self.suppressed:
            return base | {"responses": None, "suppressed": True, "note": suppressed_text(self.n),
                           "overall": None, "strategies": [], "focus": None, "obstacles": [],
                           "obstacles_note": None, "comparison": None, "felt_trust": None,
                           "quality": None}
        rows = _rows(self.kept)
        strategies = [self.strategy(row) for row in rows]
        hidden = [s["title"] for s in strategies if s["suppressed"]]
        if hidden:
            self.notes.append(f"{self.label}: fewer than {self.n} responses have a score for "
                              f"{_and(hidden)}, so {'it is' if len(hidden) == 1 else 'they are'} "
                              "suppressed.")
        obstacles, obstacles_note = self.obstacles(rows, strategies)
        return base | {
            "responses": sum(len(b) for b in self.kept),
            "suppressed": False,
            "note": None,
            "overall": self.overall(),
            "strategies": strategies,
            "focus": self.focus(rows, strategies),
            "obstacles": obstacles,
            "obstacles_note": obstacles_note,
            "comparison": self.comparison(rows),
            "felt_trust": self.felt_trust(rows, strategies),
            "quality": self.quality(),
        }


def _measurement(parts: list[tuple[Bucket, int]], entry: dict[str, Any],
                 complete_spread: float | None) -> dict[str, Any]:
    """The reliability behind a strategy's SEM, where it came from, and the SEM of one
    person's score in points: this cohort's own alpha and spread once enough complete responses
    give them (reliability.MIN_RESPONSES_FOR_ALPHA), else what the checklist states, else the
    default."""
    if entry["suppressed"]:
        return {"reliability": None, "reliability_source": None, "spread": None, "sem": None}
    if entry["alpha"] is not None and complete_spread is not None \
            and (entry["alpha_n"] or 0) >= reliability.MIN_RESPONSES_FOR_ALPHA:
        used, source, spread = entry["alpha"], "cohort", round(complete_spread, 1)
    else:
        stated = [bucket.layout.strategies[index].reliability for bucket, index in parts
                  if bucket.layout.available]
        known = [value for value in stated if value is not None]
        # Two checklists may state different values for one strategy: take the lower, so the
        # SEM shown is never smaller than either checklist would claim.
        used, source = (min(known), "checklist") if known \
            else (reliability.DEFAULT_RELIABILITY, "default")
        spread = reliability.SPREAD
    return {"reliability": used, "reliability_source": source, "spread": spread,
            "sem": _one(reliability.sem(used, spread))}


def _mean_interval(counts: Mapping[float, int], n: int) -> dict[str, Any]:
    """The standard error of a group's mean (spread / sqrt(n)) and the 95 % interval it gives:
    where the mean of other people like these would likely be."""
    if n < 2:
        return {"se": None, "low": None, "high": None}
    mean = _mean(counts, n)
    se = reliability.standard_error(math.sqrt(_variance(counts)), n)
    return {"se": _one(se), "low": _one(max(0.0, mean - reliability.Z95 * se)),
            "high": _one(min(100.0, mean + reliability.Z95 * se))}


def hangs_together(alpha: float | None) -> str | None:
    """How well a strategy's statements hang together in this group, in words, from alpha."""
    if alpha is None:
        return None
    if alpha >= ALPHA_WELL_FROM:
        return "well"
    return "fairly well" if alpha >= ALPHA_FLAG_BELOW else "poorly"


class Lowest(NamedTuple):
    """The focus areas picked from candidates: (index, tier) lowest first, and the indexes of
    candidates left out that are as low, within noise, as the last one shown."""

    shown: list[tuple[int, int]]
    also_as_low: list[int]


def lowest(candidates: Sequence[tuple[float, float | None]],
           most: int = MAX_FOCUS) -> Lowest:
    """The lowest of (mean, standard error) candidates, ranked without ranking on noise.

    Candidates are taken lowest mean first. They fall into tiers: a tier starts at its lowest
    mean, and each next candidate joins it unless its mean is clearly higher, that is by more
    than 1.96 x sqrt(SE of the first^2 + SE of this one^2); then it starts the next tier. Within
    a tier the order means nothing. Up to `most` are shown; candidates beyond them that fall in
    the tier of the last one shown are named too, as equally low.
    """
    order = sorted(range(len(candidates)), key=lambda i: (candidates[i][0], i))
    tiers: list[int] = []
    tier, first = 0, None
    for index in order:
        mean, se = candidates[index]
        if first is None or _clearly_higher(candidates[first], (mean, se)):
            tier += 1
            first = index
        tiers.append(tier)
    shown = list(zip(order[:most], tiers[:most], strict=True))
    last_tier = tiers[most - 1] if len(order) > most else None
    also = [index for index, found in zip(order[most:], tiers[most:], strict=True)
            if found == last_tier]
    return Lowest(shown, also)


def _clearly_higher(low: tuple[float, float | None], other: tuple[float, float | None]) -> bool:
    se_low, se_other = low[1] or 0.0, other[1] or 0.0
    return other[0] - low[0] > reliability.threshold(se_low, se_other)


def _focus_note(areas: list[dict[str, Any]], also: list[str], scored: bool) -> str:
    """What the order of the focus areas means, in plain words."""
    if not areas:
        return ("every strategy shown here is at 80 or more (strong): keep doing what works"
                if scored else "nothing can be shown here: the groups are too small")
    tiers: dict[int, list[str]] = {}
    for area in areas:
        tiers.setdefault(area["tier"], []).append(one_line(area["title"]))
    if also:
        tiers.setdefault(areas[-1]["tier"], []).extend(one_line(t) for t in also)
    tied = [names for names in tiers.values() if len(names) > 1]
    if len(areas) == 1 and not also:
        return "only this strategy is below 80 here"
    if not tied:
        return "each is clearly lower than the next, beyond the noise of the means"
    sentences = [f"{join_and(names)} are within noise of each other, so their order means "
                 "nothing: start with whichever the room prefers" for names in tied]
    return "; ".join(sentences)


def _gap_judged(mentors: dict[str, Any], mentees: dict[str, Any]) -> dict[str, Any]:
    """Whether the mentors' and mentees' means differ by more than chance: the same rule as for
    two people's scores, with each mean's standard error (spread / sqrt(n)) in place of the SEM.
    """
    if mentors["sd"] is None or mentees["sd"] is None:
        return {"threshold": None, "direction": None}
    found = reliability.difference(
        mentees["mean"], mentors["mean"],
        reliability.standard_error(mentees["sd"], mentees["n"]),
        reliability.standard_error(mentors["sd"], mentors["n"]))
    return {"threshold": found.threshold,
            "direction": {"higher": "mentors higher", "lower": "mentees higher"}.get(
                found.direction, found.direction)}


def _scored_counts(columns: Iterable[array]) -> Counter[float]:
    """How often each score occurs in these columns, leaving out 'no score' (NaN)."""
    counts: Counter[float] = Counter()
    for column in columns:
        counts.update(column)
    for value in [v for v in counts if v != v]:
        del counts[value]
    return counts


def _item_plan(bucket: Bucket, index: int) -> list[tuple[int, list[float]]]:
    """For each statement of a strategy: its answer position and points per raw value."""
    layout = bucket.layout
    low, high = layout.scale
    scale = Scale(low, high, tuple(str(v) for v in range(low, high + 1)))
    plan = []
    for item in layout.strategies[index].items:
        position = layout.items.index(item)
        reverse = layout.reverse[position]
        table = [item_points(v, scale, reverse) if low <= v <= high else NAN
                 for v in range(high + 1)]
        plan.append((position, table))
    return plan


def _other(role: str) -> str:
    return "mentee" if role == "mentor" else "mentor"


def _and(names: Sequence[str]) -> str:
    return join_and([f"'{n}'" for n in names])


def _unavailable(buckets: Sequence[Bucket]) -> str:
    names = [f"'{b.layout.checklist_id}' version {b.layout.version}" for b in buckets]
    return ("the checklist " + join_and(names) + ", which is not on this computer "
            "(add it to your checklists folder to see these figures)")


def join_and(names: Sequence[str]) -> str:
    """'a', 'a and b', 'a, b and c' (empty for no names): lists in plain sentences."""
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def section_label(buckets: Sequence[Bucket]) -> str:
    parts = []
    for bucket in buckets:
        layout = bucket.layout
        name = layout.checklist_id if layout.checklist_id == layout.role else (
            f"{layout.checklist_id} ({layout.role})")
        parts.append(f"{name} checklist version {layout.version}")
    label = " and ".join(parts)
    return label[0].upper() + label[1:]


def rules(min_group: int) -> list[str]:
    """The standing privacy rules, in plain words, printed in every report."""
    n = min_group
    return [
        f"No figure is shown for fewer than {n} people (--min-group {n}); such a group reads "
        f"\"{suppressed_text(n)}\".",
        f"When one role has fewer than {n} responses and the other has more, the smaller role "
        "is left out of every figure, totals included, so its figures cannot be worked out by "
        "subtraction.",
        f"Mentors and mentees appear side by side only where both sides have at least {n} "
        "responses.",
        "No individual answers, names, ids or free text appear in this report.",
        f"A report is refused when one of its figures covers a set of people that differs from "
        f"the same figure in an earlier report by fewer than {n} people, because the two "
        "together could reveal those people's answers (differencing).",
    ]


def check_min_group(min_group: int) -> None:
    """Refuse a minimum group below the floor: smaller groups let people recognise each other."""
    if min_group < SMALLEST_MIN_GROUP:
        raise InputError(f"--min-group must be at least {SMALLEST_MIN_GROUP}, because "
                         "smaller groups would let people recognise each other's answers; "
                         f"please use {SMALLEST_MIN_GROUP} or more.")


def build(buckets: Sequence[Bucket], *, min_group: int, scope: Scope, intake: Intake,
          now: datetime) -> Report:
    """The report document and the people it covers; `now` is when it was made (UTC).

    A `min_group` below SMALLEST_MIN_GROUP raises InputError: no caller can ask for less.
    """
    check_min_group(min_group)
    notes: list[str] = []
    sections = [_Section(group, min_group, notes) for group in sections_of(buckets)]
    documents = [section.document() for section in sections]
    document = {
        "schema": SCHEMA,
        "created_at": iso(now),
        "scope": {"cohort": scope.cohort, "role": scope.role},
        "min_group": min_group,
        "responses": sum(document["responses"] or 0 for document in documents),
        "left_out": intake.left_out,
        "duplicates": intake.duplicates,
        "taken_as_stated": {"scores_only": intake.scores_only,
                            "checklist_not_here": intake.checklist_not_here},
        "sections": documents,
        "privacy": {"min_group": min_group, "suppressed": notes, "rules": rules(min_group)},
    }
    return Report(document, [figure for section in sections for figure in section.figures])


# --- differencing -----------------------------------------------------------------------------

class Earlier(NamedTuple):
    """The people behind one figure of an earlier report, as the private log keeps them (hashes
    of response keys only)."""

    created_at: str
    min_group: int
    members: frozenset[bytes]


def differs_too_little(members: frozenset[bytes], earlier: Iterable[Earlier],
                       min_group: int) -> tuple[Earlier, int] | None:
    """The first earlier report whose population differs from this one by 1 to N-1 people.

    The same population again is fine (it shows the same figures); so is one that differs by at
    least N people. The threshold is the larger of this report's --min-group and the earlier
    one's, so lowering --min-group cannot undo an earlier promise.
    """
    size = len(members)
    for entry in earlier:
        threshold = max(min_group, entry.min_group)
        if abs(len(entry.members) - size) >= threshold:
            continue  # the difference is at least the change in size
        difference = len(members ^ entry.members)
        if 0 < difference < threshold:
            return entry, difference
    return None
