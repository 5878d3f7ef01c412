"""Scoring: reverse-keyed items, 0..100 scores, the half-answered rule, bands, the overall."""

from __future__ import annotations

import pytest
from conftest import builtin
from hypothesis import given, settings
from hypothesis import strategies as st

from trustcheck import scoring
from trustcheck.checklist import Checklist, Item, Scale, Strategy

# --- helpers ----------------------------------------------------------------------------------


def make_checklist(*strategies: tuple[str, list[bool]], scale: Scale | None = None) -> Checklist:
    """A small checklist: each strategy is (id, [reverse flag per item]); items are id.1, id.2..."""
    built = tuple(
        Strategy(
            id=sid,
            title=sid.replace("_", " ").title(),
            why=f"Why {sid} matters.",
            group="mentor",
            items=tuple(Item(f"{sid}.{n}", f"Statement {n} about {sid}.", sid, reverse)
                        for n, reverse in enumerate(flags, start=1)),
        )
        for sid, flags in strategies
    )
    return Checklist(id="tiny", version="1", title="Tiny checklist", role="mentor",
                     strategies=built, scale=scale or Scale())


def favourable(item: Item, scale: Scale) -> int:
    return scale.low if item.reverse else scale.high


def unfavourable(item: Item, scale: Scale) -> int:
    return scale.high if item.reverse else scale.low


# --- reverse keying and the ends of the scale ---------------------------------------------------


def test_agreeing_with_a_reverse_keyed_statement_lowers_the_score() -> None:
    listed = make_checklist(("listening", [False, True]))
    # "I ask follow-up questions": strongly agree; "I interrupt": strongly agree.
    result = scoring.score(listed, {"listening.1": 5, "listening.2": 5})
    assert result.get("listening").score == 50.0
    # Strongly disagreeing that "I interrupt" is the trust-building answer.
    result = scoring.score(listed, {"listening.1": 5, "listening.2": 1})
    assert result.get("listening").score == 100.0


def test_a_reverse_keyed_item_alone_scores_from_the_other_end() -> None:
    listed = make_checklist(("candour", [True]))
    scores = {v: scoring.score(listed, {"candour.1": v}).get("candour").score for v in range(1, 6)}
    assert scores == {1: 100.0, 2: 75.0, 3: 50.0, 4: 25.0, 5: 0.0}


def test_every_most_favourable_answer_gives_100_everywhere() -> None:
    listed = builtin("mentor")
    answers = {item.id: favourable(item, listed.scale) for item in listed.items}
    result = scoring.score(listed, answers)
    assert {s.score for s in result.strategies} == {100.0}
    assert result.overall == 100.0
    assert result.band == "strong"


def test_every_least_favourable_answer_gives_0_everywhere() -> None:
    listed = builtin("mentor")
    answers = {item.id: unfavourable(item, listed.scale) for item in listed.items}
    result = scoring.score(listed, answers)
    assert {s.score for s in result.strategies} == {0.0}
    assert result.overall == 0.0
    assert result.band == "needs attention"


def test_all_neutral_gives_50_even_with_reverse_keyed_items() -> None:
    listed = builtin("mentor")
    assert any(item.reverse for item in listed.items)
    result = scoring.score(listed, {item.id: 3 for item in listed.items})
    assert {s.score for s in result.strategies} == {50.0}
    assert result.overall == 50.0


def test_the_real_mentor_checklist_has_44_statements_in_11_strategies() -> None:
    listed = builtin("mentor")  # version 2: four statements per strategy (version 1 had three)
    assert len(listed.items) == 44
    assert len(listed.strategies) == 11


# --- the half-answered rule ---------------------------------------------------------------------


def test_one_of_three_answered_is_not_enough_to_score() -> None:
    listed = make_checklist(("thin", [False, False, False]), ("full", [False, False, False]))
    result = scoring.score(listed, {"thin.1": 5, "full.1": 1, "full.2": 1, "full.3": 1})
    thin = result.get("thin")
    assert thin.score is None
    assert thin.band == "not enough answers"
    assert (thin.answered, thin.total) == (1, 3)


def test_two_of_three_answered_is_scored() -> None:
    listed = make_checklist(("thin", [False, False, False]))
    result = scoring.score(listed, {"thin.1": 5, "thin.2": 4})
    assert result.get("thin").score == 87.5


def test_one_of_four_answered_is_not_enough_to_score() -> None:
    listed = make_checklist(("four", [False, False, False, False]))
    result = scoring.score(listed, {"four.1": 5, "four.2": None})
    assert result.get("four").score is None
    assert result.get("four").band == "not enough answers"
    assert result.overall is None


def test_exactly_half_of_four_answered_is_scored() -> None:
    listed = make_checklist(("four", [False, False, False, False]))
    result = scoring.score(listed, {"four.1": 5, "four.3": 3, "four.2": None})
    four = result.get("four")
    assert four.score == 75.0
    assert (four.answered, four.total) == (2, 4)
    assert four.band == "solid"


def test_a_strategy_without_enough_answers_is_left_out_of_the_overall() -> None:
    listed = make_checklist(("high", [False]), ("low", [False, False]), ("thin", [False] * 3))
    # high scores 100, low scores 0, thin has 1 of 3 answered (it would score 0).
    result = scoring.score(listed, {"high.1": 5, "low.1": 1, "low.2": 1, "thin.1": 1})
    assert result.get("thin").score is None
    assert result.overall == 50.0
    assert [s.id for s in result.scored()] == ["high", "low"]


def test_scored_strategies_always_carry_a_number_and_their_band() -> None:
    listed = make_checklist(("high", [False]), ("thin", [False] * 3), ("low", [False, False]))
    result = scoring.score(listed, {"high.1": 5, "low.1": 2, "low.2": 1, "thin.1": 1})
    found = result.scored()
    assert [(s.id, s.score, s.band) for s in found] == [
        ("high", 100.0, "strong"), ("low", 12.5, "needs attention")]
    assert all(isinstance(s.score, float) for s in found)
    assert scoring.scored(result.strategies) == found


def test_the_overall_is_the_mean_of_the_strategy_scores_not_of_the_items() -> None:
    # One strategy with one item at 100, one with three items at 0: item mean would be 25.
    listed = make_checklist(("one", [False]), ("three", [False, False, False]))
    result = scoring.score(listed, {"one.1": 5, "three.1": 1, "three.2": 1, "three.3": 1})
    assert result.overall == 50.0


def test_the_overall_of_three_strategies_is_rounded_to_one_decimal() -> None:
    listed = make_checklist(("a", [False]), ("b", [False]), ("c", [False]))
    result = scoring.score(listed, {"a.1": 5, "b.1": 5, "c.1": 4})  # 100, 100, 75
    assert result.overall == 91.7


def test_nothing_answered_gives_no_overall_and_not_enough_answers() -> None:
    listed = make_checklist(("a", [False]), ("b", [True, False]))
    result = scoring.score(listed, {})
    assert result.overall is None
    assert result.band == "not enough answers"
    assert all(s.score is None for s in result.strategies)


# --- bands ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0.0, "needs attention"),
        (39.9, "needs attention"),
        (40.0, "developing"),
        (59.9, "developing"),
        (60.0, "solid"),
        (79.9, "solid"),
        (80.0, "strong"),
        (100.0, "strong"),
        (None, "not enough answers"),
    ],
)
def test_band_cut_offs_match_the_documented_ranges(value: float | None, expected: str) -> None:
    assert scoring.band(value) == expected


@pytest.mark.parametrize(
    ("values", "score", "expected"),
    [
        ([3, 3, 3, 3, 1], 40.0, "developing"),  # 50, 50, 50, 50, 0
        ([4, 4, 3, 3, 3], 60.0, "solid"),  # 75, 75, 50, 50, 50
        ([5, 5, 4, 4, 3], 80.0, "strong"),  # 100, 100, 75, 75, 50
    ],
)
def test_a_real_score_landing_exactly_on_a_cut_off_gets_the_higher_band(
        values: list[int], score: float, expected: str) -> None:
    listed = make_checklist(("five", [False] * 5))
    result = scoring.score(listed, {f"five.{n}": v for n, v in enumerate(values, start=1)})
    assert result.get("five").score == score
    assert result.get("five").band == expected


# --- custom scales ------------------------------------------------------------------------------


def test_a_zero_to_four_scale_maps_its_ends_to_0_and_100() -> None:
    scale = Scale(low=0, high=4, labels=("Never", "Rarely", "Sometimes", "Often", "Always"))
    listed = make_checklist(("a", [False]), ("b", [True]), scale=scale)
    assert scoring.score(listed, {"a.1": 4, "b.1": 0}).overall == 100.0
    assert scoring.score(listed, {"a.1": 0, "b.1": 4}).overall == 0.0
    assert scoring.score(listed, {"a.1": 2, "b.1": 2}).overall == 50.0


def test_a_one_to_seven_scale_maps_its_ends_to_0_and_100() -> None:
    scale = Scale(low=1, high=7, labels=tuple(f"Point {n}" for n in range(1, 8)))
    listed = make_checklist(("a", [False, True]), scale=scale)
    assert scoring.score(listed, {"a.1": 7, "a.2": 1}).get("a").score == 100.0
    assert scoring.score(listed, {"a.1": 1, "a.2": 7}).get("a").score == 0.0
    assert scoring.score(listed, {"a.1": 4, "a.2": 4}).get("a").score == 50.0
    assert scoring.score(listed, {"a.1": 5}).get("a").score == 66.7  # 4/6, one decimal


# --- properties on the real mentor checklist ------------------------------------------------------

ANSWER = st.one_of(st.none(), st.integers(min_value=1, max_value=5))


@st.composite
def mentor_answers(draw: st.DrawFn) -> dict[str, int | None]:
    return {item.id: draw(ANSWER) for item in builtin("mentor").items}


@settings(max_examples=200, deadline=None)
@given(answers=mentor_answers())
def test_every_score_stays_between_0_and_100_or_is_missing(answers: dict[str, int | None]) -> None:
    result = scoring.score(builtin("mentor"), answers)
    for strategy in result.strategies:
        assert strategy.score is None or 0.0 <= strategy.score <= 100.0
        answered = sum(1 for item in builtin("mentor").strategy(strategy.id).items
                       if answers[item.id] is not None)
        assert (strategy.score is None) == (answered < scoring.needed(strategy.total))
    assert result.overall is None or 0.0 <= result.overall <= 100.0
    assert (result.overall is None) == (not result.scored())


@settings(max_examples=200, deadline=None)
@given(answers=mentor_answers())
def test_flipping_every_answer_mirrors_every_score(answers: dict[str, int | None]) -> None:
    flipped = {key: None if value is None else 6 - value for key, value in answers.items()}
    before = scoring.score(builtin("mentor"), answers)
    after = scoring.score(builtin("mentor"), flipped)
    for original, mirrored in zip(before.strategies, after.strategies, strict=False):
        assert original.id == mirrored.id
        if original.score is None:
            assert mirrored.score is None
        else:
            assert mirrored.score == pytest.approx(100.0 - original.score, abs=0.11)


@settings(max_examples=200, deadline=None)
@given(answers=mentor_answers(), data=st.data())
def test_a_more_favourable_answer_never_lowers_its_strategy_score(
        answers: dict[str, int | None], data: st.DataObject) -> None:
    listed = builtin("mentor")
    answered = [item for item in listed.items if answers[item.id] is not None]
    if not answered:
        answered = [listed.items[0]]
        answers = {**answers, listed.items[0].id: 3}
    item = data.draw(st.sampled_from(answered))
    current = answers[item.id]
    if item.reverse:  # more favourable means disagreeing more
        better = data.draw(st.integers(min_value=1, max_value=current))
    else:
        better = data.draw(st.integers(min_value=current, max_value=5))
    before = scoring.score(listed, answers).get(item.strategy)
    after = scoring.score(listed, {**answers, item.id: better}).get(item.strategy)
    assert (before.score is None) == (after.score is None)
    if before.score is not None:
        assert after.score >= before.score


# --- "didn't come up" -----------------------------------------------------------------------


def conditional_strategy(size: int) -> Checklist:
    """One strategy of SIZE statements, every one about an event (so each may not come up);
    the first is reverse-keyed."""
    items = tuple(Item(f"events.{n}", f"Event {n}.", "events", reverse=n == 1, conditional=True)
                  for n in range(1, size + 1))
    return Checklist(id="events", version="1", title="Events", role="mentor",
                     strategies=(Strategy("events", "Events", "", "mentor", items),))


@settings(max_examples=200, deadline=None)
@given(st.integers(2, 6).flatmap(lambda size: st.lists(
    st.one_of(st.none(), st.integers(1, 5), st.just(scoring.NOT_CAME_UP)),
    min_size=size, max_size=size)))
def test_didnt_come_up_scores_as_if_the_statement_were_not_there(values):
    size = len(values)
    full = conditional_strategy(size)
    answers = {item.id: value for item, value in zip(full.items, values, strict=True)}
    came_up = [item for item in full.items if answers[item.id] != scoring.NOT_CAME_UP]
    not_came_up = size - len(came_up)
    # The same strategy without the statements that didn't come up, answered the same.
    fewer = full._replace(strategies=(full.strategies[0]._replace(items=tuple(came_up)),))

    found = scoring.score(full, answers).strategies[0]

    assert found.not_came_up == not_came_up
    if not_came_up * 2 > size:  # mostly didn't come up: no score, whatever was answered
        assert found.score is None and found.band == scoring.DIDNT_COME_UP
    elif came_up:
        expected = scoring.score(fewer, answers).strategies[0]
        assert (found.score, found.answered) == (expected.score, expected.answered)
        assert found.band == expected.band != scoring.DIDNT_COME_UP


def test_a_strategy_with_exactly_half_not_come_up_is_still_scored():
    used = conditional_strategy(4)
    answers = {"events.1": 2, "events.2": None, "events.3": scoring.NOT_CAME_UP,
               "events.4": scoring.NOT_CAME_UP}

    found = scoring.score(used, answers).strategies[0]

    # 2 of 4 didn't come up (not more than half); 1 of the 2 that came up is answered.
    assert (found.score, found.answered, found.not_came_up, found.band) == \
        (75.0, 1, 2, "solid")
