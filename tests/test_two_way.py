"""Two-way trust (issue 11 §3): how each partner sees themselves beside how the other sees them,
blind spots and hidden strengths by the reliable-change rule, felt trust both ways, and the same
JSON on both sides."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

from conftest import make, run, save
from hypothesis import given
from hypothesis import strategies as st

from trustcheck import reliability
from trustcheck.compare import (
    ABOUT_THE_SAME,
    BLIND_SPOT,
    HIDDEN_STRENGTH,
    two_way,
    two_way_to_dict,
)
from trustcheck.exchange import SharedScores, SharedStrategy, from_assessment, to_dict
from trustcheck.scoring import PartnerScores, StrategyScore

FELT = "felt_trust"
TAKEN = datetime(2026, 11, 30, 10, 0, tzinfo=timezone.utc)


# --- helpers ---------------------------------------------------------------------------------


def seen(scores: dict[str, float], titles: dict[str, str], sem: float = 6.0,
         felt: float | None = 70.0) -> PartnerScores:
    """A partner view: the partner's strategies at these scores, and felt trust."""
    return PartnerScores(
        None if felt is None else StrategyScore(FELT, "Felt trust", "partner", felt, 5, 5,
                                                sem=sem),
        tuple(StrategyScore(k, titles.get(k, k), "partner", v, 2, 2, sem=sem)
              for k, v in scores.items()))


def titles_of(result) -> dict[str, str]:
    return {s.id: s.title for s in result.strategies}


def pair(mentor_seen_as: dict[str, float], mentee_seen_as: dict[str, float], *,
         mentor_felt: float | None = 70.0, mentee_felt: float | None = 80.0):
    """A mentor and a mentee who answered every statement 3 (the middle, also for reverse
    statements: each strategy 50, ± its SEM), each with a partner view of the other (± 6)."""
    mentor = make("a" * 32, role="mentor", value=3, days=30)
    mentee = make("b" * 32, role="mentee", value=3, days=29)
    mentor = mentor._replace(partner_view=seen(mentee_seen_as, titles_of(mentee),
                                               felt=mentor_felt))
    mentee = mentee._replace(partner_view=seen(mentor_seen_as, titles_of(mentor),
                                               felt=mentee_felt))
    return mentor, mentee


def side_json(side: SharedScores) -> dict:
    """A partner's side as a plain (unsealed) scores file holds it."""
    return to_dict(side)


def write_side(folder: Path, name: str, side: SharedScores) -> Path:
    path = folder / name
    path.write_text(json.dumps(side_json(side)), encoding="utf-8")
    return path


# --- the pure comparison -------------------------------------------------------------------


def test_a_blind_spot_and_a_hidden_strength_come_from_the_partners_view():
    # The mentor rates themselves 50 ± 10 everywhere; the mentee sees them at 20 ± 6 on
    # transparency (clearly lower: more than 22.8 apart), 99 on listening (clearly higher) and
    # 70 on empathy (within the noise).
    mentor, mentee = pair({"transparency": 20.0, "active_listening": 99.0, "empathy": 70.0}, {})
    found = two_way(from_assessment(mentor), from_assessment(mentee))
    verdicts = {v.strategy: v.verdict for v in found.you_seen}
    assert verdicts == {"transparency": BLIND_SPOT, "active_listening": HIDDEN_STRENGTH,
                        "empathy": ABOUT_THE_SAME}
    transparency = next(v for v in found.you_seen if v.strategy == "transparency")
    assert transparency.difference == 30.0 and transparency.self_score == 50.0
    assert transparency.threshold == reliability.difference(
        20.0, 50.0, 6.0, transparency.self_sem).threshold
    assert [v.strategy for v in found.you_seen][0] == "active_listening"  # largest first
    assert found.partner_seen == ()  # the mentor gave no view of the mentee here


def test_only_strategies_with_both_views_are_compared():
    mentor, mentee = pair({"transparency": 40.0, "not_in_the_checklist": 10.0}, {})
    found = two_way(from_assessment(mentor), from_assessment(mentee))
    assert [v.strategy for v in found.you_seen] == ["transparency"]


def test_two_sides_of_one_role_are_refused():
    mentor, _ = pair({}, {})
    result = None
    try:
        two_way(from_assessment(mentor), from_assessment(mentor))
    except Exception as exc:  # noqa: BLE001 - the message is what the person sees
        result = exc
    assert result is not None and "Both sides are from a mentor" in str(result)


def test_both_partners_get_the_same_json_apart_from_who_is_you():
    mentor, mentee = pair({"transparency": 40.0, "empathy": 70.0},
                          {"open_communication": 95.0, "empathy": 20.0})
    from_mentor = two_way_to_dict(two_way(from_assessment(mentor), from_assessment(mentee)))
    from_mentee = two_way_to_dict(two_way(from_assessment(mentee), from_assessment(mentor)))
    assert from_mentor["you"] == "mentor" and from_mentee["you"] == "mentee"
    assert json.dumps({**from_mentor, "you": None}) == json.dumps({**from_mentee, "you": None})
    assert from_mentor["sides"]["mentor"]["felt_trust"]["score"] == 70.0
    assert from_mentor["sides"]["mentee"]["felt_trust"]["score"] == 80.0


score = st.floats(min_value=0, max_value=100, allow_nan=False).map(lambda x: round(x, 1))
sem = st.floats(min_value=0.5, max_value=15, allow_nan=False).map(lambda x: round(x, 1))


def shared_side(role: str, own: dict[str, tuple[float, float]],
                view: dict[str, tuple[float, float]]) -> SharedScores:
    return SharedScores(role, TAKEN, (role, "1", "0" * 64),
                        tuple(SharedStrategy(k, k, s, e) for k, (s, e) in own.items()),
                        None, None, None,
                        tuple(SharedStrategy(k, k, s, e) for k, (s, e) in view.items()))


scored_strategies = st.dictionaries(st.sampled_from(["a", "b", "c", "shared"]),
                                    st.tuples(score, sem), min_size=1)


@given(scored_strategies, scored_strategies, scored_strategies, scored_strategies)
def test_the_rule_is_symmetric_and_never_flags_inside_the_noise(mentor_own, mentor_view,
                                                               mentee_own, mentee_view):
    mentor = shared_side("mentor", mentor_own, mentor_view)
    mentee = shared_side("mentee", mentee_own, mentee_view)
    mine, swapped = two_way(mentor, mentee), two_way(mentee, mentor)
    # My blind spots (and everything else) are exactly what the swapped comparison reports as
    # my partner's side, and the other way round.
    assert mine.you_seen == swapped.partner_seen
    assert mine.partner_seen == swapped.you_seen
    for view in mine.you_seen + mine.partner_seen:
        inside = abs(view.self_score - view.seen) <= reliability.threshold(view.self_sem,
                                                                          view.seen_sem)
        if inside:
            assert view.verdict == ABOUT_THE_SAME
        else:
            assert view.verdict == (BLIND_SPOT if view.self_score > view.seen
                                    else HIDDEN_STRENGTH)


# --- through the CLI, with a real history ----------------------------------------------------


def test_compare_sets_my_latest_check_in_beside_my_partners_file(tmp_path, trustcheck_home):
    mentor, mentee = pair({"transparency": 20.0, "active_listening": 99.0}, {})
    save(trustcheck_home, make("c" * 32, role="mentor", value=2, days=1), mentor)
    theirs = write_side(tmp_path, "from-my-mentee.json", from_assessment(mentee))

    shown = run("compare", str(theirs), "--partner", "Sam")
    assert shown.exit_code == 0, shown.stderr
    text = shown.stdout
    assert "How you see yourself, and how your mentee sees you" in text
    transparency = next(s for s in mentor.strategies if s.id == "transparency")
    assert "Be transparent" in text and f"50 ± {transparency.sem:.0f}" in text
    assert "20 ± 6" in text
    assert "blind spot" in text and "hidden strength" in text
    assert "Your mentee trusts you: 80 ± 6" in text
    for item_id in mentor.answers:  # no item answers, ever
        assert item_id not in text

    data = json.loads(run("compare", str(theirs), "--partner", "Sam", "-f", "json").stdout)
    mine = data["sides"]["mentor"]
    assert data["schema"] == "trustcheck/comparison/v3" and data["you"] == "mentor"
    assert mine["taken_at"] == "2026-03-31T09:00:00Z"  # the latest check-in, not the older one
    assert {v["strategy"]: v["verdict"] for v in mine["seen_by_partner"]} == {
        "transparency": BLIND_SPOT, "active_listening": HIDDEN_STRENGTH}


def test_both_partners_running_compare_get_the_same_json(tmp_path, trustcheck_home):
    """Each person's own side from their history, the other's from a file: while check-ins do not
    store a partner view yet, each side's view comes through the file of the other."""
    mentor, mentee = pair({"transparency": 20.0}, {"open_communication": 95.0})
    mentor_home, mentee_home = tmp_path / "mentor", tmp_path / "mentee"
    for home, result in ((mentor_home, mentor), (mentee_home, mentee)):
        home.mkdir()
        save(home, result)
    from_mentor = write_side(tmp_path, "from-mentor.json", from_assessment(mentor))
    from_mentee = write_side(tmp_path, "from-mentee.json", from_assessment(mentee))

    outputs = []
    for home, theirs in ((mentor_home, from_mentee), (mentee_home, from_mentor)):
        shown = run("--data-dir", str(home), "compare", str(theirs), "--partner", "Sam",
                    "-f", "json")
        assert shown.exit_code == 0, shown.stderr
        outputs.append(json.loads(shown.stdout))
    mentor_run, mentee_run = outputs
    assert (mentor_run["you"], mentee_run["you"]) == ("mentor", "mentee")
    # The sides from each file are the same figures the history gives on the other computer.
    assert mentor_run["sides"]["mentee"]["overall"] == mentee_run["sides"]["mentee"]["overall"]
    assert mentor_run["sides"]["mentor"]["seen_by_partner"][0]["verdict"] == BLIND_SPOT


def test_an_exported_result_file_is_read_as_the_partners_side(tmp_path, trustcheck_home):
    from trustcheck.paths import builtin_folder
    from trustcheck.usecases.two_way import read_side

    exported = run("assess", "--role", "mentee", "--no-save", "--format", "json",
                   "--answers", str(_answers(tmp_path, "mentee")))
    assert exported.exit_code == 0, exported.stderr
    result_file = tmp_path / "mentee-result.json"
    result_file.write_text(exported.stdout, encoding="utf-8")
    result = json.loads(exported.stdout)

    side = read_side(result_file, [(builtin_folder(), True)])
    assert side.role == "mentee" and side.overall == result["overall"] == 50.0
    assert [(s.id, s.score, s.sem) for s in side.strategies] == [
        (s["id"], s["score"], s["sem"]) for s in result["strategies"]]
    assert side.checklist == (result["checklist"]["id"], result["checklist"]["version"],
                              result["checklist"]["sha256"])
    # A result without the part about the partner, beside a check-in without it: nothing
    # two-way to show, and compare says so.
    save(trustcheck_home, make("a" * 32, role="mentor"))
    shown = run("compare", str(result_file), "--partner", "Sam")
    assert shown.exit_code == 2
    assert shown.stderr.startswith("Neither side holds a view of the other person")


def _answers(folder: Path, role: str) -> Path:
    """An answers file with every statement answered 3 (every strategy scores 50)."""
    from conftest import builtin

    path = folder / f"{role}-answers.json"
    path.write_text(json.dumps({"role": role, "answers": {
        item.id: 3 for item in builtin(role).items}}), encoding="utf-8")
    return path


def test_without_a_check_in_with_that_partner_compare_says_what_to_do(tmp_path,
                                                                      trustcheck_home):
    _, mentee = pair({"transparency": 40.0}, {})
    theirs = write_side(tmp_path, "theirs.json", from_assessment(mentee))
    shown = run("compare", str(theirs), "--partner", "Kim")
    assert shown.exit_code == 2
    assert "There is no check-in as a mentor with Kim yet" in shown.stderr
    assert "Traceback" not in shown.stderr and len(shown.stderr.strip().splitlines()) == 1


def test_a_broken_partner_file_is_refused_kindly(tmp_path, trustcheck_home):
    mentor, _ = pair({}, {})
    save(trustcheck_home, mentor)
    broken = tmp_path / "broken.json"
    broken.write_text('{"role": "mentee", "strategies": "lots"}', encoding="utf-8")
    shown = run("compare", str(broken), "--partner", "Sam")
    assert shown.exit_code == 2
    assert shown.stderr.startswith(f"{broken} is not a scores file trustcheck can read")
    not_json = tmp_path / "notes.json"
    not_json.write_text("hello", encoding="utf-8")
    shown = run("compare", str(not_json), "--partner", "Sam")
    assert shown.exit_code == 2 and "is not a JSON file trustcheck wrote" in shown.stderr


def test_sides_without_any_view_of_each_other_say_so(tmp_path, trustcheck_home):
    mentor = make("a" * 32, role="mentor")
    mentee = make("b" * 32, role="mentee")
    save(trustcheck_home, mentor)
    theirs = write_side(tmp_path, "theirs.json", from_assessment(mentee))
    shown = run("compare", str(theirs), "--partner", "Sam")
    assert shown.exit_code == 2
    assert "Neither side holds a view of the other person" in shown.stderr


def test_the_json_matches_the_comparison_v3_schema(tmp_path, trustcheck_home):
    from test_schemas import assert_matches

    mentor, mentee = pair({"transparency": 40.0}, {"open_communication": 95.0},
                          mentor_felt=None)
    save(trustcheck_home, mentor)
    theirs = write_side(tmp_path, "theirs.json", from_assessment(mentee))
    shown = run("compare", str(theirs), "--partner", "Sam", "-f", "json")
    assert shown.exit_code == 0, shown.stderr
    assert_matches("comparison-v3", json.loads(shown.stdout))


def test_comparing_two_results_still_works_and_refuses_the_guide(tmp_path, trustcheck_home):
    mentor, mentee = pair({}, {})
    save(trustcheck_home, mentor)
    theirs = write_side(tmp_path, "theirs.json", from_assessment(mentee))
    shown = run("compare", "last", str(theirs), "--format", "markdown")
    assert shown.exit_code == 2
    assert "The conversation guide needs your partner's view of you" in shown.stderr
