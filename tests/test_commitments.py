"""Commitments: --commit, reviews in answers files, `trustcheck commitments`, and the rules."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from conftest import builtin, rows, run

from trustcheck import answers as answer_files
from trustcheck import commitments as promises
from trustcheck.checklist import Checklist
from trustcheck.errors import InputError
from trustcheck.records import Commitment, OpenCommitment, Review

MENTOR = builtin("mentor")
LISTEN = "active_listening.summarise-back"
REASONS = "transparency.share-reasoning"
NEXT_STEP = "realistic_expectations.agree-the-next-step"
MADE = datetime(2026, 10, 1, 18, 0, tzinfo=timezone.utc)


# --- helpers ----------------------------------------------------------------------------------


def answers_text(partner: str | None = "Sam", value: int | str = 3,
                 commitments: dict | None = None, **overrides: int | str) -> str:
    """A mentor answers file (JSON) answering every statement with value."""
    data: dict = {"role": "mentor",
                  "answers": {item.id: overrides.get(item.id, value) for item in MENTOR.items}}
    if partner is not None:
        data["partner"] = partner
    if commitments is not None:
        data["commitments"] = commitments
    return json.dumps(data)


def assess(*extra: str, partner: str | None = "Sam", commitments: dict | None = None,
           expect: int = 0, **overrides: int | str):
    """`trustcheck assess --answers -` with a mentor answers file on standard input."""
    result = run("assess", "--answers", "-", *extra,
                 input=answers_text(partner, commitments=commitments, **overrides))
    assert result.exit_code == expect, result.stderr
    return result


def commit_args(*action_ids: str) -> list[str]:
    return [word for action in action_ids for word in ("--commit", action)]


def listed(*extra: str) -> dict:
    result = run("commitments", "--format", "json", *extra)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def statuses(*extra: str) -> dict[str, str]:
    """Each listed commitment's status, by action id."""
    return {c["action"]: c["status"] for r in listed(*extra)["relationships"]
            for c in r["commitments"]}


def parse(text: str, open_actions=None, checklist: Checklist = MENTOR):
    read = answer_files.read(text, source="answers.yaml")
    return answer_files.check(read, checklist, open_actions=open_actions)


def yaml_answers(commitments_block: str, value: int = 3) -> str:
    lines = ["role: mentor", "answers:"] + [f"  {item.id}: {value}" for item in MENTOR.items]
    return "\n".join(lines) + "\n" + commitments_block


def open_one(action: str, made_in: str = "a1") -> OpenCommitment:
    found = MENTOR.action(action)
    return OpenCommitment(made_in, MADE, Commitment(action, found.text, action.split(".")[0]))


# --- the commitments rules (pure) ----------------------------------------------------------------


def test_choose_keeps_the_actions_text_and_strategy_in_the_order_given() -> None:
    chosen = promises.choose(MENTOR, [REASONS, LISTEN])
    assert chosen == (Commitment(REASONS, MENTOR.action(REASONS).text, "transparency"),
                      Commitment(LISTEN, MENTOR.action(LISTEN).text, "active_listening"))


def test_choose_reports_every_unknown_id_and_too_many_at_once() -> None:
    with pytest.raises(InputError) as caught:
        promises.choose(MENTOR, [LISTEN, "listen.harder", REASONS, NEXT_STEP])
    messages = [p.message for p in caught.value.problems]
    assert any("'listen.harder' is not an action in the checklist 'mentor'" in m
               for m in messages)
    assert any("pick at most 2" in m for m in messages)
    assert "nothing was saved" in caught.value.message


def test_choosing_the_same_action_twice_counts_once() -> None:
    assert [c.action for c in promises.choose(MENTOR, [LISTEN, LISTEN])] == [LISTEN]


def test_review_only_covers_commitments_given_a_status() -> None:
    reviewed = promises.review([open_one(LISTEN), open_one(REASONS)], {LISTEN: "partly"})
    assert [(r.action, r.status, r.made_in) for r in reviewed] == [(LISTEN, "partly", "a1")]


def test_follow_through_counts_done_as_one_partly_as_half_and_none_without_reviews() -> None:
    def review(status: str) -> Review:
        return Review(LISTEN, "text", "a1", MADE, status)

    assert promises.follow_through_rate([]) is None
    assert promises.follow_through_rate([review("done"), review("partly"),
                                         review("not_done"), review("done")]) == 62.5


# --- the `commitments:` mapping of an answers file -----------------------------------------------


@pytest.mark.parametrize("written, status", [
    ("done", "done"), ("partly", "partly"), ("not_done", "not_done"), ("not done", "not_done"),
    ("Not Done", "not_done"), ("partly done", "partly"), ("  DONE ", "done"),
])
def test_statuses_are_read_as_people_write_them(written: str, status: str) -> None:
    given = parse(answers_text(commitments={LISTEN: written}), open_actions={LISTEN})
    assert dict(given.follow_through) == {LISTEN: status}


def test_open_commitments_left_out_or_left_empty_stay_open() -> None:
    given = parse(answers_text(commitments={LISTEN: "done", REASONS: None, NEXT_STEP: ""}),
                  open_actions={LISTEN, REASONS, NEXT_STEP, "empathy.check-in-first"})
    assert dict(given.follow_through) == {LISTEN: "done"}


def test_an_id_that_is_not_open_is_reported_with_its_line_and_the_nearest_open_one() -> None:
    text = yaml_answers(f"commitments:\n  {LISTEN}: done\n  transparency.share-reasonin: done\n")
    with pytest.raises(InputError) as caught:
        parse(text, open_actions={LISTEN, REASONS})
    [problem] = caught.value.problems
    assert problem.line == len(MENTOR.items) + 5
    assert "'transparency.share-reasonin' under 'commitments' is not an open commitment" \
        in problem.message
    assert f"Did you mean '{REASONS}'?" in problem.message
    assert "nothing was saved" in caught.value.message


def test_an_unlike_id_lists_the_open_ones() -> None:
    with pytest.raises(InputError) as caught:
        parse(answers_text(commitments={"zzz": "done"}), open_actions={LISTEN, REASONS})
    assert f"The open ones are: {LISTEN}, {REASONS}." in caught.value.problems[0].message


def test_any_entry_is_a_problem_when_nothing_is_open() -> None:
    with pytest.raises(InputError) as caught:
        parse(answers_text(commitments={LISTEN: "done"}), open_actions=set())
    assert "There are none for this role and partner" in caught.value.problems[0].message


def test_a_bad_status_is_listed_with_its_line_together_with_other_answer_problems() -> None:
    text = yaml_answers(f"commitments:\n  {LISTEN}: maybe\n").replace(
        f"  {MENTOR.items[0].id}: 3", f"  {MENTOR.items[0].id}: 9")
    with pytest.raises(InputError) as caught:
        parse(text, open_actions={LISTEN})
    problems = caught.value.problems
    assert len(problems) == 2
    assert "outside the scale" in problems[0].message and problems[0].line == 3
    assert "is marked 'maybe'; use done, partly or not done" in problems[1].message
    assert problems[1].line == len(MENTOR.items) + 4


def test_commitments_that_are_not_a_mapping_are_reported() -> None:
    with pytest.raises(InputError) as caught:
        parse(yaml_answers(f"commitments:\n  - {LISTEN}\n"), open_actions={LISTEN})
    assert "'commitments' should list one 'action id: done, partly or not done' line" in \
        caught.value.problems[0].message


def test_without_open_commitments_to_check_against_any_id_is_read() -> None:
    given = parse(answers_text(commitments={"anything.at-all": "partly"}))
    assert dict(given.follow_through) == {"anything.at-all": "partly"}


def test_a_misspelt_commitments_key_is_caught_like_any_unknown_key() -> None:
    with pytest.raises(InputError) as caught:
        parse(yaml_answers(f"comitments:\n  {LISTEN}: done\n"))
    assert "Did you mean 'commitments'?" in caught.value.problems[0].message


# --- --commit -------------------------------------------------------------------------------------


def test_commit_options_are_saved_with_the_assessment_and_listed_as_open(
        trustcheck_home: Path) -> None:
    result = assess("--format", "json", *commit_args(LISTEN, REASONS))
    data = json.loads(result.stdout)
    assert [c["action"] for c in data["commitments"]] == [LISTEN, REASONS]
    assert data["commitments"][0] == {"action": LISTEN, "text": MENTOR.action(LISTEN).text,
                                      "strategy": "active_listening"}
    assert sorted(rows(trustcheck_home, "SELECT assessment_id, action_id FROM commitments")) == \
        sorted([(data["id"], LISTEN), (data["id"], REASONS)])
    assert statuses() == {LISTEN: "open", REASONS: "open"}


def test_commitments_show_in_the_text_result_of_assess_and_of_history_show() -> None:
    shown = assess(*commit_args(LISTEN))
    assert "Your commitments until the next check-in" in shown.stdout
    # In the person's words, without the action's id (ids stay in JSON and `checklists show`).
    assert f"- {MENTOR.action(LISTEN).text}" in " ".join(shown.stdout.split())
    assert LISTEN not in shown.stdout
    again = run("history", "show", "last")
    assert "Your commitments until the next check-in" in again.stdout


def test_an_unknown_commit_id_exits_2_says_where_to_find_ids_and_saves_nothing(
        trustcheck_home: Path) -> None:
    result = assess(*commit_args("listen.harder"), expect=2)
    assert "'listen.harder' is not an action in the checklist 'mentor'" in result.stderr
    assert "`trustcheck checklists show mentor` lists them" in result.stderr
    assert "nothing was saved" in result.stderr
    assert result.stdout == ""
    assert not (trustcheck_home / "history.db").exists()


def test_three_commitments_are_too_many_and_nothing_is_saved(trustcheck_home: Path) -> None:
    result = assess(*commit_args(LISTEN, REASONS, NEXT_STEP), expect=2)
    assert "you chose 3 commitments; pick at most 2" in result.stderr
    assert not (trustcheck_home / "history.db").exists()


def test_commit_with_no_save_shows_the_commitment_but_keeps_nothing(
        trustcheck_home: Path) -> None:
    result = assess("--no-save", "--format", "json", *commit_args(LISTEN))
    assert [c["action"] for c in json.loads(result.stdout)["commitments"]] == [LISTEN]
    assert "Not saved (--no-save)." in result.stderr
    assert not (trustcheck_home / "history.db").exists()


# --- reviewing at the next check-in ---------------------------------------------------------------


def test_reviews_from_the_answers_file_are_stored_with_the_next_check_in(
        trustcheck_home: Path) -> None:
    first = json.loads(assess("--format", "json", *commit_args(LISTEN, REASONS)).stdout)
    second = json.loads(assess("--format", "json", commitments={LISTEN: "not done"}).stdout)

    assert second["follow_through"] == [{
        "action": LISTEN, "text": MENTOR.action(LISTEN).text, "made_in": first["id"],
        "made_at": first["created_at"], "status": "not_done"}]
    assert rows(trustcheck_home, "SELECT assessment_id, made_in, action_id, status "
                                 "FROM reviews") == [(second["id"], first["id"], LISTEN,
                                                      "not_done")]
    assert statuses() == {LISTEN: "not_done", REASONS: "open"}
    [record] = [c for r in listed()["relationships"] for c in r["commitments"]
                if c["action"] == LISTEN]
    assert record["reviewed_in"] == second["id"]


def test_the_text_result_tells_how_the_commitments_went() -> None:
    assess(*commit_args(LISTEN, REASONS))
    # In full (--details, as `history show` always is): the summary leaves it out.
    shown = assess("--details", commitments={LISTEN: "done", REASONS: "partly"})
    assert "How your commitments from last time went" in shown.stdout
    assert f"- done: {MENTOR.action(LISTEN).text}" in shown.stdout
    assert f"- partly done: {MENTOR.action(REASONS).text}" in shown.stdout


def test_a_review_left_out_stays_open_for_the_check_in_after(trustcheck_home: Path) -> None:
    assess(*commit_args(LISTEN, REASONS))
    assess(commitments={LISTEN: "done"})
    assess(commitments={REASONS: "partly"})
    assert statuses() == {LISTEN: "done", REASONS: "partly"}
    assert len(rows(trustcheck_home, "SELECT * FROM reviews")) == 2


def test_bad_reviews_are_listed_with_the_other_problems_and_nothing_is_saved(
        trustcheck_home: Path) -> None:
    assess(*commit_args(LISTEN))
    bad = {LISTEN: "maybe", "empathy.check-in-first": "done"}
    result = assess(commitments=bad, expect=2, **{MENTOR.items[0].id: 7})
    assert "have 3 problems; nothing was saved" in result.stderr
    assert f"the commitment '{LISTEN}' is marked 'maybe'" in result.stderr
    assert "'empathy.check-in-first' under 'commitments' is not an open commitment" \
        in result.stderr
    assert "outside the scale" in result.stderr
    assert rows(trustcheck_home, "SELECT count(*) FROM assessments") == [(1,)]
    assert statuses() == {LISTEN: "open"}


def test_another_partners_commitment_cannot_be_reviewed_in_this_relationship(
        trustcheck_home: Path) -> None:
    assess(*commit_args(LISTEN), partner="Alex")
    # The partner comes from the answers file here, as in a workshop script.
    result = assess(commitments={LISTEN: "done"}, partner="Sam", expect=2)
    assert f"'{LISTEN}' under 'commitments' is not an open commitment" in result.stderr
    assert "There are none for this role and partner" in result.stderr
    assert statuses("--partner", "Alex") == {LISTEN: "open"}


def test_the_partner_option_decides_which_commitments_are_open() -> None:
    assess(*commit_args(LISTEN), partner="Alex")
    result = run("assess", "--answers", "-", "--partner", "Alex",
                 input=answers_text(partner="Sam", commitments={LISTEN: "done"}))
    assert result.exit_code == 0, result.stderr
    assert statuses() == {LISTEN: "done"}


def test_a_filled_template_may_review_commitments_as_its_header_shows(tmp_path: Path) -> None:
    template = run("template", "--role", "mentor").stdout
    assert "\n# commitments:\n" in template
    assert "done, partly or not done" in template
    assess(*commit_args(REASONS), partner=None)
    filled = []
    for line in template.splitlines():
        if line.startswith(("# commitments:", f"#   {REASONS}:")):
            line = line[2:]  # uncomment the example, as the header says
        line = re.sub(r"^(  [a-z_]+\.[0-9]+:)", r"\1 3", line)
        filled.append(line)
    path = tmp_path / "answers.yaml"
    path.write_text("\n".join(filled) + "\n", encoding="utf-8")
    result = run("assess", "--answers", str(path))
    assert result.exit_code == 0, result.stderr
    assert statuses() == {REASONS: "done"}


def test_without_a_terminal_nothing_asks_about_open_commitments(trustcheck_home: Path) -> None:
    assess(*commit_args(LISTEN))
    env = dict(os.environ, TRUSTCHECK_HOME=str(trustcheck_home))
    asked = subprocess.run([sys.executable, "-m", "trustcheck", "assess", "--role", "mentor",
                            "--partner", "Sam"], env=env, stdin=subprocess.DEVNULL,
                           capture_output=True, text=True, timeout=60)
    assert asked.returncode == 2
    assert "--answers FILE" in asked.stderr
    assert "commitments from last time" not in asked.stderr + asked.stdout
    scripted = subprocess.run([sys.executable, "-m", "trustcheck", "assess", "--answers", "-"],
                              env=env, input=answers_text(), capture_output=True, text=True,
                              timeout=60)
    assert scripted.returncode == 0, scripted.stderr
    assert "Pick up to" not in scripted.stderr
    assert statuses() == {LISTEN: "open"}


# --- `trustcheck commitments` ---------------------------------------------------------------------


def test_the_list_shows_open_ones_first_then_past_ones_with_status_and_follow_through() -> None:
    assess(*commit_args(LISTEN, REASONS))
    assess(*commit_args(NEXT_STEP), commitments={LISTEN: "done", REASONS: "partly"})
    shown = run("commitments")
    assert shown.exit_code == 0, shown.stderr
    lines = shown.stdout.splitlines()
    assert "mentor with Sam" in lines[0]
    assert "follow-through: 75% (2 reviewed)" in lines[0]
    body = "\n".join(lines)
    order = [body.index(MENTOR.action(a).text[:30]) for a in (NEXT_STEP, LISTEN, REASONS)]
    assert order == sorted(order), "open commitments come first"
    # A commitment goes by its words: no ids, which only an answers file needs (JSON has them).
    assert not any(a in body for a in (NEXT_STEP, LISTEN, REASONS))
    assert "`trustcheck commitments --format json`" in " ".join(body.split())
    # Each row starts with the action's text, beside its status.
    row_of = {a: next(line for line in lines if MENTOR.action(a).text[:30] in line)
              for a in (NEXT_STEP, LISTEN, REASONS)}
    assert "open" in row_of[NEXT_STEP]
    assert "done" in row_of[LISTEN]
    assert "partly done" in row_of[REASONS]


def test_the_json_list_has_the_documented_shape() -> None:
    first = json.loads(assess("--format", "json", *commit_args(LISTEN)).stdout)
    second = json.loads(assess("--format", "json", commitments={LISTEN: "partly"}).stdout)
    data = listed()
    assert data["schema"] == "trustcheck/commitments/v1"
    [relationship] = data["relationships"]
    assert (relationship["role"], relationship["partner"]) == ("mentor", "Sam")
    assert relationship["follow_through"] == {"rate": 50.0, "reviewed": 1}
    assert relationship["commitments"] == [{
        "role": "mentor", "partner": "Sam", "action": LISTEN,
        "text": MENTOR.action(LISTEN).text, "strategy": "active_listening",
        "made_in": first["id"], "made_at": first["created_at"], "status": "partly",
        "reviewed_in": second["id"], "reviewed_at": second["created_at"]}]


def test_relationships_are_listed_apart_and_partner_filters_them() -> None:
    assess(*commit_args(LISTEN), partner="Sam")
    assess(*commit_args(REASONS), partner="Alex")
    assess(*commit_args(NEXT_STEP), partner=None)
    everything = listed()["relationships"]
    assert sorted((r["partner"] or "") for r in everything) == ["", "Alex", "Sam"]
    assert statuses("--partner", "Alex") == {REASONS: "open"}
    assert statuses("--partner", "") == {NEXT_STEP: "open"}
    assert statuses("--role", "mentee") == {}
    text = run("commitments").stdout
    assert "mentor with Sam" in text and "mentor with Alex" in text
    assert "mentor, no partner named" in text


def test_no_commitments_yet_says_how_to_make_one(trustcheck_home: Path) -> None:
    shown = run("commitments")
    assert shown.exit_code == 0
    assert shown.stdout == ""
    assert "pick up to two suggested actions" in shown.stderr
    assert listed() == {"schema": "trustcheck/commitments/v1", "relationships": []}
    assert not (trustcheck_home / "history.db").exists()
    assess()
    filtered = run("commitments", "--partner", "Nobody")
    assert filtered.exit_code == 0
    assert "No commitments match those options" in filtered.stderr


def test_review_dates_show_in_the_list(trustcheck_home: Path) -> None:
    from trustcheck import assessment
    from trustcheck.store import Store

    earlier = assessment.build(MENTOR, {i.id: 3 for i in MENTOR.items}, role="mentor",
                               partner="Sam", cohort=None, now=MADE - timedelta(days=30),
                               id="e" * 32, commitments=promises.choose(MENTOR, [LISTEN]))
    with Store.open(trustcheck_home / "history.db") as store:
        store.save(earlier)
    # The review is dated the day it was saved; around midnight that is either of two days.
    day_before = datetime.now(timezone.utc).astimezone().strftime("%Y-%m-%d")
    assess(commitments={LISTEN: "done"})
    day_after = datetime.now(timezone.utc).astimezone().strftime("%Y-%m-%d")
    row = next(line for line in run("commitments").stdout.splitlines() if "2026-09-01" in line)
    assert "done" in row
    assert day_before in row or day_after in row, row
