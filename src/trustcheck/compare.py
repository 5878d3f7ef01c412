"""Pure comparison of a mentor's and a mentee's view of the same relationship, and scores-only
results to exchange for it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

from trustcheck import reliability
from trustcheck.assessment import Assessment
from trustcheck.checklist import ROLES, Action, Checklist
from trustcheck.errors import InputError, Problem
from trustcheck.exchange import SharedScores, SharedStrategy
from trustcheck.records import OpenCommitment
from trustcheck.scoring import StrategyScore

# v2: a gap is flagged when it is larger than the reliable-change threshold of its two scores
# (a fixed 15 points in v1), so `threshold` moved from the top level to each gap.
SCHEMA = "trustcheck/comparison/v2"
SHARED = "shared"

# What a scores-only result keeps: scores and what follows from them, never answers, names,
# free text or commitments. A whitelist, so a field added to results later stays private.
_SCORES_ONLY_KEEP = ("schema", "id", "created_at", "role", "checklist", "strategies", "overall",
                     "band", "focus", "obstacles", "strength", "partner_view")


class Gap(NamedTuple):
    """One shared strategy seen from both sides; gap is a minus b, None when one has no score.

    flagged: the gap is larger than `threshold`, the reliable-change threshold for the two
    scores (each with its own SEM), so it is more than the noise of two questionnaires.
    """

    strategy: str
    title: str
    a: float | None
    b: float | None
    gap: float | None
    flagged: bool
    actions: tuple[Action, ...] = ()
    note: str = ""  # why a flagged strategy has no actions to suggest
    sem_a: float | None = None
    sem_b: float | None = None
    threshold: float | None = None  # None when one side has no score


class Comparison(NamedTuple):
    a: Assessment
    b: Assessment
    shared: tuple[Gap, ...]  # largest gap first
    overall_gap: float | None
    own_a: tuple[StrategyScore, ...]  # strategies only a's side answered
    own_b: tuple[StrategyScore, ...]
    # Per side, why its stated scores were used as they are (resultfiles.SCORES_ONLY or
    # UNKNOWN_CHECKLIST), or None when they were worked out from its answers here.
    stated: tuple[str | None, str | None] = (None, None)
    # The two overall indexes judged by the reliable-change rule; None when one has none.
    overall_difference: reliability.Difference | None = None

    @property
    def flagged(self) -> tuple[Gap, ...]:
        return tuple(g for g in self.shared if g.flagged)


def scores_only(result: Mapping[str, Any]) -> dict[str, Any]:
    """A result object reduced to what a partner may see: scores, bands and focus, but no item
    answers, partner or cohort names, notes or commitments."""
    reduced = {key: result[key] for key in _SCORES_ONLY_KEEP if key in result}
    reduced.update(partner=None, cohort=None, answers={}, commitments=[], follow_through=[])
    return reduced


def compare(a: Assessment, b: Assessment, *,
            checklists: Sequence[Checklist] = ()) -> Comparison:
    """Compare a (the person asking: "you") with b (their partner), strategy by strategy.

    `checklists` are the checklists available on this computer for either result, a's first:
    they give the actions to suggest and, when one is exactly the checklist a result was
    answered with, which statements each shared strategy holds.
    Raise InputError when the two results cannot be compared fairly.
    """
    for result in (a, b):
        if result.role not in ROLES:
            raise InputError(
                f"The check-in {result.id[:8]} has the role '{result.role}'; please compare one "
                "mentor check-in with one mentee check-in.")
    if a.role == b.role:
        raise InputError(
            f"Both check-ins are from a {a.role}; please compare one mentor check-in with one "
            "mentee check-in about the same relationship.")
    shared_a = {s.id: s for s in a.strategies if s.group == SHARED}
    shared_b = {s.id: s for s in b.strategies if s.group == SHARED}
    common = [s.id for s in a.strategies if s.id in shared_a and s.id in shared_b]
    if not common:
        raise InputError(
            f"The checklists '{a.checklist.id}' and '{b.checklist.id}' have no shared strategy "
            "in common, so there is nothing to compare; please compare two check-ins answered "
            "with checklists that include the same shared part.")
    _check_same_statements(a, b, common, shared_a, shared_b, checklists)

    from trustcheck.focus import overall_sem

    order = {strategy_id: index for index, strategy_id in enumerate(common)}
    gaps = []
    for strategy_id in common:
        mine, theirs = shared_a[strategy_id], shared_b[strategy_id]
        found = gap_between(mine, theirs)
        flagged = found is not None and found.direction != "about the same"
        actions, note = _actions(strategy_id, checklists, a, b) if flagged else ((), "")
        gaps.append(Gap(strategy_id, mine.title, mine.score, theirs.score,
                        None if found is None else found.points, flagged, actions, note,
                        _shown_sem(mine), _shown_sem(theirs),
                        None if found is None else found.threshold))
    gaps.sort(key=lambda g: (g.gap is None, -abs(g.gap or 0.0), order[g.strategy]))
    return Comparison(
        a=a, b=b, shared=tuple(gaps),
        overall_gap=_difference(a.overall, b.overall),
        overall_difference=None if a.overall is None or b.overall is None else
        reliability.difference(b.overall, a.overall, overall_sem(b.strategies),
                               overall_sem(a.strategies)),
        own_a=tuple(s for s in a.strategies if s.id not in order),
        own_b=tuple(s for s in b.strategies if s.id not in order),
    )


def gap_between(mine: StrategyScore, theirs: StrategyScore) -> reliability.Difference | None:
    """Your score minus your partner's, judged by the reliable-change rule (each score with its
    own SEM): "higher"/"lower" is a gap worth talking about, "about the same" is within the
    noise. None when either side has no score."""
    if mine.score is None or theirs.score is None:
        return None
    return reliability.difference(theirs.score, mine.score, theirs.sem, mine.sem)


def _shown_sem(strategy: StrategyScore) -> float | None:
    return None if strategy.score is None else round(reliability.sem_or_default(strategy.sem), 1)


def _difference(first: float | None, second: float | None) -> float | None:
    # Scores have one decimal; rounding the difference keeps 65.1 - 50.1 at exactly 15.
    return None if first is None or second is None else round(first - second, 1)


def _check_same_statements(a: Assessment, b: Assessment, common: list[str],
                           shared_a: Mapping[str, StrategyScore],
                           shared_b: Mapping[str, StrategyScore],
                           checklists: Sequence[Checklist]) -> None:
    """Refuse when a shared strategy was rated through different statements on each side."""
    items_a, items_b = _items(a, checklists), _items(b, checklists)
    problems = []
    for strategy_id in common:
        mine, theirs = shared_a[strategy_id], shared_b[strategy_id]
        if items_a is not None and items_b is not None and strategy_id in items_a \
                and strategy_id in items_b:
            if items_a[strategy_id] != items_b[strategy_id]:
                only_a = sorted(items_a[strategy_id] - items_b[strategy_id])
                only_b = sorted(items_b[strategy_id] - items_a[strategy_id])
                problems.append(Problem(
                    f"'{strategy_id}': statements only in {a.checklist.id}: "
                    f"{', '.join(only_a) or 'none'}; only in {b.checklist.id}: "
                    f"{', '.join(only_b) or 'none'}"))
        elif mine.total != theirs.total:
            problems.append(Problem(
                f"'{strategy_id}' has {mine.total} statements in {a.checklist.id} but "
                f"{theirs.total} in {b.checklist.id}"))
    if problems:
        raise InputError(
            f"The checklists '{a.checklist.id}' (version {a.checklist.version}) and "
            f"'{b.checklist.id}' (version {b.checklist.version}) rate the shared strategies "
            "through different statements, so their scores cannot be compared fairly; please "
            "answer checklists that include the same version of the shared part.", problems)


def _items(result: Assessment, checklists: Sequence[Checklist]) -> dict[str, frozenset] | None:
    """Which statements each strategy of a result holds, or None when that cannot be known."""
    exact = next((c for c in checklists if c.sha256 == result.checklist.sha256), None)
    if exact is not None:
        return {s.id: frozenset(i.id for i in s.items) for s in exact.strategies}
    keys = list(result.answers)
    if not keys:
        return None  # scores only: only the number of statements can be compared
    # Item ids are usually "<strategy id>.<something>"; the longest matching strategy id wins.
    by_length = sorted((s.id for s in result.strategies), key=len, reverse=True)
    grouped: dict[str, set[str]] = {s.id: set() for s in result.strategies}
    for key in keys:
        owner = next((s for s in by_length if key.startswith(s + ".")), None)
        if owner is None:
            break
        grouped[owner].add(key)
    else:
        if all(len(grouped[s.id]) == s.total for s in result.strategies):
            return {k: frozenset(v) for k, v in grouped.items()}
    # Otherwise: trustcheck writes answers in checklist order, strategy after strategy.
    if len(keys) != sum(s.total for s in result.strategies):
        return None
    chunks, start = {}, 0
    for s in result.strategies:
        chunks[s.id] = frozenset(keys[start:start + s.total])
        start += s.total
    return chunks


def _actions(strategy_id: str, checklists: Sequence[Checklist], a: Assessment,
             b: Assessment) -> tuple[tuple[Action, ...], str]:
    for checklist in checklists:
        strategy = checklist.strategy(strategy_id)
        if strategy is not None and strategy.group == SHARED:
            if strategy.actions:
                return strategy.actions, ""
            return (), ("The checklist suggests no actions for this strategy; ask each other "
                        "what would help.")
    names = list(dict.fromkeys(f"'{r.checklist.id}'" for r in (a, b)))
    which = (f"The checklist {names[0]} is" if len(names) == 1
             else f"Neither the checklist {names[0]} nor {names[1]} is")
    return (), (f"{which} on this computer, so trustcheck cannot suggest actions; ask each "
                "other what would help.")


def to_dict(found: Comparison) -> dict[str, Any]:
    """`trustcheck compare --format json`: the documented trustcheck/comparison/v2 object."""
    from trustcheck.dates import iso

    def side(result: Assessment, stated: str | None) -> dict[str, Any]:
        return {
            "id": result.id,
            "role": result.role,
            "partner": result.partner,
            "cohort": result.cohort,
            "created_at": iso(result.created_at),
            "checklist": {"id": result.checklist.id, "version": result.checklist.version,
                          "sha256": result.checklist.sha256, "title": result.checklist.title},
            "overall": result.overall,
            "band": result.band,
            "scores_only": not result.answers,
            "taken_as_stated": stated,
        }

    return {
        "schema": SCHEMA,
        "a": side(found.a, found.stated[0]),
        "b": side(found.b, found.stated[1]),
        "shared": [
            {"strategy": g.strategy, "title": g.title, "a": g.a, "b": g.b, "gap": g.gap,
             "sem_a": g.sem_a, "sem_b": g.sem_b, "threshold": g.threshold,
             "direction": _direction(g), "flagged": g.flagged,
             "actions": [{"id": x.id, "text": x.text} for x in g.actions],
             "note": g.note or None}
            for g in found.shared
        ],
        "overall": {"a": found.a.overall, "b": found.b.overall, "gap": found.overall_gap,
                    "threshold": None if found.overall_difference is None
                    else found.overall_difference.threshold,
                    "direction": _overall_direction(found.overall_difference)},
        "own": {
            side_name: [{"id": s.id, "title": s.title, "group": s.group, "score": s.score,
                         "sem": _shown_sem(s), "answered": s.answered, "total": s.total,
                         "band": s.band} for s in own]
            for side_name, own in (("a", found.own_a), ("b", found.own_b))
        },
    }


def _direction(gap: Gap) -> str | None:
    """"a higher", "b higher" or "about the same"; None when one side has no score."""
    if gap.gap is None:
        return None
    if not gap.flagged:
        return "about the same"
    return "a higher" if gap.gap > 0 else "b higher"


def _overall_direction(found: reliability.Difference | None) -> str | None:
    if found is None:
        return None
    return {"higher": "a higher", "lower": "b higher"}.get(found.direction, found.direction)


# --- two-way trust (issue 11): how each of you sees yourself beside how the other sees you ---

# v3: the two-way comparison of two partners' shared sides (SharedScores): each one's self view
# beside their partner's view of them, and felt trust both ways. `compare A B` of two results
# still writes v2.
SCHEMA_TWO_WAY = "trustcheck/comparison/v3"
BLIND_SPOT = "blind spot"
HIDDEN_STRENGTH = "hidden strength"
ABOUT_THE_SAME = "about the same"
MAX_TALKING_POINTS = 3


class View(NamedTuple):
    """One person's strategy as they see themselves and as their partner sees them.

    difference is self minus seen; verdict is BLIND_SPOT when self is higher by more than
    `threshold` (the reliable-change threshold of the two SEMs), HIDDEN_STRENGTH when lower by
    more than it, ABOUT_THE_SAME otherwise.
    """

    strategy: str
    title: str
    self_score: float
    self_sem: float
    seen: float
    seen_sem: float
    difference: float
    threshold: float
    verdict: str


class TwoWay(NamedTuple):
    """Both partners' sides compared: the same figures whichever of you runs it."""

    you: SharedScores
    partner: SharedScores
    you_seen: tuple[View, ...]  # how you see yourself beside how your partner sees you
    partner_seen: tuple[View, ...]  # how your partner sees themselves beside how you see them
    # The person running compare: their open commitments in this relationship, for the guide
    # only (never in the JSON, which both partners must see alike).
    open_commitments: tuple[OpenCommitment, ...] = ()
    # (role, commitment) of each side that came from a sealed share file: the hash its figures
    # were fixed with before either file was opened (None: that side was not shared).
    commitments: tuple[tuple[str, str | None], ...] = ()

    @property
    def by_role(self) -> dict[str, tuple[SharedScores, tuple[View, ...]]]:
        """Each role's side and how that role is seen, mentor first, whoever runs it."""
        sides = {self.you.role: (self.you, self.you_seen),
                 self.partner.role: (self.partner, self.partner_seen)}
        return {role: sides[role] for role in ROLES if role in sides}


class TalkingPoint(NamedTuple):
    """A clear difference worth raising, with a neutral question to open it."""

    yours: bool  # about the person running compare (True) or their partner
    view: View
    question: str


class Guide(NamedTuple):
    """A one-page conversation guide for the next meeting, from a two-way comparison."""

    two_way: TwoWay
    talking_points: tuple[TalkingPoint, ...]  # the largest clear differences, at most three
    acknowledge: tuple[bool, View] | None  # (yours, view): one hidden strength to name


def two_way(you: SharedScores, partner: SharedScores, *,
            open_commitments: Sequence[OpenCommitment] = (),
            commitments: Sequence[tuple[str, str | None]] = ()) -> TwoWay:
    """Your side and your partner's, compared both ways; InputError when they cannot be."""
    for side, whose in ((you, "Your check-in"), (partner, "Your partner's side")):
        if side.role not in ROLES:
            raise InputError(f"{whose} has the role '{side.role}'; please compare a mentor's "
                             "side with a mentee's.")
    if you.role == partner.role:
        raise InputError(
            f"Both sides are from a {you.role}; please compare with the other person in this "
            "mentoring relationship.")
    found = TwoWay(you, partner, views(you, partner), views(partner, you),
                   tuple(open_commitments), tuple(commitments))
    if not you.partner_view and not partner.partner_view and you.felt_trust is None \
            and partner.felt_trust is None:
        raise InputError(
            "Neither side holds a view of the other person, so there is nothing two-way to "
            "compare; each of you can answer the part about your partner at your next "
            "check-in.")
    return found


def views(person: SharedScores, partner: SharedScores) -> tuple[View, ...]:
    """Where both views exist, `person`'s self score beside `partner`'s view of them, largest
    difference first."""
    seen_by_partner = {s.id: s for s in partner.partner_view if s.score is not None}
    found = []
    for position, own in enumerate(person.strategies):
        seen = seen_by_partner.get(own.id)
        if own.score is None or seen is None or seen.score is None:
            continue
        judged = reliability.difference(seen.score, own.score, seen.sem, own.sem)
        verdict = {"higher": BLIND_SPOT, "lower": HIDDEN_STRENGTH}.get(judged.direction,
                                                                       ABOUT_THE_SAME)
        found.append((position, View(own.id, own.title, own.score,
                                     round(reliability.sem_or_default(own.sem), 1),
                                     seen.score, round(reliability.sem_or_default(seen.sem), 1),
                                     judged.points, judged.threshold, verdict)))
    found.sort(key=lambda pair: (-abs(pair[1].difference), pair[0]))
    return tuple(view for _, view in found)


def guide(found: TwoWay) -> Guide:
    """The talking points (largest clear differences, both ways) and one hidden strength."""
    clear = [(True, v) for v in found.you_seen if v.verdict != ABOUT_THE_SAME] + \
        [(False, v) for v in found.partner_seen if v.verdict != ABOUT_THE_SAME]
    # Largest first; on a tie, the person running it starts with their own.
    clear.sort(key=lambda pair: (-abs(pair[1].difference), not pair[0]))
    points = tuple(TalkingPoint(yours, view, opening_question(view, yours))
                   for yours, view in clear[:MAX_TALKING_POINTS])
    strengths = [pair for pair in clear if pair[1].verdict == HIDDEN_STRENGTH]
    return Guide(found, points, strengths[0] if strengths else None)


def opening_question(view: View, yours: bool) -> str:
    """A neutral question that opens a difference without saying who is right."""
    whose = "my" if yours else "your"
    return (f"We see how {whose} \"{view.title}\" is going differently; how do you think it "
            "is going?")


def two_way_to_dict(found: TwoWay) -> dict[str, Any]:
    """`compare THEIR_FILE --partner NAME --format json`: the trustcheck/comparison/v3 object.

    Keyed by role, mentor first, so both partners' outputs are the same apart from "you".
    Open commitments stay out: they are the person's own.
    """
    from trustcheck.dates import iso

    def strategy(score: SharedStrategy | None) -> dict[str, Any] | None:
        if score is None:
            return None
        return {"id": score.id, "title": score.title, "score": score.score,
                "sem": None if score.score is None else
                round(reliability.sem_or_default(score.sem), 1)}

    return {
        "schema": SCHEMA_TWO_WAY,
        "you": found.you.role,
        "sides": {
            role: {"taken_at": iso(side.taken_at),
                   "checklist": dict(zip(("id", "version", "sha256"), side.checklist,
                                         strict=True)),
                   "overall": side.overall,
                   "overall_sem": None if side.overall_sem is None
                   else round(side.overall_sem, 1),
                   "felt_trust": strategy(side.felt_trust),
                   "commitment": dict(found.commitments).get(role),
                   "seen_by_partner": [view._asdict() for view in seen]}
            for role, (side, seen) in found.by_role.items()
        },
    }
