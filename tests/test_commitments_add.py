"""`trustcheck commitments add ACTION_ID|"TEXT" --partner NAME` (issue 11 §4): an action agreed at
a meeting becomes an open commitment of that relationship's latest check-in, so the next check-in
asks how it went."""

from __future__ import annotations

import json

from conftest import builtin, rows, run
from test_commitments import LISTEN, MENTOR, REASONS, assess, listed, statuses


def add(*args: str, expect: int = 0):
    result = run("commitments", "add", *args)
    assert result.exit_code == expect, result.stderr
    return result


def test_an_agreed_action_becomes_an_open_commitment_the_next_check_in_reviews(
        trustcheck_home):
    assess("--role", "mentor")
    assess("--role", "mentor", partner="Kim")
    said = add(REASONS, "--partner", "Sam")
    assert said.stderr.strip() == (
        f"Saved \"{MENTOR.action(REASONS).text}\" as an open commitment with Sam: your next "
        "check-in as a mentor with Sam will ask how it went.")
    assert statuses("--partner", "Sam") == {REASONS: "open"}
    assert statuses("--partner", "Kim") == {}  # only the relationship named

    # The next check-in with Sam asks about it, and reviewing it closes it.
    assess("--role", "mentor", commitments={REASONS: "done"})
    assert statuses("--partner", "Sam") == {REASONS: "done"}


def test_own_words_are_kept_as_text_cleaned_as_labels_are(trustcheck_home):
    assess("--role", "mentor")
    add("  Meet every\tsecond   week ", "--partner", "Sam")
    add("Send notes after each meeting", "--partner", "Sam")
    found = {c["action"]: c for r in listed()["relationships"] for c in r["commitments"]}
    assert found["own-1"]["text"] == "Meet every second week"
    assert found["own-1"]["strategy"] == "" and found["own-1"]["status"] == "open"
    assert found["own-2"]["text"] == "Send notes after each meeting"

    # Stored alike in the check-in's result, so an export says the same as the listing.
    exported = run("history", "export", "--format", "json")
    assert exported.exit_code == 0, exported.stderr
    [result] = json.loads(exported.stdout)
    assert [c["text"] for c in result["commitments"]] == [
        "Meet every second week", "Send notes after each meeting"]
    # And the next check-in reviews own words by their id, as any other commitment.
    assess("--role", "mentor", commitments={"own-1": "partly", "own-2": "not_done"})
    assert statuses() == {"own-1": "partly", "own-2": "not_done"}


def test_refusals_say_what_to_do_and_store_nothing(trustcheck_home):
    add("Meet weekly", "--partner", "Sam", expect=2)  # no history yet
    assess("--role", "mentor")
    before = rows(trustcheck_home, "SELECT * FROM commitments")
    cases = {
        ("transparency.no-such-action", "--partner", "Sam"):
            "'transparency.no-such-action' looks like an action id, but the checklist 'mentor' "
            "has no action with that id",
        ("Meet weekly", "--partner", "Nobody"): "There is no check-in with Nobody yet",
        ("Meet weekly",): "Please say whom you agreed it with: add --partner NAME",
        ("   ", "--partner", "Sam"): "Please say what you agreed",
        ("x" * 201, "--partner", "Sam"): "The action is longer than 200 characters",
        ("Meet weekly", "--partner", "Sam", "--role", "mentee"):
            "There is no check-in as a mentee with Sam yet",
    }
    for args, message in cases.items():
        result = add(*args, expect=2)
        assert result.stderr.startswith(message), result.stderr
        assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
    assert rows(trustcheck_home, "SELECT * FROM commitments") == before


def test_the_same_commitment_twice_is_refused(trustcheck_home):
    assess("--role", "mentor", "--commit", LISTEN)
    result = add(LISTEN, "--partner", "Sam", expect=2)
    assert "is already an open commitment of this check-in, so nothing was added" in result.stderr
    add("Meet weekly", "--partner", "Sam")
    again = add("Meet  weekly", "--partner", "Sam", expect=2)
    assert again.stderr.startswith('"Meet weekly" is already an open commitment')


def test_both_roles_with_one_partner_need_role(trustcheck_home):
    assess("--role", "mentor")
    mentee = run("assess", "--answers", "-", input=json.dumps({
        "role": "mentee", "partner": "Sam",
        "answers": {item.id: 3 for item in builtin("mentee").items}}))
    assert mentee.exit_code == 0, mentee.stderr
    result = add("Meet weekly", "--partner", "Sam", expect=2)
    assert "both as a mentor and as a mentee; please add --role" in result.stderr
    add("Meet weekly", "--partner", "Sam", "--role", "mentee")
    assert [(r["role"], len(r["commitments"])) for r in listed()["relationships"]] == [
        ("mentee", 1)]


def test_the_listing_still_works_as_before(trustcheck_home):
    assess("--role", "mentor", "--commit", LISTEN)
    shown = run("commitments")
    assert shown.exit_code == 0 and "open" in shown.stdout
    assert statuses() == {LISTEN: "open"}
