"""`trustcheck share` and `trustcheck compare THEIR_FILE`: the sealed exchange of issue 11, as two
people with their own data folders go through it."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from conftest import START, answers_file, builtin, make, mode, rows, run, save
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_schemas import assert_matches

from trustcheck import exchange, scoring, share
from trustcheck.assessment import Assessment
from trustcheck.exchange import SharedScores, SharedStrategy, from_assessment
from trustcheck.scoring import PartnerScores, StrategyScore

CODE = re.compile(r"tell your partner this code: ([2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}-"
                  r"[2-9A-HJ-NP-Z]{2})")
OTHER = {"mentor": "mentee", "mentee": "mentor"}


# --- two people -------------------------------------------------------------------------------


def with_view(result: Assessment, felt: float = 75.0, level: int = 4) -> Assessment:
    """The check-in with a partner view: felt trust, and the partner's strategies as seen,
    under the partner's own checklist's strategy ids."""
    partner_checklist = builtin(OTHER[result.role])
    seen = scoring.score(partner_checklist, {item.id: level for item in partner_checklist.items})
    return result._replace(partner_view=PartnerScores(
        StrategyScore("felt_trust", "Felt trust", "felt_trust", felt, 5, 5, 0, 7.5),
        seen.strategies))


class Person:
    """One person's data folder, and trustcheck run as them."""

    def __init__(self, folder: Path, role: str, partner: str) -> None:
        self.home = folder / f"{role}-home"
        self.folder = folder
        self.role = role
        self.partner = partner

    def run(self, *args: str, input: str | None = None):
        return run(*args, input=input, env={"TRUSTCHECK_HOME": str(self.home)})

    def check_in(self, id: str, *, days: float = 0, view: bool = True, value: int = 4,
                 version: str | None = None) -> Assessment:
        result = make(id, days=days, role=self.role, partner=self.partner, value=value)
        if view:
            result = with_view(result)
        if version is not None:
            result = result._replace(checklist=result.checklist._replace(version=version))
        save(self.home, result)
        return result

    def share(self, name: str, *args: str) -> tuple[Path, str]:
        path = self.folder / name
        done = self.run("share", "--partner", self.partner, "-o", str(path), *args)
        assert done.exit_code == 0, done.stderr
        found = CODE.search(done.stdout)
        assert found, done.stdout
        return path, found[1]

    def open(self, path: Path, *args: str):
        return self.run("compare", str(path), *args)


@pytest.fixture
def mentor(tmp_path: Path) -> Person:
    return Person(tmp_path, "mentor", "Sam")


@pytest.fixture
def mentee(tmp_path: Path) -> Person:
    return Person(tmp_path, "mentee", "Alex")


def one_sentence(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr
    return lines[0]


# --- the whole story ------------------------------------------------------------------------


def test_the_whole_story_two_people_share_and_open_each_others_files(mentor, mentee):
    mentor.check_in("mentor-1")
    mentor_file, mentor_code = mentor.share("for-alex.json")
    assert mode(mentor_file) == 0o600

    # Alex has not checked in: the file stays shut, and says why.
    refused = mentee.open(mentor_file, "--code", mentor_code)
    assert refused.exit_code == 2
    said = one_sentence(refused.stderr)
    assert "mentor" in said and "checked in yourself" in said and "unswayed" in said

    # After checking in (with a view of the mentor), the file needs its code...
    mentee.check_in("mentee-1", days=3)
    needs = mentee.open(mentor_file)
    assert needs.exit_code == 2
    said = one_sentence(needs.stderr)
    assert "your mentor's check-in of 1 March 2026" in said and "--code" in said
    assert needs.stdout == ""

    # ...and with it (typed in lower case, without dashes) it opens.
    typed = mentor_code.replace("-", "").lower()
    opened_by_mentee = mentee.open(mentor_file, "--code", typed, "--format", "json")
    assert opened_by_mentee.exit_code == 0, opened_by_mentee.stderr
    seen_by_mentee = json.loads(opened_by_mentee.stdout)
    assert seen_by_mentee["you"] == "mentee"
    assert seen_by_mentee["sides"]["mentor"]["felt_trust"]["score"] == 75.0
    assert seen_by_mentee["sides"]["mentee"]["commitment"] is None  # not shared yet
    assert "You have not shared this check-in yet" in opened_by_mentee.stderr

    # Alex shares back; Sam opens it.
    mentee_file, mentee_code = mentee.share("for-sam.json")
    mentor_sees = mentor.open(mentee_file, "--code", mentee_code, "--format", "json")
    assert mentor_sees.exit_code == 0, mentor_sees.stderr
    seen_by_mentor = json.loads(mentor_sees.stdout)

    # The same figures on both sides (the same JSON apart from who is "you"), with the
    # commitment each file was sealed with.
    again = json.loads(mentee.open(mentor_file, "--code", mentor_code,
                                   "--format", "json").stdout)
    assert (again["you"], seen_by_mentor["you"]) == ("mentee", "mentor")
    assert {**again, "you": None} == {**seen_by_mentor, "you": None}
    mentor_commitment = json.loads(mentor_file.read_text(encoding="utf-8"))["commitment"]
    mentee_commitment = json.loads(mentee_file.read_text(encoding="utf-8"))["commitment"]
    assert again["sides"]["mentor"]["commitment"] == mentor_commitment
    assert again["sides"]["mentee"]["commitment"] == mentee_commitment

    # Every file and output matches its documented shape.
    assert_matches("share-v1", json.loads(mentor_file.read_text(encoding="utf-8")))
    assert_matches("comparison-v3", seen_by_mentor)
    assert_matches("comparison-v3", seen_by_mentee)

    # The text a person reads names both commitments.
    text = mentor.open(mentee_file, "--code", mentee_code)
    assert text.exit_code == 0, text.stderr
    assert mentor_commitment in text.stdout and mentee_commitment in text.stdout
    assert "how your mentee sees you" in text.stdout.lower()


def test_share_keeps_the_code_in_the_senders_history_and_shows_it_again(mentor):
    made = mentor.check_in("mentor-1")
    path, code = mentor.share("for-alex.json")
    kept = rows(mentor.home, "SELECT role, partner, assessment_id, code, payload_sha256 "
                             "FROM shares")
    commitment = json.loads(path.read_text(encoding="utf-8"))["commitment"]
    assert kept == [("mentor", "Sam", made.id, code, commitment)]
    shown = mentor.run("share", "--partner", "Sam", "--show-code")
    assert shown.exit_code == 0, shown.stderr
    assert code in shown.stdout and commitment in shown.stdout


def test_the_file_holds_scores_only_never_answers_names_or_commitments(mentor):
    mentor.check_in("mentor-1")
    path, code = mentor.share("for-alex.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    # Everything in the clear, that is all but the random bytes (the sealed text, salt, nonce
    # and code check, in base64, where any three letters turn up by chance now and then).
    data.pop("sealed")
    for random_bytes in ("salt", "nonce", "code_check"):
        data["seal"].pop(random_bytes)
    clear = json.dumps(data)
    assert "Sam" not in clear and "spring" not in clear
    found = share.read(path.read_bytes(), str(path))
    sealed_payload = share.open_sealed(found, code, str(path))
    assert sealed_payload.role == "mentor" and sealed_payload.felt_trust is not None
    # What the payload holds, field by field: nothing but roles, dates, checklist and scores.
    assert set(exchange.to_dict(sealed_payload)) == {
        "role", "taken_at", "checklist", "strategies", "overall", "overall_sem", "felt_trust",
        "partner_view"}


def test_share_writes_to_standard_output_with_the_code_on_standard_error(mentor):
    mentor.check_in("mentor-1")
    done = mentor.run("share", "-o", "-")
    assert done.exit_code == 0, done.stderr
    assert json.loads(done.stdout)["schema"] == share.SCHEMA
    assert CODE.search(done.stderr)


def test_share_never_overwrites_a_file_without_force(mentor):
    mentor.check_in("mentor-1")
    path, first_code = mentor.share("for-alex.json")
    before = path.read_bytes()
    again = mentor.run("share", "-o", str(path))
    assert again.exit_code == 2
    assert "already exists" in one_sentence(again.stderr)
    assert path.read_bytes() == before
    assert len(rows(mentor.home, "SELECT id FROM shares")) == 1  # nothing kept for it
    _, second_code = mentor.share("for-alex.json", "--force")
    assert path.read_bytes() != before
    assert second_code != first_code
    assert second_code in mentor.run("share", "--show-code").stdout


def test_share_needs_a_check_in_with_a_partner_view(mentor, tmp_path):
    nothing = mentor.run("share")
    assert nothing.exit_code == 2
    assert "trustcheck assess" in one_sentence(nothing.stderr)
    done = mentor.run("assess", "--role", "mentor", "--partner", "Sam", "--answers",
                      str(answers_file(tmp_path)))
    assert done.exit_code == 0, done.stderr
    refused = mentor.run("share", "--partner", "Sam", "-o", str(tmp_path / "x.json"))
    assert refused.exit_code == 2
    said = one_sentence(refused.stderr)
    assert "no view of your partner" in said and "partner_view:" in said
    assert not (tmp_path / "x.json").exists()
    assert rows(mentor.home, "SELECT count(*) FROM shares") == [(0,)]


def test_deleting_a_check_in_deletes_its_share_and_code(mentor):
    mentor.check_in("mentor-1")
    mentor.share("for-alex.json")
    done = mentor.run("history", "delete", "mentor-1", "--yes")
    assert done.exit_code == 0, done.stderr
    assert rows(mentor.home, "SELECT count(*) FROM shares") == [(0,)]


# --- refusals when opening ------------------------------------------------------------------


def test_a_check_in_without_a_partner_view_does_not_open_the_file(mentor, mentee, tmp_path):
    mentor.check_in("mentor-1")
    path, code = mentor.share("for-alex.json")
    mentee.check_in("mentee-1", days=1, view=False)
    refused = mentee.open(path, "--code", code)
    assert refused.exit_code == 2
    said = one_sentence(refused.stderr)
    assert "view of your partner" in said and "--partner-view" in said


def test_a_check_in_more_than_14_days_from_theirs_does_not_open_the_file(mentor, mentee):
    mentor.check_in("mentor-1")
    path, code = mentor.share("for-alex.json")
    mentee.check_in("mentee-1", days=20)
    refused = mentee.open(path, "--code", code)
    assert refused.exit_code == 2
    assert "within 14 days" in one_sentence(refused.stderr)
    mentee.check_in("mentee-2", days=-13)  # an earlier one close enough to theirs opens it
    assert mentee.open(path, "--code", code).exit_code == 0


def test_a_wrong_code_is_one_plain_sentence(mentor, mentee):
    mentor.check_in("mentor-1")
    path, code = mentor.share("for-alex.json")
    mentee.check_in("mentee-1", days=1)
    wrong = "2222-2222-22" if code != "2222-2222-22" else "3333-3333-33"
    refused = mentee.open(path, "--code", wrong)
    assert refused.exit_code == 2
    assert "code does not open this file" in one_sentence(refused.stderr)
    malformed = mentee.open(path, "--code", "hello")
    assert malformed.exit_code == 2
    assert "is not a share code" in one_sentence(malformed.stderr)


def test_a_tampered_file_is_refused(mentor, mentee):
    mentor.check_in("mentor-1")
    path, code = mentor.share("for-alex.json")
    mentee.check_in("mentee-1", days=1)
    data = json.loads(path.read_text(encoding="utf-8"))
    sealed = bytearray(share._unb64(data["sealed"]))
    sealed[5] ^= 1
    data["sealed"] = share._b64(bytes(sealed))
    path.write_text(share._canonical(data) + "\n", encoding="utf-8")
    refused = mentee.open(path, "--code", code)
    assert refused.exit_code == 2
    assert "has been changed" in one_sentence(refused.stderr)


def test_a_changed_date_in_the_readable_header_is_refused(mentor, mentee):
    mentor.check_in("mentor-1")
    path, code = mentor.share("for-alex.json")
    mentee.check_in("mentee-1", days=30)
    data = json.loads(path.read_text(encoding="utf-8"))
    # Moving the date to sneak past the 14-day rule breaks the seal.
    data["taken_at"] = "2026-03-30T09:00:00Z"
    path.write_text(share._canonical(data) + "\n", encoding="utf-8")
    refused = mentee.open(path, "--code", code)
    assert refused.exit_code == 2
    assert "has been changed" in one_sentence(refused.stderr)


def test_a_file_from_someone_in_the_same_role_is_refused(mentor, tmp_path):
    other_mentor = Person(tmp_path / "other", "mentor", "Kim")
    other_mentor.folder.mkdir()
    other_mentor.check_in("other-1")
    path, code = other_mentor.share("theirs.json")
    mentor.check_in("mentor-1", days=1)
    refused = mentor.open(path, "--code", code)
    assert refused.exit_code == 2
    said = one_sentence(refused.stderr)
    assert "is from a mentor, and so are your check-ins" in said


def test_a_file_from_another_checklist_family_is_refused(mentee, tmp_path):
    mentee.check_in("mentee-1")
    strangers = (SharedStrategy("punctuality", "Be on time", 80.0, 8.0),)
    theirs = SharedScores("mentor", START, ("acme-coach", "1", "f" * 64), strangers, 80.0, 8.0,
                          SharedStrategy("felt_trust", "Felt trust", 70.0, 7.5), strangers)
    sealed = share.seal(theirs, made_at=START)
    path = tmp_path / "stranger.json"
    path.write_text(sealed.text, encoding="utf-8")
    refused = mentee.open(path, "--code", sealed.code)
    assert refused.exit_code == 2
    said = one_sentence(refused.stderr)
    assert "'acme-coach'" in said and "no strategy in common" in said


def test_a_file_from_an_older_checklist_version_is_compared_strategy_by_strategy(mentor, mentee):
    mentor.check_in("mentor-1", version="0")
    path, code = mentor.share("for-alex.json")
    mentee.check_in("mentee-1", days=2)
    opened = mentee.open(path, "--code", code, "--format", "json")
    assert opened.exit_code == 0, opened.stderr
    newest = builtin("mentee").version
    assert f"version 0 of their checklist and you answered version {newest}" in opened.stderr
    assert "strategy by strategy" in opened.stderr
    assert json.loads(opened.stdout)["sides"]["mentor"]["checklist"]["version"] == "0"


def test_a_share_file_cannot_be_given_with_a_second_result(mentor, mentee):
    mentor.check_in("mentor-1")
    path, _ = mentor.share("for-alex.json")
    mentee.check_in("mentee-1", days=1)
    refused = mentee.open(path, "last")
    assert refused.exit_code == 2
    assert "on its own" in one_sentence(refused.stderr)


def test_two_result_files_still_compare_without_a_code(tmp_path):
    mentor_result, mentee_result = tmp_path / "a.json", tmp_path / "b.json"
    from trustcheck.assessment import to_dict

    mentor_result.write_text(json.dumps(to_dict(make("a1", role="mentor"))), encoding="utf-8")
    mentee_result.write_text(json.dumps(to_dict(make("b1", role="mentee"))), encoding="utf-8")
    done = run("compare", str(mentor_result), str(mentee_result), "--format", "json")
    assert done.exit_code == 0, done.stderr
    assert json.loads(done.stdout)["schema"] == "trustcheck/comparison/v2"
    one = run("compare", str(mentor_result))  # their side alone: yours is not there yet
    assert one.exit_code == 2
    assert "run `trustcheck assess` first" in one_sentence(one.stderr)
    missing = run("compare", str(tmp_path / "nowhere.json"))
    assert missing.exit_code == 2
    assert "There is no file at" in one_sentence(missing.stderr)


# --- the code and the seal ----------------------------------------------------------------


def test_codes_are_short_readable_and_typed_in_any_form():
    code = share.new_code()
    assert re.fullmatch(r"[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{2}", code)
    assert share.normalised(f" {code.lower().replace('-', ' ')} ") == code.replace("-", "")
    assert len(share.ALPHABET) ** share.CODE_LENGTH >= 2**50  # guessing stays impractical
    assert not set("01IO") & set(share.ALPHABET)


def _sealed_example() -> tuple[bytes, str]:
    mine = from_assessment(with_view(make("m1", role="mentor")))
    sealed = share.seal(mine, made_at=START + timedelta(days=1))
    return sealed.text.encode("utf-8"), sealed.code


_EXAMPLE = _sealed_example()


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_any_change_to_the_file_is_refused(data):
    original, code = _EXAMPLE
    position = data.draw(st.integers(0, len(original) - 1), label="position")
    replacement = data.draw(st.integers(0, 255).filter(lambda b: b != original[position]),
                            label="byte")
    changed = original[:position] + bytes([replacement]) + original[position + 1:]
    with pytest.raises(share.ShareFileError):
        share.open_sealed(share.read(changed, "their.json"), code, "their.json")


def test_the_unchanged_file_opens_and_its_commitment_matches_its_contents():
    original, code = _EXAMPLE
    found = share.read(original, "their.json")
    opened = share.open_sealed(found, code, "their.json")
    assert opened.role == "mentor"
    assert opened.taken_at == START


def test_a_file_from_a_newer_trustcheck_says_to_update():
    original, _ = _EXAMPLE
    newer = original.replace(b'"schema":"trustcheck/share/v1"', b'"schema":"trustcheck/share/v9"')
    with pytest.raises(share.ShareFileError, match="update trustcheck"):
        share.read(newer, "their.json")


def test_the_sealing_library_is_not_imported_by_other_commands():
    # Only `share` and opening a share file pay for the cryptography package at start-up.
    probe = ("import sys; from trustcheck.cli.app import build; "
             "[build(name) for name in ('assess', 'history', 'compare', 'share', 'focus')]; "
             "print('cryptography' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          check=True)
    assert done.stdout.strip() == "False"


def test_opening_takes_well_under_a_second_yet_each_guess_costs_scrypt():
    original, code = _EXAMPLE
    found = share.read(original, "their.json")
    started = datetime.now(timezone.utc)
    share.open_sealed(found, code, "their.json")
    assert (datetime.now(timezone.utc) - started) < timedelta(seconds=3)  # a busy test machine
    assert share.SCRYPT_N >= 2**16  # 64 MiB per guess


# --- on a terminal, and with several relationships ---------------------------------------


def test_on_a_terminal_compare_asks_for_the_code(mentor, mentee):
    import io
    import os

    import pexpect

    mentor.check_in("mentor-1")
    path, code = mentor.share("for-alex.json")
    mentee.check_in("mentee-1", days=1)
    env = dict(os.environ, TRUSTCHECK_HOME=str(mentee.home), NO_COLOR="1")
    child = pexpect.spawn(sys.executable, ["-m", "trustcheck", "compare", str(path)], env=env,
                          encoding="utf-8", timeout=30, dimensions=(40, 120))
    child.logfile_read = io.StringIO()
    child.expect_exact("The code your partner told you")
    child.sendline(code.lower())
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, child.logfile_read.getvalue()
    assert "Your mentor trusts you:" in " ".join(child.logfile_read.getvalue().split())


def test_with_several_partners_the_file_is_opened_for_the_one_named(mentor, mentee, tmp_path):
    mentor.check_in("mentor-1")
    path, code = mentor.share("for-alex.json")
    mentee.check_in("mentee-1", days=1)
    other = Person(tmp_path, "mentee", "Robin")
    other.home = mentee.home
    other.check_in("mentee-2", days=2)
    several = mentee.open(path, "--code", code)
    assert several.exit_code == 2
    assert "--partner" in several.stderr.splitlines()[0]
    chosen = mentee.open(path, "--code", code, "--partner", "Alex", "--format", "json")
    assert chosen.exit_code == 0, chosen.stderr
    assert json.loads(chosen.stdout)["sides"]["mentee"]["taken_at"] == "2026-03-02T09:00:00Z"


def test_a_share_whose_code_could_not_be_kept_leaves_no_file(mentor, monkeypatch):
    from trustcheck.errors import StorageError
    from trustcheck.store import Store

    def full_disk(self, share_record):
        raise StorageError("The disk holding your history is full, so nothing was saved; "
                           "free some space and try again.")

    mentor.check_in("mentor-1")
    monkeypatch.setattr(Store, "save_share", full_disk)
    path = mentor.folder / "for-alex.json"
    failed = mentor.run("share", "-o", str(path))
    assert failed.exit_code == 1
    assert "disk holding your history is full" in one_sentence(failed.stderr)
    assert not path.exists()  # a file nobody has the code for would be of no use


def test_the_story_with_real_check_ins_from_answers_files_with_partner_views(tmp_path):
    """Two people answer the questionnaire from files (their view of each other included),
    share, and open each other's files, all through the command line."""
    from test_partner_view import answers_with_partner_view

    people = {"mentor": Person(tmp_path, "mentor", "Sam"),
              "mentee": Person(tmp_path, "mentee", "Alex")}
    answers = {}
    for role in people:
        (tmp_path / role).mkdir()
        answers[role] = answers_with_partner_view(tmp_path / role, role, felt_trust=5,
                                                  behaviour=2 if role == "mentee" else 4)

    def check_in(role: str) -> None:
        person = people[role]
        done = person.run("assess", "--answers", str(answers[role]), "--partner", person.partner)
        assert done.exit_code == 0, done.stderr

    check_in("mentor")
    mentor_file, mentor_code = people["mentor"].share("for-alex.json")
    # Alex has not checked in yet: the file stays shut.
    early = people["mentee"].open(mentor_file, "--code", mentor_code)
    assert early.exit_code == 2 and "unswayed" in one_sentence(early.stderr)

    check_in("mentee")
    mentee_file, mentee_code = people["mentee"].share("for-sam.json")
    without_code = people["mentee"].open(mentor_file)
    assert without_code.exit_code == 2 and "--code" in one_sentence(without_code.stderr)
    wrong = people["mentee"].open(mentor_file, "--code", "2222-2222-22")
    assert wrong.exit_code == 2 and "Traceback" not in wrong.stderr

    seen = {}
    for role, file, code in (("mentee", mentor_file, mentor_code),
                             ("mentor", mentee_file, mentee_code)):
        opened = people[role].open(file, "--code", code, "--format", "json")
        assert opened.exit_code == 0, opened.stderr
        seen[role] = json.loads(opened.stdout)
        assert_matches("comparison-v3", seen[role])
    # Both see the same figures, from check-ins they answered themselves.
    assert {**seen["mentor"], "you": None} == {**seen["mentee"], "you": None}
    for side in seen["mentor"]["sides"].values():
        assert side["felt_trust"]["score"] == 100.0
        assert side["seen_by_partner"], side
        assert side["commitment"].startswith("sha256:")
    # Alex sees Sam's behaviour low (answers of 2) against Sam's own view (answers of 4).
    verdicts = {v["verdict"] for v in seen["mentor"]["sides"]["mentor"]["seen_by_partner"]}
    assert "blind spot" in verdicts
