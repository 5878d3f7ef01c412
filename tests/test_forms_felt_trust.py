"""Issue 13 §4 for forms and answers files: felt trust from the partner view of a form export or
an answers file reaches the cohort report, so a room that answered a form built with
`trustcheck template --format form --partner-view` (or filled-in answers files) sees which
strategies went together with felt trust, from 30 responses, and nothing below that.

Felt trust is scored by the rule of a check-in (`scoring.score_partner`): the figures here are
worked out from the same answers given to `assess`, label for label.
"""

from __future__ import annotations

import csv
import json
import random
from pathlib import Path

import pytest
from conftest import builtin, fill, run, template_text
from test_schemas import problems as schema_problems

from trustcheck import association, scoring

LABELS = ["Strongly disagree", "Disagree", "Neutral", "Agree", "Strongly agree"]


# --- helpers ---------------------------------------------------------------------------------


def form_questions(*args: str) -> list[str]:
    """The question titles of `trustcheck template --format form --partner-view ARGS`, in order."""
    text = template_text("--format", "form", "--partner-view", *args)
    lines = text.splitlines()
    return [lines[n + 1] for n, line in enumerate(lines) if line.startswith("Question ")]


def google_csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    """A CSV as Google Forms downloads one: every cell quoted, CRLF line ends."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
        writer.writerow(header)
        writer.writerows(rows)
    return path


def person_answers(role: str, person: int) -> dict[str, int]:
    """One person's answers (1 to 5) to every statement, partner view included: felt trust
    follows their empathy (with some noise), the rest varies from person to person."""
    used = builtin(role)
    part = used.partner_view
    assert part is not None
    rng = random.Random(person * 31 + len(role))
    answers = {item.id: rng.randint(1, 5) for item in used.items + used.partner_items}
    empathy = [answers[i.id] if not i.reverse else 6 - answers[i.id]
               for i in used.strategy("empathy").items]
    level = max(1, min(5, round(sum(empathy) / len(empathy)) + rng.choice((-1, 0, 0, 1))))
    for item in part.felt_trust.items:
        answers[item.id] = 6 - level if item.reverse else level
    return answers


def form_rows(role: str, people: range, questions: list[str],
              sections: tuple[str, ...] | None = None) -> list[list[str]]:
    """Form rows (timestamp, role answer, then one label per question) for these people; with
    `sections` (the roles of the form, in order), each person answers only their own role's
    section, as a branching form does."""
    sections = sections or (role,)
    owner: list[str] = []
    for section in sections:
        used = builtin(section)
        owner += [section] * (len(used.items) + len(used.partner_items))
    assert len(owner) == len(questions) - 1
    items = {item.text: item for item in builtin(role).items + builtin(role).partner_items}
    rows = []
    for person in people:
        answers = person_answers(role, person)
        cells = [f"2026/11/20 10:{person % 60:02d}:{person // 60:02d} am GMT", role.capitalize()]
        for title, section in zip(questions[1:], owner, strict=True):
            cells.append(LABELS[answers[items[title].id] - 1] if section == role else "")
        rows.append(cells)
    return rows


def expected_rho(role_people: list[tuple[str, int]], strategy: str) -> float:
    """Spearman's rho between a strategy and felt trust, each scored as `assess` scores them."""
    scores, felt = [], []
    for role, person in role_people:
        used = builtin(role)
        answers = person_answers(role, person)
        partner_view = scoring.score_partner(used, answers)
        assert partner_view is not None and partner_view.felt_trust is not None
        own = scoring.score(used, answers).get(strategy)
        assert own is not None and own.score is not None
        scores.append(own.score)
        felt.append(partner_view.felt_trust.score)
    found = association.associate(scores, felt, 30)
    assert found is not None
    return round(found.rho, 2)


def report_json(*args: str) -> tuple[dict, str]:
    done = run("report", *args, "--format", "json")
    assert done.exit_code == 0, done.stderr
    document = json.loads(done.stdout)
    assert schema_problems("report-v2", document) == []
    return document, done.stderr


def felt_part(document: dict) -> dict:
    (section,) = document["sections"]
    return section["felt_trust"]


def answers_folder(folder: Path, role: str, people: range) -> Path:
    """Filled-in answers files made from `trustcheck template --role ROLE --partner-view`."""
    folder.mkdir(exist_ok=True)
    template = template_text("--role", role, "--partner-view")
    for person in people:
        text = fill(template, 3, {key: str(value)
                                  for key, value in person_answers(role, person).items()})
        text = text.replace("partner:      #", f"partner: Partner {person}  #", 1)
        (folder / f"{role}-{person}.yaml").write_text(text, encoding="utf-8")
    return folder


# --- form exports ----------------------------------------------------------------------------


def test_a_form_with_the_partner_view_and_36_rows_shows_what_went_together_with_felt_trust(
        tmp_path):
    questions = form_questions("--role", "mentee")
    assert questions[0] == "I am the..."
    export = google_csv(tmp_path / "Trust check (Responses).csv", ["Timestamp", *questions],
                        form_rows("mentee", range(36), questions))
    document, stderr = report_json(str(export))
    assert document["responses"] == 36 and document["left_out"] == 0
    assert "count as skipped" not in stderr
    felt = felt_part(document)
    assert felt["available"] and felt["responses"] == 36
    # One coefficient per strategy, each with its interval; empathy moves with felt trust.
    by_id = {entry["id"]: entry for entry in felt["strategies"]}
    assert set(by_id) == {s.id for s in builtin("mentee").strategies}
    empathy = by_id["empathy"]
    assert empathy["n"] == 36 and empathy["link"] == "went together"
    assert empathy["low"] <= empathy["rho"] <= empathy["high"] and empathy["low"] > 0
    # The figure is the one the same answers give when each person checks in with `assess`.
    people = [("mentee", person) for person in range(36)]
    assert empathy["rho"] == pytest.approx(expected_rho(people, "empathy"), abs=0.005)
    assert by_id["seek_feedback"]["rho"] == pytest.approx(
        expected_rho(people, "seek_feedback"), abs=0.005)
    # The text report says it in words, as association.
    shown = run("report", str(export))
    assert shown.exit_code == 0, shown.stderr
    assert "went together with felt trust" in " ".join(shown.stdout.split())


def test_fewer_than_30_form_rows_with_felt_trust_show_no_coefficient(tmp_path):
    questions = form_questions("--role", "mentor")
    export = google_csv(tmp_path / "mentors.csv", ["Timestamp", *questions],
                        form_rows("mentor", range(29), questions))
    document, _ = report_json(str(export))
    assert document["responses"] == 29
    felt = felt_part(document)
    assert not felt["available"] and felt["strategies"] == []
    assert "at least 30" in felt["note"]
    assert "rho" not in json.dumps(felt)


def test_a_form_for_both_roles_gives_felt_trust_from_each_roles_section(tmp_path):
    """The felt trust questions are in both sections, worded for each role ("my mentor", "my
    mentee"): each row's answers are read from its own section."""
    questions = form_questions()
    assert questions[0] == "I am the..."
    both = ("mentor", "mentee")
    rows = (form_rows("mentor", range(16), questions, both)
            + form_rows("mentee", range(100, 116), questions, both))
    export = google_csv(tmp_path / "both.csv", ["Timestamp", *questions], rows)
    document, stderr = report_json(str(export))
    assert document["responses"] == 32 and document["left_out"] == 0, stderr
    assert "felt trust) in" not in stderr  # every felt trust question matched, in both sections
    felt = felt_part(document)
    assert felt["available"] and felt["responses"] == 32
    # Shared strategies have 32 people with both scores; each role's own have only 16.
    empathy = next(entry for entry in felt["strategies"] if entry["id"] == "empathy")
    people = [("mentor", p) for p in range(16)] + [("mentee", p) for p in range(100, 116)]
    assert empathy["n"] == 32
    assert empathy["rho"] == pytest.approx(expected_rho(people, "empathy"), abs=0.005)
    assert "fewer than 30 people have both its score and felt trust" in felt["note"]


def test_a_form_without_the_partner_view_gives_no_felt_trust(tmp_path):
    questions = form_questions("--role", "mentee")
    used = builtin("mentee")
    self_part = 1 + len(used.items)  # the role question, then the statements about oneself
    rows = [row[:1 + self_part] for row in form_rows("mentee", range(35), questions)]
    export = google_csv(tmp_path / "self-only.csv", ["Timestamp", *questions[:self_part]], rows)
    document, _ = report_json(str(export))
    assert document["responses"] == 35
    felt = felt_part(document)
    assert not felt["available"] and "felt trust" in felt["note"]


def test_a_form_asking_only_some_felt_trust_statements_says_so_once(tmp_path):
    questions = form_questions("--role", "mentee")
    felt_texts = [item.text for item in builtin("mentee").partner_view.felt_trust.items]
    dropped = {questions.index(text) for text in felt_texts[3:]}
    header = ["Timestamp", *(q for n, q in enumerate(questions) if n not in dropped)]
    rows = [[cell for n, cell in enumerate(row) if n - 1 not in dropped]
            for row in form_rows("mentee", range(30), questions)]
    document, stderr = report_json(str(google_csv(tmp_path / "some.csv", header, rows)))
    assert stderr.count("The form asks 3 of the 5 statements about how much mentees trust their "
                        "partner (felt trust)") == 1
    assert felt_part(document)["responses"] == 30


def test_a_bad_answer_to_a_felt_trust_question_leaves_the_row_out_and_names_the_question(
        tmp_path):
    questions = form_questions("--role", "mentor")
    rows = form_rows("mentor", range(8), questions)
    felt_item = builtin("mentor").partner_view.felt_trust.items[0]
    column = 1 + questions.index(felt_item.text)
    rows[2][column] = "Jane Hiddenperson, sometimes"
    assert not felt_item.conditional
    rows[4][column] = "Didn't come up"
    export = google_csv(tmp_path / "bad.csv", ["Timestamp", *questions], rows)
    done = run("report", str(export))
    assert done.exit_code == 0, done.stderr
    assert f"{export}, line 4" in done.stderr and f"{export}, line 6" in done.stderr
    # The question is named by its header (long ones shortened), never by what the cell holds.
    assert f"the answer to '{felt_item.text[:40]}" in done.stderr
    assert "is not one of the scale's answers" in done.stderr
    assert "is \"didn't come up\", but that statement is not about something" in done.stderr
    assert "Hiddenperson" not in done.stderr + done.stdout
    document, _ = report_json(str(export))
    assert document["responses"] == 6 and document["left_out"] == 2


def test_one_more_row_after_a_report_with_felt_trust_is_refused_so_no_answer_can_be_read(
        tmp_path):
    """A second report differing by one person would let the difference show their felt
    trust: the guard refuses it, as for every other source."""
    questions = form_questions("--role", "mentee")
    rows = form_rows("mentee", range(31), questions)
    first = google_csv(tmp_path / "monday.csv", ["Timestamp", *questions], rows[:30])
    report_json(str(first))
    later = google_csv(tmp_path / "tuesday.csv", ["Timestamp", *questions], rows)
    refused = run("report", str(later), "--format", "json")
    assert refused.exit_code != 0 and refused.stdout == ""
    assert "1 person" in refused.stderr and "Traceback" not in refused.stderr


def test_a_microsoft_forms_workbook_with_the_partner_view_gives_felt_trust(tmp_path):
    """An Excel export of a mentee-only form without the role question, reported with --role;
    Microsoft Forms writes its own columns first, and numbers as a sheet edited by hand may."""
    openpyxl = pytest.importorskip("openpyxl")
    questions = form_questions("--role", "mentee")[1:]
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["ID", "Start time", "Completion time", "Email", "Name", *questions])
    for number, row in enumerate(form_rows("mentee", range(31), ["I am the...", *questions])):
        answers = [float(LABELS.index(cell) + 1) if n % 4 == 0 else cell
                   for n, cell in enumerate(row[2:])]
        sheet.append([number + 1, row[0], row[0], "anonymous", "", *answers])
    workbook = tmp_path / "Trust check.xlsx"
    book.save(workbook)
    document, _ = report_json(str(workbook), "--role", "mentee")
    assert document["responses"] == 31 and document["left_out"] == 0
    felt = felt_part(document)
    assert felt["available"] and felt["responses"] == 31
    empathy = next(entry for entry in felt["strategies"] if entry["id"] == "empathy")
    assert empathy["rho"] == pytest.approx(
        expected_rho([("mentee", p) for p in range(31)], "empathy"), abs=0.005)


# --- answers files -----------------------------------------------------------------------------


def test_a_folder_of_32_answers_files_with_the_partner_view_shows_felt_trust_links(tmp_path):
    folder = answers_folder(tmp_path / "answers", "mentor", range(32))
    document, stderr = report_json(str(folder))
    assert document["responses"] == 32 and document["left_out"] == 0, stderr
    assert "felt trust) in" not in stderr  # every felt trust question matched, in both sections
    felt = felt_part(document)
    assert felt["available"] and felt["responses"] == 32
    empathy = next(entry for entry in felt["strategies"] if entry["id"] == "empathy")
    assert empathy["n"] == 32 and empathy["link"] == "went together"
    people = [("mentor", person) for person in range(32)]
    assert empathy["rho"] == pytest.approx(expected_rho(people, "empathy"), abs=0.005)


def test_fewer_than_30_answers_files_with_felt_trust_show_no_coefficient(tmp_path):
    folder = answers_folder(tmp_path / "answers", "mentee", range(29))
    document, _ = report_json(str(folder))
    assert document["responses"] == 29
    felt = felt_part(document)
    assert not felt["available"] and felt["strategies"] == [] and "at least 30" in felt["note"]


def test_answers_files_without_the_partner_view_give_no_felt_trust(tmp_path):
    folder = tmp_path / "answers"
    folder.mkdir()
    template = template_text("--role", "mentee")
    for person in range(31):
        text = fill(template, 3, {k: str(v) for k, v in person_answers("mentee", person).items()
                                  if not k.startswith("partner.")})
        text = text.replace("partner:      #", f"partner: Partner {person}  #", 1)
        (folder / f"mentee-{person}.yaml").write_text(text, encoding="utf-8")
    document, _ = report_json(str(folder))
    assert document["responses"] == 31
    assert not felt_part(document)["available"]


def test_a_felt_trust_count_below_the_group_minimum_is_not_shown(tmp_path):
    """Three of 30 answers files give felt trust: not even how many do is shown."""
    folder = answers_folder(tmp_path / "answers", "mentee", range(3))
    template = template_text("--role", "mentee")
    for person in range(3, 30):
        text = fill(template, 3, {k: str(v) for k, v in person_answers("mentee", person).items()
                                  if not k.startswith("partner.")})
        text = text.replace("partner:      #", f"partner: Partner {person}  #", 1)
        (folder / f"mentee-{person}.yaml").write_text(text, encoding="utf-8")
    document, _ = report_json(str(folder))
    felt = felt_part(document)
    assert document["responses"] == 30
    assert felt["responses"] is None and "fewer than 5" in felt["note"]


def test_a_json_list_of_answers_with_the_partner_view_gives_felt_trust(tmp_path):
    used = builtin("mentor")
    own = {item.id for item in used.items}
    people = []
    for person in range(30):
        answers = person_answers("mentor", person)
        people.append({"role": "mentor", "partner": f"P{person}",
                       "answers": {k: v for k, v in answers.items() if k in own},
                       "partner_view": {k: v for k, v in answers.items() if k not in own}})
    listed = tmp_path / "answers.json"
    listed.write_text(json.dumps(people), encoding="utf-8")
    document, _ = report_json(str(listed))
    felt = felt_part(document)
    assert felt["available"] and felt["responses"] == 30
    empathy = next(entry for entry in felt["strategies"] if entry["id"] == "empathy")
    assert empathy["rho"] == pytest.approx(
        expected_rho([("mentor", p) for p in range(30)], "empathy"), abs=0.005)


def test_form_rows_and_answers_files_count_together_towards_30(tmp_path):
    questions = form_questions("--role", "mentee")
    export = google_csv(tmp_path / "form.csv", ["Timestamp", *questions],
                        form_rows("mentee", range(15), questions))
    folder = answers_folder(tmp_path / "answers", "mentee", range(15, 30))
    document, _ = report_json(str(export), str(folder))
    assert document["responses"] == 30
    felt = felt_part(document)
    assert felt["available"] and felt["responses"] == 30
    empathy = next(entry for entry in felt["strategies"] if entry["id"] == "empathy")
    assert empathy["rho"] == pytest.approx(
        expected_rho([("mentee", p) for p in range(30)], "empathy"), abs=0.005)
