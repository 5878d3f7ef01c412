"""The partner view (issue 11 §1): after the statements about themselves, a person rates how much
they trust their partner and what their partner did, and sees it in the result, the history,
the trends and the focus plan."""

from __future__ import annotations

import csv
import io
import json
import re
import sqlite3
from pathlib import Path

import pytest
from conftest import builtin, fill, rows, run, template_text, write
from test_interactive import answer, finish, screen, spawn, start
from test_schemas import problems as schema_problems

from trustcheck import checklist as checklists
from trustcheck.paths import builtin_folder

MENTOR, MENTEE = builtin("mentor"), builtin("mentee")
OWN = {"mentor": MENTOR, "mentee": MENTEE}


def partner_answers(role: str, felt_trust: int = 4, behaviour: int = 4) -> dict[str, int]:
    """Every partner-view statement answered at a level (reverse ones mirrored), felt trust at
    its own level: 5 scores 100, 1 scores 0."""
    part = OWN[role].partner_view
    assert part is not None
    found = {}
    for item in part.felt_trust.items:
        found[item.id] = 6 - felt_trust if item.reverse else felt_trust
    for strategy in part.strategies:
        for item in strategy.items:
            found[item.id] = 6 - behaviour if item.reverse else behaviour
    return found


def answers_with_partner_view(folder: Path, role: str = "mentee", *, felt_trust: int = 4,
                              behaviour: int = 4, name: str = "answers.yaml") -> Path:
    text = fill(template_text("--role", role, "--partner-view"), 4,
                partner_answers(role, felt_trust, behaviour))
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def assess(path: Path, *extra: str, expect: int = 0):
    result = run("assess", "--answers", str(path), *extra)
    assert result.exit_code == expect, result.stdout + result.stderr
    return result


def assess_json(path: Path, *extra: str) -> dict:
    return json.loads(assess(path, "--format", "json", *extra).stdout)


# --- the checklists ------------------------------------------------------------------------


@pytest.mark.parametrize("role,partner", [("mentee", "mentor"), ("mentor", "mentee")])
def test_each_built_in_checklist_asks_about_the_partner_on_every_strategy_the_partner_rates(
        role: str, partner: str) -> None:
    part = OWN[role].partner_view
    assert part is not None
    assert 4 <= len(part.felt_trust.items) <= 6
    assert part.felt_trust.id == "felt_trust"
    # The partner's strategies, under the partner's own ids, in the partner's order.
    assert [s.id for s in part.strategies] == [s.id for s in OWN[partner].strategies]
    assert [s.title for s in part.strategies] == [s.title for s in OWN[partner].strategies]
    for strategy in part.strategies:
        assert len(strategy.items) == 2
        assert any(item.reverse for item in strategy.items)
        assert all(item.text.startswith(f"My {partner}") or f"my {partner}" in item.text
                   for item in strategy.items)
    assert all(item.id.startswith("partner.") for item in OWN[role].partner_items)
    assert "{other}" not in " ".join(item.text for item in OWN[role].partner_items)


def test_the_built_in_checklists_lint_clean_partner_view_included() -> None:
    result = run("checklists", "lint", str(builtin_folder() / "mentor.yaml"),
                 str(builtin_folder() / "mentee.yaml"))
    assert result.exit_code == 0, result.stdout + result.stderr
    assert "No problems in 2 checklists." in result.stdout


def test_version_1_has_no_partner_view_and_the_fingerprint_holds_it_only_when_present() -> None:
    for role in ("mentor", "mentee"):
        older = checklists.load(builtin_folder() / "v1" / f"{role}.yaml")
        assert older.partner_view is None
        assert "partner_view" not in older.content()
    assert "partner_view" in MENTOR.content()
    assert MENTOR.sha256 != MENTOR._replace(partner_view=None).sha256


def test_checklists_show_json_lists_the_partner_view() -> None:
    result = run("checklists", "show", "mentee", "--format", "json")
    assert result.exit_code == 0, result.stderr
    shown = json.loads(result.stdout)
    assert shown["partner_view"]["felt_trust"]["id"] == "felt_trust"
    assert [s["id"] for s in shown["partner_view"]["strategies"]][:2] == [
        "transparency", "active_listening"]
    assert not schema_problems("checklist", shown)


def checklist_with(folder: Path, partner_view: str) -> Path:
    return write(folder, "mine.yaml", """
        id: mine
        version: 1
        title: My mentee checklist
        role: mentee
        description: Think about the past month.
        strategies:
          - id: open_communication
            title: Communicate openly
            items:
              - id: open.1
                text: I told my mentor when I was struggling.
              - id: open.2
                text: I said I understood when I was confused.
                reverse: true
              - id: open.3
                text: I was honest with my mentor about how things were going.
        """ + partner_view)


GOOD_FELT_TRUST = """
        partner_view:
          felt_trust:
            items:
              - id: partner.felt_trust.1
                text: I could count on my mentor to do what they said.
              - id: partner.felt_trust.2
                text: I felt safe to tell my mentor about a mistake.
              - id: partner.felt_trust.3
                text: I doubted my mentor's judgement.
                reverse: true
              - id: partner.felt_trust.4
                text: I believed my mentor had my interests at heart.
"""


def test_validate_accepts_a_partner_view_of_the_partners_strategies(tmp_path: Path) -> None:
    path = checklist_with(tmp_path, GOOD_FELT_TRUST + """
          strategies:
            - id: transparency
              title: Be transparent
              items:
                - id: partner.transparency.1
                  text: My mentor explained the reasons behind their advice.
                - id: partner.transparency.2
                  text: My mentor gave me a confident answer when they were unsure.
                  reverse: true
""")
    result = run("checklists", "validate", str(path))
    assert result.exit_code == 0, result.stdout + result.stderr
    loaded = checklists.load(path)
    assert loaded.partner_view is not None
    assert loaded.partner_view.strategies[0].title == "Be transparent"
    assert loaded.partner_view.strategies[0].group == "mentor"  # the partner's group


def test_validate_checks_a_titled_partner_strategy_against_the_partners_checklist(
        tmp_path: Path) -> None:
    path = checklist_with(tmp_path, GOOD_FELT_TRUST + """
          strategies:
            - id: listening
              title: Listen actively
              items:
                - id: partner.listening.1
                  text: My mentor let me finish before they replied.
                - id: partner.listening.2
                  text: My mentor seemed distracted while I was talking.
                  reverse: true
""")
    result = run("checklists", "validate", str(path))
    assert result.exit_code == 2
    assert ("the partner view names the strategy 'listening', which is neither a mentor "
            "strategy nor a shared one.") in " ".join(result.stdout.split() +
                                                      result.stderr.split())


def test_validate_names_every_problem_of_a_partner_view(tmp_path: Path) -> None:
    path = checklist_with(tmp_path, """
        partner_view:
          felt_trust:
            items:
              - id: partner.felt_trust.1
                text: I could count on my mentor to do what they said.
              - id: felt.2
                text: I felt safe to tell my mentor about a mistake.
          strategies:
            - id: transparncy
              items:
                - id: partner.transparency.1
                  text: My mentor explained the reasons behind their advice.
            - id: open_communication
              items:
                - id: open.1
                  text: My mentor told me when they were struggling.
""")
    result = run("checklists", "validate", str(path))
    assert result.exit_code == 2
    said = " ".join(result.stdout.split() + result.stderr.split())
    assert "the partner view's felt trust has 2 statements; please give 4 to 6" in said
    assert "the id of the item 'felt.2' should start with 'partner.'" in said
    assert ("the partner view names the strategy 'transparncy', which is neither a mentor "
            "strategy nor a shared one. Did you mean 'transparency'?") in said
    # A mentee's own strategy is not one the mentor rates themselves on.
    assert "names the strategy 'open_communication', which is neither a mentor" in said
    assert "the id 'open.1' is used twice" in said
    assert "the partner strategy 'transparncy' has no 'title'; please add its text." in said


# --- answers files, templates, forms ---------------------------------------------------------


def test_the_template_offers_the_partner_view_on_request_in_every_format() -> None:
    plain = template_text("--role", "mentee")
    assert "partner_view:" not in plain
    assert "--partner-view" in plain  # it says how to get it
    with_part = template_text("--role", "mentee", "--partner-view")
    assert "Now a few statements about your mentor" in with_part
    after = with_part.split("\npartner_view:\n", 1)[1]
    for item in MENTEE.partner_items:
        assert f"  {item.id}:    # {item.text}" in after

    data = json.loads(template_text("--role", "mentor", "--partner-view", "--format", "json"))
    assert [i["id"] for i in data["partner_view"]] == [i.id for i in MENTOR.partner_items]
    assert not schema_problems("template", data)

    header = next(csv.reader(io.StringIO(
        template_text("--role", "mentor", "--partner-view", "--format", "csv"))))
    assert header == ["role", "partner", "cohort", *(i.id for i in MENTOR.items),
                      *(i.id for i in MENTOR.partner_items)]


def test_a_form_with_partner_view_columns_is_accepted_by_the_cohort_report(
        tmp_path: Path) -> None:
    header = next(csv.reader(io.StringIO(
        template_text("--role", "mentor", "--partner-view", "--format", "csv"))))
    lines = [",".join(header)]
    for person in range(6):
        lines.append(",".join(["mentor", f"p{person}", "spring"] + ["4"] * (len(header) - 3)))
    form = tmp_path / "form.csv"
    form.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run("report", str(form), "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["sections"]


def test_an_answers_file_with_a_partner_view_is_scored_and_stored_with_the_check_in(
        tmp_path: Path, trustcheck_home: Path) -> None:
    path = answers_with_partner_view(tmp_path, "mentee", felt_trust=5, behaviour=2)
    result = assess_json(path, "--partner", "Sam")

    part = result["partner_view"]
    assert part["felt_trust"]["id"] == "felt_trust"
    assert part["felt_trust"]["group"] == "partner_view"
    assert (part["felt_trust"]["score"], part["felt_trust"]["band"]) == (100.0, "strong")
    assert part["felt_trust"]["sem"] == pytest.approx(20 * (1 - 0.8) ** 0.5, abs=0.05)
    assert [s["id"] for s in part["strategies"]] == [s.id for s in MENTOR.strategies]
    assert all(s["score"] == 25.0 and s["sem"] for s in part["strategies"])
    assert {s["group"] for s in part["strategies"]} == {"mentor", "shared"}
    # The self part is untouched by it.
    assert [s["id"] for s in result["strategies"]] == [s.id for s in MENTEE.strategies]
    alone = assess_json(path, "--no-partner-view", "--no-save")
    assert (result["strategies"], result["overall"]) == (alone["strategies"], alone["overall"])
    assert set(result["answers"]) == {i.id for i in MENTEE.items + MENTEE.partner_items}
    assert not schema_problems("result-v3", result)

    stored = json.loads(run("history", "show", "last", "--format", "json").stdout)
    assert stored["partner_view"] == part
    # Felt trust is a score row of its own, so trends follow it.
    assert rows(trustcheck_home, "SELECT strategy_id, grp, score FROM strategy_scores "
                                 "WHERE strategy_id = 'felt_trust'") == [
        ("felt_trust", "partner_view", 100.0)]


def test_without_a_partner_view_section_or_with_no_partner_view_there_is_none(
        tmp_path: Path, trustcheck_home: Path) -> None:
    plain = tmp_path / "plain.yaml"
    plain.write_text(fill(template_text("--role", "mentee")), encoding="utf-8")
    assert assess_json(plain)["partner_view"] is None

    path = answers_with_partner_view(tmp_path)
    left_out = assess_json(path, "--no-partner-view")
    assert left_out["partner_view"] is None
    assert not any(key.startswith("partner.") for key in left_out["answers"])
    assert rows(trustcheck_home, "SELECT count(*) FROM strategy_scores "
                                 "WHERE strategy_id = 'felt_trust'") == [(0,)]


def test_partner_view_asked_for_but_missing_is_one_kind_sentence_and_nothing_saved(
        tmp_path: Path, trustcheck_home: Path) -> None:
    plain = tmp_path / "plain.yaml"
    plain.write_text(fill(template_text("--role", "mentee")), encoding="utf-8")
    result = assess(plain, "--partner-view", expect=2)
    assert result.stdout == ""
    assert (f"{plain} has no 'partner_view:' section, so there is no view of your partner to "
            "score; add one (`trustcheck template --role mentee` shows it) or run the command "
            "without --partner-view.") in " ".join(result.stderr.split())
    assert "Traceback" not in result.stderr
    assert not (trustcheck_home / "history.db").exists()


def test_a_statement_in_the_wrong_section_is_named_with_the_right_one(
        tmp_path: Path, trustcheck_home: Path) -> None:
    path = write(tmp_path, "wrong.yaml", """
        role: mentee
        answers:
          open_communication.4: 4
          partner.felt_trust.1: 4
        partner_view:
          open_communication.5: 2
        """)
    result = assess(path, expect=2)
    said = " ".join(result.stderr.split())
    assert ("'partner.felt_trust.1' is about your partner, so it belongs under "
            "'partner_view:', not 'answers:'.") in said
    assert ("'open_communication.5' is about you, so it belongs under 'answers:', not "
            "'partner_view:'.") in said
    assert "nothing was saved" in said
    assert not (trustcheck_home / "history.db").exists()


def test_a_partner_view_for_a_checklist_without_one_is_refused(tmp_path: Path) -> None:
    older = checklists.load(builtin_folder() / "v1" / "mentor.yaml")
    path = tmp_path / "v1.yaml"
    path.write_text(json.dumps({"role": "mentor", "checklist": "mentor", "version": "1",
                                "answers": {i.id: 4 for i in older.items},
                                "partner_view": {"partner.felt_trust.1": 4}}),
                    encoding="utf-8")
    result = assess(path, expect=2)
    assert ("the checklist 'mentor' (version 1) has no statements about your partner; please "
            "remove the 'partner_view:' section.") in " ".join(result.stderr.split())


# --- what people see -------------------------------------------------------------------------


def test_the_result_and_history_show_say_how_you_see_your_partner(
        tmp_path: Path, trustcheck_home: Path) -> None:
    path = answers_with_partner_view(tmp_path, "mentor", felt_trust=4, behaviour=5)
    shown_now = assess(path, "--partner", "Ana", "--details").stdout  # in full, on request
    shown_later = run("history", "show", "last").stdout
    for shown in (shown_now, shown_later):
        assert "How you see your mentee" in shown
        felt = next(line for line in shown.splitlines() if line.startswith("Felt trust"))
        assert re.search(r"75 ± 9\b", felt) and "solid" in felt
        growth = next(line for line in shown.splitlines() if line.startswith("Commit to growth"))
        assert re.search(r"100 ± 13\b", growth)
        assert "consider talking about it" not in shown  # felt trust is not low


def test_low_felt_trust_is_named_kindly_in_the_result_and_in_focus_without_actions(
        tmp_path: Path, trustcheck_home: Path) -> None:
    path = answers_with_partner_view(tmp_path, "mentee", felt_trust=2, behaviour=4)
    shown = " ".join(assess(path, "--partner", "Sam").stdout.split())
    sentence = ("Your felt trust in your mentor is 25 of 100 (needs attention). This is about "
                "how safe you feel with your mentor, not something to fix with an action; "
                "consider talking about it with them, or with someone you trust.")
    assert sentence in shown

    focus = run("focus", "--partner", "Sam")
    assert focus.exit_code == 0, focus.stderr
    assert sentence in " ".join(focus.stdout.split())
    plan = json.loads(run("focus", "--partner", "Sam", "--format", "json").stdout)
    assert plan["felt_trust"] == sentence
    # Never a focus area with actions.
    assert all(item["strategy"] != "felt_trust" for item in plan["lowest"] + plan["slipped"])
    assert not schema_problems("focus-v2", plan)


def test_focus_says_nothing_about_felt_trust_when_it_is_fine_or_not_answered(
        tmp_path: Path, trustcheck_home: Path) -> None:
    assess(answers_with_partner_view(tmp_path, "mentee", felt_trust=5), "--partner", "Sam")
    plain = tmp_path / "plain.yaml"
    plain.write_text(fill(template_text("--role", "mentee")), encoding="utf-8")
    assess(plain, "--partner", "Kim")
    for partner in ("Sam", "Kim"):
        plan = json.loads(run("focus", "--partner", partner, "--format", "json").stdout)
        assert plan["felt_trust"] is None


def test_trends_follow_felt_trust_in_its_own_row_only_where_there_are_partner_views(
        tmp_path: Path, trustcheck_home: Path) -> None:
    for number, level in enumerate((2, 3, 5)):
        assess(answers_with_partner_view(tmp_path, "mentee", felt_trust=level,
                                         name=f"a{number}.yaml"), "--partner", "Sam")
    plain = tmp_path / "plain.yaml"
    plain.write_text(fill(template_text("--role", "mentor")), encoding="utf-8")
    assess(plain, "--partner", "Ana")
    assess(plain, "--partner", "Ana")

    blocks = json.loads(run("history", "trends", "--format", "json").stdout)
    by_partner = {block["partner"]: block for block in blocks}
    felt = [r for r in by_partner["Sam"]["rows"] if r["strategy"] == "felt_trust"]
    assert len(felt) == 1
    assert felt[0]["title"] == "Felt trust"
    assert [p["score"] for p in felt[0]["series"]] == [25.0, 50.0, 100.0]
    assert felt[0]["sem"] == pytest.approx(8.9, abs=0.05)
    assert not any(r["strategy"] == "felt_trust" for r in by_partner["Ana"]["rows"])

    text = run("history", "trends", "--partner", "Sam").stdout
    assert any(line.startswith("Felt trust") for line in text.splitlines())
    # The overall index is still the mean of the self strategies alone.
    alone = assess_json(tmp_path / "a2.yaml", "--no-partner-view", "--no-save")
    assert by_partner["Sam"]["rows"][-1]["latest"] == alone["overall"]


def test_a_scores_only_export_keeps_the_partner_view_scores_but_no_answers(
        tmp_path: Path, trustcheck_home: Path) -> None:
    assess(answers_with_partner_view(tmp_path, "mentee"), "--partner", "Sam")
    exported = json.loads(run("history", "export", "--id", "last", "--scores-only",
                              "--format", "json").stdout)[0]
    assert exported["answers"] == {}
    assert exported["partner_view"]["felt_trust"]["score"] == 75.0
    assert not schema_problems("scores-only-result-v3", exported)


def test_a_hand_edited_partner_view_in_a_result_file_is_refused_plainly(
        tmp_path: Path, trustcheck_home: Path) -> None:
    result = assess_json(answers_with_partner_view(tmp_path, "mentee"), "--no-save")
    result["partner_view"]["felt_trust"]["score"] = 140
    edited = tmp_path / "edited.json"
    edited.write_text(json.dumps([result]), encoding="utf-8")
    refused = run("history", "import", str(edited))
    assert refused.exit_code == 2
    assert "a partner view score is not a number from 0 to 100." in refused.stderr
    assert "Traceback" not in refused.stderr


def test_a_check_in_with_a_partner_view_can_be_exported_and_imported_whole(
        tmp_path: Path, trustcheck_home: Path) -> None:
    assess(answers_with_partner_view(tmp_path, "mentee", felt_trust=2), "--partner", "Sam")
    exported = tmp_path / "all.json"
    assert run("history", "export", "-o", str(exported), "--format", "json").exit_code == 0
    (trustcheck_home / "history.db").unlink()
    imported = run("history", "import", str(exported))
    assert imported.exit_code == 0, imported.stderr
    again = json.loads(run("history", "show", "last", "--format", "json").stdout)
    assert again["partner_view"]["felt_trust"]["score"] == 25.0
    with sqlite3.connect(trustcheck_home / "history.db") as db:
        assert db.execute("SELECT score FROM strategy_scores WHERE strategy_id = "
                          "'felt_trust'").fetchall() == [(25.0,)]
    db.close()


# --- the questionnaire -------------------------------------------------------------------------


def test_the_questionnaire_asks_about_the_partner_after_the_self_part(
        trustcheck_home: Path) -> None:
    total, extra = len(MENTEE.items), len(MENTEE.partner_items)
    child = spawn("--role", "mentee", "--partner", "Sam", "--commit",
                  MENTEE.strategies[0].actions[0].id, home=trustcheck_home, partner_view=True)
    start(child)
    answer(child, 1, "4" * total)
    child.expect_exact("to go on")
    child.send("\r")
    child.expect_exact("Now a few statements about your mentor")
    child.expect_exact("to skip this part")
    child.send("x")
    for number in range(1, extra + 1):
        child.expect(rf"(?<![0-9]){number}/{extra}")
        child.send("5" if number == 1 else "4")
    child.expect_exact("to see your results")
    child.send("d")  # in full: the summary leaves the partner view out
    assert finish(child) == 0
    seen = screen(child)
    assert "How you see your mentor" in seen
    assert "Felt trust" in seen
    stored = json.loads(run("history", "show", "last", "--format", "json").stdout)
    assert stored["answers"]["partner.felt_trust.1"] == 5
    assert stored["partner_view"]["felt_trust"]["answered"] == 5


def test_p_skips_the_partner_part_and_the_check_in_is_saved_without_it(
        trustcheck_home: Path) -> None:
    total = len(MENTOR.items)
    child = spawn("--role", "mentor", "--partner", "Ana", "--commit",
                  MENTOR.strategies[0].actions[0].id, home=trustcheck_home, partner_view=True)
    start(child)
    answer(child, 1, "4" * total)
    child.expect_exact("to go on")
    child.send("\r")
    child.expect_exact("Now a few statements about your mentee")
    child.send("p")
    assert finish(child) == 0
    assert "skipped the statements about your mentee" in screen(child)
    stored = json.loads(run("history", "show", "last", "--format", "json").stdout)
    assert stored["partner_view"] is None
    assert not any(key.startswith("partner.") for key in stored["answers"])


def test_no_partner_view_never_offers_the_part(trustcheck_home: Path) -> None:
    child = spawn("--role", "mentor", "--commit", MENTOR.strategies[0].actions[0].id,
                  home=trustcheck_home)  # spawn adds --no-partner-view
    start(child)
    answer(child, 1, "4" * len(MENTOR.items))
    child.expect_exact("to see your results")
    child.send("\r")
    assert finish(child) == 0
    assert "Now a few statements" not in screen(child)


def test_a_csv_export_never_names_felt_trust_as_the_lowest_strategy(
        tmp_path: Path, trustcheck_home: Path) -> None:
    assess(answers_with_partner_view(tmp_path, "mentee", felt_trust=1), "--partner", "Sam")
    exported = run("history", "export", "--format", "csv")
    assert exported.exit_code == 0, exported.stderr
    table = list(csv.DictReader(io.StringIO(exported.stdout)))
    assert len(table) == 1
    assert table[0]["lowest_strategy"] in {s.id for s in MENTEE.strategies}
    assert "felt_trust" not in table[0]
