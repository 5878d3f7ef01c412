"""What to work on next: the lowest strategies, signalled obstacles and one strength to keep."""

from __future__ import annotations

from trustcheck import focus, scoring
from trustcheck.checklist import Action, Checklist, Item, Obstacle, Strategy
from trustcheck.scoring import Scores, StrategyScore

# --- helpers ----------------------------------------------------------------------------------


def make_checklist(*ids: str, obstacles: tuple[Obstacle, ...] = ()) -> Checklist:
    """A checklist with strategies in the order given, each with one item and two actions."""
    strategies = tuple(
        Strategy(
            id=sid,
            title=f"Title of {sid}",
            why=f"Why {sid} builds trust.",
            group="mentor",
            items=(Item(f"{sid}.1", f"A statement about {sid}.", sid),),
            actions=(Action(f"{sid}.first", f"First thing to try for {sid}."),
                     Action(f"{sid}.second", f"Second thing to try for {sid}.")),
        )
        for sid in ids
    )
    return Checklist(id="tiny", version="1", title="Tiny", role="mentor",
                     strategies=strategies, obstacles=obstacles)


def scores_of(listed: Checklist, values: dict[str, float | None]) -> Scores:
    """Scores exactly as given (None = not enough answers), in checklist order."""
    results = tuple(
        StrategyScore(s.id, s.title, s.group, values[s.id],
                      0 if values[s.id] is None else 1, 1)
        for s in listed.strategies
    )
    scored = [v for v in values.values() if v is not None]
    overall = round(sum(scored) / len(scored), 1) if scored else None
    return Scores(results, overall)


def choose(values: dict[str, float | None], obstacles: tuple[Obstacle, ...] = ()) -> focus.Focus:
    listed = make_checklist(*values, obstacles=obstacles)
    return focus.choose(listed, scores_of(listed, values))


WORRY = Obstacle(id="worry", title="Worry", signals=("a", "b", "c"),
                 remedy="Talk it through over coffee.", description="A worry.")


# --- focus areas ------------------------------------------------------------------------------


def test_the_three_lowest_strategies_become_focus_areas_lowest_first() -> None:
    chosen = choose({"a": 70.0, "b": 20.0, "c": 55.0, "d": 10.0, "e": 65.0})
    assert [area.strategy for area in chosen.areas] == ["d", "b", "c"]
    assert [area.score for area in chosen.areas] == [10.0, 20.0, 55.0]


def test_fewer_than_three_focus_areas_when_fewer_strategies_are_below_80() -> None:
    chosen = choose({"a": 90.0, "b": 45.5, "c": 85.0, "d": 100.0})
    assert [area.strategy for area in chosen.areas] == ["b"]


def test_tied_scores_keep_the_checklist_order() -> None:
    chosen = choose({"a": 50.0, "b": 40.0, "c": 50.0, "d": 50.0})
    assert [area.strategy for area in chosen.areas] == ["b", "a", "c"]


def test_a_strategy_at_80_is_never_a_focus_area_but_79_9_is() -> None:
    chosen = choose({"a": 80.0, "b": 79.9, "c": 95.0})
    assert [area.strategy for area in chosen.areas] == ["b"]


def test_all_strong_gives_no_focus_areas() -> None:
    chosen = choose({"a": 80.0, "b": 92.5, "c": 100.0})
    assert chosen.areas == ()


def test_unscored_strategies_are_never_focus_areas() -> None:
    chosen = choose({"a": None, "b": 30.0, "c": None})
    assert [area.strategy for area in chosen.areas] == ["b"]


def test_a_focus_area_says_its_score_and_brings_the_checklists_actions() -> None:
    listed = make_checklist("a", "b")
    chosen = focus.choose(listed, scores_of(listed, {"a": 72.5, "b": 33.3}))
    first, second = chosen.areas
    assert first.title == "Title of b"
    assert "33.3 of 100" in first.reason
    assert "needs attention" in first.reason
    assert "lowest" in first.reason
    assert "Why b builds trust." in first.reason
    assert first.actions == listed.strategy("b").actions
    assert [a.text for a in first.actions] == ["First thing to try for b.",
                                               "Second thing to try for b."]
    assert "72.5 of 100" in second.reason
    assert "solid" in second.reason
    assert second.actions == listed.strategy("a").actions


def test_a_whole_number_score_is_written_without_a_decimal() -> None:
    chosen = choose({"a": 25.0})
    assert "Scored 25 of 100" in chosen.areas[0].reason


# --- obstacles --------------------------------------------------------------------------------


def test_an_obstacle_is_flagged_when_its_signals_average_below_60() -> None:
    chosen = choose({"a": 50.0, "b": 60.0, "c": 65.0, "d": 10.0}, obstacles=(WORRY,))  # 58.3
    assert [flag.id for flag in chosen.obstacles] == ["worry"]
    flag = chosen.obstacles[0]
    assert flag.title == "Worry"
    assert flag.remedy == "Talk it through over coffee."
    assert "Title of a 50" in flag.reason and "Title of c 65" in flag.reason


def test_an_obstacle_whose_signals_average_exactly_60_is_not_flagged() -> None:
    chosen = choose({"a": 50.0, "b": 60.0, "c": 70.0}, obstacles=(WORRY,))
    assert chosen.obstacles == ()


def test_an_obstacle_whose_signals_are_strong_is_not_flagged_even_if_others_are_low() -> None:
    chosen = choose({"a": 90.0, "b": 85.0, "c": 70.0, "d": 0.0}, obstacles=(WORRY,))
    assert chosen.obstacles == ()


def test_unscored_signals_are_left_out_of_the_obstacle_average() -> None:
    # a and c average 65 (not flagged); counting b's missing score as 0 would wrongly flag it.
    chosen = choose({"a": 50.0, "b": None, "c": 80.0}, obstacles=(WORRY,))
    assert chosen.obstacles == ()
    # a and c average 59.95: flagged, and the missing b is not named.
    chosen = choose({"a": 50.0, "b": None, "c": 69.9}, obstacles=(WORRY,))
    assert [flag.id for flag in chosen.obstacles] == ["worry"]
    assert "Title of b" not in chosen.obstacles[0].reason


def test_an_obstacle_with_no_scored_signals_is_not_flagged() -> None:
    chosen = choose({"a": None, "b": None, "c": None, "d": 10.0}, obstacles=(WORRY,))
    assert chosen.obstacles == ()


def test_every_signalled_obstacle_is_flagged_in_checklist_order() -> None:
    other = Obstacle(id="drift", title="Drift", signals=("d",), remedy="Meet more often.")
    quiet = Obstacle(id="quiet", title="Quiet", signals=("e",), remedy="Ask more.")
    chosen = choose({"a": 10.0, "b": 10.0, "c": 10.0, "d": 20.0, "e": 90.0},
                    obstacles=(WORRY, quiet, other))
    assert [(flag.id, flag.remedy) for flag in chosen.obstacles] == [
        ("worry", "Talk it through over coffee."), ("drift", "Meet more often.")]


# --- the strength to keep -----------------------------------------------------------------------


def test_the_strength_is_the_highest_strategy_at_60_or_more() -> None:
    chosen = choose({"a": 62.0, "b": 30.0, "c": 88.5, "d": 75.0})
    assert chosen.strength is not None
    assert chosen.strength.strategy == "c"
    assert chosen.strength.title == "Title of c"
    assert "88.5 of 100" in chosen.strength.reason
    assert "strong" in chosen.strength.reason


def test_the_strength_is_never_also_a_focus_area() -> None:
    # Every strategy is below 80: the three lowest are focus areas, the fourth is the strength.
    chosen = choose({"a": 60.0, "b": 65.0, "c": 70.0, "d": 75.0})
    assert [area.strategy for area in chosen.areas] == ["a", "b", "c"]
    assert chosen.strength.strategy == "d"


def test_no_strength_when_every_solid_strategy_is_already_a_focus_area() -> None:
    chosen = choose({"a": 60.0, "b": 65.0, "c": 70.0})
    assert len(chosen.areas) == 3
    assert chosen.strength is None


def test_no_strength_when_nothing_reaches_60() -> None:
    chosen = choose({"a": 59.9, "b": 10.0, "c": 40.0, "d": 55.0, "e": None})
    assert chosen.strength is None


def test_a_strategy_at_exactly_60_can_be_the_strength() -> None:
    chosen = choose({"a": 10.0, "b": 20.0, "c": 30.0, "d": 60.0})
    assert chosen.strength.strategy == "d"
    assert "solid" in chosen.strength.reason


def test_tied_strengths_go_to_the_first_in_the_checklist() -> None:
    chosen = choose({"a": 95.0, "b": 95.0, "c": 20.0})
    assert chosen.strength.strategy == "a"


# --- with real scoring -------------------------------------------------------------------------


def test_answers_flow_through_scoring_into_focus_areas() -> None:
    listed = make_checklist("a", "b", "c", "d", obstacles=(WORRY,))
    scores = scoring.score(listed, {"a.1": 2, "b.1": 5, "c.1": 1, "d.1": None})
    chosen = focus.choose(listed, scores)
    assert [area.strategy for area in chosen.areas] == ["c", "a"]  # 0 and 25; b is 100
    assert [flag.id for flag in chosen.obstacles] == ["worry"]  # (25 + 100 + 0) / 3
    assert chosen.strength.strategy == "b"
