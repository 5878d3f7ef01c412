"""Your data: `trustcheck paths`, and `history export`, `import`, `delete` and `backup`."""

from __future__ import annotations

import csv
import errno
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import textwrap
from datetime import timedelta
from pathlib import Path

import pexpect
import pytest
from conftest import START, TABLES, builtin, make, mode, rows_of, run, save

from trustcheck import assessment, files
from trustcheck.paths import builtin_folder
from trustcheck.records import Review
from trustcheck.store import Store

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


# --- helpers ---------------------------------------------------------------------------------


def first_actions(role: str = "mentor", count: int = 2) -> tuple[str, ...]:
    return tuple(s.actions[0].id for s in builtin(role).strategies if s.actions)[:count]


def saved_ids(home: Path) -> list[str]:
    with Store.open(home / "history.db") as history:
        return [r.id for r in reversed(history.check_ins(limit=None))]  # oldest first


def integrity(path: Path) -> str:
    db = sqlite3.connect(path)
    try:
        return db.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        db.close()


def leftovers(folder: Path) -> list[str]:
    """Temporary files a failed write might have left in a folder."""
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


class DiskFillsUp:
    """Stands in for `os` inside trustcheck.files: the disk is full after `room` bytes."""

    def __init__(self, room: int = 0, *, at: str = "write") -> None:
        self.room = room
        self.at = at

    def __getattr__(self, name: str):
        return getattr(os, name)

    def write(self, fd: int, data) -> int:
        if self.at != "write":
            return os.write(fd, data)
        if self.room <= 0:
            raise OSError(errno.ENOSPC, "No space left on device")
        part = min(len(data), self.room)
        self.room -= part
        return os.write(fd, data[:part])

    def fsync(self, fd: int) -> None:
        if self.at == "fsync":
            raise OSError(errno.ENOSPC, "No space left on device")
        os.fsync(fd)


# --- trustcheck paths ------------------------------------------------------------------------


def test_paths_names_every_place_and_what_chose_it(trustcheck_home):
    result = run("paths")

    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    # A place whose path does not fit beside what chose it takes two lines: read them as one.
    lines = [f"{line} {after}" if after.startswith("  chosen by") else line
             for line, after in zip(lines, [*lines[1:], ""], strict=True)]
    data = next(line for line in lines if line.startswith("Data folder"))
    assert str(trustcheck_home) in data and "TRUSTCHECK_HOME environment variable" in data
    database = next(line for line in lines if line.startswith("Database"))
    assert str(trustcheck_home / "history.db") in database and "not created yet" in database
    assert any(line.startswith("Config folder") and str(trustcheck_home) in line
               for line in lines)
    assert any(str(trustcheck_home / "checklists") in line and "yours" in line for line in lines)
    assert any(str(builtin_folder()) in line and "built in" in line for line in lines)
    assert not trustcheck_home.exists(), "looking at the paths must not create anything"


def test_paths_json_shows_that_data_dir_moves_only_the_data_folder(tmp_path, trustcheck_home):
    elsewhere = tmp_path / "elsewhere"

    result = run("--data-dir", str(elsewhere), "paths", "--format", "json")

    assert result.exit_code == 0, result.stderr
    shown = json.loads(result.stdout)
    assert shown["schema"] == "trustcheck/paths/v1"
    assert shown["data"] == {"path": str(elsewhere), "chosen_by": "the --data-dir option",
                             "exists": False}
    assert shown["database"]["path"] == str(elsewhere / "history.db")
    assert shown["config"]["path"] == str(trustcheck_home)
    assert "TRUSTCHECK_HOME" in shown["config"]["chosen_by"]
    assert [(c["path"], c["builtin"]) for c in shown["checklists"]] == [
        (str(trustcheck_home / "checklists"), False), (str(builtin_folder()), True)]
    assert shown["checklists"][1]["exists"] is True


# --- trustcheck history export ---------------------------------------------------------------


def test_json_export_gives_every_full_result_oldest_first(trustcheck_home):
    older = make("a1", commit=first_actions())
    newer = make("b2", days=10, reviewed=(Review(older.commitments[0].action,
                                                 older.commitments[0].text, "a1",
                                                 older.created_at, "done"),))
    save(trustcheck_home, newer, older)

    result = run("history", "export")

    assert result.exit_code == 0, result.stderr
    exported = json.loads(result.stdout)
    assert exported == [assessment.to_dict(older), assessment.to_dict(newer)]
    assert exported[0]["commitments"] and exported[1]["follow_through"][0]["status"] == "done"


def test_jsonl_export_has_one_result_per_line_and_follows_the_filters(trustcheck_home):
    save(trustcheck_home, make("a1", partner="Sam"), make("b2", partner="Ada", days=1),
         make("c3", partner="Sam", days=40), make("d4", partner="Sam", role="mentee", days=41))

    result = run("history", "export", "--format", "jsonl", "--partner", "Sam",
                 "--role", "mentor", "--since", "2026-03-10")

    assert result.exit_code == 0, result.stderr
    lines = result.stdout.split("\n")
    assert lines[-1] == "", "every line ends with a newline"
    assert [json.loads(line)["id"] for line in lines[:-1]] == ["c3"]


def test_csv_export_has_a_column_per_strategy_score_for_each_role(trustcheck_home):
    mentor, mentee = make("a1"), make("b2", role="mentee", days=1, value=5)
    save(trustcheck_home, mentor, mentee)

    result = run("history", "export", "--format", "csv")

    assert result.exit_code == 0, result.stderr
    table = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [row["id"] for row in table] == ["a1", "b2"]
    for row, taken in zip(table, (mentor, mentee), strict=True):
        assert row["overall"] == str(taken.overall)
        for strategy in taken.strategies:
            assert row[strategy.id] == str(strategy.score)
    only_mentee = {s.id for s in mentee.strategies} - {s.id for s in mentor.strategies}
    assert only_mentee and all(table[0][s] == "" for s in only_mentee)


@pytest.mark.parametrize("label", ["=HYPERLINK(\"http://x\")", "+1+2", "-3", "@SUM(A1)",
                                   "\t=1+1", "\r=1+1"])
def test_csv_export_is_safe_to_open_in_a_spreadsheet(trustcheck_home, label):
    save(trustcheck_home, make("a1", partner=label, cohort=label))

    result = run("history", "export", "--format", "csv")

    assert result.exit_code == 0, result.stderr
    header, row = list(csv.reader(io.StringIO(result.stdout)))
    for column in ("partner", "cohort"):
        cell = row[header.index(column)]
        assert cell.startswith("'"), f"{column} cell {cell!r} would run as a formula"
        assert label.strip() in cell
    assert not any(cell.startswith(FORMULA_START) for cell in row)


def test_export_to_a_file_is_private_even_with_a_permissive_umask(tmp_path, trustcheck_home,
                                                                  umask_022):
    save(trustcheck_home, make("a1"), make("b2", days=1))
    target = tmp_path / "mine.jsonl"

    result = run("history", "export", "-f", "jsonl", "-o", str(target))

    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert f"Exported 2 check-ins to {target}" in result.stderr
    assert mode(target) == 0o600
    assert target.read_text(encoding="utf-8") == run("history", "export", "-f", "jsonl").stdout
    assert leftovers(tmp_path) == []


def test_export_never_replaces_a_file_unless_forced(tmp_path, trustcheck_home, umask_022):
    save(trustcheck_home, make("a1"))
    target = tmp_path / "notes.json"
    target.write_text("my own notes\n", encoding="utf-8")
    target.chmod(0o644)

    refused = run("history", "export", "-o", str(target))

    assert refused.exit_code == 2
    assert "already exists" in refused.stderr and "--force" in refused.stderr
    assert target.read_text(encoding="utf-8") == "my own notes\n"

    forced = run("history", "export", "-o", str(target), "--force")

    assert forced.exit_code == 0, forced.stderr
    assert [r["id"] for r in json.loads(target.read_text(encoding="utf-8"))] == ["a1"]
    assert mode(target) == 0o600
    assert leftovers(tmp_path) == []


def test_export_into_a_folder_that_does_not_exist_is_refused_plainly(tmp_path):
    result = run("history", "export", "-o", str(tmp_path / "no-such-folder" / "out.json"))

    assert result.exit_code == 2
    assert "does not exist" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("when", ["write", "fsync"])
def test_a_full_disk_during_export_leaves_no_file_and_the_history_intact(
        tmp_path, trustcheck_home, monkeypatch, when):
    database = save(trustcheck_home, *(make(f"a{i}", days=i) for i in range(5)))
    target = tmp_path / "export.json"
    monkeypatch.setattr(files, "os", DiskFillsUp(room=3000, at=when))

    result = run("history", "export", "-o", str(target))

    assert result.exit_code == 1
    message = result.stderr.strip()
    assert "full" in message and str(target) in message and "Traceback" not in message
    assert len(message.splitlines()) == 1
    assert not target.exists()
    assert leftovers(tmp_path) == []
    assert integrity(database) == "ok"
    assert rows_of(database)["assessments"] == 5


def test_a_full_disk_during_a_forced_export_keeps_the_old_file(tmp_path, trustcheck_home,
                                                               monkeypatch):
    save(trustcheck_home, make("a1"))
    target = tmp_path / "export.json"
    target.write_text("[]\n", encoding="utf-8")
    monkeypatch.setattr(files, "os", DiskFillsUp(room=100))

    result = run("history", "export", "-o", str(target), "--force")

    assert result.exit_code == 1
    assert target.read_text(encoding="utf-8") == "[]\n"
    assert leftovers(tmp_path) == []


def test_export_reads_the_history_without_any_checklist(tmp_path, trustcheck_home, monkeypatch):
    retired = assessment.to_dict(make("a1"))
    retired["checklist"] = {**retired["checklist"], "id": "our-old-list", "version": "0.9"}
    save(trustcheck_home, assessment.from_dict(retired))
    monkeypatch.setattr("trustcheck.paths.builtin_folder", lambda: tmp_path / "gone")

    result = run("history", "export", "-f", "csv")

    assert result.exit_code == 0, result.stderr
    assert "our-old-list,0.9" in result.stdout


def test_exporting_an_empty_history_gives_an_empty_list(trustcheck_home):
    result = run("history", "export")

    assert result.exit_code == 0
    assert json.loads(result.stdout) == []
    assert "no saved check-ins yet" in result.stderr
    assert not trustcheck_home.exists()


# --- trustcheck history import ---------------------------------------------------------------


def test_an_export_moves_everything_to_another_computer(tmp_path, trustcheck_home):
    older = make("a1", commit=first_actions())
    newer = make("b2", days=14, reviewed=(Review(older.commitments[0].action,
                                                 older.commitments[0].text, "a1",
                                                 older.created_at, "partly"),))
    save(trustcheck_home, older, newer, make("c3", role="mentee", partner="Kim", days=20))
    export = tmp_path / "history.jsonl"
    assert run("history", "export", "-f", "jsonl", "-o", str(export)).exit_code == 0
    other = tmp_path / "other-computer"

    result = run("--data-dir", str(other), "history", "import", str(export))

    assert result.exit_code == 0, result.stderr
    assert "3 added, 0 already in your history" in result.stderr
    assert run("--data-dir", str(other), "history", "export").stdout == \
        run("history", "export").stdout
    assert rows_of(other / "history.db") == rows_of(trustcheck_home / "history.db")


def test_importing_the_same_file_twice_adds_nothing(tmp_path, trustcheck_home):
    save(trustcheck_home, make("a1"), make("b2", days=1))
    export = tmp_path / "export.json"
    run("history", "export", "-o", str(export))
    other = tmp_path / "other"

    first = run("--data-dir", str(other), "history", "import", str(export))
    again = run("--data-dir", str(other), "history", "import", str(export))

    assert "2 added, 0 already in your history" in first.stderr
    assert again.exit_code == 0
    assert "0 added, 2 already in your history" in again.stderr
    assert rows_of(other / "history.db")["assessments"] == 2


def test_import_reads_a_single_result_a_list_and_json_lines_together(tmp_path, trustcheck_home):
    one, two, three = make("a1"), make("b2", days=1), make("c3", days=2)
    single = tmp_path / "one.json"
    single.write_text(json.dumps(assessment.to_dict(one), indent=2), encoding="utf-8")
    listed = tmp_path / "two.json"
    listed.write_text(json.dumps([assessment.to_dict(two)]), encoding="utf-8")
    lines = tmp_path / "three.txt"  # JSON Lines without the usual file name
    lines.write_text(json.dumps(assessment.to_dict(three)) + "\n" +
                     json.dumps(assessment.to_dict(one)) + "\n", encoding="utf-8")

    result = run("history", "import", str(single), str(listed), str(lines))

    assert result.exit_code == 0, result.stderr
    assert "Imported 3 files: 3 added, 1 already in your history" in result.stderr
    assert saved_ids(trustcheck_home) == ["a1", "b2", "c3"]


def test_import_reads_standard_input(trustcheck_home):
    exported = "".join(json.dumps(assessment.to_dict(make(f"a{i}", days=i))) + "\n"
                       for i in range(3))

    result = run("history", "import", "-", input=exported)

    assert result.exit_code == 0, result.stderr
    assert "3 added" in result.stderr
    assert saved_ids(trustcheck_home) == ["a0", "a1", "a2"]


def test_one_bad_record_means_nothing_is_imported_and_every_problem_is_located(
        tmp_path, trustcheck_home):
    save(trustcheck_home, make("a1"))
    good = json.dumps(assessment.to_dict(make("b2", days=1)))
    lines = tmp_path / "export.jsonl"
    lines.write_text(good + "\n{not json\n\n" + json.dumps({"schema": "something/else"}) + "\n",
                     encoding="utf-8")
    listed = tmp_path / "export.json"
    missing_id = assessment.to_dict(make("c3", days=2))
    del missing_id["id"]
    listed.write_text(json.dumps([assessment.to_dict(make("d4", days=3)), missing_id]),
                      encoding="utf-8")

    result = run("history", "import", str(lines), str(listed))

    assert result.exit_code == 2
    assert result.stderr.startswith("Nothing was imported: 3 problems")
    problems = [line for line in result.stderr.splitlines() if line.startswith("  - ")]
    assert problems[0].startswith(f"  - {lines}, line 2: this line is not valid JSON")
    assert problems[1].startswith(f"  - {lines}, line 4: this has a schema that is not a "
                                  "trustcheck check-in")
    assert problems[2].startswith(f"  - {listed}, record 2: ")
    assert "'id'" in problems[2]
    assert saved_ids(trustcheck_home) == ["a1"], "nothing may be written when anything is wrong"


def test_import_rejects_records_the_history_could_not_hold(tmp_path, trustcheck_home):
    good = assessment.to_dict(make("a1"))
    boss = {**good, "id": "b2", "role": "boss"}
    too_high = {**good, "id": "c3", "overall": 250}
    spaced = {**good, "id": "not an id"}
    twice = {**good, "id": "d4", "strategies": good["strategies"] + good["strategies"][:1]}
    future = {**good, "id": "e5", "schema": "trustcheck/result/v99"}
    export = tmp_path / "export.json"
    export.write_text(json.dumps([boss, too_high, spaced, twice, future, good]),
                      encoding="utf-8")

    result = run("history", "import", str(export))

    assert result.exit_code == 2
    for record, words in ((1, "role should be mentor or mentee"), (2, "overall index"),
                          (3, "not a trustcheck id"),
                          (4, "the same strategy twice"), (5, "update trustcheck")):
        assert any(line.startswith(f"  - {export}, record {record}: ") and words in line
                   for line in result.stderr.splitlines()), (record, words, result.stderr)
    assert "record 6" not in result.stderr
    assert not (trustcheck_home / "history.db").exists()


def test_import_refuses_scores_a_partner_shared_for_compare(tmp_path, trustcheck_home):
    shared = assessment.to_dict(make("a1", role="mentee", partner=None, cohort=None))
    shared["answers"] = {}
    export = tmp_path / "from-my-mentee.json"
    export.write_text(json.dumps([shared]), encoding="utf-8")

    result = run("history", "import", str(export))

    assert result.exit_code == 2
    assert "scores-only" in result.stderr and "trustcheck compare" in result.stderr
    assert not (trustcheck_home / "history.db").exists()


def test_importing_something_that_is_not_an_export_says_so(tmp_path, trustcheck_home):
    answers = tmp_path / "answers.yaml"
    answers.write_text(run("template", "--role", "mentor").stdout, encoding="utf-8")

    result = run("history", "import", str(answers), str(tmp_path / "missing.json"))

    assert result.exit_code == 2
    assert f"{answers}, line 1: this is not valid JSON" in result.stderr
    assert f"{tmp_path / 'missing.json'}: there is no such file" in result.stderr
    assert "Traceback" not in result.stderr


def test_import_refuses_a_file_larger_than_200_mib_without_reading_it(tmp_path):
    huge = tmp_path / "huge.jsonl"
    with huge.open("wb") as handle:
        handle.truncate(201 * 1024 * 1024)  # sparse: takes no room on the disk

    result = run("history", "import", str(huge))

    assert result.exit_code == 2
    assert "201 MiB" in result.stderr and "at most 200 MiB" in result.stderr


def test_import_keeps_a_partner_name_with_a_unicode_line_separator(tmp_path, trustcheck_home):
    odd = make("a1", partner="Ana\u2028Lu")
    export = tmp_path / "export.jsonl"
    export.write_text(json.dumps(assessment.to_dict(odd), ensure_ascii=False) + "\n",
                      encoding="utf-8")

    result = run("history", "import", str(export))

    assert result.exit_code == 0, result.stderr
    with Store.open(trustcheck_home / "history.db") as history:
        assert history.check_in("a1").partner == "Ana\u2028Lu"


def test_import_reads_results_from_before_commitments_existed(tmp_path, trustcheck_home):
    old = assessment.to_dict(make("a1"))
    old["schema"] = "trustcheck/result/v1"
    del old["commitments"], old["follow_through"]
    export = tmp_path / "old.json"
    export.write_text(json.dumps([old]), encoding="utf-8")

    result = run("history", "import", str(export))

    assert result.exit_code == 0, result.stderr
    shown = json.loads(run("history", "show", "a1", "--format", "json").stdout)
    assert shown["schema"] == "trustcheck/result/v3"
    assert shown["commitments"] == [] and shown["strategies"] == old["strategies"]


# --- trustcheck history delete ---------------------------------------------------------------


def test_delete_without_a_terminal_shows_what_would_go_and_asks_for_yes(trustcheck_home):
    save(trustcheck_home, make("aaaa1111"), make("bbbb2222", days=1))

    result = run("history", "delete", "--all")

    assert result.exit_code == 2
    assert "2 check-ins will be deleted" in result.stderr
    assert "aaaa1111" in result.stderr and "bbbb2222" in result.stderr
    assert "--yes" in result.stderr
    assert saved_ids(trustcheck_home) == ["aaaa1111", "bbbb2222"]


def test_deleting_an_assessment_removes_its_answers_scores_and_commitments(trustcheck_home):
    made = make("aaaa1111", commit=first_actions())
    reviewed = make("bbbb2222", days=7, commit=first_actions(count=1),
                    reviewed=(Review(made.commitments[0].action, made.commitments[0].text,
                                     made.id, made.created_at, "done"),))
    database = save(trustcheck_home, made, reviewed, make("cccc3333", days=9))
    kept = rows_of(database, "aaaa1111")

    result = run("history", "delete", "bbbb", "--yes")

    assert result.exit_code == 0, result.stderr
    assert "Deleted 1 check-in." in result.stderr
    assert rows_of(database, "bbbb2222") == dict.fromkeys(TABLES, 0)
    assert rows_of(database, "aaaa1111") == kept
    assert saved_ids(trustcheck_home) == ["aaaa1111", "cccc3333"]
    assert integrity(database) == "ok"


def test_delete_before_a_date_keeps_everything_from_that_day_on(trustcheck_home):
    save(trustcheck_home, make("a1"), make("b2", days=1), make("c3", days=2))
    day = (START + timedelta(days=1)).astimezone().date().isoformat()

    result = run("history", "delete", "--before", day, "--yes")

    assert result.exit_code == 0, result.stderr
    assert saved_ids(trustcheck_home) == ["b2", "c3"]


def test_delete_by_partner_can_be_narrowed_to_one_role(trustcheck_home):
    save(trustcheck_home, make("a1", partner="Sam"), make("b2", partner="Sam", role="mentee"),
         make("c3", partner="Ada"))

    result = run("history", "delete", "--partner", "Sam", "--role", "mentee", "--yes")

    assert result.exit_code == 0, result.stderr
    assert saved_ids(trustcheck_home) == ["a1", "c3"]
    assert run("history", "delete", "--partner", "Sam", "-y").exit_code == 0
    assert saved_ids(trustcheck_home) == ["c3"]


def test_delete_all_with_yes_empties_the_history(trustcheck_home):
    database = save(trustcheck_home, *(make(f"a{i}", days=i, commit=first_actions())
                                       for i in range(12)))

    result = run("history", "delete", "--all", "--yes")

    assert result.exit_code == 0, result.stderr
    assert "12 check-ins will be deleted" in result.stderr
    assert "... and 2 more" in result.stderr
    assert rows_of(database) == dict.fromkeys(TABLES, 0)


def test_delete_when_nothing_matches_says_so_and_succeeds(trustcheck_home):
    save(trustcheck_home, make("a1", partner="Sam"))

    result = run("history", "delete", "--partner", "Nobody")

    assert result.exit_code == 0
    assert "No check-ins match, so nothing was deleted." in result.stderr
    assert saved_ids(trustcheck_home) == ["a1"]


def test_an_unknown_or_ambiguous_id_deletes_nothing(trustcheck_home):
    save(trustcheck_home, make("abc1"), make("abc2", days=1), make("def3", days=2))

    result = run("history", "delete", "def3", "abc", "zzz", "--yes")

    assert result.exit_code == 2
    assert "more than one check-in has an id starting with 'abc'" in result.stderr
    assert "no saved check-in with the id 'zzz'" in result.stderr
    assert saved_ids(trustcheck_home) == ["abc1", "abc2", "def3"]


def test_a_filter_written_before_delete_is_refused_rather_than_ignored(trustcheck_home):
    save(trustcheck_home, make("a1", partner="Sam"), make("b2", partner="Ada"))

    result = run("history", "--partner", "Sam", "delete", "--all", "--yes")

    assert result.exit_code == 2
    assert "put them after it" in result.stderr and "Nothing was done" in result.stderr
    assert saved_ids(trustcheck_home) == ["a1", "b2"]


def test_delete_without_saying_what_lists_the_choices():
    result = run("history", "delete", "--yes")

    assert result.exit_code == 2
    for choice in ("ids", "--before", "--partner", "--all"):
        assert choice in result.stderr


def test_a_damaged_assessment_can_be_deleted_as_the_message_suggests(trustcheck_home):
    database = save(trustcheck_home, make("a1"), make("b2", days=1))
    db = sqlite3.connect(database)
    db.execute("UPDATE assessments SET result = '{\"broken' WHERE id = 'b2'")
    db.commit()
    db.close()

    broken = run("history")
    assert broken.exit_code == 1
    assert "`trustcheck history delete b2`" in broken.stderr

    result = run("history", "delete", "b2", "--yes")

    assert result.exit_code == 0, result.stderr
    assert run("history").exit_code == 0
    assert saved_ids(trustcheck_home) == ["a1"]


def spawn_delete(home: Path, *args: str) -> pexpect.spawn:
    env = dict(os.environ, TRUSTCHECK_HOME=str(home), NO_COLOR="1")
    return pexpect.spawn(sys.executable, ["-m", "trustcheck", "history", "delete", *args],
                         env=env, encoding="utf-8", timeout=15, dimensions=(40, 120))


@pytest.mark.parametrize(("reply", "left"), [("", ["a1", "b2"]), ("n", ["a1", "b2"]),
                                             ("y", ["b2"])])
def test_delete_on_a_terminal_asks_and_only_yes_deletes(trustcheck_home, reply, left):
    save(trustcheck_home, make("a1", partner="Sam"), make("b2", partner="Ada", days=1))
    child = spawn_delete(trustcheck_home, "--partner", "Sam")

    child.expect_exact("1 check-in will be deleted")
    child.expect_exact("[y/N]")
    child.sendline(reply)
    child.expect(pexpect.EOF)
    child.wait()
    child.close()

    assert child.exitstatus == 0
    assert ("Deleted 1 check-in." if reply == "y" else "Nothing was deleted.") in child.before
    assert saved_ids(trustcheck_home) == left


# --- trustcheck history backup ---------------------------------------------------------------


def test_backup_makes_a_private_complete_copy_in_the_data_folder(trustcheck_home, umask_022):
    database = save(trustcheck_home, make("a1", commit=first_actions()), make("b2", days=1))

    result = run("history", "backup")

    assert result.exit_code == 0, result.stderr
    copies = list(trustcheck_home.glob("history-backup-*.db"))
    assert len(copies) == 1
    assert re.fullmatch(r"history-backup-\d{8}-\d{6}\.db", copies[0].name)
    assert f"Backed up 2 check-ins to {copies[0]}" in result.stderr
    assert mode(copies[0]) == 0o600
    assert integrity(copies[0]) == "ok"
    assert rows_of(copies[0]) == rows_of(database)
    assert leftovers(trustcheck_home) == []


def test_a_second_backup_in_the_same_second_gets_its_own_name(trustcheck_home):
    save(trustcheck_home, make("a1"))

    for _ in range(3):
        assert run("history", "backup").exit_code == 0

    assert len(list(trustcheck_home.glob("history-backup-*.db"))) == 3


def test_backup_never_replaces_an_existing_file(tmp_path, trustcheck_home):
    save(trustcheck_home, make("a1"))
    target = tmp_path / "precious.db"
    target.write_bytes(b"something else")

    result = run("history", "backup", str(target))

    assert result.exit_code == 2
    assert "already exists" in result.stderr
    assert target.read_bytes() == b"something else"


def test_backup_into_a_folder_uses_the_usual_name(tmp_path, trustcheck_home):
    save(trustcheck_home, make("a1"))
    usb = tmp_path / "usb-stick"
    usb.mkdir()

    result = run("history", "backup", str(usb))

    assert result.exit_code == 0, result.stderr
    [copy] = usb.glob("history-backup-*.db")
    assert rows_of(copy)["assessments"] == 1


def test_backup_with_no_history_yet_says_so(trustcheck_home):
    result = run("history", "backup")

    assert result.exit_code == 0
    assert "no history to back up yet" in result.stderr
    assert not trustcheck_home.exists()


def test_a_full_disk_during_backup_leaves_no_file_and_the_history_intact(
        tmp_path, trustcheck_home, monkeypatch):
    database = save(trustcheck_home, *(make(f"a{i}", days=i) for i in range(20)))
    target = tmp_path / "backup.db"
    real_connect = sqlite3.connect

    def tiny_disk(path, *args, **kwargs):
        db = real_connect(path, *args, **kwargs)
        if Path(path).parent == tmp_path:
            db.execute("PRAGMA max_page_count = 2")  # SQLite reports SQLITE_FULL past this
        return db

    monkeypatch.setattr(sqlite3, "connect", tiny_disk)

    result = run("history", "backup", str(target))

    assert result.exit_code == 1
    message = result.stderr.strip()
    assert f"The disk holding {target} is full" in message and "Traceback" not in message
    assert not target.exists()
    assert list(tmp_path.iterdir()) == [trustcheck_home]
    monkeypatch.setattr(sqlite3, "connect", real_connect)  # never monkeypatch.undo()
    assert integrity(database) == "ok"
    assert rows_of(database)["assessments"] == 20


WRITER = textwrap.dedent("""
    import sys
    from datetime import datetime, timedelta, timezone
    from pathlib import Path

    from trustcheck import assessment, checklist
    from trustcheck.paths import builtin_folder
    from trustcheck.store import Store

    used = checklist.load(builtin_folder() / "mentor.yaml")
    start = datetime(2026, 3, 1, tzinfo=timezone.utc)
    with Store.open(Path(sys.argv[1])) as history:
        for number in range(int(sys.argv[2])):
            history.save(assessment.build(
                used, {item.id: 1 + number % 5 for item in used.items}, role="mentor",
                partner="Sam", cohort=None, now=start + timedelta(hours=number),
                id=f"w{number:05d}"))
            if number == 0:
                print("writing", flush=True)
""")


def test_backups_taken_while_another_run_writes_are_whole(trustcheck_home):
    database = save(trustcheck_home, make("a1"))
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(database), "300"],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert writer.stdout.readline().strip() == "writing"
        for _ in range(3):
            result = run("history", "backup")
            assert result.exit_code == 0, result.stderr
    finally:
        writer.wait(timeout=60)
    assert writer.returncode == 0

    copies = sorted(trustcheck_home.glob("history-backup-*.db"))
    assert len(copies) == 3
    strategies = len(builtin("mentor").strategies)
    statements = len(builtin("mentor").items)
    for copy in copies:
        assert integrity(copy) == "ok"
        with Store.open(copy) as backup:
            for kept in backup.check_ins(limit=None):  # every result reads back whole
                assert len(kept.answers) == statements and len(kept.strategies) == strategies
        counts = rows_of(copy)
        assert counts["answers"] == statements * counts["assessments"]
        assert counts["strategy_scores"] == strategies * counts["assessments"]
    assert rows_of(database)["assessments"] == 301


def test_a_damaged_history_points_to_backups_and_a_backup_brings_it_back(trustcheck_home):
    database = save(trustcheck_home, make("a1"), make("b2", days=1))
    assert run("history", "backup").exit_code == 0
    [copy] = trustcheck_home.glob("history-backup-*.db")
    database.write_bytes(b"coffee was spilled here\n" * 300)

    broken = run("history")

    assert broken.exit_code == 1
    assert "history-backup-*.db" in broken.stderr and str(trustcheck_home) in broken.stderr
    assert "`trustcheck history backup`" in broken.stderr
    assert run("history", "backup", "--help").exit_code == 0

    database.rename(trustcheck_home / "history-damaged.db")
    shutil.copyfile(copy, database)

    restored = run("history", "export")
    assert restored.exit_code == 0, restored.stderr
    assert [r["id"] for r in json.loads(restored.stdout)] == ["a1", "b2"]


# --- atomic private files --------------------------------------------------------------------


def test_a_file_that_appears_while_writing_is_never_replaced(tmp_path):
    target = tmp_path / "out.txt"

    def slow_write(temporary: Path) -> None:
        temporary.write_text("new", encoding="utf-8")
        target.write_text("someone else's", encoding="utf-8")  # appears meanwhile

    with pytest.raises(files.InputError, match="already exists"):
        files.place_private(target, slow_write)

    assert target.read_text(encoding="utf-8") == "someone else's"
    assert leftovers(tmp_path) == []


def test_files_are_still_written_where_hard_links_are_not_supported(tmp_path, monkeypatch):
    class NoLinks(DiskFillsUp):
        def link(self, *args, **kwargs):
            raise OSError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(files, "os", NoLinks(room=10**9))
    target = tmp_path / "out.txt"

    files.write_private(target, ["one\n", "two\n"])

    assert target.read_text(encoding="utf-8") == "one\ntwo\n"
    assert mode(target) == 0o600
    assert leftovers(tmp_path) == []


def test_an_interrupted_write_leaves_nothing_behind(tmp_path):
    def chunks():
        yield "first part\n"
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        files.write_private(tmp_path / "out.txt", chunks())

    assert list(tmp_path.iterdir()) == []
