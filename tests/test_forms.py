"""Answers from real forms (issue 13 §2): Google Forms CSV and Microsoft Forms Excel exports as
they come, answers files as report sources, `template --format form`, and no email address or
name from a form ever reaching a report, a log or a message."""

from __future__ import annotations

import csv
import json
import sys
from datetime import datetime
from pathlib import Path

import pytest
from conftest import answers_file, builtin, run
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from trustcheck import scoring
from trustcheck.answers import is_not_came_up

DATA = Path(__file__).parent / "data" / "forms"
GOOGLE = DATA / "google-forms-export.csv"
LABELS = ["Strongly disagree", "Disagree", "Neutral", "Agree", "Strongly agree"]
EMAIL = "jane.hidden-person@example.org"
NAME = "Jane Hiddenperson"


# --- helpers ---------------------------------------------------------------------------------


def google_csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    """A CSV as Google Forms downloads one: every cell quoted, CRLF line ends."""
    # Written by hand, not with csv.writer: before Python 3.11 it cannot write a NUL character
    # at all, which the fuzz tests put in cells to see that reading one is refused cleanly.
    def line(cells: list[str]) -> str:
        return ",".join('"' + cell.replace('"', '""') + '"' for cell in cells) + "\r\n"

    with path.open("w", newline="", encoding="utf-8", errors="surrogatepass") as handle:
        handle.writelines(line(cells) for cells in [header, *rows])
    return path


def stamp(person: int) -> str:
    return f"2026/11/20 10:{15 + person:02d}:32 am GMT"


def label(person: int, position: int) -> str:
    """An answer label that differs between people and statements, the same on every run."""
    return LABELS[(person * 7 + position * 3) % 5]


def one_role_rows(role: str, people: range, *, extra: list[str] = ()) -> list[list[str]]:
    used = builtin(role)
    return [[stamp(p), *extra, *(label(p, k) for k in range(len(used.items)))] for p in people]


def report_json(*args: str) -> tuple[dict, str]:
    done = run("report", *args, "--format", "json")
    assert done.exit_code == 0, done.stderr
    return json.loads(done.stdout), done.stderr


def section(document: dict) -> dict:
    (only,) = document["sections"]
    return only


def expected_overall_mean(role: str, rows: list[list[str]], first: int) -> float:
    """The mean overall index `assess` would give these people, answer for answer."""
    used = builtin(role)
    overall = []
    for row in rows:
        answers = {}
        for item, cell in zip(used.items, row[first:first + len(used.items)], strict=True):
            if not cell:
                answers[item.id] = None
            elif is_not_came_up(cell):
                answers[item.id] = scoring.NOT_CAME_UP
            else:
                answers[item.id] = LABELS.index(cell) + 1 if cell in LABELS else int(cell)
        overall.append(scoring.score(used, answers).overall)
    return round(sum(overall) / len(overall), 1)


def parse_form_template(text: str) -> list[tuple[str, list[str]]]:
    """The questions of `template --format form`, each with its options, as a person reads them."""
    found: list[tuple[str, list[str]]] = []
    lines = text.splitlines()
    for number, line in enumerate(lines):
        if line.startswith("Question "):
            options = []
            for option in lines[number + 2:]:
                if not option.startswith("    "):
                    break
                options.append(option.strip())
            found.append((lines[number + 1], options))
    return found


# --- a Google Forms export as it comes ---------------------------------------------------------


def test_a_google_forms_export_is_reported_as_it_comes(tmp_path):
    document, stderr = report_json(str(GOOGLE))
    part = section(document)
    assert {r["role"]: r["responses"] for r in part["roles"]} == {"mentor": 6, "mentee": 7}
    assert document["left_out"] == 0 and part["responses"] == 13
    # The other columns are named once, by header; the personal ones only by what they hold.
    assert stderr.count("Not used from") == 1
    assert ("'Timestamp', a column of email addresses and a column of names (they are not "
            "statements of a checklist); nothing in them goes into the report.") in stderr
    # The figures are those of the same answers given to `assess`, label for label.
    with GOOGLE.open(encoding="utf-8", newline="") as handle:
        header, *rows = list(csv.reader(handle))
    mentors = [r for r in rows if r[3] == "Mentor"]
    assert part["comparison"]["overall"]["mentor"]["mean"] == pytest.approx(
        expected_overall_mean("mentor", mentors, 4), abs=0.051)


def test_emails_and_names_never_reach_a_report_a_log_or_a_message(tmp_path, trustcheck_home):
    """Hostile rows: emails and names in their own columns, in a statement's cell, in the role."""
    used = builtin("mentee")
    header = ["Timestamp", "Email", "Name", "Role",
              *(item.text for item in used.items)]
    rows = [[stamp(p), f"{p}.{EMAIL}", f"{NAME} {p}", "Mentee",
             *(label(p, k) for k in range(len(used.items)))] for p in range(6)]
    rows.append([stamp(7), EMAIL, NAME, "Mentee", NAME, *(["Agree"] * (len(used.items) - 1))])
    rows.append([stamp(8), EMAIL, NAME, EMAIL, *(["Agree"] * len(used.items))])
    rows.append([stamp(9), EMAIL, NAME, "", *(["Agree"] * len(used.items))])
    export = google_csv(tmp_path / "export.csv", header, rows)
    seen = []
    for format in ("text", "markdown", "html", "json"):
        done = run("report", str(export), "--format", format, "--cohort", "autumn")
        assert done.exit_code == 0, done.stderr
        seen.append(done.stdout + done.stderr)
    strict = run("report", str(export), "--strict")
    assert strict.exit_code == 2
    seen.append(strict.stdout + strict.stderr)
    (tmp_path / "out").mkdir()
    written = run("report", str(export), "-o", str(tmp_path / "out" / "r.html"),
                  "--format", "html", "--cohort", "autumn")
    assert written.exit_code == 0, written.stderr
    seen.append((tmp_path / "out" / "r.html").read_text(encoding="utf-8"))
    # The three bad rows are refused with file and line, never their contents.
    assert f"{export}, line 8: the answer to '{used.items[0].text[:60]}' is not one" in seen[0]
    assert f"{export}, line 9: the answer to the role question is not mentor or mentee" in seen[0]
    assert f"{export}, line 10: the role question is not answered" in seen[0]
    logs = [path.read_bytes().decode("utf-8", "replace")
            for path in trustcheck_home.parent.rglob("*") if path.is_file()
            and path.suffix not in (".csv", ".html") and "cache-home" not in path.parts]
    assert logs, "the report log should exist"
    for text in seen + logs:
        assert "example.org" not in text and "Hiddenperson" not in text and "Jane" not in text


# --- template --format form: the export matches by construction ------------------------------


def test_a_form_built_from_the_template_is_read_with_every_column_matched(tmp_path):
    template = run("template", "--format", "form")
    assert template.exit_code == 0, template.stderr
    questions = parse_form_template(template.stdout)
    mentor, mentee = builtin("mentor"), builtin("mentee")
    assert questions[0] == ("I am the...", ["Mentor", "Mentee"])
    assert len(questions) == 1 + len(mentor.items) + len(mentee.items)
    conditional = {item.text for item in mentor.items + mentee.items if item.conditional}
    for title, options in questions[1:]:
        assert options[:5] == LABELS
        assert options[5:] == (["Didn't come up"] if title in conditional else [])
    # A facilitator builds the form and people answer it: the mentor section for mentors.
    header = ["Timestamp", *(title for title, _ in questions)]
    rows = []
    for person in range(12):
        role = "Mentor" if person % 2 else "Mentee"
        cells = [stamp(person), role]
        offset = 0
        for used in (mentor, mentee):
            for k, _ in enumerate(used.items):
                cells.append(label(person, k) if role.lower() == used.role else "")
            offset += len(used.items)
        rows.append(cells)
    export = google_csv(tmp_path / "Trust check (Responses).csv", header, rows)
    document, stderr = report_json(str(export))
    assert document["responses"] == 12 and document["left_out"] == 0
    # Every column but the timestamp is a question trustcheck matched.
    assert ": 'Timestamp' (they are not statements" in stderr
    assert "count as skipped" not in stderr
    part = section(document)
    assert part["comparison"]["overall"]["mentee"]["mean"] == pytest.approx(
        expected_overall_mean("mentee", [r[:2] + r[2 + len(mentor.items):]
                                         for r in rows if r[1] == "Mentee"], 2), abs=0.051)


def test_a_one_role_form_without_the_role_question_is_read_with_role(tmp_path):
    questions = parse_form_template(run("template", "--format", "form", "--role",
                                        "mentee").stdout)
    assert questions[0] == ("I am the...", ["Mentee"])
    header = ["Timestamp", *(title for title, _ in questions[1:])]  # the role question left out
    export = google_csv(tmp_path / "mentees.csv", header, one_role_rows("mentee", range(6)))
    refused = run("report", str(export))
    assert refused.exit_code == 2
    assert "has no role question" in refused.stderr and "--role mentee" in refused.stderr
    assert "Traceback" not in refused.stderr
    document, _ = report_json(str(export), "--role", "mentee")
    assert {r["role"]: r["responses"] for r in section(document)["roles"]} == {"mentee": 6}


def test_the_partner_view_questions_of_a_form_are_matched_and_left_out_of_the_report(tmp_path):
    questions = parse_form_template(run("template", "--format", "form", "--role", "mentor",
                                        "--partner-view").stdout)
    used = builtin("mentor")
    assert len(questions) == 1 + len(used.items) + len(used.partner_items)
    header = ["Timestamp", *(title for title, _ in questions)]
    rows = [[stamp(p), "Mentor", *(label(p, k) for k in range(len(questions) - 1))]
            for p in range(5)]
    document, stderr = report_json(str(google_csv(tmp_path / "pv.csv", header, rows)))
    assert document["responses"] == 5
    assert ": 'Timestamp' (they are not statements" in stderr and "skipped" not in stderr


def test_a_form_saved_again_by_a_spreadsheet_with_semicolons_and_a_bom_is_read(tmp_path):
    used = builtin("mentee")
    lines = [";".join(["Timestamp", "Role", *(f'"{i.text}"' for i in used.items)])]
    for person in range(5):
        lines.append(";".join([stamp(person), "Mentee",
                               *(label(person, k) for k in range(len(used.items)))]))
    export = tmp_path / "resaved.csv"
    export.write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
    document, _ = report_json(str(export))
    assert document["responses"] == 5 and document["left_out"] == 0


# --- matching: tolerant of how people type questions and answers -----------------------------


def test_questions_are_matched_whatever_the_case_spacing_punctuation_quotes_or_wording(tmp_path):
    used = builtin("mentor")
    variants = []
    for k, item in enumerate(used.items):
        text = item.text
        kind = k % 7
        if kind == 0:
            text = text.upper()
        elif kind == 1:
            text = "  " + text.replace(" ", "   ").rstrip(".") + " ?"
        elif kind == 2:
            text = text.replace("'", "\u2019")
        elif kind == 3:
            text = text.replace("mentee", "{other}")
        elif kind == 4:
            text = text.replace("my mentee", "my mentor or mentee")
        elif kind == 5:
            text = item.id  # the statement id instead of its text
        else:
            text = f"{k + 1}. {text}"
        variants.append(text)
    header = ["Timestamp", "Role", *variants]
    rows = [[stamp(p), " MENTOR ", *(label(p, k) for k in range(len(used.items)))]
            for p in range(5)]
    export = google_csv(tmp_path / "typed.csv", header, rows)
    document, stderr = report_json(str(export))
    assert document["responses"] == 5 and document["left_out"] == 0
    assert ": 'Timestamp' (they are not statements" in stderr and "skipped" not in stderr


def test_answers_may_be_numbers_labels_didnt_come_up_or_blank(tmp_path):
    used = builtin("mentee")
    conditional = [k for k, item in enumerate(used.items) if item.conditional]
    rows, canonical = [], []
    for person in range(5):
        cells, same = [stamp(person), "mentee"], [stamp(person), "mentee"]
        for k, _ in enumerate(used.items):
            value = (person + k) % 5 + 1
            written = [str(value), LABELS[value - 1].lower(), f" {LABELS[value - 1]} "][k % 3]
            cells.append(written)
            same.append(LABELS[value - 1])
        cells[2 + conditional[0]] = same[2 + conditional[0]] = "Didn\u2019t come up"
        cells[2 + 3] = same[2 + 3] = ""  # skipped
        rows.append(cells)
        canonical.append(same)
    export = google_csv(tmp_path / "values.csv", ["Timestamp", "I am the...",
                                                  *(i.text for i in used.items)], rows)
    document, _ = report_json(str(export))
    assert document["responses"] == 5
    assert section(document)["overall"]["mean"] == pytest.approx(
        expected_overall_mean("mentee", canonical, 2), abs=0.051)


def test_a_row_that_cannot_be_read_is_refused_with_file_and_line_and_the_rest_reported(tmp_path):
    used = builtin("mentee")
    rows = one_role_rows("mentee", range(6), extra=["Mentee"])
    rows[2][2 + 4] = "Sometimes, ask Priya"
    export = google_csv(tmp_path / "export.csv", ["Timestamp", "Role",
                                                  *(i.text for i in used.items)], rows)
    done = run("report", str(export))
    assert done.exit_code == 0
    assert (f"{export}, line 4: the answer to '{used.items[4].text[:60]}' is not one of the "
            "scale's answers (Strongly disagree to Strongly agree, or a number from 1 to 5); "
            "leave it empty to skip it.") in done.stderr
    assert "Priya" not in done.stdout + done.stderr
    assert "5 responses in the figures" in done.stdout


def test_two_submissions_that_answered_alike_are_two_people_but_one_file_twice_is_not(tmp_path):
    rows = one_role_rows("mentee", range(5), extra=["Mentee"])
    rows.append([stamp(40), *rows[0][1:]])  # someone else, the same answers
    used = builtin("mentee")
    export = google_csv(tmp_path / "export.csv", ["Timestamp", "Role",
                                                  *(i.text for i in used.items)], rows)
    document, _ = report_json(str(export), str(export), str(tmp_path / "." / "export.csv"))
    assert document["responses"] == 6 and document["duplicates"] == 0
    copy = tmp_path / "copy.csv"
    copy.write_bytes(export.read_bytes())
    document, _ = report_json(str(export), str(copy))
    assert document["responses"] == 6 and document["duplicates"] == 6


def test_a_latecomer_in_a_new_export_is_caught_by_the_guard_whatever_the_cohort_label(tmp_path):
    used = builtin("mentee")
    header = ["Timestamp", "Role", *(i.text for i in used.items)]
    first = google_csv(tmp_path / "first.csv", header,
                       one_role_rows("mentee", range(6), extra=["Mentee"]))
    report_json(str(first), "--cohort", "spring")
    later = google_csv(tmp_path / "later.csv", header,
                       one_role_rows("mentee", range(7), extra=["Mentee"]))
    refused = run("report", str(later), "--cohort", "spring-again")
    assert refused.exit_code == 2
    assert "by only 1 person" in refused.stderr


# --- Microsoft Forms: an Excel workbook -------------------------------------------------------


def microsoft_workbook(path: Path, role: str, people: range, *, role_column: bool = False,
                       hostile: bool = False) -> Path:
    """A workbook as Microsoft Forms' "Open in Excel" makes one, built with openpyxl."""
    openpyxl = pytest.importorskip("openpyxl")
    used = builtin(role)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Sheet1"
    sheet.append(["ID", "Start time", "Completion time", "Email", "Name",
                  "Last modified time", *(["Role"] if role_column else []),
                  *(item.text for item in used.items)])
    for person in people:
        cells: list[object] = []
        for k, _ in enumerate(used.items):
            value = (person * 7 + k * 3) % 5 + 1
            # Microsoft Forms writes labels; a sheet edited by hand may hold numbers.
            cells.append(LABELS[value - 1] if k % 3 else (float(value) if k % 2 else value))
        sheet.append([person + 1, datetime(2026, 11, 20, 10, person), datetime(2026, 11, 20, 11),
                      EMAIL if hostile else "anonymous", NAME if hostile else "", None,
                      *([role.capitalize()] if role_column else []), *cells])
    book.save(path)
    return path


def test_a_microsoft_forms_workbook_is_read_as_it_comes(tmp_path):
    workbook = microsoft_workbook(tmp_path / "Trust check.xlsx", "mentor", range(6),
                                  hostile=True)
    document, stderr = report_json(str(workbook), "--role", "mentor")
    assert {r["role"]: r["responses"] for r in section(document)["roles"]} == {"mentor": 6}
    assert ("'ID', 'Start time', 'Completion time', 'Last modified time', a column of email "
            "addresses and a column of names") in stderr
    text = run("report", str(workbook), "--role", "mentor", "--format", "markdown")
    for seen in (json.dumps(document), stderr, text.stdout, text.stderr):
        assert "example.org" not in seen and "Hiddenperson" not in seen


def test_a_bad_row_of_a_workbook_is_named_by_its_row(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    workbook = microsoft_workbook(tmp_path / "w.xlsx", "mentee", range(6), role_column=True)
    book = openpyxl.load_workbook(workbook)
    book.active.cell(row=4, column=8, value=NAME)  # a name typed into a statement
    book.save(workbook)
    done = run("report", str(workbook))
    assert done.exit_code == 0, done.stderr
    assert f"{workbook}, row 4: the answer to '" in done.stderr
    assert NAME not in done.stdout + done.stderr


def test_a_damaged_workbook_or_a_file_only_named_xlsx_is_refused_plainly(tmp_path):
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04" + bytes(range(256)) * 4)
    done = run("report", str(broken))
    assert done.exit_code == 2 and "Traceback" not in done.stderr
    assert "cannot be opened as an Excel workbook" in done.stderr
    named = tmp_path / "named.xlsx"
    named.write_text("")
    done = run("report", str(named))
    assert done.exit_code == 2 and "Traceback" not in done.stderr


def test_without_openpyxl_a_workbook_names_the_extra_to_install(tmp_path, monkeypatch):
    workbook = microsoft_workbook(tmp_path / "w.xlsx", "mentee", range(6), role_column=True)
    monkeypatch.setitem(sys.modules, "openpyxl", None)  # as if it were not installed
    done = run("report", str(workbook))
    assert done.exit_code == 1
    assert "pip install 'trustcheck[forms]'" in done.stderr
    assert "Traceback" not in done.stderr


# --- answers files and files by their content ------------------------------------------------


def test_answers_files_are_report_sources(tmp_path):
    folder = tmp_path / "answers"
    folder.mkdir()
    for person in range(5):
        answers_file(folder, "mentee", overrides={}, value=(person % 5) + 1,
                     name=f"mentee-{person + 1}.yaml")
    single = run("report", str(folder / "mentee-1.yaml"))
    assert single.exit_code == 0, single.stderr
    assert "left out" not in single.stderr and "Warning" not in single.stderr
    # A JSON answers file, and one named as if it were CSV: decided by what they hold.
    (folder / "mentee-6.json").write_text(json.dumps(
        {"role": "mentee", "partner": "Kim",
         "answers": {item.id: 4 for item in builtin("mentee").items}}))
    (tmp_path / "mentee-7.csv").write_text(
        (folder / "mentee-2.yaml").read_text().replace("cohort:", "cohort: other"))
    document, _ = report_json(str(folder), str(tmp_path / "mentee-7.csv"))
    assert document["responses"] == 7 and document["left_out"] == 0
    assert document["duplicates"] == 0


def test_a_json_list_may_mix_results_and_answers_files(tmp_path):
    from trustcheck import assessment

    used = builtin("mentor")
    people = [{"role": "mentor", "partner": f"P{n}",
               "answers": {item.id: (n + k) % 5 + 1 for k, item in enumerate(used.items)}}
              for n in range(4)]
    result = assessment.to_dict(assessment.build(
        used, {item.id: 3 for item in used.items}, role="mentor", partner=None, cohort=None,
        now=datetime(2026, 11, 20, 10, 0).astimezone(), id="a1b2c3"))
    mixed = tmp_path / "mixed.json"
    mixed.write_text(json.dumps([*people, result]), encoding="utf-8")
    document, _ = report_json(str(mixed))
    assert document["responses"] == 5 and document["left_out"] == 0


def test_a_bad_answers_file_is_left_out_with_its_line(tmp_path):
    good = [answers_file(tmp_path, "mentor", value=v) for v in (1, 2, 3, 4, 5)]
    bad = answers_file(tmp_path, "mentor", overrides={builtin("mentor").items[2].id: 9})
    done = run("report", *map(str, good), str(bad))
    assert done.exit_code == 0
    assert f"{bad}, line " in done.stderr and "outside the scale" in done.stderr
    assert "5 responses in the figures" in done.stdout


def test_a_file_that_is_none_of_the_kinds_is_refused_in_one_plain_sentence(tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("Sam said something private\nand more\n")
    done = run("report", str(notes))
    assert done.exit_code == 2 and "Traceback" not in done.stderr
    assert "this is none of the kinds of file a report reads" in done.stderr
    assert "Sam said" not in done.stderr
    stray = tmp_path / "stray.yaml"
    stray.write_text("shopping:\n  - milk\n")
    done = run("report", str(stray))
    assert done.exit_code == 2 and "none of the kinds of file" in done.stderr


def test_a_google_export_saved_with_another_name_or_piped_in_is_still_a_form(tmp_path):
    renamed = tmp_path / "responses.txt"
    renamed.write_bytes(GOOGLE.read_bytes())
    document, _ = report_json(str(renamed))
    assert document["responses"] == 13
    piped = run("report", "-", "--format", "json", input=GOOGLE.read_text(encoding="utf-8"))
    assert piped.exit_code == 0, piped.stderr
    assert json.loads(piped.stdout)["responses"] == 13


# --- fuzz: garbage never gives more than a clean refusal -------------------------------------

_TEXTS = [item.text for item in builtin("mentor").items[:6]] + [
    "Timestamp", "Email address", "Name", "Role", "I am the...", "", "=cmd|' /C calc'!A0",
    "consistency.4"]
_CELL = st.one_of(st.sampled_from(LABELS + ["Mentor", "mentee", "", "4", "9", "didnt come up",
                                            "N/A", "4.0", "-1", "1e9"]),
                  st.text(max_size=30))


FUZZ = settings(max_examples=60, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture])


@FUZZ
@given(header=st.lists(st.one_of(st.sampled_from(_TEXTS), st.text(max_size=40)), min_size=1,
                       max_size=9),
       rows=st.lists(st.lists(_CELL, max_size=10), max_size=6),
       role=st.sampled_from([(), ("--role", "mentor"), ("--role", "mentee")]))
def test_garbage_in_a_form_export_gives_only_clean_refusals(tmp_path, header, rows, role):
    export = google_csv(tmp_path / "fuzz.csv", ["Timestamp", *header], rows)
    done = run("report", str(export), *role, "--min-group", "3")
    assert done.exit_code in (0, 2), done.output
    assert done.exception is None or isinstance(done.exception, SystemExit), done.exception
    assert "Traceback" not in done.stderr
    if done.exit_code == 2:
        assert done.stderr.strip()


@FUZZ
@given(rows=st.lists(st.lists(_CELL, min_size=0, max_size=48), min_size=1, max_size=8),
       format=st.sampled_from(["text", "json"]))
def test_garbage_cells_under_real_questions_give_only_clean_refusals(tmp_path, rows, format):
    used = builtin("mentee")
    export = google_csv(tmp_path / "fuzz.csv", ["Timestamp", "Role", "Email address",
                                                *(item.text for item in used.items)],
                        [[stamp(n), *row] for n, row in enumerate(rows)])
    done = run("report", str(export), "--min-group", "3", "--format", format)
    assert done.exit_code in (0, 2), done.output
    assert done.exception is None or isinstance(done.exception, SystemExit), done.exception
    if done.exit_code == 2:
        assert done.stderr.strip() and "Traceback" not in done.stderr
