"""`trustcheck compare`: a mentor's and a mentee's view side by side, and scores-only exports."""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path

import pytest
from conftest import run

from trustcheck import assessment, reliability
from trustcheck import checklist as checklists
from trustcheck.compare import scores_only
from trustcheck.paths import builtin_folder

MENTOR_OWN = ["transparency", "active_listening", "realistic_expectations",
              "constructive_feedback", "confidentiality"]
MENTEE_OWN = ["open_communication", "appreciation", "respect_boundaries", "growth_commitment",
              "seek_feedback"]
SHARED = ["consistency", "accountability", "empathy", "shared_goals", "recognition",
          "conflict_resolution"]


# --- helpers ---------------------------------------------------------------------------------


def answers_file(folder: Path, role: str, levels: dict[str, int] | None = None, *,
                 partner: str | None = None, checklist: Path | None = None,
                 default: int = 4) -> Path:
    """An answers file agreeing at `levels[strategy]` (1..5) with every statement of a strategy
    (reverse-keyed statements get the mirrored answer), so a level of 5 scores 100, 4 scores 75,
    3 scores 50 and 2 scores 25."""
    levels = levels or {}
    used = checklists.load(checklist or builtin_folder() / f"{role}.yaml")
    values = {}
    for item in used.items:
        level = levels.get(item.strategy, default)
        values[item.id] = 6 - level if item.reverse else level
    path = folder / f"{role}-{len(list(folder.iterdir()))}-answers.json"
    data = {"role": role, "answers": values}
    if partner is not None:
        data["partner"] = partner
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def assess(folder: Path, role: str, levels: dict[str, int] | None = None, *,
           partner: str | None = None, checklist: str | None = None,
           checklist_path: Path | None = None, save: bool = True) -> dict:
    """Take an assessment from an answers file; return the printed JSON result."""
    path = answers_file(folder, role, levels, partner=partner, checklist=checklist_path)
    args = ["assess", "--role", role, "--answers", str(path), "--format", "json"]
    if checklist:
        args += ["--checklist", checklist]
    if not save:
        args.append("--no-save")
    result = run(*args)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def write(folder: Path, name: str, data: object) -> Path:
    path = folder / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def with_scores(result: dict, scores: dict[str, float]) -> dict:
    """A copy of a result with some strategy scores set by hand (as in a scores-only file)."""
    changed = json.loads(json.dumps(result))
    for strategy in changed["strategies"]:
        if strategy["id"] in scores:
            strategy["score"] = scores[strategy["id"]]
    return changed


def compare_json(a: str | Path, b: str | Path) -> dict:
    result = run("compare", str(a), str(b), "--format", "json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture
def work(tmp_path: Path) -> Path:
    folder = tmp_path / "work"
    folder.mkdir()
    return folder


def user_checklist(home: Path, name: str, text: str) -> Path:
    folder = home / "checklists"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def custom_mentor_checklist(home: Path, shared_text: str) -> Path:
    """A user's mentor checklist 'team-mentor' that includes their own copy of the shared part."""
    user_checklist(home, "team-shared.yaml", shared_text)
    mentor = (builtin_folder() / "mentor.yaml").read_text(encoding="utf-8")
    mentor = mentor.replace("id: mentor\n", "id: team-mentor\n", 1)
    mentor = mentor.replace("  - shared.yaml", "  - team-shared.yaml", 1)
    return user_checklist(home, "team-mentor.yaml", mentor)


SHARED_TEXT = (builtin_folder() / "shared.yaml").read_text(encoding="utf-8")


# --- comparing saved results and result files ------------------------------------------------


def test_two_saved_results_compared_by_id_flag_the_big_gap_with_actions(work: Path) -> None:
    mine = assess(work, "mentor", {"empathy": 5}, partner="Sam")
    assess(work, "mentee", {"empathy": 3}, partner="Alex")

    result = run("compare", mine["id"][:8], "last")

    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert ('You see "Show empathy" 50 points higher than your mentee does: worth talking '
            'about together.') in " ".join(out.split())
    # Each action by its words, never its id (ids are in --format json).
    mentor = checklists.load(builtin_folder() / "mentor.yaml")
    flat = " ".join(out.split())
    for action in mentor.strategy("empathy").actions:
        assert f"- {action.text}" in flat
        assert action.id not in out
    assert ('`trustcheck commitments add "WHAT YOU AGREED" --partner NAME` keeps it'
            in flat)
    assert "Sam" in out and "Alex" in out
    assert result.stderr == ""


def test_result_files_from_assess_compare_the_same_way_as_saved_ids(work: Path) -> None:
    mine = assess(work, "mentee", {"recognition": 2}, save=False)
    theirs = assess(work, "mentor", {"recognition": 4}, save=False)
    mine_file = write(work, "me.json", mine)
    theirs_file = write(work, "them.json", theirs)

    result = run("compare", str(mine_file), str(theirs_file))

    assert result.exit_code == 0, result.stderr
    assert ('Your mentor sees "Recognise progress" 50 points higher than you do: worth talking '
            'about together.') in " ".join(result.stdout.split())


def test_a_history_show_json_file_and_a_saved_id_can_be_mixed(work: Path) -> None:
    assess(work, "mentor", {"consistency": 5})
    shown = run("history", "show", "last", "--format", "json")
    mentor_file = work / "mentor-result.json"
    mentor_file.write_text(shown.stdout, encoding="utf-8")
    assess(work, "mentee", {"consistency": 2})

    found = compare_json(mentor_file, "last")

    top = found["shared"][0]
    assert (top["strategy"], top["a"], top["b"], top["gap"]) == ("consistency", 100.0, 25.0, 75.0)


def test_a_list_with_exactly_one_result_is_read_and_a_longer_list_is_refused(work: Path) -> None:
    mentor = assess(work, "mentor", save=False)
    mentee = assess(work, "mentee", save=False)
    one = write(work, "one.json", [mentor])
    two = write(work, "two.json", [mentor, mentee])
    mentee_file = write(work, "mentee.json", mentee)

    assert run("compare", str(one), str(mentee_file)).exit_code == 0
    refused = run("compare", str(two), str(mentee_file))

    assert refused.exit_code == 2
    assert "holds 2 check-ins" in refused.stderr
    assert "history export --id" in refused.stderr
    assert refused.stdout == ""


def test_no_gap_worth_flagging_says_you_see_it_the_same_way(work: Path) -> None:
    a = write(work, "a.json", assess(work, "mentor", save=False))
    b = write(work, "b.json", assess(work, "mentee", save=False))

    result = run("compare", str(a), str(b))

    assert result.exit_code == 0
    assert ("Your views of every shared strategy are about the same: each gap is within what "
            "two check-ins can differ by with nothing changed") in " ".join(result.stdout.split())
    assert "worth talking about together." not in result.stdout


# --- what is shown -----------------------------------------------------------------------------


# A result carries each score's SEM (from the checklist's stated reliability of the strategy):
# the reliable-change threshold is 1.96 x sqrt(SEM_a² + SEM_b²), shown rounded down.
EMPATHY = checklists.load(builtin_folder() / "shared.yaml").strategy("empathy")
EMPATHY_SEM = round(reliability.sem(EMPATHY.reliability), 1)  # 0.75: 10.0
EMPATHY_LIMIT = reliability.threshold(EMPATHY_SEM, EMPATHY_SEM)  # 27.72
SHOWN_LIMIT = math.floor(EMPATHY_LIMIT * 10) / 10


@pytest.mark.parametrize(("over", "flagged"), [
    (0.1, True),    # 0.1 more than the threshold as shown: more than the noise
    (0.0, False),   # the threshold as shown: about the same
])
@pytest.mark.parametrize("mentor_higher", [True, False])
def test_a_gap_beyond_the_reliable_change_threshold_is_flagged_and_one_within_it_is_not(
        work: Path, over: float, flagged: bool, mentor_higher: bool) -> None:
    high, low = round(50.1 + SHOWN_LIMIT + over, 1), 50.1
    mine, theirs = (high, low) if mentor_higher else (low, high)
    a = write(work, "a.json", with_scores(scores_only(assess(work, "mentor", save=False)),
                                          {"empathy": mine}))
    b = write(work, "b.json", with_scores(scores_only(assess(work, "mentee", save=False)),
                                          {"empathy": theirs}))

    found = compare_json(a, b)
    text = " ".join(run("compare", str(a), str(b)).stdout.split())

    empathy = next(g for g in found["shared"] if g["strategy"] == "empathy")
    assert empathy["flagged"] is flagged
    gap = round(SHOWN_LIMIT + over, 1)
    assert abs(empathy["gap"]) == gap
    assert (empathy["sem_a"], empathy["sem_b"], empathy["threshold"]) == \
        (EMPATHY_SEM, EMPATHY_SEM, SHOWN_LIMIT)
    assert empathy["direction"] == ("about the same" if not flagged
                                    else "a higher" if mine > theirs else "b higher")
    assert (f'"Show empathy" {gap} points higher' in text) is flagged
    assert ("worth talking about together." in text) is flagged
    row = next(line for line in run("compare", str(a), str(b)).stdout.splitlines()
               if line.startswith("Show empathy"))
    assert ("about the same" in row) is not flagged and (f"± {EMPATHY_SEM:.0f}" in row)


def test_shared_strategies_come_largest_gap_first_and_flagged_ones_are_numbered_that_way(
        work: Path) -> None:
    a = write(work, "a.json", with_scores(scores_only(assess(work, "mentor", save=False)), {
        "consistency": 60.0, "accountability": 90.0, "empathy": 95.0, "recognition": 30.0}))
    b = write(work, "b.json", with_scores(scores_only(assess(work, "mentee", save=False)), {
        "consistency": 62.0, "accountability": 45.0, "empathy": 60.0, "recognition": 70.0}))

    found = compare_json(a, b)
    text = " ".join(run("compare", str(a), str(b)).stdout.split())

    order = [g["strategy"] for g in found["shared"]]
    assert order[:4] == ["accountability", "recognition", "empathy", "consistency"]
    assert [g["gap"] for g in found["shared"][:4]] == [45.0, -40.0, 35.0, -2.0]
    assert text.index('1. You see "Be accountable" 45 points') \
        < text.index('2. Your mentee sees "Recognise progress" 40 points') \
        < text.index('3. You see "Show empathy" 35 points')
    assert "4." not in text.split("Worth talking about together")[1].split("Only you")[0]


def test_a_strategy_one_side_could_not_score_is_listed_last_and_never_flagged(
        work: Path) -> None:
    a = write(work, "a.json", with_scores(scores_only(assess(work, "mentor", save=False)),
                                          {"consistency": None, "empathy": 90.0}))
    b = write(work, "b.json", with_scores(scores_only(assess(work, "mentee", save=False)),
                                          {"consistency": 10.0}))

    found = compare_json(a, b)
    text = run("compare", str(a), str(b)).stdout

    last = found["shared"][-1]
    assert (last["strategy"], last["a"], last["gap"], last["flagged"]) == \
        ("consistency", None, None, False)
    assert "not enough answers to compare" in text
    assert '"Be consistent"' not in text


def test_role_specific_strategies_are_listed_separately_with_each_sides_own_scores(
        work: Path) -> None:
    a = write(work, "a.json", assess(work, "mentor", {"transparency": 2}, save=False))
    b = write(work, "b.json", assess(work, "mentee", {"appreciation": 5}, save=False))

    found = compare_json(a, b)
    text = run("compare", str(a), str(b)).stdout

    assert [g["strategy"] for g in found["shared"]] == SHARED  # all gaps 0: checklist order
    assert [s["id"] for s in found["own"]["a"]] == MENTOR_OWN
    assert [s["id"] for s in found["own"]["b"]] == MENTEE_OWN
    assert found["own"]["a"][0]["score"] == 25.0
    assert found["own"]["b"][1]["score"] == 100.0
    mine = text.split("Only you answer these (mentor strategies)")[1]
    theirs = mine.split("Only your mentee answers these (mentee strategies)")[1]
    assert "Be transparent" in mine.split("Only your mentee")[0]
    assert "Show appreciation" in theirs and "Be transparent" not in theirs


def test_json_output_has_the_documented_comparison_shape(work: Path) -> None:
    mentor = assess(work, "mentor", {"empathy": 5}, partner="Sam", save=False)
    mentee = assess(work, "mentee", {"empathy": 2}, partner="Alex", save=False)
    a, b = write(work, "a.json", mentor), write(work, "b.json", scores_only(mentee))

    found = compare_json(a, b)

    assert found["schema"] == "trustcheck/comparison/v2"
    assert set(found) == {"schema", "a", "b", "shared", "overall", "own"}
    assert found["a"] == {
        "id": mentor["id"], "role": "mentor", "partner": "Sam", "cohort": None,
        "created_at": mentor["created_at"], "checklist": mentor["checklist"],
        "overall": mentor["overall"], "band": mentor["band"], "scores_only": False,
        "taken_as_stated": None}
    assert found["b"]["scores_only"] is True
    assert found["b"]["partner"] is None  # a scores-only export leaves the name out
    empathy = found["shared"][0]
    assert set(empathy) == {"strategy", "title", "a", "b", "gap", "sem_a", "sem_b",
                            "threshold", "direction", "flagged", "actions", "note"}
    assert empathy["direction"] == "a higher"
    assert (empathy["strategy"], empathy["a"], empathy["b"], empathy["gap"]) == \
        ("empathy", 100.0, 25.0, 75.0)
    assert empathy["flagged"] is True and empathy["note"] is None
    assert empathy["actions"][0] == {"id": "empathy.check-in-first",
                                     "text": empathy["actions"][0]["text"]}
    assert all(g["actions"] == [] for g in found["shared"][1:])
    # Each overall index carries its SEM (about 3 points for 11 strategies): the threshold is
    # 1.96 x sqrt(SEM_a² + SEM_b²), shown rounded down.
    gap = round(mentor["overall"] - mentee["overall"], 1)
    limit = reliability.threshold(mentor["overall_sem"], mentee["overall_sem"])
    assert found["overall"] == {"a": mentor["overall"], "b": mentee["overall"], "gap": gap,
                                "threshold": math.floor(limit * 10) / 10,
                                "direction": "a higher" if gap > limit else "about the same"}
    assert set(found["own"]["a"][0]) == {"id", "title", "group", "score", "sem", "answered",
                                         "total", "band"}


def test_partner_names_are_printed_literally_without_control_characters(work: Path) -> None:
    name = "Sam <b>[red]\x1b[31mX\x07"
    a = write(work, "a.json", assess(work, "mentor", partner=name, save=False))
    b = write(work, "b.json", assess(work, "mentee", partner="Alex", save=False))

    text = run("compare", str(a), str(b))
    found = run("compare", str(a), str(b), "--format", "json")

    assert text.exit_code == 0
    assert "Sam <b>[red]" in text.stdout  # no markup is interpreted
    assert "\x1b" not in text.stdout and "\x07" not in text.stdout
    assert "\x1b" not in found.stdout and "\\u001b" in found.stdout
    assert json.loads(found.stdout)["a"]["partner"] == name


def test_actions_are_explained_when_the_checklist_is_not_on_this_computer(
        work: Path, trustcheck_home: Path) -> None:
    path = custom_mentor_checklist(trustcheck_home, SHARED_TEXT)
    mentor = assess(work, "mentor", {"empathy": 5}, checklist="team-mentor", save=False,
                    checklist_path=path)
    mentee = assess(work, "mentee", {"empathy": 2}, save=False)
    # The mentee's machine has neither the mentor's checklist nor a built-in 'mentee' copy of
    # this one: pretend by renaming what the results point at.
    mentee["checklist"]["id"] = "their-mentee"
    a, b = write(work, "a.json", scores_only(mentor)), write(work, "b.json", scores_only(mentee))
    shutil.rmtree(trustcheck_home / "checklists")

    found = compare_json(a, b)
    text = " ".join(run("compare", str(a), str(b)).stdout.split())

    empathy = found["shared"][0]
    assert empathy["flagged"] and empathy["actions"] == []
    assert empathy["note"].startswith(
        "Neither the checklist 'team-mentor' nor 'their-mentee' is on this computer")
    assert "cannot suggest actions; ask each other what would help." in text


# --- refusals ------------------------------------------------------------------------------------


def test_two_mentor_results_are_refused_with_a_plain_sentence(work: Path) -> None:
    a = write(work, "a.json", assess(work, "mentor", save=False))
    b = write(work, "b.json", assess(work, "mentor", {"empathy": 2}, save=False))

    result = run("compare", str(a), str(b))

    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.strip() == (
        "Both check-ins are from a mentor; please compare one mentor check-in with one mentee "
        "check-in about the same relationship.")


def test_the_same_saved_result_twice_is_refused(work: Path) -> None:
    assess(work, "mentee")

    result = run("compare", "last", "last")

    assert result.exit_code == 2
    assert "Both check-ins are from a mentee" in result.stderr


SOLO_MENTOR = """\
id: solo-mentor
version: 1
title: A mentor checklist with nothing shared
role: mentor
strategies:
  - id: transparency
    title: Be transparent
    items:
      - id: transparency.1
        text: I explained my reasoning.
      - id: transparency.2
        text: I shared a mistake.
"""


def test_checklists_without_shared_strategies_in_common_are_refused(
        work: Path, trustcheck_home: Path) -> None:
    path = user_checklist(trustcheck_home, "solo-mentor.yaml", SOLO_MENTOR)
    mine = assess(work, "mentor", checklist="solo-mentor", checklist_path=path)
    assess(work, "mentee")

    result = run("compare", mine["id"], "last")

    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith(
        "The checklists 'solo-mentor' and 'mentee' have no shared strategy in common, so there "
        "is nothing to compare")
    assert "Traceback" not in result.stderr


def _shared_with_a_different_empathy_statement() -> str:
    changed = SHARED_TEXT.replace("      - id: empathy.6\n", "      - id: empathy.9\n", 1)
    assert changed != SHARED_TEXT
    return changed


def test_a_shared_strategy_rated_through_different_statements_is_refused(
        work: Path, trustcheck_home: Path) -> None:
    path = custom_mentor_checklist(trustcheck_home, _shared_with_a_different_empathy_statement())
    a = write(work, "a.json", assess(work, "mentor", checklist="team-mentor",
                                     checklist_path=path, save=False))
    b = write(work, "b.json", assess(work, "mentee", save=False))

    result = run("compare", str(a), str(b))

    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert "rate the shared strategies through different statements" in lines[0]
    assert lines[1] == ("  - 'empathy': statements only in team-mentor: empathy.9; only in "
                        "mentee: empathy.6")


def test_different_statements_are_found_from_the_answers_when_the_checklist_is_gone(
        work: Path, trustcheck_home: Path) -> None:
    path = custom_mentor_checklist(trustcheck_home, _shared_with_a_different_empathy_statement())
    a = write(work, "a.json", assess(work, "mentor", checklist="team-mentor",
                                     checklist_path=path, save=False))
    b = write(work, "b.json", assess(work, "mentee", save=False))
    shutil.rmtree(trustcheck_home / "checklists")

    result = run("compare", str(a), str(b))

    assert result.exit_code == 2
    assert "'empathy': statements only in team-mentor: empathy.9" in result.stderr


def test_a_scores_only_result_with_a_different_number_of_shared_statements_is_refused(
        work: Path, trustcheck_home: Path) -> None:
    extra = SHARED_TEXT.replace(
        "      - id: empathy.6\n",
        "      - id: empathy.9\n        text: I asked my {other} how they were.\n"
        "      - id: empathy.6\n", 1)
    path = custom_mentor_checklist(trustcheck_home, extra)
    mentor = assess(work, "mentor", checklist="team-mentor", checklist_path=path, save=False)
    a = write(work, "a.json", scores_only(mentor))
    b = write(work, "b.json", scores_only(assess(work, "mentee", save=False)))
    shutil.rmtree(trustcheck_home / "checklists")  # as on the mentee's computer

    result = run("compare", str(a), str(b))

    assert result.exit_code == 2
    assert "'empathy' has 5 statements in team-mentor but 4 in mentee" in result.stderr


def test_a_shared_part_with_the_same_statements_under_another_checklist_id_compares(
        work: Path, trustcheck_home: Path) -> None:
    path = custom_mentor_checklist(trustcheck_home, SHARED_TEXT)
    a = write(work, "a.json", assess(work, "mentor", {"empathy": 5}, checklist="team-mentor",
                                     checklist_path=path, save=False))
    b = write(work, "b.json", assess(work, "mentee", {"empathy": 3}, save=False))

    found = compare_json(a, b)

    assert found["shared"][0]["strategy"] == "empathy"
    assert found["shared"][0]["actions"]  # from the user's own team-mentor checklist


def test_missing_files_and_unknown_ids_are_reported_plainly(work: Path) -> None:
    mentee = write(work, "b.json", assess(work, "mentee", save=False))
    not_json = work / "notes.txt"
    not_json.write_text("hello", encoding="utf-8")

    missing = run("compare", str(work / "nope.json"), str(mentee))
    unknown = run("compare", "abc123", str(mentee))
    garbage = run("compare", str(not_json), str(mentee))

    assert (missing.exit_code, unknown.exit_code, garbage.exit_code) == (2, 2, 2)
    assert "There is no file at" in missing.stderr
    assert "'abc123' is not a file, and there are no saved check-ins yet" in unknown.stderr
    assert "is not a JSON check-in file" in garbage.stderr
    assert "history export --id last --scores-only" in garbage.stderr


# --- scores-only results -------------------------------------------------------------------------


def _export(*args: str) -> list[dict]:
    result = run("history", "export", *args)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_a_scores_only_export_of_the_last_result_compares_with_your_own(
        work: Path, trustcheck_home: Path) -> None:
    # The mentee, on their own computer, exports their last result as scores only.
    assess(work, "mentee", {"empathy": 2}, partner="Alex (my boss's friend)")
    assess(work, "mentee", {"empathy": 3}, partner="Alex (my boss's friend)")
    out = work / "for-my-mentor.json"
    exported = run("history", "export", "--id", "last", "--scores-only", "-o", str(out))
    assert exported.exit_code == 0, exported.stderr
    assert "Exported 1 check-in" in exported.stderr
    sent = json.loads(out.read_text(encoding="utf-8"))
    # ... and the mentor, on theirs, compares their own saved result with it.
    shutil.rmtree(trustcheck_home)
    assess(work, "mentor", {"empathy": 5}, partner="Alex")

    result = run("compare", "last", str(out))

    assert len(sent) == 1
    assert sent[0]["answers"] == {} and sent[0]["partner"] is None
    assert sent[0]["commitments"] == [] and sent[0]["follow_through"] == []
    assert "my boss" not in out.read_text(encoding="utf-8")
    assert result.exit_code == 0, result.stderr
    text = " ".join(result.stdout.split())
    assert 'You see "Show empathy" 50 points higher than your mentee does' in text
    assert "scores only" in text
    assert "my boss" not in text


def test_export_by_id_picks_one_result_and_scores_only_keeps_every_score(work: Path) -> None:
    first = assess(work, "mentor", {"transparency": 2}, partner="Sam")
    assess(work, "mentee", partner="Alex")

    full = _export("--id", first["id"][:6])
    reduced = _export("--id", first["id"][:6], "--scores-only")
    lines = run("history", "export", "--id", "last", "--scores-only", "--format", "jsonl")

    assert [r["id"] for r in full] == [first["id"]]
    assert full[0]["answers"] == first["answers"] and full[0]["partner"] == "Sam"
    assert reduced[0]["answers"] == {} and reduced[0]["partner"] is None
    for key in ("id", "created_at", "role", "checklist", "strategies", "overall", "band",
                "focus", "obstacles", "strength"):
        assert reduced[0][key] == first[key]
    last = [json.loads(line) for line in lines.stdout.splitlines()]
    assert len(last) == 1 and last[0]["role"] == "mentee" and last[0]["partner"] is None


def test_a_scores_only_export_of_everything_leaves_out_every_name(work: Path) -> None:
    assess(work, "mentor", partner="Sam")
    assess(work, "mentee", partner="Alex")

    reduced = _export("--scores-only")
    csv_text = run("history", "export", "--scores-only", "--format", "csv").stdout

    assert len(reduced) == 2
    assert all(r["partner"] is None and r["answers"] == {} for r in reduced)
    assert "Sam" not in csv_text and "Alex" not in csv_text
    assert csv_text.count("\n") == 3  # header and two rows, still with every score


def test_export_by_id_is_refused_plainly_when_it_cannot_pick_one(work: Path) -> None:
    nothing_yet = run("history", "export", "--id", "last")
    assess(work, "mentor")
    unknown = run("history", "export", "--id", "zzzz")
    mixed = run("history", "export", "--id", "last", "--role", "mentor")

    assert (nothing_yet.exit_code, unknown.exit_code, mixed.exit_code) == (2, 2, 2)
    assert "There are no saved check-ins yet" in nothing_yet.stderr
    assert "There is no saved check-in with the id 'zzzz'" in unknown.stderr
    assert "--id picks one check-in" in mixed.stderr
    assert nothing_yet.stdout == unknown.stdout == mixed.stdout == ""


def test_scores_only_keeps_scores_and_leaves_out_answers_names_and_commitments(
        work: Path) -> None:
    full = assess(work, "mentor", {"empathy": 2}, partner="Sam")
    full["cohort"] = "spring-2026"
    full["commitments"] = [{"action": "empathy.check-in-first", "text": "Ask first",
                            "strategy": "empathy"}]
    full["notes"] = "a private note a later version might add"

    reduced = scores_only(full)

    assert reduced["answers"] == {}
    assert reduced["partner"] is None and reduced["cohort"] is None
    assert reduced["commitments"] == [] and reduced["follow_through"] == []
    assert "notes" not in reduced
    for key in ("schema", "id", "created_at", "role", "checklist", "strategies", "overall",
                "band"):
        assert reduced[key] == full[key]
    assert "Sam" not in json.dumps(reduced)
    assert full["answers"]  # the original is left alone


@pytest.mark.parametrize("answers", [{}, None, "missing"])
def test_a_result_without_answers_is_still_read(work: Path, answers: object) -> None:
    data = scores_only(assess(work, "mentee", save=False))
    if answers == "missing":
        del data["answers"]
    else:
        data["answers"] = answers

    read = assessment.from_dict(data)

    assert read.answers == {}
    assert read.overall == data["overall"]
    assert [s.score for s in read.strategies] == [s["score"] for s in data["strategies"]]
