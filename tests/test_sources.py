"""Reading cohort responses: every source kind, every bad row kind, CSV header mistakes."""

from __future__ import annotations

import io
import json
import math
import os
import uuid
from datetime import datetime, timezone
from pathlib import Path

import pytest
from conftest import answer_of, builtin
from hypothesis import given, settings
from hypothesis import strategies as st

from trustcheck import assessment, scoring
from trustcheck import checklist as checklists
from trustcheck.cohort import SKIPPED, Scope
from trustcheck.paths import builtin_folder, resolve
from trustcheck.sources import Collected, Library, collect, collect_history
from trustcheck.store import Store

NOW = datetime(2026, 5, 1, 12, 0, tzinfo=timezone.utc)

# --- helpers (useful to other report tests too) ---------------------------------------------


def library() -> Library:
    return Library(resolve(None, os.environ).checklist_folders())


def csv_text(role: str, rows: list[list[str]] | None = None, *, people: int = 0,
             cohort: str = "spring", header: list[str] | None = None) -> str:
    """A CSV as `trustcheck template --format csv` would start it, with rows of answers."""
    used = builtin(role)
    header = header or ["role", "partner", "cohort", *(item.id for item in used.items)]
    lines = [",".join(header)]
    for person in range(people):
        lines.append(",".join([role, f"Partner {role} {person}", cohort,
                               *(str(answer_of(person, item.id)) for item in used.items)]))
    for row in rows or []:
        lines.append(",".join(row))
    return "\n".join(lines) + "\n"


def result(role: str = "mentor", person: int = 0, *, cohort: str | None = "spring",
           partner: str | None = "Sam Secret", **changes: object) -> dict:
    """A result object as `assess --format json` prints it."""
    used = builtin(role)
    built = assessment.build(used, {i.id: answer_of(person, i.id) for i in used.items},
                             role=role, partner=partner, cohort=cohort, now=NOW,
                             id=uuid.uuid4().hex)
    return assessment.to_dict(built) | changes


def read(tmp_path: Path, name: str, text: str, scope: Scope = Scope()) -> Collected:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return collect([str(path)], scope, library())


def problems(collected: Collected) -> list[str]:
    return [str(p) for p in collected.problems]


def sizes(collected: Collected) -> dict[str, int]:
    return {b.layout.role: len(b) for b in collected.buckets if len(b)}


# --- every source kind -------------------------------------------------------------------------


def test_a_single_result_file_from_assess_is_read(tmp_path):
    collected = read(tmp_path, "one.json", json.dumps(result(), indent=2))
    assert sizes(collected) == {"mentor": 1}
    assert collected.problems == [] and collected.used == 1


def test_a_json_list_as_history_export_writes_it_is_read(tmp_path):
    items = [result("mentor", n) for n in range(3)] + [result("mentee", n) for n in range(2)]
    collected = read(tmp_path, "export.json", json.dumps(items, indent=2))
    assert sizes(collected) == {"mentor": 3, "mentee": 2}


def test_json_lines_are_read_one_result_per_line(tmp_path):
    text = "".join(json.dumps(result("mentee", n)) + "\n" for n in range(4))
    assert sizes(read(tmp_path, "export.jsonl", text)) == {"mentee": 4}


def test_results_written_one_after_another_in_a_json_file_are_all_read(tmp_path):
    text = json.dumps(result("mentor", 1), indent=2) + "\n" + json.dumps(result("mentor", 2))
    assert sizes(read(tmp_path, "two.json", text)) == {"mentor": 2}


def test_a_csv_of_raw_answers_is_scored_exactly_as_assess_scores_it(tmp_path):
    collected = read(tmp_path, "mentors.csv", csv_text("mentor", people=3))
    bucket = collected.buckets[0]
    used = builtin("mentor")
    for person in range(3):
        expected = scoring.score(used, {i.id: answer_of(person, i.id) for i in used.items})
        got = [bucket.scores[k][person] for k in range(len(used.strategies))]
        assert got == [s.score for s in expected.strategies]
        assert bucket.overall[person] == expected.overall
    assert bucket.layout.available


def test_a_folder_of_mixed_files_is_read_and_other_files_are_passed_over(tmp_path):
    folder = tmp_path / "cohort"
    folder.mkdir()
    (folder / "a.json").write_text(json.dumps(result("mentor", 1)))
    (folder / "b.jsonl").write_text(json.dumps(result("mentor", 2)) + "\n")
    (folder / "c.csv").write_text(csv_text("mentee", people=2))
    (folder / "notes.txt").write_text("Sam said something private")
    (folder / ".hidden.json").write_text("not json at all")
    collected = collect([str(folder)], Scope(), library())
    assert sizes(collected) == {"mentor": 2, "mentee": 2}
    assert collected.problems == [] and collected.files == 3


def test_sources_of_every_kind_can_be_mixed_and_land_with_their_checklist(tmp_path):
    (tmp_path / "m.csv").write_text(csv_text("mentor", people=2))
    (tmp_path / "r.json").write_text(json.dumps([result("mentor", 5)]))
    collected = collect([str(tmp_path / "m.csv"), str(tmp_path / "r.json")], Scope(), library())
    assert sizes(collected) == {"mentor": 3}
    assert len([b for b in collected.buckets if len(b)]) == 1  # one checklist version


def test_standard_input_can_hold_csv_or_json(tmp_path):
    stdin = io.BytesIO(csv_text("mentee", people=2).encode("utf-8"))
    assert sizes(collect(["-"], Scope(), library(), stdin=stdin)) == {"mentee": 2}
    stdin = io.BytesIO(json.dumps([result("mentor")]).encode("utf-8"))
    assert sizes(collect(["-"], Scope(), library(), stdin=stdin)) == {"mentor": 1}


def test_the_history_is_read_result_by_result(trustcheck_home):
    used = builtin("mentor")
    with Store.open(trustcheck_home / "history.db") as store:
        for person in range(3):
            store.save(assessment.build(used, {i.id: answer_of(person, i.id) for i in used.items},
                                        role="mentor", partner="Sam", cohort="spring", now=NOW,
                                        id=uuid.uuid4().hex))
        collected = collect_history(store.result_texts(), Scope(), library())
    assert sizes(collected) == {"mentor": 3} and collected.problems == []


def test_a_missing_source_stops_at_once_with_its_path(tmp_path):
    from trustcheck.errors import InputError

    with pytest.raises(InputError, match="There is no file or folder at .*nowhere.csv"):
        collect([str(tmp_path / "nowhere.csv")], Scope(), library())


def test_a_folder_without_result_files_is_refused(tmp_path):
    from trustcheck.errors import InputError

    (tmp_path / "notes.txt").write_text("x")
    with pytest.raises(InputError, match="holds no .json, .jsonl, .csv, .yaml or .xlsx files"):
        collect([str(tmp_path)], Scope(), library())


# --- bad rows: listed with file and line, left out -------------------------------------------


def test_a_result_with_an_unknown_schema_is_left_out_with_its_line(tmp_path):
    text = "\n".join(json.dumps(r) for r in [
        result("mentor", 1), result("mentor", 2, schema="trustcheck/result/v9"),
        result("mentor", 3)]) + "\n"
    collected = read(tmp_path, "x.jsonl", text)
    assert sizes(collected) == {"mentor": 2} and collected.left_out == 1
    assert problems(collected) == [
        f"{tmp_path / 'x.jsonl'}, line 2: this has the schema 'trustcheck/result/v9', which is "
        "not a check-in this trustcheck can read; update trustcheck or leave the file out."]


def test_a_schema_that_is_not_a_trustcheck_name_is_not_repeated(tmp_path):
    collected = read(tmp_path, "x.json", json.dumps(result("mentor", schema="Sam's diary")))
    assert problems(collected) == [
        f"{tmp_path / 'x.json'}, line 1: this has a schema that is not a trustcheck check-in; "
        "update trustcheck or leave the file out."]


def test_an_answers_file_without_a_schema_is_not_mistaken_for_a_result(tmp_path):
    # Answers files are report sources now (issue 13): an empty one is read as answers, and
    # left out for having too few, not mistaken for a result without a schema.
    collected = read(tmp_path, "answers.json", json.dumps({"role": "mentor", "answers": {}}))
    assert collected.left_out == 1
    assert "statements have an answer" in problems(collected)[0]
    assert "schema" not in problems(collected)[0]


def test_a_malformed_json_line_is_left_out_and_the_rest_is_read(tmp_path):
    lines = [json.dumps(result("mentor", 1)), '{"schema": "trustcheck/result/v2", "id": ',
             json.dumps(result("mentor", 2))]
    collected = read(tmp_path, "x.jsonl", "\n".join(lines) + "\n")
    assert sizes(collected) == {"mentor": 2}
    assert problems(collected)[0].startswith(f"{tmp_path / 'x.jsonl'}, line 2: this line is not "
                                             "valid JSON")


def test_a_broken_element_of_a_json_list_leaves_out_the_rest_of_that_file(tmp_path):
    good = json.dumps(result("mentor", 1), indent=2)
    text = "[\n" + good + ",\n" + '{"schema": oops}' + ",\n" + good + "\n]\n"
    collected = read(tmp_path, "x.json", text)
    assert sizes(collected) == {"mentor": 1}
    line = 2 + good.count("\n") + 1
    assert problems(collected) == [
        f"{tmp_path / 'x.json'}, line {line}: this is not valid JSON (Expecting value); the rest "
        "of the file was left out."]


def test_a_broken_object_between_good_ones_is_skipped_to_the_next_line(tmp_path):
    text = (json.dumps(result("mentor", 1)) + "\n" + '{"broken": \n'
            + json.dumps(result("mentor", 2)) + "\n")
    collected = read(tmp_path, "x.json", text)
    assert sizes(collected) == {"mentor": 2}
    assert problems(collected)[0].startswith(f"{tmp_path / 'x.json'}, line 2: this is not valid")


@pytest.mark.parametrize(("change", "message"), [
    ({"role": "boss"}, "its role should be mentor or mentee."),
    ({"strategies": "lots"}, "it has no strategy scores."),
    ({"overall": 140}, "its overall index is not a number from 0 to 100."),
    ({"checklist": {"id": "mentor"}}, "it does not say which checklist was answered"),
    ({"answers": {"transparency.4": 9}}, "an answer is not a whole number from 1 to 5."),
    ({"answers": {"made.up": 3}}, "it answers a statement that the checklist it names does not"),
])
def test_a_result_that_does_not_hold_together_is_left_out(tmp_path, change, message):
    broken = result("mentor", 2) | change
    collected = read(tmp_path, "x.json", json.dumps([result("mentor", 1), broken]))
    assert sizes(collected) == {"mentor": 1}
    assert message in problems(collected)[0]
    assert "line" in problems(collected)[0]


def test_a_bad_role_in_a_csv_row_is_left_out_with_its_line(tmp_path):
    used = builtin("mentor")
    row = ["boss", "Sam", "spring", *("4" for _ in used.items)]
    collected = read(tmp_path, "m.csv", csv_text("mentor", [row], people=2))
    assert sizes(collected) == {"mentor": 2}
    assert problems(collected) == [
        f"{tmp_path / 'm.csv'}, line 4: the role should be mentor or mentee."]


def test_a_bad_answer_value_names_the_statement_but_never_echoes_the_cell(tmp_path):
    used = builtin("mentor")
    cells = ["4"] * len(used.items)
    cells[4] = "I never trust him"
    collected = read(tmp_path, "m.csv", csv_text("mentor", [["mentor", "Sam", "spring", *cells]]))
    assert collected.used == 0 and collected.left_out == 1
    message = problems(collected)[0]
    assert message == (f"{tmp_path / 'm.csv'}, line 2: the answer to '{used.items[4].id}' is not "
                       "a whole number from 1 to 5; leave the cell empty to skip it.")
    assert "trust him" not in message and "Sam" not in message


def test_answer_cells_may_say_skip_or_carry_spaces_or_a_spreadsheets_decimal(tmp_path):
    used = builtin("mentor")
    cells = ["4"] * len(used.items)
    cells[0], cells[1], cells[2], cells[3] = " 5 ", "skip", "N/A", "3.0"
    collected = read(tmp_path, "m.csv", csv_text("mentor", [["Mentor", "", "", *cells]]))
    assert collected.problems == [] and collected.used == 1
    bucket = collected.buckets[0]
    assert list(bucket.answers[:4]) == [5, SKIPPED, SKIPPED, 3]


def test_a_row_with_too_few_answers_is_left_out(tmp_path):
    used = builtin("mentee")
    cells = [""] * len(used.items)
    cells[:5] = ["4"] * 5
    collected = read(tmp_path, "e.csv", csv_text("mentee", [["mentee", "", "", *cells]]))
    assert problems(collected) == [
        f"{tmp_path / 'e.csv'}, line 2: only 5 of {len(used.items)} statements have an answer; "
        f"at least {(len(used.items) + 1) // 2} are needed."]  # half, rounded up


def test_a_row_with_a_missing_separator_is_left_out(tmp_path):
    used = builtin("mentor")
    short = ["mentor", "Sam", *("4" for _ in used.items)]
    collected = read(tmp_path, "m.csv", csv_text("mentor", [short], people=1))
    assert problems(collected) == [
        f"{tmp_path / 'm.csv'}, line 3: this row has {len(used.items) + 2} cells but the header "
        f"has {len(used.items) + 3}; check for a missing or extra separator."]


def test_a_mentee_row_in_a_mentor_only_file_is_left_out(tmp_path):
    used = builtin("mentor")
    collected = read(tmp_path, "m.csv", csv_text(
        "mentor", [["mentee", "", "", *("4" for _ in used.items)]], people=1))
    assert problems(collected) == [
        f"{tmp_path / 'm.csv'}, line 3: this row is for a mentee, but the file has no columns "
        "for the mentee checklist."]


def test_one_form_for_both_roles_reads_each_row_with_its_own_checklist(tmp_path):
    mentor, mentee = builtin("mentor"), builtin("mentee")
    items = [i.id for i in mentor.items] + [i.id for i in mentee.items
                                            if i.id not in {m.id for m in mentor.items}]
    header = ["role", "partner", "cohort", *items]
    rows = []
    for role, used in (("mentor", mentor), ("mentee", mentee)):
        own = {i.id for i in used.items}
        rows.append([role, "", "", *("4" if i in own else "" for i in items)])
    stray = ["mentor", "", "", *("4" for _ in items)]  # also answers mentee-only statements
    collected = read(tmp_path, "both.csv", csv_text("mentor", rows + [stray], header=header))
    assert sizes(collected) == {"mentor": 1, "mentee": 1}
    assert problems(collected) == [
        f"{tmp_path / 'both.csv'}, line 4: this row answers statements that are not in the "
        "mentor checklist; leave those cells empty for mentors."]


# --- CSV header mistakes ---------------------------------------------------------------------


def test_an_unknown_item_column_is_named_with_a_suggestion_and_the_file_left_out(tmp_path):
    used = builtin("mentor")
    header = ["role", "partner", "cohort", *(item.id for item in used.items)]
    first = used.items[0].id
    header[3] = first.replace("transparency", "transparncy")
    assert header[3] != first
    collected = read(tmp_path, "m.csv", csv_text("mentor", header=header) + "".join(
        f"mentor,,,{','.join('4' for _ in used.items)}\n" for _ in range(3)))
    assert collected.used == 0 and collected.left_out == 3
    found = problems(collected)
    assert (f"{tmp_path / 'm.csv'}, line 1: the column '{header[3]}' is not a statement of the "
            f"'mentor' checklist. Did you mean '{first}'? Rename or remove the column."
            ) in found
    assert any(f"no column for '{first}'" in p for p in found)
    assert found[-1] == (f"{tmp_path / 'm.csv'}, line 1: because of the header, all 3 rows of "
                         "this file were left out.")


def test_missing_item_columns_are_named_and_the_file_left_out(tmp_path):
    used = builtin("mentee")
    header = ["role", "partner", "cohort", *(item.id for item in used.items[:-4])]
    collected = read(tmp_path, "e.csv", csv_text("mentee", header=header)
                     + f"mentee,,,{','.join('4' for _ in used.items[:-4])}\n")
    missing = [item.id for item in used.items[-4:]]
    assert problems(collected)[0] == (
        f"{tmp_path / 'e.csv'}, line 1: the header has no column for '{missing[0]}', "
        f"'{missing[1]}' and '{missing[2]}' and 1 more of the checklist 'mentee'; add the missing "
        "columns (run `trustcheck template --role mentee --format csv` to see them all).")
    assert collected.left_out == 1 and collected.used == 0


def test_a_header_without_a_role_column_or_with_a_column_twice_is_refused(tmp_path):
    used = builtin("mentor")
    ids = [item.id for item in used.items]
    no_role = read(tmp_path, "a.csv", ",".join(["partner", *ids]) + "\n")
    assert any("the header has no 'role' column" in p for p in problems(no_role))
    twice = read(tmp_path, "b.csv", ",".join(["role", "role", *ids]) + "\n")
    assert any("the column 'role' appears twice" in p for p in problems(twice))


def test_a_history_export_csv_is_recognised_and_the_json_export_suggested(tmp_path):
    header = "id,created_at,role,partner,cohort,checklist_id,checklist_version,overall,band\n"
    collected = read(tmp_path, "export.csv", header + "3d5c,2026-05-01T12:00:00Z,mentor,Sam,,"
                                                      "mentor,1,60,solid\n")
    assert collected.used == 0 and collected.left_out == 1
    assert "`trustcheck history export --format csv` file" in problems(collected)[0]
    assert "--format json or jsonl" in problems(collected)[0]


def test_a_file_named_twice_or_inside_a_named_folder_is_read_once(tmp_path):
    path = tmp_path / "mentors.csv"
    path.write_text(csv_text("mentor", people=3))
    collected = collect([str(path), str(tmp_path), str(path)], Scope(), library())
    assert sizes(collected) == {"mentor": 3} and collected.files == 1


def test_a_spreadsheet_export_with_semicolons_and_a_byte_order_mark_is_read(tmp_path):
    text = csv_text("mentor", people=2).replace(",", ";")
    path = tmp_path / "excel.csv"
    path.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    collected = collect([str(path)], Scope(), library())
    assert collected.problems == [] and sizes(collected) == {"mentor": 2}


def test_line_numbers_stay_right_after_a_cell_with_a_line_break(tmp_path):
    used = builtin("mentor")
    good = ",".join(["mentor", '"Sam\nand Alex"', "spring", *("4" for _ in used.items)])
    bad = ",".join(["mentor", "", "", *("9" for _ in used.items)])
    collected = read(tmp_path, "m.csv", csv_text("mentor") + good + "\n" + bad + "\n")
    assert collected.used == 1
    assert problems(collected)[0].startswith(f"{tmp_path / 'm.csv'}, line 4:")


def test_a_file_that_is_not_utf8_is_named(tmp_path):
    path = tmp_path / "latin.csv"
    path.write_bytes(csv_text("mentor").encode() + b"mentor,J\xf6rg,,4\n")
    collected = collect([str(path)], Scope(), library())
    assert any("is not UTF-8 text" in p for p in problems(collected))


# --- checklists, duplicates, filters ---------------------------------------------------------


def test_a_result_from_a_checklist_not_on_this_computer_still_counts_by_its_scores(tmp_path):
    other = result("mentor", 1, checklist={"id": "mentor", "version": "7", "sha256": "ab" * 32,
                                           "title": "An old one"})
    collected = read(tmp_path, "x.json", json.dumps([other]))
    bucket = collected.buckets[0]
    assert len(bucket) == 1 and not bucket.layout.available
    assert [s.id for s in bucket.layout.strategies] == [s["id"] for s in other["strategies"]]
    assert bucket.has_answers[0] == 1  # straight-lining can still be told
    assert len(bucket.answers) == 0  # but answers are not kept without the reverse-keying


def test_a_custom_checklist_in_the_users_folder_is_found_by_its_fingerprint(tmp_path,
                                                                            trustcheck_home):
    folder = trustcheck_home / "checklists"
    folder.mkdir(parents=True)
    source = (builtin_folder() / "mentor.yaml").read_text()
    (folder / "shared.yaml").write_text((builtin_folder() / "shared.yaml").read_text())
    (folder / "ours.yaml").write_text(source.replace("id: mentor\n", "id: ours\n", 1))
    ours = checklists.load(folder / "ours.yaml")
    built = assessment.build(ours, {i.id: 4 for i in ours.items}, role="mentor", partner=None,
                             cohort=None, now=NOW, id=uuid.uuid4().hex)
    collected = read(tmp_path, "x.json", json.dumps(assessment.to_dict(built)))
    assert collected.buckets[0].layout.available
    assert collected.buckets[0].layout.checklist_id == "ours"


def test_the_same_result_met_twice_counts_once(tmp_path):
    one = result("mentor", 1)
    collected = read(tmp_path, "x.json", json.dumps([one, result("mentor", 2), one]))
    assert sizes(collected) == {"mentor": 2} and collected.duplicates == 1
    assert collected.problems == []


def test_cohort_and_role_filters_leave_out_other_rows_without_calling_them_bad(tmp_path):
    rows = [result("mentor", 1, cohort="spring"), result("mentor", 2, cohort="autumn"),
            result("mentee", 3, cohort="spring"), result("mentor", 4, cohort=" spring ")]
    collected = read(tmp_path, "x.json", json.dumps(rows), Scope(cohort="spring", role="mentor"))
    assert sizes(collected) == {"mentor": 2}
    assert collected.out_of_scope == 2 and collected.problems == []


def test_scores_only_results_count_without_item_level_answers(tmp_path):
    from trustcheck.compare import scores_only

    rows = [scores_only(result("mentee", n)) for n in range(2)]
    collected = read(tmp_path, "x.json", json.dumps(rows))
    bucket = collected.buckets[0]
    assert len(bucket) == 2 and list(bucket.has_answers) == [0, 0]


# --- the fast scorer agrees with the real one --------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(st.none(), st.integers(1, 5)), min_size=44, max_size=44))
def test_csv_rows_score_exactly_like_scoring_score(values):
    from trustcheck.resultfiles import Scorer

    used = builtin("mentee")
    answers = {item.id: value for item, value in zip(used.items, values, strict=True)}
    scores, overall = Scorer(used).score([SKIPPED if v is None else v for v in values])
    expected = scoring.score(used, answers)
    assert scores == [s.score for s in expected.strategies]
    assert overall == expected.overall or (overall is None and expected.overall is None)
    assert not any(isinstance(s, float) and math.isnan(s) for s in scores)


# --- reading in chunks -----------------------------------------------------------------------


def test_files_read_in_small_chunks_give_the_same_rows_and_lines(tmp_path, monkeypatch):
    from trustcheck import resultfiles

    good = [result("mentor", n) for n in range(4)]
    listing = json.dumps(good[:2], indent=2)[:-1] + ",\n" + '{"broken": }' + "\n]\n"
    lines = "\n".join([json.dumps(good[2]), "{oops", json.dumps(good[3])]) + "\n"
    bad_row = ",".join(["mentor", "", "", *("7" for _ in builtin("mentor").items)])
    files = {"list.json": listing, "lines.jsonl": lines,
             "form.csv": csv_text("mentor", [bad_row], people=3),
             "stream.json": json.dumps(good[0]) + "\n" + json.dumps(good[1], indent=1)}

    def outcome() -> list[tuple[str, int, list[str]]]:
        found = []
        for name, text in files.items():
            collected = read(tmp_path, name, text)
            found.append((name, collected.used, problems(collected)))
        return found

    whole = outcome()
    monkeypatch.setattr(resultfiles, "CHUNK", 7)
    assert outcome() == whole
    assert [used for _, used, _ in whole] == [2, 2, 3, 2]
    assert all(len(found) == 1 for name, _, found in whole if name != "stream.json")
