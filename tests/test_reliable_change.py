"""Reliable change: simulated repeat check-ins and partners, judged by the real rules.

Each simulation runs the real scoring (`scoring.score_strategy`, `assessment.build`) and the
real rules that `focus`, `assess` and `compare` apply (`focus.moved`, `focus.progress`,
`compare.gap_between`), never a copy of them. Answers wobble the way self-reports do: on 20 % of
answers, one step up or down at random, kept on the 1-5 scale (at an end, the step goes the only
way it can). Seeded, so a run is repeatable.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from conftest import run

from trustcheck import assessment, focus, reliability, scoring
from trustcheck.checklist import Checklist, Item, Scale, Strategy
from trustcheck.compare import gap_between

RUNS = 10_000
WOBBLE = 0.20
SCALE = Scale()
NOW = datetime(2026, 11, 1, tzinfo=timezone.utc)
# The built-in checklists state reliabilities of 0.70 and 0.75; None is the default (0.70).
RELIABILITIES = [None, 0.75]

Answers = dict[str, int]


def strategy(statements: int, stated: float | None, strategy_id: str = "s") -> Strategy:
    """A strategy of `statements` statements, the first one reverse-keyed (as in the built-in
    checklists), with the reliability its checklist states."""
    items = tuple(Item(f"{strategy_id}.{n}", f"Statement {n}.", strategy_id, n == 0)
                  for n in range(statements))
    return Strategy(strategy_id, strategy_id.title(), "", "shared", items, (), stated)


def wobbled(rng: random.Random, answers: Answers) -> Answers:
    """The same view answered again: 20 % of answers one step off, kept on the scale."""
    again = {}
    for item_id, value in answers.items():
        if rng.random() < WOBBLE:
            step = rng.choice((-1, 1))
            if not SCALE.low <= value + step <= SCALE.high:
                step = -step
            value += step
        again[item_id] = value
    return again


def anywhere(rng: random.Random, used: Strategy) -> Answers:
    """Start points drawn over the whole scale."""
    return {item.id: rng.randint(SCALE.low, SCALE.high) for item in used.items}


def with_room(rng: random.Random, used: Strategy) -> tuple[Answers, Answers]:
    """Start points that leave room for a true drop of two steps on every answer, and the
    answers after that drop (a reverse-keyed statement drops by being agreed with more)."""
    favourable = {item.id: rng.randint(SCALE.low + 2, SCALE.high) for item in used.items}

    def answer(item: Item, level: int) -> int:
        return SCALE.low + SCALE.high - level if item.reverse else level

    before = {item.id: answer(item, favourable[item.id]) for item in used.items}
    after = {item.id: answer(item, favourable[item.id] - 2) for item in used.items}
    return before, after


def share(flagged: Callable[[random.Random], bool], seed: int) -> float:
    rng = random.Random(seed)
    return sum(flagged(rng) for _ in range(RUNS)) / RUNS


# --- a strategy's change between two check-ins (`focus`'s "slipped", `assess`'s change) -------


@pytest.mark.parametrize("stated", RELIABILITIES)
@pytest.mark.parametrize("statements", [4, 3])
def test_repeat_check_ins_with_no_true_change_rarely_flag_a_change(
        statements: int, stated: float | None) -> None:
    used = strategy(statements, stated)

    def flagged(rng: random.Random) -> bool:
        first = anywhere(rng, used)
        before = scoring.score_strategy(used, first, SCALE)
        now = scoring.score_strategy(used, wobbled(rng, first), SCALE)
        return focus.moved(now, before).direction != "about the same"

    assert share(flagged, seed=statements) <= 0.05


@pytest.mark.parametrize("stated", RELIABILITIES)
@pytest.mark.parametrize("statements", [4, 3])
def test_a_true_drop_of_two_steps_on_every_answer_is_flagged_as_lower(
        statements: int, stated: float | None) -> None:
    used = strategy(statements, stated)

    def flagged(rng: random.Random) -> bool:
        first, dropped = with_room(rng, used)
        before = scoring.score_strategy(used, first, SCALE)
        now = scoring.score_strategy(used, wobbled(rng, dropped), SCALE)
        return focus.moved(now, before).direction == "lower"

    assert share(flagged, seed=10 + statements) >= 0.80


# --- two partners' views of one strategy (`compare`'s flagged gaps) ----------------------------


@pytest.mark.parametrize("stated", RELIABILITIES)
@pytest.mark.parametrize("statements", [4, 3])
def test_two_people_with_the_same_true_view_rarely_show_a_flagged_gap(
        statements: int, stated: float | None) -> None:
    used = strategy(statements, stated)

    def flagged(rng: random.Random) -> bool:
        view = anywhere(rng, used)  # both see it this way; each answers with their own wobble
        mine = scoring.score_strategy(used, wobbled(rng, view), SCALE)
        theirs = scoring.score_strategy(used, wobbled(rng, view), SCALE)
        found = gap_between(mine, theirs)
        return found is not None and found.direction != "about the same"

    assert share(flagged, seed=20 + statements) <= 0.05


@pytest.mark.parametrize("stated", RELIABILITIES)
@pytest.mark.parametrize("statements", [4, 3])
def test_a_true_two_step_difference_between_partners_is_flagged(
        statements: int, stated: float | None) -> None:
    used = strategy(statements, stated)

    def flagged(rng: random.Random) -> bool:
        higher, lower = with_room(rng, used)
        mine = scoring.score_strategy(used, wobbled(rng, higher), SCALE)
        theirs = scoring.score_strategy(used, wobbled(rng, lower), SCALE)
        found = gap_between(mine, theirs)
        return found is not None and found.direction == "higher"

    assert share(flagged, seed=30 + statements) >= 0.80


# --- the overall trust index (`assess`'s change since last time) -------------------------------


def small_checklist() -> Checklist:
    """Six strategies, three of 4 statements and three of 3, as a check-in has them."""
    strategies = tuple(strategy(4 if n % 2 == 0 else 3, RELIABILITIES[n % 2], f"s{n}")
                       for n in range(6))
    return Checklist(id="simulated", version="1", title="Simulated", role="mentor",
                     description="", scale=SCALE, strategies=strategies, obstacles=(),
                     source="")


def check_in(used: Checklist, answers: Answers, days_ago: int) -> assessment.Assessment:
    return assessment.build(used, answers, role="mentor", partner=None, cohort=None,
                            now=NOW - timedelta(days=days_ago), id=f"c{days_ago}")


def overall_share(flagged: Callable[[random.Random, Checklist, Rescored], bool],
                  seed: int) -> float:
    used = small_checklist()
    rng = random.Random(seed)
    template = check_in(used, {}, 0)

    def rescored(answers: Answers) -> assessment.Assessment:
        # The real scores of these answers in a check-in; its focus areas, which `progress`
        # does not read, are left as they were (choosing them would triple the run time).
        scores = scoring.score(used, answers)
        return template._replace(strategies=scores.strategies, overall=scores.overall)

    return sum(flagged(rng, used, rescored) for _ in range(RUNS)) / RUNS


Rescored = Callable[[Answers], assessment.Assessment]


def test_the_overall_index_with_no_true_change_rarely_flags_a_change() -> None:
    def flagged(rng: random.Random, used: Checklist, rescored: Rescored) -> bool:
        first = {k: v for s in used.strategies for k, v in anywhere(rng, s).items()}
        found = focus.progress(rescored(wobbled(rng, first)), rescored(first))
        assert found is not None
        return found.overall_direction != "about the same"

    assert overall_share(flagged, seed=40) <= 0.05


def test_a_true_two_step_drop_everywhere_is_flagged_in_the_overall_index() -> None:
    def flagged(rng: random.Random, used: Checklist, rescored: Rescored) -> bool:
        first, dropped = {}, {}
        for s in used.strategies:
            before, after = with_room(rng, s)
            first |= before
            dropped |= after
        found = focus.progress(rescored(wobbled(rng, dropped)), rescored(first))
        assert found is not None
        return found.overall_direction == "lower"

    assert overall_share(flagged, seed=41) >= 0.80


def test_a_check_in_built_in_full_is_judged_like_the_rescored_ones() -> None:
    used = small_checklist()
    first = {item.id: 1 if item.reverse else 5 for item in used.items}  # 100 everywhere
    dropped = {item.id: 4 if item.reverse else 2 for item in used.items}  # 25 everywhere
    found = focus.progress(check_in(used, dropped, 0), check_in(used, first, 30))
    assert found is not None
    assert found.overall_change == -75.0 and found.overall_direction == "lower"
    assert set(found.directions.values()) == {"lower"}


# --- the rule itself, at its edges --------------------------------------------------------------


def test_every_score_carries_the_sem_of_its_strategys_stated_reliability() -> None:
    stated = strategy(4, 0.75)
    default = strategy(3, None)
    answers = {item.id: 4 for item in (*stated.items, *default.items)}
    assert scoring.score_strategy(stated, answers, SCALE).sem == 10.0  # 20 x sqrt(0.25)
    assert scoring.score_strategy(default, answers, SCALE).sem == 11.0  # 20 x sqrt(0.30)
    unscored = scoring.score_strategy(default, {}, SCALE)
    assert unscored.score is None and unscored.sem is None
    both = Checklist(id="two", version="1", title="Two", role="mentor", description="",
                     scale=SCALE, strategies=(stated, strategy(3, None, "t")), obstacles=(),
                     source="")
    scores = scoring.score(both, {**answers, **{f"t.{n}": 4 for n in range(3)}})
    # The overall index averages two scores: sqrt(10² + 11²) / 2 = 7.4
    assert scores.overall_sem == 7.4


def test_a_difference_is_a_change_only_beyond_the_threshold_of_the_two_scores() -> None:
    # SEM 11 on both sides: 1.96 x sqrt(11² + 11²) = 30.49, shown rounded down as 30.4.
    assert reliability.difference(100.0, 69.6, 11.0, 11.0) == (-30.4, 30.4, "about the same")
    assert reliability.difference(100.0, 69.5, 11.0, 11.0) == (-30.5, 30.4, "lower")
    assert reliability.difference(40.0, 70.5, 11.0, 11.0).direction == "higher"
    # A score saved before SEMs were kept is judged with the default one.
    assert reliability.difference(100.0, 69.5, None, None) == (-30.5, 30.4, "lower")
    # Each score brings its own SEM: a steadier pair has a smaller threshold.
    assert reliability.difference(80.0, 55.0, 10.0, 10.0) == (-25.0, 27.7, "about the same")
    assert reliability.difference(80.0, 50.0, 10.0, 10.0).direction == "lower"


def test_the_standard_error_of_a_mean_shrinks_with_the_group() -> None:
    assert reliability.standard_error(20.0, 25) == 4.0
    assert reliability.standard_error(20.0, 100) == 2.0


# --- what a person sees: `assess` and `focus` on a checklist of one's own -----------------------

STRATEGIES = ("open", "listen", "plan", "care", "follow")


def own_checklist(folder: Path) -> Path:
    """Five strategies of four statements each (the first reverse-keyed), no stated
    reliability: every score carries the default SEM of 11, so two differ reliably by more than
    30.4 points."""
    lines = ["id: pilot", "version: 1", "title: Pilot trust check", "role: mentor",
             "strategies:"]
    for name in STRATEGIES:
        lines += [f"  - id: {name}", f"    title: {name.title()} well", "    items:"]
        for number in range(1, 5):
            lines += [f"      - id: {name}.{number}", f"        text: I did {name} thing "
                      f"{number} in the past month."]
            if number == 1:
                lines.append("        reverse: true")
        lines += ["    actions:", f"      - id: {name}.try", f"        text: Try {name} once."]
    path = folder / "pilot.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def answers(folder: Path, name: str, levels: dict[str, int]) -> Path:
    """Every statement of a strategy answered at `levels[strategy]` (1-5, the favourable way)."""
    values = {f"{s}.{n}": (6 - levels[s] if n == 1 else levels[s])
              for s in STRATEGIES for n in range(1, 5)}
    path = folder / f"{name}.json"
    path.write_text(json.dumps({"role": "mentor", "partner": "Sam", "answers": values}),
                    encoding="utf-8")
    return path


def test_assess_and_focus_call_a_drop_within_the_noise_about_the_same(tmp_path: Path) -> None:
    checklist = own_checklist(tmp_path)
    before = answers(tmp_path, "before", dict.fromkeys(STRATEGIES, 5))
    after = answers(tmp_path, "after", {"open": 4, "listen": 3, "plan": 2, "care": 2,
                                        "follow": 2})
    first = run("assess", "--checklist", str(checklist), "--answers", str(before))
    assert first.exit_code == 0, first.stderr

    shown = run("assess", "--checklist", str(checklist), "--answers", str(after), "--format",
                "json", "--no-save")
    assert shown.exit_code == 0, shown.stderr
    data = json.loads(shown.stdout)
    assert [(s["id"], s["score"]) for s in data["strategies"]][:2] == [("open", 75.0),
                                                                        ("listen", 50.0)]
    compared = data["compared_to"]
    assert compared["strategies"]["open"] == -25.0
    assert compared["directions"]["open"] == "about the same"  # 25 < 30.4: noise
    assert compared["directions"]["listen"] == "lower"  # 50 > 30.4: a real drop
    assert compared["overall_direction"] == "lower"

    text = run("assess", "--checklist", str(checklist), "--answers", str(after))
    assert text.exit_code == 0, text.stderr
    row = next(line for line in text.stdout.splitlines() if line.startswith("Open well"))
    assert "75 ± 11" in row and "-25" not in row  # within the noise: not called a change
    row = next(line for line in text.stdout.splitlines() if line.startswith("Listen"))
    assert row.rstrip().endswith("-50")

    plan = json.loads(run("focus", "--format", "json").stdout)
    assert plan["schema"] == "trustcheck/focus/v2"
    assert [i["strategy"] for i in plan["lowest"]] == ["plan", "care", "follow"]
    [slipped] = plan["slipped"]
    assert (slipped["strategy"], slipped["change"], slipped["threshold"],
            slipped["direction"]) == ("listen", -50.0, 30.4, "lower")
    [strength] = plan["strengths"]
    assert (strength["strategy"], strength["change"], strength["direction"]) == \
        ("open", -25.0, "about the same")
    said = " ".join(run("focus").stdout.split())
    assert "Slipped since your previous check-in (more than the noise)" in said
    # Noise is not a change: no number of points lost, only the score then and the noise.
    assert ("About the same as at your previous check-in (100 then; the difference is within "
            "the 30.4 points answers can wobble by).") in said
    assert "down 25 points" not in said

