"""The private SQLite history: permissions, schema versions, damage, transactions, concurrency."""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest
from conftest import START, answers_file, builtin, make, mode, rows_of, run, save, sha256_of
from hypothesis import given, settings
from hypothesis import strategies as st

from trustcheck import assessment, scoring, store
from trustcheck import checklist as checklists
from trustcheck.errors import InputError, StorageError
from trustcheck.records import Filters
from trustcheck.store import Store

# --- helpers ---------------------------------------------------------------------------------


def saved_store(tmp_path: Path, *results: assessment.Assessment) -> Path:
    return save(tmp_path / "data", *results)


def as_before_sems(result: assessment.Assessment) -> assessment.Assessment:
    """A check-in as results were written before strategy scores carried their SEM."""
    return result._replace(strategies=tuple(s._replace(sem=None) for s in result.strategies))


def count_rows(path: Path) -> dict[str, int]:
    return rows_of(path, tables=("assessments", "answers", "strategy_scores"))


# --- privacy ---------------------------------------------------------------------------------


def test_history_folder_and_files_are_private_even_with_a_permissive_umask(tmp_path, umask_022):
    folder = tmp_path / "nested" / "data"
    path = folder / "history.db"
    history = Store.open(path)
    try:
        history.save(make("a1"))
        assert mode(folder) == 0o700
        assert mode(path) == 0o600
        for suffix in ("-wal", "-shm"):
            side = Path(f"{path}{suffix}")
            assert side.exists(), f"{side.name} should exist while the history is open"
            assert mode(side) == 0o600, f"{side.name} is {oct(mode(side))}"
    finally:
        history.close()


def test_first_assess_creates_a_private_data_folder(tmp_path, trustcheck_home, umask_022):
    answers = answers_file(tmp_path)
    result = run("assess", "--role", "mentor", "--answers", str(answers))
    assert result.exit_code == 0, result.stderr
    assert mode(trustcheck_home) == 0o700
    assert mode(trustcheck_home / "history.db") == 0o600


# --- schema versions -------------------------------------------------------------------------


def test_a_new_history_records_its_schema_version(tmp_path):
    path = saved_store(tmp_path)
    db = sqlite3.connect(path)
    try:
        assert db.execute("PRAGMA user_version").fetchone()[0] == store.SCHEMA_VERSION
        recorded = db.execute("SELECT version, name, applied_at FROM migrations "
                              "ORDER BY version").fetchall()
    finally:
        db.close()
    assert [row[0] for row in recorded] == list(range(1, store.SCHEMA_VERSION + 1))
    assert [row[1] for row in recorded] == [name for name, _ in store.MIGRATIONS]
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", row[2]) for row in recorded)

    with Store.open(path) as again:  # reopening migrates nothing twice
        assert again.count() == 0
    db = sqlite3.connect(path)
    try:
        assert db.execute("SELECT count(*) FROM migrations").fetchone()[0] == store.SCHEMA_VERSION
    finally:
        db.close()


def _from_the_future(path: Path) -> None:
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {store.SCHEMA_VERSION + 5}")
    db.close()


def test_a_history_from_a_newer_trustcheck_is_refused_and_left_untouched(tmp_path):
    path = saved_store(tmp_path, make("a1"))
    _from_the_future(path)
    before = sha256_of(path)

    with pytest.raises(StorageError) as caught:
        Store.open(path)
    assert "newer trustcheck" in caught.value.message
    assert "please update trustcheck" in caught.value.message
    assert str(path) in caught.value.message
    assert sha256_of(path) == before


def test_cli_refuses_a_newer_history_with_exit_1_and_changes_nothing(tmp_path):
    data = tmp_path / "data"
    path = saved_store(tmp_path, make("a1"))
    _from_the_future(path)
    before = sha256_of(path)
    answers = answers_file(tmp_path)

    for command in (["history"], ["history", "show", "last"],
                    ["assess", "--role", "mentor", "--answers", str(answers)]):
        result = run("--data-dir", str(data), *command)
        assert result.exit_code == 1, command
        assert "newer trustcheck" in result.stderr
        assert "Traceback" not in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
        assert sha256_of(path) == before


# --- damaged files ---------------------------------------------------------------------------


def _assert_damage_reported(result, path: Path) -> None:
    assert result.exit_code == 1
    assert result.stdout == ""
    message = result.stderr.strip()
    assert len(message.splitlines()) == 1, message
    assert str(path) in message
    assert "backup" in message
    assert "Traceback" not in message


def _assert_suggested_commands_exist(message: str) -> None:
    """Every `trustcheck ...` command a message suggests must really exist."""
    for suggested in re.findall(r"`trustcheck ([a-z ]+)", message):
        words = suggested.split()
        result = run(*words, "--help")
        assert result.exit_code == 0, f"the message suggests `trustcheck {suggested}`, " \
                                      "which does not exist"


def test_a_file_of_garbage_is_reported_as_damaged_and_left_alone(trustcheck_home):
    trustcheck_home.mkdir(mode=0o700)
    path = trustcheck_home / "history.db"
    path.write_bytes(b"this is not a database, just some notes\n" * 200)
    before = sha256_of(path)

    result = run("history")
    _assert_damage_reported(result, path)
    _assert_suggested_commands_exist(result.stderr)
    assert sha256_of(path) == before


def test_a_history_damaged_in_the_middle_is_reported_and_left_alone(tmp_path, trustcheck_home):
    answers = answers_file(tmp_path)
    for partner in ("Sam", "Ada", "Kim"):
        saved = run("assess", "--role", "mentor", "--answers", str(answers), "--partner", partner)
        assert saved.exit_code == 0, saved.stderr
    path = trustcheck_home / "history.db"
    db = sqlite3.connect(path)
    page_size = db.execute("PRAGMA page_size").fetchone()[0]
    root = db.execute("SELECT rootpage FROM sqlite_master WHERE name = 'assessments'").fetchone()[0]
    db.close()
    data = bytearray(path.read_bytes())
    start = (root - 1) * page_size
    for offset in range(start, start + page_size):
        data[offset] ^= 0xA5  # flip bits across the whole page holding the assessments
    path.write_bytes(bytes(data))
    before = sha256_of(path)

    for command in (["history"], ["history", "show", "last"]):
        result = run(*command)
        _assert_damage_reported(result, path)
        _assert_suggested_commands_exist(result.stderr)
        assert sha256_of(path) == before


# --- transactions ----------------------------------------------------------------------------


def test_a_save_that_fails_midway_leaves_nothing_behind(tmp_path):
    path = saved_store(tmp_path)
    good = make("b1")
    broken = make("a1")._replace(strategies=good.strategies + good.strategies[:1])

    with Store.open(path) as history:
        with pytest.raises(StorageError) as caught:
            history.save(broken)
        assert str(path) in caught.value.message
        assert count_rows(path) == {"assessments": 0, "answers": 0, "strategy_scores": 0}
        history.save(good)  # the store is still usable afterwards
    assert count_rows(path) == {"assessments": 1, "answers": len(builtin("mentor").items),
                                "strategy_scores": len(builtin("mentor").strategies)}


def test_assess_whose_save_fails_midway_exits_1_and_history_stays_empty(tmp_path, monkeypatch,
                                                                         trustcheck_home):
    answers = answers_file(tmp_path)
    real_score = scoring.score

    def doubled(checklist, given):
        scores = real_score(checklist, given)
        return scoring.Scores(scores.strategies + scores.strategies[-1:], scores.overall)

    monkeypatch.setattr(scoring, "score", doubled)
    result = run("assess", "--role", "mentor", "--answers", str(answers), "--format", "json")
    assert result.exit_code == 1
    assert result.stdout == "", "a result that was not saved must not be shown as if it were"
    assert "Traceback" not in result.stderr
    assert str(trustcheck_home / "history.db") in result.stderr
    assert count_rows(trustcheck_home / "history.db") == {
        "assessments": 0, "answers": 0, "strategy_scores": 0}


# Concurrency and first-run races: tests/test_faults.py (with soak variants).


# --- stored results are frozen ---------------------------------------------------------------

CUSTOM = """\
id: pilot
version: 1
title: Pilot trust check
role: mentor
strategies:
  - id: listening
    title: Listen actively
    items:
      - id: listening.1
        text: In our recent meetings, I asked a follow-up question.
      - id: listening.2
        text: In our recent meetings, I checked my phone while my mentee talked.
        reverse: true
  - id: honesty
    title: Be honest
    items:
      - id: honesty.1
        text: I said when I was unsure.
"""


def test_editing_a_checklist_later_never_changes_a_stored_result(tmp_path):
    custom = tmp_path / "pilot.yaml"
    custom.write_text(CUSTOM, encoding="utf-8")
    answers = answers_file(tmp_path, checklist=custom)
    taken = run("assess", "--checklist", str(custom), "--answers", str(answers),
                "--format", "json")
    assert taken.exit_code == 0, taken.stderr
    original = json.loads(taken.stdout)
    assert original.pop("compared_to") is None  # printed by assess only, never stored
    assert original["checklist"]["id"] == "pilot"
    assert original["checklist"]["sha256"] == checklists.load(custom).sha256

    custom.write_text(CUSTOM.replace("version: 1", "version: 2")
                      .replace("I said when I was unsure.", "I admitted a mistake.")
                      .replace("title: Be honest", "title: Own your mistakes")
                      .replace("        reverse: true\n", ""), encoding="utf-8")
    assert checklists.load(custom).sha256 != original["checklist"]["sha256"]

    shown = run("history", "show", "last", "--format", "json")
    assert shown.exit_code == 0, shown.stderr
    stored = json.loads(shown.stdout)
    assert stored["checklist"] == original["checklist"]
    assert stored["checklist"]["version"] == "1"
    assert stored["strategies"] == original["strategies"]
    assert stored["overall"] == original["overall"]
    assert stored == original

    as_text = run("history", "show", "last")
    assert "Be honest" in as_text.stdout
    assert "Own your mistakes" not in as_text.stdout


# --- listing and finding ---------------------------------------------------------------------


def test_list_is_newest_first_by_when_it_was_taken_not_when_it_was_saved(tmp_path):
    path = saved_store(tmp_path, as_before_sems(make("c-middle", minutes=10)),
                       as_before_sems(make("a-newest", minutes=20)),
                       as_before_sems(make("b-oldest", minutes=0)))
    with Store.open(path) as history:
        assert [r.id for r in history.check_ins()] == ["a-newest", "c-middle", "b-oldest"]
        assert [r.id for r in history.check_ins(limit=2)] == ["a-newest", "c-middle"]
        assert len(history.check_ins(limit=0)) == 3
        assert len(history.check_ins(limit=None)) == 3
        newest = history.check_ins(limit=1)[0]
    assert newest.created_at == START + timedelta(minutes=20)
    # read back exactly as it was saved
    assert newest == as_before_sems(make("a-newest", minutes=20))


def test_list_filters_by_role_partner_and_cohort(tmp_path):
    path = saved_store(
        tmp_path,
        make("m-sam-spring", minutes=1, partner="Sam", cohort="spring"),
        make("m-ada-autumn", minutes=2, partner="Ada", cohort="autumn"),
        make("e-ada-spring", minutes=3, role="mentee", partner="Ada", cohort="spring"),
        make("m-none", minutes=4, partner=None, cohort=None),
    )
    with Store.open(path) as history:
        def ids(**filters: str) -> list[str]:
            return [r.id for r in history.check_ins(Filters(**filters), limit=0)]

        assert ids() == ["m-none", "e-ada-spring", "m-ada-autumn", "m-sam-spring"]
        assert ids(role="mentee") == ["e-ada-spring"]
        assert ids(role="mentor") == ["m-none", "m-ada-autumn", "m-sam-spring"]
        assert ids(partner="Ada") == ["e-ada-spring", "m-ada-autumn"]
        assert ids(cohort="spring") == ["e-ada-spring", "m-sam-spring"]
        assert ids(role="mentor", partner="Ada", cohort="autumn") == ["m-ada-autumn"]
        assert ids(partner="ada") == []  # names are matched exactly


def test_get_finds_by_unique_prefix_full_id_or_last(tmp_path):
    path = saved_store(tmp_path, make("abc111", minutes=5), make("abc222", minutes=1),
                       make("def333", minutes=3))
    with Store.open(path) as history:
        assert history.check_in("abc1").id == "abc111"
        assert history.check_in("abc222").id == "abc222"
        assert history.check_in("d").id == "def333"
        assert history.check_in("last").id == "abc111"  # newest taken, though saved first

        with pytest.raises(InputError) as ambiguous:
            history.check_in("abc")
        assert "More than one check-in" in ambiguous.value.message
        assert "type more of the id" in ambiguous.value.message

        with pytest.raises(InputError) as unknown:
            history.check_in("zzz")
        assert "no saved check-in with the id 'zzz'" in unknown.value.message

        for wildcard in ("%", "_bc111", "abc%"):
            with pytest.raises(InputError):
                history.check_in(wildcard)  # typed literally, never as a pattern


def test_check_in_ids_name_the_newest_a_whole_id_or_a_start_in_any_case(tmp_path):
    path = saved_store(tmp_path, make("abc111", minutes=5), make("abc222", minutes=1),
                       make("def333", minutes=3))
    with Store.open(path) as history:
        assert history.check_in_ids("last") == ["abc111"]
        assert history.check_in_ids("abc222") == ["abc222"]
        assert history.check_in_ids("ABC1") == ["abc111"]  # ids are typed in any case
        assert sorted(history.check_in_ids("abc")) == ["abc111", "abc222"]  # needs more
        assert history.check_in_ids("zzz") == []
        assert history.check_in_ids("") == [] and history.check_in_ids("  ") == []
        assert history.check_in_ids("_bc111") == []  # a wildcard is typed literally


def test_score_rows_of_named_ids_are_those_only_oldest_first(tmp_path):
    """`history delete ID...` shows what will go without reading the whole history."""
    path = saved_store(tmp_path, make("abc111", minutes=5), make("abc222", minutes=1),
                       make("def333", minutes=3, partner="Ada"))
    with Store.open_for_reading(path) as history:
        assert [r.id for r in history.score_rows(ids={"abc111", "def333"})] == [
            "def333", "abc111"]
        assert [r.id for r in history.score_rows(Filters(partner="Ada"),
                                                 ids={"abc111", "def333"})] == ["def333"]
        assert history.score_rows(ids=set()) == []


def test_newest_is_the_latest_check_in_of_that_relationship_only(tmp_path):
    path = saved_store(tmp_path, make("sam-old", minutes=1, partner="Sam"),
                       make("sam-new", minutes=9, partner="Sam"),
                       make("ada-newer", minutes=20, partner="Ada"),
                       make("none", minutes=30, partner=None))
    from trustcheck.records import Relationship

    with Store.open(path) as history:
        assert history.newest(Relationship("mentor", "Sam")).id == "sam-new"
        assert history.newest(Relationship("mentor", None)).id == "none"
        assert history.newest(Relationship("mentee", "Sam")) is None


def test_a_snapshot_keeps_reading_the_history_as_it_was_while_another_run_saves(tmp_path):
    path = saved_store(tmp_path, make("first", minutes=1))
    with Store.open(path) as reader, Store.open(path) as writer:
        with reader.snapshot():
            assert [r.id for r in reader.score_rows()] == ["first"]
            writer.save(make("second", minutes=2))
            assert [r.id for r in reader.score_rows()] == ["first"]  # still the same moment
            assert [r.id for r in reader.check_ins()] == ["first"]
        assert [r.id for r in reader.score_rows()] == ["first", "second"]


def test_get_last_on_an_empty_history_says_there_is_nothing_yet(tmp_path):
    path = saved_store(tmp_path)
    with Store.open(path) as history, pytest.raises(InputError) as caught:
        history.check_in("last")
    assert "no saved check-ins yet" in caught.value.message
    assert "trustcheck assess" in caught.value.message


def test_ambiguous_prefix_on_the_command_line_exits_2(tmp_path, trustcheck_home):
    saved_store(tmp_path, make("abc111"), make("abc222"))
    data = str(tmp_path / "data")
    result = run("--data-dir", data, "history", "show", "abc")
    assert result.exit_code == 2
    assert "More than one check-in" in result.stderr
    shown = run("--data-dir", data, "history", "show", "abc2", "--format", "json")
    assert shown.exit_code == 0, shown.stderr
    assert json.loads(shown.stdout)["id"] == "abc222"


# --- exports stream, with the same bytes ----------------------------------------------------


def exported_the_old_way(path: Path, scores_only: bool = False) -> dict[str, str]:
    """What `history export` printed before it streamed: every result read whole, then rendered."""
    from trustcheck.compare import scores_only as reduced
    from trustcheck.render import csv as csv_output
    from trustcheck.render import json as json_output

    with Store.open(path) as history:
        found = history.check_ins(limit=None, oldest_first=True)
    if scores_only:
        found = [assessment.from_dict(reduced(assessment.to_dict(a))) for a in found]
    return {"json": json_output.result_list(found),
            "jsonl": "".join(json_output.result_lines(found)),
            "csv": csv_output.results(found)}


def varied_history(home: Path) -> Path:
    """Both roles, no partner, a formula, quotes, a backslash, ", " and a bidi control in names,
    no cohort, a strategy without a score, equal scores (a tie for the lowest), two check-ins
    in the same second."""
    mentee = builtin("mentee")
    skipped = {item.id: (None if item.strategy == mentee.strategies[0].id else 2)
               for item in mentee.items}
    return save(home,
                make("b-first", minutes=1, partner="=SUM(A1)", cohort='a "q", b: c\\'),
                make("a-same-second", minutes=2, partner=None, cohort=None, value=5),
                make("c-same-second", minutes=2, partner="Sam\u202eevil", value=3),
                assessment.build(mentee, skipped, role="mentee", partner="Ada",
                                 cohort="autumn", now=START + timedelta(minutes=3),
                                 id="d-mentee"),
                make("e-last", minutes=4, commit=("consistency.fix-a-regular-slot",)))


@pytest.mark.parametrize("scores_only", [False, True], ids=["whole", "scores-only"])
@pytest.mark.parametrize("format", ["json", "jsonl", "csv"])
def test_a_streamed_export_has_exactly_the_bytes_of_the_old_export(trustcheck_home, format,
                                                                    scores_only):
    path = varied_history(trustcheck_home)
    expected = exported_the_old_way(path, scores_only)[format]

    printed = run("history", "export", "--format", format,
                  *(["--scores-only"] if scores_only else []))
    assert printed.exit_code == 0, printed.stderr
    assert printed.stdout == expected
    assert printed.stdout.count("d-mentee") == 1

    written = run("history", "export", "--format", format, "-o",
                  str(trustcheck_home / f"export.{format}"),
                  *(["--scores-only"] if scores_only else []))
    assert written.exit_code == 0, written.stderr
    assert (trustcheck_home / f"export.{format}").read_text(encoding="utf-8") == expected
    assert "Exported 5 check-ins" in written.stderr


@pytest.mark.parametrize("format", ["json", "jsonl", "csv"])
def test_a_streamed_export_of_a_filtered_or_empty_history_matches_the_old_export(
        trustcheck_home, format):
    path = varied_history(trustcheck_home)
    with Store.open(path) as history:
        partner_only = history.check_ins(Filters(partner="Ada"), limit=None, oldest_first=True)
    from trustcheck.render import csv as csv_output
    from trustcheck.render import json as json_output

    expected = {"json": json_output.result_list(partner_only),
                "jsonl": "".join(json_output.result_lines(partner_only)),
                "csv": csv_output.results(partner_only)}[format]
    narrowed = run("history", "export", "--format", format, "--partner", "Ada")
    assert narrowed.exit_code == 0, narrowed.stderr
    assert narrowed.stdout == expected

    nobody = run("history", "export", "--format", format, "--partner", "Nobody")
    assert nobody.exit_code == 0, nobody.stderr
    assert nobody.stdout == {"json": "[]\n", "jsonl": "", "csv": csv_output.results([])}[format]
    assert "No check-ins match those filters" in nobody.stderr


def test_an_export_of_a_release_1_history_brings_its_results_up_to_date(trustcheck_home):
    trustcheck_home.mkdir(mode=0o700)
    path = trustcheck_home / "history.db"
    shutil.copyfile(Path(__file__).parent / "data" / "history-v1.db", path)
    expected = None
    for format in ("json", "jsonl", "csv"):
        printed = run("history", "export", "--format", format)
        assert printed.exit_code == 0, printed.stderr
        expected = exported_the_old_way(path)[format]
        assert printed.stdout == expected
    assert expected and expected.count("\n") > 1


@settings(max_examples=300, deadline=None)
@given(st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner) | st.dictionaries(st.text(), inner), max_leaves=20))
def test_compacting_saved_json_text_gives_what_dumping_it_compactly_gives(value):
    from trustcheck.render.json import compact

    saved = json.dumps(value, ensure_ascii=False)  # as the store saves a result
    assert compact(saved) == json.dumps(value, ensure_ascii=False, separators=(",", ":"))
