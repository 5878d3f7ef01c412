"""The interactive questionnaire, driven key by key in a real pseudo-terminal."""

from __future__ import annotations

import io
import json
import os
import re
import sqlite3
import sys
import termios
from pathlib import Path

import pexpect
import pytest
from conftest import builtin, rows, run

TOTAL = len(builtin("mentor").items)  # every statement of the newest mentor checklist
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


MENTOR = builtin("mentor")


def spawn(*args: str, home: Path, partner_view: bool = False) -> pexpect.spawn:
    """`trustcheck assess ARGS` in a fresh 40x120 terminal; everything it shows is recorded.
    The statements about the partner are left out unless `partner_view` (tests/test_partner_view.py
    asks them)."""
    env = dict(os.environ, TRUSTCHECK_HOME=str(home), NO_COLOR="1")
    if not partner_view:
        args = ("--no-partner-view", *args)
    child = pexpect.spawn(sys.executable, ["-m", "trustcheck", "assess", *args], env=env,
                          encoding="utf-8", timeout=15, dimensions=(40, 120))
    child.logfile_read = io.StringIO()
    child.delaybeforesend = None  # each key is sent only once its statement is on screen
    return child


def screen(child: pexpect.spawn) -> str:
    """Everything the person has seen so far, without colour codes or carriage returns."""
    return ANSI.sub("", child.logfile_read.getvalue()).replace("\r", "")


def start(child: pexpect.spawn) -> None:
    child.expect_exact("Press any key to start")
    child.send("x")


def at_statement(child: pexpect.spawn, number: int) -> None:
    """Wait until statement NUMBER is on screen (and not, say, 11 when waiting for 1)."""
    child.expect(rf"(?<![0-9]){number}/{TOTAL}")


def answer(child: pexpect.spawn, first: int, keys: str) -> None:
    """Press one key for each statement from FIRST on, waiting for each to be shown."""
    for number, key in enumerate(keys, start=first):
        at_statement(child, number)
        child.send(key)


def reach_picking(child: pexpect.spawn) -> None:
    """Start, disagree with every statement (so there are focus areas), and reach the picking."""
    start(child)
    answer(child, 1, "2" * TOTAL)
    child.expect_exact("All done")
    child.send("\r")
    child.expect_exact("Pick up to 2 of these")


def pick_none(child: pexpect.spawn) -> None:
    """At the end, when offered actions to commit to, press Enter right away: none."""
    child.expect_exact("Pick up to 2 of these")
    child.send("\r")


def finish(child: pexpect.spawn) -> int:
    """Wait for the program to end; its exit status."""
    child.expect(pexpect.EOF)
    child.wait()  # not close() alone: it would kill a child still busy shutting down
    child.close()
    assert child.signalstatus is None, "trustcheck was killed by a signal instead of exiting"
    return child.exitstatus


def stored_id(home: Path) -> str:
    """The short id of the one check-in in the history."""
    [(found,)] = rows(home, "SELECT id FROM assessments")
    return found[:8]


def stored(home: Path) -> list[dict]:
    """The assessments in the history file, each with its answers by statement id."""
    database = home / "history.db"
    if not database.exists():
        return []
    with sqlite3.connect(database) as db:
        rows = db.execute("SELECT id, role, partner FROM assessments").fetchall()
        found = []
        for assessment_id, role, partner in rows:
            answers = dict(db.execute(
                "SELECT item_id, value FROM answers WHERE assessment_id = ?", (assessment_id,)))
            found.append({"role": role, "partner": partner, "answers": answers})
    db.close()
    return found


@pytest.mark.parametrize("role", ["mentor", "mentee"])
def test_intro_says_the_role_the_length_and_that_answers_stay_on_this_computer(
        role: str, trustcheck_home: Path) -> None:
    child = spawn("--role", role, home=trustcheck_home)
    child.expect_exact("Press any key to start")
    intro = screen(child)
    child.send("q")
    assert finish(child) == 0

    assert f"answering as a {role}" in intro
    assert f"{TOTAL} statements" in intro
    assert re.search(r"about \d+ minutes", intro)
    assert "saved only on this computer" in intro
    # The place is named in full (a long path may wrap onto the next line).
    assert str(trustcheck_home / "history.db") in "".join(intro.split())
    assert "Nothing you answer leaves this computer." in intro


def test_full_run_saves_exactly_the_answers_typed_including_a_changed_and_a_skipped_one(
        trustcheck_home: Path) -> None:
    child = spawn("--role", "mentor", "--partner", "Sam", home=trustcheck_home)
    start(child)
    at_statement(child, 1)
    child.send("4")
    at_statement(child, 2)
    child.send("b")  # change my mind about the first one
    at_statement(child, 1)
    child.expect_exact("(your answer: 4)")
    child.send("5")
    at_statement(child, 2)
    child.send("s")
    at_statement(child, 3)
    child.send("?")
    child.expect_exact("How to answer")
    child.send("z")
    child.expect_exact("Please press 1 to 5, s, b, ? or q.")
    child.send("2")
    rest = "".join("12345"[i % 5] for i in range(TOTAL - 3))
    answer(child, 4, rest)
    child.expect_exact(f"All done: {TOTAL - 1} answered, 1 skipped.")
    child.send("\r")
    pick_none(child)
    assert finish(child) == 0
    assert "Saved in your history as" in screen(child)

    typed = {1: 5, 2: None, 3: 2} | {number: int(key) for number, key in enumerate(rest, 4)}
    expected = {item.id: typed[number] for number, item in enumerate(MENTOR.items, 1)}
    [saved] = stored(trustcheck_home)
    assert saved["answers"] == expected
    assert saved["partner"] == "Sam"
    assert saved["role"] == "mentor"


def test_b_on_the_summary_reopens_the_last_statement_so_it_can_be_changed(
        trustcheck_home: Path) -> None:
    child = spawn("--role", "mentor", home=trustcheck_home)
    start(child)
    answer(child, 1, "4" * TOTAL)
    child.expect_exact(f"All done: {TOTAL} answered, 0 skipped.")
    child.send("b")
    at_statement(child, TOTAL)
    child.expect_exact("(your answer: 4)")
    child.send("1")
    child.expect_exact(f"All done: {TOTAL} answered, 0 skipped.")
    child.send("\r")
    pick_none(child)
    assert finish(child) == 0

    [saved] = stored(trustcheck_home)
    last = MENTOR.items[-1].id
    assert saved["answers"][last] == 1
    assert all(value == 4 for item_id, value in saved["answers"].items() if item_id != last)


def test_each_statement_shows_its_strategy_heading_and_progress_and_the_keys_only_once(
        trustcheck_home: Path) -> None:
    child = spawn("--role", "mentor", home=trustcheck_home)
    start(child)
    answer(child, 1, "3" * TOTAL)
    child.expect_exact("All done")
    child.send("q")
    child.expect_exact(f"Quit and lose {TOTAL} answers? y/n")
    child.send("y")
    assert finish(child) == 0

    lines = screen(child).split("\n")
    assert any(line.startswith(f"12/{TOTAL}  ") for line in lines)
    starts = [next(i for i, line in enumerate(lines) if line.startswith(f"{n}/{TOTAL}  "))
              for n in range(1, TOTAL + 1)] + [len(lines)]
    labels = [f"{value} {MENTOR.scale.label(value)}" for value in MENTOR.scale.points]
    # The keys are explained once, before the first statement, in lines that fit 80 columns.
    before = "\n".join(lines[:starts[0]])
    for label in labels + ["s skip", "b back", "? help", "q quit"]:
        assert before.count(label) == 1, label
    legend = [line for line in lines[:starts[0]] if "quit" in line or "Disagree" in line]
    assert legend and all(len(line) <= 80 for line in legend)
    shown_strategy = None
    for number, item in enumerate(MENTOR.items, 1):
        at = starts[number - 1]
        assert item.text[:30] in lines[at], f"statement {number} is not the expected one"
        if item.strategy != shown_strategy:
            above = [line for line in lines[:at] if line.strip()][-1]
            assert above == MENTOR.strategy(item.strategy).title
            shown_strategy = item.strategy
        block = " ".join(lines[at:starts[number]])
        assert "q quit" not in block and "Strongly disagree" not in block, \
            f"the keys are repeated under statement {number}"


def test_question_mark_shows_the_keys_again(trustcheck_home: Path) -> None:
    child = spawn("--role", "mentor", "--no-save", home=trustcheck_home)
    start(child)
    at_statement(child, 1)
    child.send("?")
    child.expect_exact("How to answer")
    child.expect(r" quit\r\n")  # the last key of the legend, shown again
    child.send("4")
    at_statement(child, 2)
    child.send("\x03")
    assert finish(child) == 130


def test_q_midway_saves_nothing_and_says_so(trustcheck_home: Path) -> None:
    child = spawn("--role", "mentor", home=trustcheck_home)
    start(child)
    answer(child, 1, "45345")
    at_statement(child, 6)
    child.send("q")
    child.expect_exact("Quit and lose 5 answers? y/n")
    child.send("y")
    assert finish(child) == 0

    assert "nothing was saved" in screen(child)
    assert stored(trustcheck_home) == []


def test_a_stray_q_asks_first_and_any_other_key_carries_on_with_every_answer_kept(
        trustcheck_home: Path) -> None:
    child = spawn("--role", "mentor", home=trustcheck_home)
    start(child)
    answer(child, 1, "4" * (TOTAL - 2))
    at_statement(child, TOTAL - 1)
    child.send("q")
    child.expect_exact(f"Quit and lose {TOTAL - 2} answers? y/n")
    child.send("n")
    child.expect_exact("carrying on")
    child.send("4")
    at_statement(child, TOTAL)
    child.send("4")
    child.expect_exact(f"All done: {TOTAL} answered, 0 skipped.")
    child.send("\r")
    pick_none(child)
    assert finish(child) == 0
    [saved] = stored(trustcheck_home)
    assert set(saved["answers"].values()) == {4}


def test_q_before_any_answer_quits_at_once(trustcheck_home: Path) -> None:
    child = spawn("--role", "mentor", home=trustcheck_home)
    start(child)
    at_statement(child, 1)
    child.send("q")
    assert finish(child) == 0
    assert "Quit and lose" not in screen(child)
    assert "nothing was saved" in screen(child)


def test_ctrl_c_midway_stops_cleanly_saves_nothing_and_gives_the_terminal_back(
        trustcheck_home: Path) -> None:
    child = spawn("--role", "mentor", home=trustcheck_home)
    start(child)
    answer(child, 1, "4444")
    at_statement(child, 5)
    assert not termios.tcgetattr(child.child_fd)[3] & termios.ECHO, "keys should not echo"
    child.send("\x03")
    child.expect_exact("nothing was saved or changed.")
    # Read the terminal's mode before closing: it must be back to echoing what is typed.
    echo_back = bool(termios.tcgetattr(child.child_fd)[3] & termios.ECHO)
    assert finish(child) == 130

    seen = screen(child)
    assert "Stopped before the end; nothing was saved or changed." in seen
    assert "Traceback" not in seen
    assert "KeyboardInterrupt" not in seen
    assert echo_back
    assert stored(trustcheck_home) == []


def test_no_save_says_so_up_front_and_keeps_nothing(trustcheck_home: Path) -> None:
    child = spawn("--role", "mentee", "--no-save", home=trustcheck_home)
    child.expect_exact("Press any key to start")
    assert "Your answers will not be saved (--no-save)." in screen(child)
    child.send("x")
    answer(child, 1, "2" * TOTAL)
    child.expect_exact("All done")
    child.send("\r")
    assert finish(child) == 0

    assert "Not saved (--no-save)." in screen(child)
    assert stored(trustcheck_home) == []


def test_skipping_too_many_keeps_the_answers_and_offers_to_go_back(
        trustcheck_home: Path) -> None:
    child = spawn("--role", "mentor", home=trustcheck_home)
    start(child)
    answer(child, 1, "s" * TOTAL)
    child.expect_exact(f"All done: 0 answered, {TOTAL} skipped.")
    child.expect_exact(f"A check-in needs at least {(TOTAL + 1) // 2} answers.")
    child.send("\r")  # Enter does not save a result that cannot be scored
    child.send("b")  # back to the last statement, answers kept
    at_statement(child, TOTAL)
    child.expect_exact("(your answer: skip)")
    child.send("q")
    child.expect_exact(f"Quit and lose {TOTAL} answers? y/n")
    child.send("y")
    assert finish(child) == 0

    seen = screen(child)
    assert "nothing was saved" in seen
    assert "Traceback" not in seen
    assert stored(trustcheck_home) == []


def test_without_a_role_a_terminal_asks_for_it_with_one_key(trustcheck_home: Path) -> None:
    child = spawn("--partner", "Sam", home=trustcheck_home)
    child.expect_exact("Are you the mentor or the mentee here?")
    assert "as last time" not in screen(child)  # no check-in with Sam yet: no default
    child.send("x")
    child.expect_exact("Please press m or e.")
    child.send("e")
    child.expect_exact("Press any key to start")
    assert "You are answering as a mentee about Sam" in screen(child)
    child.send("q")
    assert finish(child) == 0
    assert "--role mentee" in screen(child)  # how to skip the question next time


def test_the_role_asked_defaults_to_the_latest_check_in_with_that_partner(
        trustcheck_home: Path) -> None:
    seed(partner="Sam")  # a mentor check-in with Sam
    child = spawn("--partner", "sam", home=trustcheck_home)
    child.expect_exact("for mentor as last time")
    assert "Enter for mentor as last time" in screen(child)
    child.send("\r")
    child.expect_exact("Press any key to start")
    assert "You are answering as a mentor about Sam" in screen(child)
    child.send("x")
    at_statement(child, 1)
    child.send("q")
    assert finish(child) == 0


def test_without_a_role_and_without_a_terminal_it_stops_and_names_the_options(
        trustcheck_home: Path) -> None:
    result = run("assess")
    assert result.exit_code == 2
    message = " ".join(result.stderr.split())
    assert "--answers FILE" in message and "--role" in message
    assert stored(trustcheck_home) == []


def test_a_partner_typed_in_another_case_joins_the_relationship_and_its_review(
        trustcheck_home: Path) -> None:
    seed(SHORT_ACTIONS[0], partner="Sam")
    child = spawn("--role", "mentor", "--partner", " sam ", home=trustcheck_home)
    child.expect_exact('Your history already has "Sam"')
    child.expect_exact("First, 1 quick question about what you committed to last time.")
    assert "You are answering as a mentor about Sam" in screen(child)
    start(child)
    child.expect_exact("1/1")
    child.send("d")
    answer(child, 1, "4" * TOTAL)
    child.expect_exact("All done")
    child.send("\r")
    pick_none(child)
    assert finish(child) == 0
    assert screen(child).count("Your history already has") == 1
    assert {saved["partner"] for saved in stored(trustcheck_home)} == {"Sam"}
    assert open_actions(trustcheck_home) == []


# --- commitments: reviewed before the statements, picked at the end ---------------------------

SHORT_ACTIONS = ("conflict_resolution.agree-how-to-disagree", "active_listening.clear-distractions",
                 "realistic_expectations.agree-the-next-step", "transparency.share-reasoning")


def seed(*commit: str, partner: str = "Sam") -> None:
    """A scripted mentor check-in with this partner, committing to the given action ids."""
    answers = json.dumps({"role": "mentor", "partner": partner,
                          "answers": {item.id: 3 for item in MENTOR.items}})
    args = ["assess", "--answers", "-"] + [x for a in commit for x in ("--commit", a)]
    result = run(*args, input=answers)
    assert result.exit_code == 0, result.stderr


def open_actions(home: Path, partner: str = "Sam") -> list[str]:
    from trustcheck.records import Relationship
    from trustcheck.store import Store

    with Store.open(home / "history.db") as store:
        return sorted(o.commitment.action for o in
                      store.open_commitments(Relationship("mentor", partner)))


def text_of(action_id: str) -> str:
    return MENTOR.action(action_id).text


def test_open_commitments_are_reviewed_one_key_each_before_the_first_statement(
        trustcheck_home: Path) -> None:
    seed(*SHORT_ACTIONS[:2])
    seed(*SHORT_ACTIONS[2:])  # the first two are not reviewed here, so all four are open
    keys = dict(zip(SHORT_ACTIONS, "dpns", strict=True))
    child = spawn("--role", "mentor", "--partner", "Sam", home=trustcheck_home)
    child.expect_exact("First, 4 quick questions about what you committed to last time.")
    start(child)
    for number in range(1, 5):
        child.expect_exact(f"{number}/4")
        child.expect_exact("(chosen ")
        [shown] = re.findall(rf"^{number}/4  (.+?)  \(chosen ", screen(child), re.MULTILINE)
        told = next(a for a in SHORT_ACTIONS if text_of(a) == shown)
        child.send(keys[told])
    answer(child, 1, "4" * TOTAL)
    child.expect_exact("All done")
    child.send("d")  # the results in full, with how the commitments went
    pick_none(child)
    assert finish(child) == 0

    seen = screen(child)
    assert seen.index("Your commitments from last time") < seen.index(f"1/{TOTAL}  ")
    for label in ("-> done", "-> partly done", "-> not done", "-> left open"):
        assert label in seen
    newest = rows(trustcheck_home, "SELECT id FROM assessments ORDER BY created_at DESC, "
                                   "rowid DESC LIMIT 1")[0][0]
    reviews = dict(rows(trustcheck_home, "SELECT action_id, status FROM reviews "
                                         f"WHERE assessment_id = '{newest}'"))
    assert reviews == {SHORT_ACTIONS[0]: "done", SHORT_ACTIONS[1]: "partly",
                       SHORT_ACTIONS[2]: "not_done"}
    assert open_actions(trustcheck_home) == [SHORT_ACTIONS[3]]
    # The result view tells how they went.
    assert "How your commitments from last time went" in seen


def test_an_unknown_key_during_the_review_is_explained_and_nothing_is_lost(
        trustcheck_home: Path) -> None:
    seed(SHORT_ACTIONS[0])
    child = spawn("--role", "mentor", "--partner", "Sam", home=trustcheck_home)
    start(child)
    child.expect_exact("1/1")
    child.send("x")
    child.expect_exact("Please press d, p, n, s, b, ? or q.")
    child.send("d")
    answer(child, 1, "4" * TOTAL)
    child.expect_exact("All done")
    child.send("\r")
    pick_none(child)
    assert finish(child) == 0
    assert open_actions(trustcheck_home) == []


def test_q_during_the_review_saves_nothing_and_the_commitments_stay_open(
        trustcheck_home: Path) -> None:
    seed(*SHORT_ACTIONS[:2])
    child = spawn("--role", "mentor", "--partner", "Sam", home=trustcheck_home)
    start(child)
    child.expect_exact("1/2")
    child.send("d")
    child.expect_exact("2/2")
    child.send("q")
    assert finish(child) == 0

    assert "nothing was saved" in screen(child)
    assert len(stored(trustcheck_home)) == 1
    assert open_actions(trustcheck_home) == sorted(SHORT_ACTIONS[:2])
    assert rows(trustcheck_home, "SELECT count(*) FROM reviews") == [(0,)]


def test_another_partners_commitments_are_not_asked_about(trustcheck_home: Path) -> None:
    seed(SHORT_ACTIONS[0], partner="Alex")
    child = spawn("--role", "mentor", "--partner", "Sam", home=trustcheck_home)
    child.expect_exact("Press any key to start")
    child.send("x")
    at_statement(child, 1)
    child.send("q")
    assert finish(child) == 0
    assert "quick question" not in screen(child)
    assert "Your commitments from last time" not in screen(child)


def test_picking_two_commitments_at_the_end_keeps_them_with_the_assessment(
        trustcheck_home: Path) -> None:
    child = spawn("--role", "mentor", "--partner", "Sam", home=trustcheck_home)
    start(child)
    answer(child, 1, "2" * TOTAL)
    child.expect_exact("All done")
    child.send("\r")
    child.expect_exact("Pick up to 2 of these to try before your next check-in")
    child.send("1")
    child.expect_exact("+ picked 1")
    child.send("1")  # changed my mind
    child.expect_exact("- dropped 1")
    child.send("2")
    child.expect_exact("+ picked 2")
    child.send("4")
    child.expect_exact("to keep these two.")
    child.send("5")
    child.expect_exact("You have picked 2 already")
    child.send("\r")
    assert finish(child) == 0

    [(result_text,)] = rows(trustcheck_home, "SELECT result FROM assessments")
    offered = [a["id"] for area in json.loads(result_text)["focus"] for a in area["actions"]]
    chosen = rows(trustcheck_home, "SELECT action_id FROM commitments")
    assert sorted(a for (a,) in chosen) == sorted([offered[1], offered[3]])
    assert json.loads(result_text)["commitments"] == [
        {"action": a, "text": MENTOR.action(a).text, "strategy": a.split(".")[0]}
        for a in (offered[1], offered[3])]
    seen = screen(child)
    assert "Your commitments until the next check-in" in seen
    assert "Saved in your history as" in seen
    # The picks were offered after the results were shown, numbered.
    assert seen.index("Overall trust index") < seen.index("Pick up to 2")
    assert f"  2  {MENTOR.action(offered[1]).text}" in seen


def test_enter_right_away_picks_no_commitment_and_still_saves(trustcheck_home: Path) -> None:
    child = spawn("--role", "mentor", home=trustcheck_home)
    start(child)
    answer(child, 1, "2" * TOTAL)
    child.expect_exact("All done")
    child.send("\r")
    pick_none(child)
    assert finish(child) == 0

    seen = screen(child)
    assert "No commitments this time." in seen
    assert "Saved in your history as" in seen
    assert len(stored(trustcheck_home)) == 1
    assert rows(trustcheck_home, "SELECT count(*) FROM commitments") == [(0,)]


def test_q_while_picking_saves_nothing(trustcheck_home: Path) -> None:
    child = spawn("--role", "mentor", home=trustcheck_home)
    reach_picking(child)
    child.send("1")
    child.expect_exact("+ picked 1")
    child.send("q")
    child.expect_exact(f"Quit and lose {TOTAL} answers? y/n")
    child.send("y")
    assert finish(child) == 0

    assert "nothing was saved" in screen(child)
    assert stored(trustcheck_home) == []


def test_ctrl_c_while_picking_saves_nothing_and_gives_the_terminal_back(
        trustcheck_home: Path) -> None:
    child = spawn("--role", "mentor", home=trustcheck_home)
    reach_picking(child)
    child.send("\x03")
    child.expect_exact("nothing was saved or changed.")
    echo_back = bool(termios.tcgetattr(child.child_fd)[3] & termios.ECHO)
    assert finish(child) == 130

    assert "Traceback" not in screen(child)
    assert echo_back
    assert stored(trustcheck_home) == []


def test_no_save_asks_no_review_and_offers_no_picks(trustcheck_home: Path) -> None:
    seed(SHORT_ACTIONS[0])
    child = spawn("--role", "mentor", "--partner", "Sam", "--no-save", home=trustcheck_home)
    start(child)
    answer(child, 1, "2" * TOTAL)
    child.expect_exact("All done")
    child.send("\r")
    assert finish(child) == 0

    seen = screen(child)
    assert "Your commitments from last time" not in seen
    assert "Pick up to" not in seen
    assert open_actions(trustcheck_home) == [SHORT_ACTIONS[0]]


def test_commit_option_in_an_interactive_run_skips_the_picking(trustcheck_home: Path) -> None:
    child = spawn("--role", "mentor", "--commit", SHORT_ACTIONS[0], home=trustcheck_home)
    start(child)
    answer(child, 1, "2" * TOTAL)
    child.expect_exact("All done")
    child.send("\r")
    assert finish(child) == 0

    assert "Pick up to" not in screen(child)
    assert rows(trustcheck_home, "SELECT action_id FROM commitments") == [(SHORT_ACTIONS[0],)]


def test_a_bad_commit_id_stops_before_any_question(trustcheck_home: Path) -> None:
    child = spawn("--role", "mentor", "--commit", "listen.harder", home=trustcheck_home)
    assert finish(child) == 2

    seen = screen(child)
    assert "'listen.harder' is not an action in the checklist 'mentor'" in seen
    assert "Press any key" not in seen
    assert stored(trustcheck_home) == []


def test_all_strong_offers_nothing_to_pick_and_saves(trustcheck_home: Path) -> None:
    child = spawn("--role", "mentor", home=trustcheck_home)
    start(child)
    answer(child, 1, "".join("1" if item.reverse else "5" for item in MENTOR.items))
    child.expect_exact("All done")
    child.send("\r")
    assert finish(child) == 0

    seen = screen(child)
    assert "Every strategy is strong" in seen
    assert "Pick up to" not in seen
    assert len(stored(trustcheck_home)) == 1


def test_json_output_of_an_interactive_run_includes_the_picked_commitment(
        trustcheck_home: Path) -> None:
    child = spawn("--role", "mentor", "--format", "json", home=trustcheck_home)
    reach_picking(child)
    assert '"schema"' not in screen(child), "the JSON comes after the picking"
    child.send("3")
    child.expect_exact("+ picked 3")
    child.send("\r")
    assert finish(child) == 0

    seen = screen(child)
    data = json.loads(seen[seen.index("{"):seen.rindex("}") + 1])
    [(action_id,)] = rows(trustcheck_home, "SELECT action_id FROM commitments")
    assert [c["action"] for c in data["commitments"]] == [action_id]
    assert data["compared_to"] is None


# --- signals: the terminal is given back, whatever stops trustcheck --------------------------

TRUSTCHECK = Path(sys.executable).parent / "trustcheck"
DASH = "/bin/dash" if Path("/bin/dash").exists() else "/bin/sh"


@pytest.mark.parametrize("signal_name", ["SIGTERM", "SIGHUP"])
def test_a_signal_mid_questionnaire_gives_the_terminal_back_under_dash(tmp_path, signal_name):
    import signal

    env = dict(os.environ, TRUSTCHECK_HOME=str(tmp_path / "home"), NO_COLOR="1")
    env.pop("TRUSTCHECK_DEBUG", None)
    # dash, unlike bash, does not reset the terminal after its child ends: only trustcheck can.
    child = pexpect.spawn(DASH, ["-c", f"{TRUSTCHECK} assess --role mentor; echo exit=$?; "
                                       "stty -a"],
                          env=env, encoding="utf-8", timeout=20, dimensions=(40, 120))
    child.logfile_read = io.StringIO()
    start(child)
    answer(child, 1, "45")
    at_statement(child, 3)
    children = Path(f"/proc/{child.pid}/task/{child.pid}/children")
    trustcheck = int(children.read_text(encoding="utf-8").split()[0])

    os.kill(trustcheck, getattr(signal, signal_name))
    child.expect(pexpect.EOF)

    seen = screen(child)
    after = seen[seen.index("Stopped before the end"):]
    assert "Stopped before the end; nothing was saved or changed." in seen
    assert "exit=130" in after
    settings = after.split()
    assert "echo" in settings and "-echo" not in settings
    assert "icanon" in settings and "-icanon" not in settings
    assert "Traceback" not in seen
    assert not (tmp_path / "home" / "history.db").exists()


# --- "didn't come up" (a small checklist of our own: statements 1, 2 and 7 are conditional) -----

CONDITIONAL = Path(__file__).resolve().parent / "data" / "conditional.yaml"


def at_one_of_seven(child: pexpect.spawn, number: int) -> None:
    """Wait until statement NUMBER of 7 is on screen."""
    child.expect(rf"(?<![0-9]){number}/7[^0-9][^\n]*\n")


def shown_with(child: pexpect.spawn, number: int) -> str:
    """Statement NUMBER of 7 as first shown, with the key line under it if it has one."""
    lines = screen(child).split("\n")
    at = next(i for i, line in enumerate(lines) if line.startswith(f"{number}/7  "))
    shown = lines[at:at + 2] if lines[at + 1].startswith("  or ") else lines[at:at + 1]
    return " ".join(" ".join(shown).split())


def test_didnt_come_up_has_a_key_of_its_own_on_statements_about_events_only(
        trustcheck_home: Path) -> None:
    child = spawn("--checklist", str(CONDITIONAL), "--role", "mentor", "--partner", "Sam",
                  home=trustcheck_home)
    start(child)
    at_one_of_seven(child, 1)
    child.expect_exact("didn't come up: this may not have happened this time")
    child.send("d")
    child.expect_exact("-> didn't come up")
    at_one_of_seven(child, 2)
    child.expect_exact("didn't come up: this may not have happened this time")
    child.send("d")
    at_one_of_seven(child, 3)
    child.send("d")  # not about an event: a short hint, and the statement stays
    child.expect_exact("is only for statements about something that may not have happened")
    child.send("2")
    at_one_of_seven(child, 4)
    child.send("b")
    child.expect_exact("(your answer: 2)")
    child.send("b")
    child.expect_exact("(your answer: didn't come up)")
    child.send("4")  # it did come up after all
    child.expect_exact("(your answer: 2)")
    child.send("2")
    for number, key in zip((4, 5, 6), "24s", strict=True):
        at_one_of_seven(child, number)
        child.send(key)
    at_one_of_seven(child, 7)
    child.expect_exact("didn't come up: this may not have happened this time")
    child.send("d")
    child.expect_exact("All done: 4 answered, 1 skipped, 2 didn't come up.")
    child.send("\r")
    pick_none(child)
    assert finish(child) == 0

    first, third, seventh = (shown_with(child, n) for n in (1, 3, 7))
    assert "d didn't come up" in first and "d didn't come up" in seventh
    assert "didn't come up" not in third and "Please press" not in third
    [saved] = stored(trustcheck_home)
    assert saved["answers"] == {"feedback.1": "didn't come up", "feedback.2": 4,
                                "feedback.3": 2, "listen.1": 2, "listen.2": 4,
                                "follow_up.1": None, "follow_up.2": "didn't come up"}
    seen = " ".join(screen(child).split())
    assert "2 statements didn't come up this time" in seen


def test_a_strategy_that_mostly_didnt_come_up_is_shown_so_on_the_results_screen(
        trustcheck_home: Path) -> None:
    child = spawn("--checklist", str(CONDITIONAL), "--role", "mentor", home=trustcheck_home)
    start(child)
    for number, key in enumerate("dd14444", start=1):
        at_one_of_seven(child, number)
        child.send(key)
    child.expect_exact("All done: 5 answered, 0 skipped, 2 didn't come up.")
    child.send("\r")
    pick_none(child)
    assert finish(child) == 0

    rows_seen = [line for line in screen(child).split("\n")
                 if line.startswith("Give feedback well")]
    assert rows_seen and "didn't come up this time" in rows_seen[-1]


def test_enough_answers_counts_only_statements_that_came_up_in_the_questionnaire(
        trustcheck_home: Path) -> None:
    child = spawn("--checklist", str(CONDITIONAL), "--role", "mentor", "--no-save",
                  home=trustcheck_home)
    start(child)
    for number, key in enumerate("ddss4sd", start=1):
        at_one_of_seven(child, number)
        child.send(key)
    # 4 came up, 1 answered: at least 2 are needed.
    child.expect_exact("All done: 1 answered, 3 skipped, 3 didn't come up.")
    child.expect_exact("A check-in needs at least 2 answers to the statements that came up.")
    child.send("q")
    child.expect_exact("Quit and lose 7 answers? y/n")
    child.send("y")
    assert finish(child) == 0


# --- the commitment review: back and help --------------------------------------------------------


def test_the_commitment_review_goes_back_with_b_and_explains_with_a_question_mark(
        trustcheck_home: Path) -> None:
    seed(*SHORT_ACTIONS[:2])
    child = spawn("--role", "mentor", "--partner", "Sam", home=trustcheck_home)
    start(child)
    child.expect_exact("1/2")
    child.send("b")
    child.expect_exact("This is the first one; there is nothing before it.")
    child.send("?")
    child.expect_exact("How did you get on with what you committed to last time?")
    child.send("d")
    child.expect_exact("2/2")
    child.send("b")  # changed my mind about the first
    child.expect_exact("done)")
    assert "(your answer: done)" in " ".join(screen(child).split())
    child.send("n")
    child.expect_exact("2/2")
    child.send("p")
    answer(child, 1, "4" * TOTAL)
    child.expect_exact("All done")
    child.send("\r")
    pick_none(child)
    assert finish(child) == 0

    reviews = dict(rows(trustcheck_home, "SELECT action_id, status FROM reviews"))
    first, second = (o for o in SHORT_ACTIONS[:2])
    told = {text_of(first): "not_done", text_of(second): "partly"}
    shown = re.findall(r"^([12])/2  (.+?)  \(chosen ", screen(child), re.MULTILINE)
    by_text = {text: status for text, status in told.items()}
    assert sorted(reviews.values()) == sorted(by_text.values())
    assert len(shown) >= 3  # the first one was shown twice


# --- the results in full, on request -------------------------------------------------------------


def test_d_at_the_end_shows_the_results_in_full_before_the_picking(
        trustcheck_home: Path) -> None:
    child = spawn("--role", "mentor", home=trustcheck_home)
    start(child)
    answer(child, 1, "2" * TOTAL)
    child.expect_exact("All done")
    child.expect_exact("to see them in full")
    child.send("d")
    child.expect_exact("Pick up to 2 of these")
    child.send("\r")
    assert finish(child) == 0

    seen = screen(child)
    assert seen.index("In full") < seen.index("Pick up to 2")
    assert "Obstacles to watch for" in seen or "A strength to keep" in seen
    assert "[" not in seen[seen.index("Overall trust index"):], "no ids in the results"


def test_d_while_picking_shows_every_action_then_the_choices_again(
        trustcheck_home: Path) -> None:
    child = spawn("--role", "mentor", home=trustcheck_home)
    reach_picking(child)
    assert "In full" not in screen(child)  # the summary only, by default
    child.expect_exact("to see your results in full")
    child.send("d")
    child.expect_exact("In full")
    child.expect_exact("Pick up to 2 of these")
    child.send("1")
    child.expect_exact("+ picked 1")
    child.send("\r")
    assert finish(child) == 0
    assert rows(trustcheck_home, "SELECT count(*) FROM commitments") == [(1,)]


def test_see_it_again_prints_a_command_that_runs_as_printed(trustcheck_home: Path) -> None:
    import shlex
    import subprocess

    child = spawn("--role", "mentor", "--no-partner-view", home=trustcheck_home)
    reach_picking(child)
    child.send("\r")
    assert finish(child) == 0
    lines = screen(child).split("\n")
    assert "See it again, in full, with:" in " ".join(screen(child).split())
    # The command has a line of its own, so a narrow terminal never breaks it in two.
    command = next(line for line in lines if " history show " in line).strip()
    assert command.endswith(stored_id(trustcheck_home))
    env = dict(os.environ, TRUSTCHECK_HOME=str(trustcheck_home), NO_COLOR="1",
               PATH="/usr/bin:/bin")  # no trustcheck on this PATH
    again = subprocess.run(shlex.split(command), env=env, capture_output=True, text=True,
                           check=False)
    assert again.returncode == 0, again.stderr
    assert "Overall trust index" in again.stdout
