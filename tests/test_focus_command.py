"""What to work on next: the trend rules, `trustcheck focus`, and the change `assess` shows."""

from __future__ import annotations

import json
import math
import os
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from conftest import builtin, run

from trustcheck import assessment, reliability
from trustcheck import focus as rules
from trustcheck import plan as planning
from trustcheck.assessment import Assessment
from trustcheck.checklist import Checklist, load
from trustcheck.commitments import choose
from trustcheck.records import Review

MENTOR = builtin("mentor")
MENTEE = builtin("mentee")
NOW = datetime.now(timezone.utc).replace(microsecond=0)
LISTEN = "active_listening.summarise-back"
REASONS = "transparency.share-reasoning"
NEXT_STEP = "realistic_expectations.agree-the-next-step"

PILOT = """\
id: pilot
version: 1
title: Pilot trust check
role: mentor
strategies:
  - id: {first}
    title: Be open
    why: Openness lets the other person see where they stand.
    items:
      - id: {first}.1
        text: I said what I was thinking.
    actions:
      - id: {first}.say-it
        text: Say one thing you were holding back.
  - id: listen
    title: Listen well
    items:
      - id: listen.1
        text: I let them finish.
    actions:
      - id: listen.wait
        text: Wait three seconds before you answer.
  - id: plan
    title: Plan together
    items:
      - id: plan.1
        text: We agreed a next step.
    actions:
      - id: plan.next
        text: Agree one next step.
  - id: care
    title: Show you care
    items:
      - id: care.1
        text: I asked how they were.
    actions:
      - id: care.ask
        text: Ask how their week went.
"""


# --- helpers ----------------------------------------------------------------------------------


def history_file() -> Path:
    return Path(os.environ["TRUSTCHECK_HOME"]) / "history.db"


def values(checklist: Checklist = MENTOR, default: int = 50, **levels: int) -> dict[str, int]:
    """Answers that give each strategy exactly its level (0, 25, 50, 75 or 100)."""
    answers = {}
    for strategy in checklist.strategies:
        level = levels.get(strategy.id, default)
        for item in strategy.items:
            step = level // 25
            answers[item.id] = 5 - step if item.reverse else 1 + step
    return answers


def made(answers: dict[str, int], *, days_ago: float, partner: str | None = "Sam",
         checklist: Checklist = MENTOR, commit: tuple[str, ...] = (),
         reviews: tuple[Review, ...] = ()) -> Assessment:
    """A check-in taken days ago (not saved)."""
    return assessment.build(checklist, answers, role=checklist.role, partner=partner, cohort=None,
                            now=NOW - timedelta(days=days_ago), id=uuid.uuid4().hex,
                            commitments=choose(checklist, commit), follow_through=reviews)


def saved(answers: dict[str, int], **how) -> Assessment:
    """A check-in taken days ago, saved in the history."""
    from trustcheck.store import Store

    result = made(answers, **how)
    with Store.open(history_file()) as store:
        store.save(result)
    return result


def reviewed(earlier: Assessment, **status_by_action: str) -> tuple[Review, ...]:
    by_id = {c.action: c for c in earlier.commitments}
    return tuple(Review(action, by_id[action].text, earlier.id, earlier.created_at, status)
                 for action, status in status_by_action.items())


def answers_json(answers: dict[str, int], partner: str | None = "Sam",
                 role: str = "mentor") -> str:
    return json.dumps({"role": role, "partner": partner, "answers": answers})


def day(moment: datetime) -> str:
    return moment.astimezone().strftime("%Y-%m-%d")


def focus_json(*args: str) -> dict | None:
    result = run("focus", "--format", "json", *args)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def with_scores(result: Assessment, **scores: float | None) -> Assessment:
    """The same check-in with some strategy scores set by hand (for exact boundaries)."""
    strategies = tuple(s._replace(score=scores.get(s.id, s.score)) for s in result.strategies)
    return result._replace(strategies=strategies)


def pilot_checklist(home: Path, first: str = "open") -> Checklist:
    folder = home / "checklists"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "pilot.yaml"
    path.write_text(PILOT.format(first=first), encoding="utf-8")
    return load(path)


# A relationship whose last check-in went badly: three strategies low, one slipped (by more
# than the noise of two check-ins) but not among the three lowest.
def slipping_story() -> tuple[Assessment, Assessment]:
    before = saved(values(default=100), days_ago=30, commit=(LISTEN, REASONS))
    latest = saved(values(default=100, transparency=0, active_listening=25,
                          realistic_expectations=25, confidentiality=50),
                   days_ago=2, commit=(NEXT_STEP,),
                   reviews=reviewed(before, **{LISTEN: "done", REASONS: "not_done"}))
    return before, latest


# --- the change since the previous check-in (pure) ------------------------------------------------


def test_no_previous_check_in_means_no_change() -> None:
    assert rules.progress(made(values(), days_ago=1), None) is None


def test_the_change_is_given_per_strategy_and_overall_to_one_decimal() -> None:
    before = made(values(default=50), days_ago=30)
    after = made(values(default=50, transparency=75, empathy=25), days_ago=1)
    found = rules.progress(after, before)
    assert found.id == before.id and found.created_at == before.created_at
    assert found.strategies["transparency"] == 25.0
    assert found.strategies["empathy"] == -25.0
    assert found.strategies["consistency"] == 0.0
    assert list(found.strategies) == [s.id for s in MENTOR.strategies]
    assert found.overall_change == round(after.overall - before.overall, 1)


def test_a_strategy_without_a_score_on_either_side_has_no_change() -> None:
    before = with_scores(made(values(), days_ago=30), empathy=None)
    after = with_scores(made(values(), days_ago=1), transparency=None)
    found = rules.progress(after, before)
    assert found.strategies["empathy"] is None
    assert found.strategies["transparency"] is None
    assert rules.progress_to_dict(found)["strategies"]["empathy"] is None


def test_a_change_never_shows_as_minus_zero() -> None:
    assert str(rules.change(58.3, 58.3)) == "0.0"
    assert rules.change(41.7, 58.3) == -16.6


# --- the focus plan (pure) ------------------------------------------------------------------------


def test_the_lowest_strategies_are_the_stored_focus_areas_with_their_change() -> None:
    before = made(values(default=100), days_ago=30)
    latest = made(values(default=100, transparency=0, empathy=75), days_ago=1)
    found = planning.plan(latest, before, [])
    assert [i.strategy for i in found.lowest] == [a.strategy for a in latest.focus]
    first = found.lowest[0]
    assert (first.strategy, first.score, first.previous_score, first.change) == \
        ("transparency", 0.0, 100.0, -100.0)
    assert first.actions == MENTOR.strategy("transparency").actions
    assert first.reason.startswith("Scored 0 of 100 (needs attention), your lowest score.")
    assert first.reason.endswith("Down 100 points since your previous check-in (100 then).")


def test_a_strategy_that_dropped_more_than_the_noise_is_slipped_and_one_within_it_is_not(
        ) -> None:
    # Both scores carry the SEM of the strategy's stated reliability, so the reliable-change
    # threshold is 1.96 x sqrt(SEM² + SEM²), shown rounded down: a drop of 0.1 more than the
    # shown threshold is more than the noise, a drop of exactly it is not.
    def limit(strategy_id: str) -> tuple[float, float]:
        sem = round(reliability.sem(MENTOR.strategy(strategy_id).reliability), 1)
        return sem, math.floor(reliability.threshold(sem, sem) * 10) / 10

    empathy, consistency, goals = limit("empathy")[1], limit("consistency")[1], limit(
        "shared_goals")[1]
    before = made(values(default=100), days_ago=30)
    latest = with_scores(made(values(default=100), days_ago=1),
                         empathy=round(100 - empathy - 0.1, 1),
                         consistency=round(100 - consistency, 1), shared_goals=60.0)
    found = planning.plan(latest, before, [], checklist=MENTOR)
    assert [i.strategy for i in found.slipped] == ["shared_goals", "empathy"]
    assert found.slipped[1].change == -round(empathy + 0.1, 1)
    assert (found.slipped[1].threshold, found.slipped[1].direction) == (empathy, "lower")
    assert found.slipped[0].reason.startswith(
        "Down 40 points since your previous check-in, from 100 to 60 of 100 (solid), more "
        f"than the {goals} points answers can wobble by.")
    assert found.slipped[0].actions == MENTOR.strategy("shared_goals").actions
    assert found.slipped[0].note == ""


def test_a_low_strategy_that_also_slipped_is_listed_once_among_the_lowest() -> None:
    before = made(values(default=100), days_ago=30)
    latest = made(values(default=100, transparency=0), days_ago=1)
    found = planning.plan(latest, before, [], checklist=MENTOR)
    assert [i.strategy for i in found.lowest] == ["transparency"]
    assert found.slipped == ()


def test_slipped_strategies_say_why_they_have_no_actions_when_the_checklist_is_gone() -> None:
    before = made(values(default=100), days_ago=30)
    latest = with_scores(made(values(default=100), days_ago=1), empathy=60.0)
    [gone] = planning.plan(latest, before, [], checklist=None).slipped
    assert gone.actions == ()
    assert "The checklist 'mentor' is not on this computer any more" in gone.note
    stripped = MENTOR._replace(strategies=tuple(s for s in MENTOR.strategies
                                                if s.id != "empathy"))
    [missing] = planning.plan(latest, before, [], checklist=stripped).slipped
    assert "no longer has this strategy" in missing.note


def test_one_or_two_strengths_are_the_highest_other_strategies_at_60_or_more() -> None:
    latest = made(values(default=50, empathy=75, recognition=100, consistency=75,
                         transparency=0), days_ago=1)
    found = planning.plan(latest, None, [])
    assert [(i.strategy, i.score) for i in found.strengths] == [("recognition", 100.0),
                                                                 ("consistency", 75.0)]
    assert found.strengths[0].reason == "Scored 100 of 100 (strong), your highest."
    assert found.strengths[1].reason == "Scored 75 of 100 (solid), your second highest."
    low = planning.plan(made(values(default=50), days_ago=1), None, [])
    assert low.strengths == ()


def test_a_strength_that_improved_says_by_how_much() -> None:
    before = made(values(default=50), days_ago=30)
    latest = made(values(default=50, empathy=100), days_ago=1)
    [top, *_] = planning.plan(latest, before, []).strengths
    assert top.strategy == "empathy"
    assert top.reason.endswith("Up 50 points since your previous check-in (50 then).")


def test_the_first_check_in_has_no_trend_and_no_slipped_strategies() -> None:
    latest = made(values(default=50, transparency=0), days_ago=1)
    found = planning.plan(latest, None, [])
    assert found.slipped == ()
    assert all(i.change is None and i.previous_score is None for i in found.lowest)
    assert "since your previous check-in" not in found.lowest[0].reason


def test_obstacles_are_the_ones_the_latest_check_in_flagged() -> None:
    latest = made(values(default=100, realistic_expectations=25, active_listening=25),
                  days_ago=1)
    found = planning.plan(latest, None, [])
    assert found.obstacles == latest.obstacles
    assert [o.id for o in found.obstacles] == ["impatience"]


def test_follow_through_counts_each_status_and_the_rate() -> None:
    earlier = made(values(), days_ago=30, commit=(LISTEN, REASONS))
    later = made(values(), days_ago=10, commit=(NEXT_STEP,))
    reviews = reviewed(earlier, **{LISTEN: "done", REASONS: "partly"}) + \
        reviewed(later, **{NEXT_STEP: "not_done"})
    found = planning.plan(made(values(), days_ago=1), None, reviews).follow_through
    assert (found.rate, found.reviewed) == (50.0, 3)
    assert dict(found.counts) == {"done": 1, "partly": 1, "not_done": 1}
    assert planning.plan(made(values(), days_ago=1), None, []).follow_through.rate is None


# --- the change shown by `trustcheck assess` ------------------------------------------------------


def test_assess_shows_each_change_since_the_previous_check_in_of_the_same_relationship() -> None:
    before = saved(values(default=50), days_ago=30)
    saved(values(default=0), days_ago=5, partner="Alex")  # another relationship: not compared
    now = values(default=50, transparency=100, empathy=0, active_listening=100,
                 realistic_expectations=100, constructive_feedback=100, confidentiality=100,
                 recognition=75)
    shown = run("assess", "--answers", "-", input=answers_json(now))
    assert shown.exit_code == 0, shown.stderr

    expected = made(now, days_ago=0)
    overall = round(expected.overall - before.overall, 1)
    lines = shown.stdout.splitlines()
    header = next(line for line in lines if line.startswith("Strategy"))
    assert header.rstrip().endswith("Change")
    transparency = next(line for line in lines if line.startswith("Be transparent"))
    assert transparency.rstrip().endswith("+50")
    empathy = next(line for line in lines if line.startswith("Show empathy"))
    assert empathy.rstrip().endswith("-50")
    # 25 points is within what two check-ins can differ by with nothing changed (30.4 here):
    # noise is not called a change, so the row shows none.
    recognition = next(line for line in lines if line.startswith("Recognise progress"))
    assert recognition.rstrip().endswith("solid")
    consistency = next(line for line in lines if line.startswith("Be consistent"))
    assert consistency.rstrip().endswith("developing")
    assert f"Since {day(before.created_at)}: overall up {overall:g}." in shown.stdout


def test_the_first_check_in_of_a_relationship_shows_no_change() -> None:
    saved(values(default=50), days_ago=30, partner="Alex")
    shown = run("assess", "--answers", "-", input=answers_json(values()))
    assert shown.exit_code == 0, shown.stderr
    assert "Since " not in shown.stdout and "Change" not in shown.stdout


def test_assess_json_has_compared_to_which_is_never_stored() -> None:
    before = saved(values(default=50), days_ago=30)
    shown = run("assess", "--answers", "-", "--format", "json",
                input=answers_json(values(default=50, transparency=75)))
    assert shown.exit_code == 0, shown.stderr
    data = json.loads(shown.stdout)
    compared = data["compared_to"]
    assert compared["id"] == before.id
    assert compared["created_at"] == assessment.iso(before.created_at)
    assert compared["overall_change"] == round(data["overall"] - before.overall, 1)
    assert compared["strategies"]["transparency"] == 25.0
    assert compared["strategies"]["empathy"] == 0.0
    assert set(compared["strategies"]) == {s.id for s in MENTOR.strategies}

    stored = json.loads(run("history", "show", data["id"], "--format", "json").stdout)
    assert "compared_to" not in stored
    first = run("assess", "--answers", "-", "--format", "json", "--no-save",
                input=answers_json(values(), partner="Nobody"))
    assert json.loads(first.stdout)["compared_to"] is None


# --- `trustcheck focus` ---------------------------------------------------------------------------


def test_focus_shows_what_to_work_on_and_why_in_numbers() -> None:
    before, latest = slipping_story()
    shown = run("focus")
    assert shown.exit_code == 0, shown.stderr
    out = shown.stdout
    assert out.startswith("What to work on next: mentor with Sam")
    since = f"since {day(before.created_at)}"
    def sem(strategy_id: str) -> float:
        return round(reliability.sem(MENTOR.strategy(strategy_id).reliability), 1)

    assert f"1. Be transparent: 0 ± {sem('transparency'):.0f} of 100 (-100 {since})" in out
    assert f"2. Listen actively: 25 ± {sem('active_listening'):.0f} of 100 (-75 {since})" in out
    assert "Slipped since your previous check-in (more than the noise)" in out
    assert (f"4. Respect confidentiality: 50 ± {sem('confidentiality'):.0f} of 100 "
            f"(-50 {since})") in out
    shown_limit = math.floor(reliability.threshold(sem("confidentiality"),
                                                   sem("confidentiality")) * 10) / 10
    assert ("Down 50 points since your previous check-in, from 100 to 50 of 100 "
            f"(developing), more than the {shown_limit} points answers can wobble by.") \
        in " ".join(out.split())
    # Each action in words, with no ids (they belong to JSON and `checklists show`).
    for strategy_id in ("confidentiality", "transparency"):
        for action in MENTOR.strategy(strategy_id).actions:
            assert f"- {action.text}" in " ".join(out.split())
            assert action.id not in out
    assert "Obstacles to watch for" in out and "Impatience" in out
    strengths = out.split("Strengths to keep")[1]
    assert "Give constructive feedback" in strengths and "Be consistent" in strengths
    flat = " ".join(out.split())
    assert ("Follow-through: 50% of what you committed to was carried out (1 done, 0 partly "
            "done, 1 not done; partly done counts half).") in flat
    assert "Your open commitments" in out
    next_step = next(a for s in MENTOR.strategies for a in s.actions if a.id == NEXT_STEP)
    assert f"- {next_step.text} (chosen {day(latest.created_at)})" in " ".join(out.split())
    assert NEXT_STEP not in out


def test_focus_json_has_the_documented_shape() -> None:
    before, latest = slipping_story()
    data = focus_json()
    assert data["schema"] == "trustcheck/focus/v2"
    assert (data["role"], data["partner"]) == ("mentor", "Sam")
    assert data["latest"]["id"] == latest.id and data["previous"]["id"] == before.id
    assert data["overall_change"] == round(latest.overall - before.overall, 1)
    assert [i["strategy"] for i in data["lowest"]] == ["transparency", "active_listening",
                                                       "realistic_expectations"]
    [slipped] = data["slipped"]
    assert (slipped["strategy"], slipped["score"], slipped["previous_score"],
            slipped["change"]) == ("confidentiality", 50.0, 100.0, -50.0)
    assert (slipped["sem"], slipped["threshold"], slipped["direction"]) == (11.0, 30.4, "lower")
    assert [a["id"] for a in slipped["actions"]] == \
        [a.id for a in MENTOR.strategy("confidentiality").actions]
    assert slipped["note"] is None
    assert [s["strategy"] for s in data["strengths"]] == ["constructive_feedback",
                                                          "consistency"]
    assert "actions" not in data["strengths"][0]
    assert [o["id"] for o in data["obstacles"]] == [o.id for o in latest.obstacles]
    assert data["follow_through"] == {"rate": 50.0, "reviewed": 2, "done": 1, "partly": 0,
                                      "not_done": 1}
    assert [o["action"] for o in data["open_commitments"]] == [NEXT_STEP]
    assert data["open_commitments"][0]["made_in"] == latest.id


def test_focus_with_one_check_in_has_no_trend_yet() -> None:
    saved(values(default=50, transparency=0), days_ago=1)
    shown = run("focus")
    assert shown.exit_code == 0, shown.stderr
    assert "this is the first check-in, so there is no trend yet" in shown.stdout
    assert "Follow-through: no commitments reviewed yet." in shown.stdout
    assert "Slipped" not in shown.stdout
    data = focus_json()
    assert data["previous"] is None and data["overall_change"] is None
    assert data["follow_through"]["rate"] is None


def test_focus_without_any_check_in_says_so_and_exits_0() -> None:
    shown = run("focus")
    assert shown.exit_code == 0
    assert shown.stdout == ""
    assert "No check-ins saved yet; run `trustcheck assess --role mentor`" in shown.stderr
    assert focus_json() is None
    assert not history_file().exists()


def test_focus_for_a_partner_without_check_ins_says_so() -> None:
    saved(values(), days_ago=1)
    shown = run("focus", "--partner", "Nobody")
    assert shown.exit_code == 0
    assert "No check-ins match those options" in shown.stderr
    assert focus_json("--partner", "Nobody") is None


def test_several_relationships_without_a_choice_exit_2_listing_each_with_its_flag() -> None:
    saved(values(), days_ago=3, partner="Sam")
    saved(values(checklist=MENTEE), days_ago=2, partner="Alex", checklist=MENTEE)
    saved(values(), days_ago=1, partner=None)
    for args in ((), ("--format", "json")):
        shown = run("focus", *args)
        assert shown.exit_code == 2
        assert shown.stdout == ""
        assert "You have check-ins for 3 relationships" in shown.stderr
        assert "  - mentor with Sam: trustcheck focus --partner Sam" in shown.stderr
        assert "  - mentee with Alex: trustcheck focus --partner Alex" in shown.stderr
        assert "  - mentor, no partner named: trustcheck focus --partner ''" in shown.stderr

    assert run("focus", "--partner", "Alex").stdout.startswith(
        "What to work on next: mentee with Alex")
    assert run("focus", "--partner", "").stdout.startswith(
        "What to work on next: mentor, no partner named")
    assert run("focus", "--role", "mentee").exit_code == 0
    assert run("focus", "--role", "mentor").exit_code == 2


def test_the_same_partner_in_both_roles_needs_the_role_too() -> None:
    saved(values(), days_ago=2, partner="Sam")
    saved(values(checklist=MENTEE), days_ago=1, partner="Sam", checklist=MENTEE)
    shown = run("focus", "--partner", "Sam")
    assert shown.exit_code == 2
    assert "trustcheck focus --role mentee --partner Sam" in shown.stderr
    assert "trustcheck focus --role mentor --partner Sam" in shown.stderr
    assert focus_json("--role", "mentee", "--partner", "Sam")["role"] == "mentee"


def test_a_partner_name_with_spaces_is_quoted_in_the_suggested_flag() -> None:
    saved(values(), days_ago=2, partner="Sam Lee")
    saved(values(), days_ago=1, partner="Alex")
    shown = run("focus")
    assert "trustcheck focus --partner 'Sam Lee'" in shown.stderr
    assert focus_json("--partner", "Sam Lee")["partner"] == "Sam Lee"


def test_slipped_actions_come_from_the_checklist_while_it_is_on_this_computer(
        trustcheck_home: Path) -> None:
    pilot = pilot_checklist(trustcheck_home)
    saved({"open.1": 5, "listen.1": 5, "plan.1": 5, "care.1": 5}, days_ago=30, checklist=pilot)
    saved({"open.1": 1, "listen.1": 1, "plan.1": 2, "care.1": 3}, days_ago=1, checklist=pilot)
    [slipped] = focus_json()["slipped"]
    assert slipped["strategy"] == "care"
    assert slipped["actions"] == [{"id": "care.ask", "text": "Ask how their week went."}]

    (trustcheck_home / "checklists" / "pilot.yaml").unlink()
    [slipped] = focus_json()["slipped"]
    assert slipped["actions"] == []
    assert "The checklist 'pilot' is not on this computer any more" in slipped["note"]
    shown = run("focus")
    assert "cannot be shown" in shown.stdout
    # The lowest ones keep the actions stored with the check-in.
    assert "- Say one thing you were holding back." in shown.stdout


def test_a_slipped_strategy_the_checklist_no_longer_has_is_explained(
        trustcheck_home: Path) -> None:
    pilot = pilot_checklist(trustcheck_home)
    saved({"open.1": 5, "listen.1": 5, "plan.1": 5, "care.1": 5}, days_ago=30, checklist=pilot)
    saved({"open.1": 3, "listen.1": 1, "plan.1": 1, "care.1": 2}, days_ago=1, checklist=pilot)
    pilot_checklist(trustcheck_home, first="candid")  # "open" renamed since
    [slipped] = focus_json()["slipped"]
    assert slipped["strategy"] == "open"
    assert "no longer has this strategy" in slipped["note"]


@pytest.mark.parametrize("command", ["focus", "commitments"])
def test_new_commands_have_help(command: str) -> None:
    shown = run(command, "--help")
    assert shown.exit_code == 0
    assert '--partner ""' in " ".join(shown.stdout.split())


def test_a_strength_is_not_called_your_highest_when_a_slipped_strategy_is_higher() -> None:
    before = made(values(default=50, recognition=100), days_ago=30)
    answers = values(default=50, recognition=75, empathy=75)
    plain_item = next(i for i in MENTOR.strategy("empathy").items if not i.reverse)
    answers[plain_item.id] = 3  # empathy: 75 on every statement but one, which is 50
    count = len(MENTOR.strategy("empathy").items)
    expected = round((75 * (count - 1) + 50) / count, 1)  # 4 statements: 68.8
    # recognition 100 -> 69: a reliable drop (more than 30.4), yet still the top score
    latest = with_scores(made(answers, days_ago=1), recognition=69.0)
    found = planning.plan(latest, before, [], checklist=MENTOR)
    assert [i.strategy for i in found.slipped] == ["recognition"]
    [strength] = found.strengths
    assert strength.strategy == "empathy"
    assert strength.reason.startswith(f"Scored {expected} of 100 (solid), your second highest.")
