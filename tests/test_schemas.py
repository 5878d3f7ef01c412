"""Every JSON shape trustcheck prints matches its JSON Schema in docs/schemas/.

The commands run for real (typer's CliRunner against the app, with the test's own data folder),
in the states a person meets: nothing saved yet, one check-in, several relationships with
commitments, a scores-only export, a cohort report with suppressed groups, a comparison with
flagged gaps. A schema is strict (closed objects, exact types, enums), so a field added to the
output without adding it to the schema (and docs/json.md) fails here.
"""

from __future__ import annotations

import json
import re
import uuid
from datetime import datetime, timedelta, timezone
from functools import cache
from pathlib import Path

import pytest
from conftest import answer_of, answers_file, builtin, fill, run, save, template_text
from jsonschema import Draft202012Validator
from referencing import Registry, Resource

from trustcheck import assessment

ROOT = Path(__file__).resolve().parent.parent
SCHEMAS = ROOT / "docs" / "schemas"
DATA = ROOT / "tests" / "data"
SOURCE = ROOT / "src" / "trustcheck"
ID_PREFIX = "urn:trustcheck:schemas:"
# A versioned shape name as the code writes it, e.g. "trustcheck/result/v2".
SHAPE_NAME = re.compile(r"[\"']trustcheck/([a-z]+)/(v[0-9]+)[\"']")
LISTEN = "active_listening.summarise-back"
REASONS = "transparency.share-reasoning"
NOW = datetime(2026, 5, 1, 12, 0, tzinfo=timezone.utc)


# --- the schemas --------------------------------------------------------------------------------


def schema_files() -> list[Path]:
    return sorted(SCHEMAS.glob("*.schema.json"))


@cache
def registry() -> Registry:
    """Every schema by its $id, so one schema can refer to another (lists of results)."""
    resources = [Resource.from_contents(json.loads(p.read_text(encoding="utf-8")))
                 for p in schema_files()]
    return Registry().with_resources((r.contents["$id"], r) for r in resources)


def problems(name: str, document: object) -> list[str]:
    """Every way `document` breaks docs/schemas/NAME.schema.json, as readable lines."""
    schema = json.loads((SCHEMAS / f"{name}.schema.json").read_text(encoding="utf-8"))
    validator = Draft202012Validator(schema, registry=registry())
    return [f"{'/'.join(map(str, e.absolute_path)) or '(top)'}: {e.message}"
            for e in validator.iter_errors(document)]


def printed(*args: str, expect: int = 0) -> object:
    """The JSON a command prints on standard output (it must exit with `expect`)."""
    done = run(*args)
    assert done.exit_code == expect, done.stderr
    return json.loads(done.stdout)


def assert_matches(name: str, document: object) -> None:
    found = problems(name, document)
    assert not found, f"output does not match {name}.schema.json:\n" + "\n".join(found)


def test_every_schema_is_a_valid_draft_2020_12_schema_with_its_own_id_title_and_description():
    assert len(schema_files()) >= 12
    for path in schema_files():
        schema = json.loads(path.read_text(encoding="utf-8"))
        Draft202012Validator.check_schema(schema)
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema", path.name
        assert schema["$id"] == ID_PREFIX + path.name.removesuffix(".schema.json"), path.name
        assert schema["title"] and schema["description"], path.name


def test_every_versioned_shape_named_in_the_code_has_a_schema_file():
    names = {match.groups() for module in SOURCE.rglob("*.py")
             for match in SHAPE_NAME.finditer(module.read_text(encoding="utf-8"))}
    assert ("result", "v2") in names and ("report", "v2") in names
    for kind, version in sorted(names):
        path = SCHEMAS / f"{kind}-{version}.schema.json"
        assert path.exists(), f"trustcheck/{kind}/{version} has no schema file {path.name}"
        schema = json.loads(path.read_text(encoding="utf-8"))
        assert schema["title"] == f"trustcheck/{kind}/{version}"


def test_a_schema_is_strict_an_unknown_field_or_a_wrong_role_is_refused(tmp_path):
    result = printed("assess", "--answers", str(answers_file(tmp_path)), "--format", "json",
                     "--no-save")
    assert_matches("result-v3", result)
    assert problems("result-v3", result | {"surprise": 1})
    assert problems("result-v3", result | {"role": "boss"})
    assert problems("result-v3", result | {"overall": "58"})
    assert problems("result-v3", {k: v for k, v in result.items() if k != "strategies"})


# --- history: nothing saved yet -----------------------------------------------------------------


def test_with_nothing_saved_every_listing_is_an_empty_shape_that_matches():
    assert_matches("result-list-v3", printed("history", "--format", "json"))
    assert_matches("result-list-v3", printed("history", "export"))
    assert_matches("trends-v2", printed("history", "trends", "--format", "json"))
    commitments = printed("commitments", "--format", "json")
    assert commitments == {"schema": "trustcheck/commitments/v1", "relationships": []}
    assert_matches("commitments-v1", commitments)
    assert printed("focus", "--format", "json") is None
    assert_matches("focus-v2", None)
    assert run("history", "export", "--format", "jsonl").stdout == ""
    assert_matches("paths-v1", printed("paths", "--format", "json"))


# --- one check-in -------------------------------------------------------------------------------


def test_one_check_in_matches_in_every_view(tmp_path):
    answers = answers_file(tmp_path, overrides={"transparency.1": "skip"})
    made = printed("assess", "--answers", str(answers), "--partner", "Sam", "--format", "json",
                   "--commit", LISTEN)
    assert made["compared_to"] is None and made["commitments"][0]["action"] == LISTEN
    assert_matches("result-v3", made)

    shown = printed("history", "show", "last", "--format", "json")
    assert "compared_to" not in shown
    assert_matches("result-v3", shown)
    assert_matches("result-list-v3", printed("history", "--format", "json"))
    assert_matches("result-list-v3", printed("history", "export"))
    lines = run("history", "export", "--format", "jsonl").stdout.splitlines()
    assert len(lines) == 1
    assert_matches("result-v3", json.loads(lines[0]))
    assert_matches("trends-v2", printed("history", "trends", "--format", "json"))

    focus = printed("focus", "--format", "json")
    assert focus["previous"] is None and focus["open_commitments"]
    assert_matches("focus-v2", focus)
    assert_matches("commitments-v1", printed("commitments", "--format", "json"))


def test_a_scores_only_export_matches_and_holds_nothing_personal(tmp_path):
    printed("assess", "--answers", str(answers_file(tmp_path)), "--partner", "Sam",
            "--cohort", "spring", "--format", "json", "--commit", LISTEN)
    exported = printed("history", "export", "--id", "last", "--scores-only")
    assert exported[0]["answers"] == {} and exported[0]["partner"] is None
    assert_matches("scores-only-result-list-v3", exported)
    line = run("history", "export", "--scores-only", "--format", "jsonl").stdout
    assert_matches("scores-only-result-v3", json.loads(line))
    # The full result is not a scores-only one: the schema tells them apart.
    assert problems("scores-only-result-v3", printed("history", "show", "last", "--format",
                                                     "json"))


def test_a_check_in_where_statements_didnt_come_up_matches_result_v3(tmp_path, trustcheck_home):
    folder = trustcheck_home / "checklists"
    folder.mkdir(parents=True)
    (folder / "conditional.yaml").write_bytes((DATA / "conditional.yaml").read_bytes())
    answers = tmp_path / "answers.yaml"
    answers.write_text("checklist: conditional\nrole: mentor\nanswers:\n"
                       "  feedback.1: didn't come up\n  feedback.2: didn't come up\n"
                       "  feedback.3: 2\n  listen.1: 4\n  listen.2: 2\n  follow_up.1: 4\n"
                       "  follow_up.2: didn't come up\n", encoding="utf-8")

    made = printed("assess", "--answers", str(answers), "--format", "json")

    assert made["answers"]["feedback.1"] == "didn't come up"
    assert made["strategies"][0]["band"] == "didn't come up this time"
    assert_matches("result-v3", made)
    assert_matches("result-list-v3", printed("history", "export"))
    assert_matches("scores-only-result-list-v3",
                   printed("history", "export", "--id", "last", "--scores-only"))
    # Version 2 has no place for them: a v3 result is not a v2 one.
    assert problems("result-v2", made | {"schema": "trustcheck/result/v2"})
    assert problems("result-v3", made | {"answers": {"listen.1": "did not come up"}})


def test_a_result_as_version_2_wrote_it_still_matches_its_schema():
    written = json.loads((DATA / "result-v2.json").read_text(encoding="utf-8"))
    assert written[0]["schema"] == "trustcheck/result/v2"
    assert_matches("result-list-v2", written)


# --- several relationships with commitments -----------------------------------------------------


def check_in(folder: Path, *extra: str, role: str = "mentor", value: int = 4,
             commitments: str = "", overrides: dict | None = None) -> dict:
    text = fill(template_text("--role", role), value, overrides)
    path = folder / f"answers-{len(list(folder.glob('answers-*')))}.yaml"
    path.write_text(text + commitments, encoding="utf-8")
    return printed("assess", "--answers", str(path), "--role", role, "--format", "json", *extra)


def test_several_relationships_with_commitments_and_reviews_match(tmp_path):
    check_in(tmp_path, "--partner", "Sam", "--commit", LISTEN, "--commit", REASONS, value=5)
    second = check_in(tmp_path, "--partner", "Sam", "--commit", LISTEN, value=2,
                      commitments=f"commitments:\n  {LISTEN}: done\n  {REASONS}: partly\n")
    assert second["compared_to"]["overall_change"] < 0
    assert {r["status"] for r in second["follow_through"]} == {"done", "partly"}
    assert_matches("result-v3", second)
    check_in(tmp_path, "--partner", "Kim", "--commit", REASONS, value=3)
    check_in(tmp_path, value=3)  # no partner
    check_in(tmp_path, "--partner", "Ana", role="mentee", value=4)

    assert_matches("result-list-v3", printed("history", "--format", "json"))
    assert_matches("result-list-v3", printed("history", "export"))
    for line in run("history", "export", "--format", "jsonl").stdout.splitlines():
        assert_matches("result-v3", json.loads(line))
    trends = printed("history", "trends", "--format", "json")
    assert len(trends) == 4
    assert_matches("trends-v2", trends)
    assert_matches("trends-v2", printed("history", "trends", "--format", "json",
                                        "--strategy", "overall"))

    focus = printed("focus", "--role", "mentor", "--partner", "Sam", "--format", "json")
    assert focus["previous"] is not None and focus["follow_through"]["reviewed"] == 2
    assert_matches("focus-v2", focus)
    assert_matches("focus-v2", printed("focus", "--role", "mentor", "--partner", "",
                                       "--format", "json"))
    listed = printed("commitments", "--format", "json")
    statuses = {c["status"] for r in listed["relationships"] for c in r["commitments"]}
    assert statuses == {"open", "done", "partly"}
    assert_matches("commitments-v1", listed)


def test_lowest_slipped_and_strengths_all_listed_match(tmp_path):
    mentor = builtin("mentor")
    best = {item.id: 1 if item.reverse else 5 for item in mentor.items}  # every score 100
    check_in(tmp_path, "--partner", "Sam", overrides=best)
    dropped = [s.id for s in mentor.strategies][:4]  # to 50: three are lowest, one slipped
    check_in(tmp_path, "--partner", "Sam", overrides=best | {
        item.id: 3 for item in mentor.items if item.strategy in dropped})
    focus = printed("focus", "--format", "json")
    assert len(focus["lowest"]) == 3 and len(focus["slipped"]) == 1
    assert focus["strengths"] and focus["overall_change"] < 0
    assert_matches("focus-v2", focus)


def test_trends_across_a_checklist_version_change_match(trustcheck_home):
    mentor = builtin("mentor")
    newer = mentor._replace(version=str(int(mentor.version) + 1))
    answered = {item.id: 4 for item in mentor.items}
    save(trustcheck_home, *(
        assessment.build(used, answered, role="mentor", partner="Sam", cohort=None,
                         now=NOW + timedelta(days=days), id=uuid.uuid4().hex)
        for days, used in ((0, mentor), (14, mentor), (28, newer))))
    [block] = printed("history", "trends", "--format", "json")
    assert block["checklist_changes"][0]["to_version"] == newer.version
    assert_matches("trends-v2", [block])


# --- compare ------------------------------------------------------------------------------------


def test_a_comparison_with_flagged_gaps_matches(tmp_path):
    mine = check_in(tmp_path, "--partner", "Sam", value=5)
    theirs = check_in(tmp_path, "--partner", "Sam", role="mentee", value=1)
    found = printed("compare", mine["id"], theirs["id"], "--format", "json")
    assert any(gap["flagged"] for gap in found["shared"])
    assert found["own"]["a"] and found["own"]["b"]
    assert_matches("comparison-v2", found)


def test_a_comparison_with_a_partners_scores_only_file_matches(tmp_path):
    check_in(tmp_path, "--partner", "Sam", role="mentee", value=2)
    shared = tmp_path / "partner.json"
    shared.write_text(run("history", "export", "--id", "last", "--scores-only").stdout,
                      encoding="utf-8")
    mine = check_in(tmp_path, "--partner", "Sam", value=4)
    found = printed("compare", mine["id"], str(shared), "--format", "json")
    assert found["b"]["scores_only"] is True
    assert_matches("comparison-v2", found)


# --- the cohort report --------------------------------------------------------------------------


def form(path: Path, role: str, people: range) -> Path:
    """A CSV as a web form would export it: the template's header and one row per person."""
    used = builtin(role)
    lines = [",".join(["role", "partner", "cohort", *(item.id for item in used.items)])]
    lines += [",".join([role, f"Person {person}", "spring",
                        *(str(answer_of(person, item.id)) for item in used.items)])
              for person in people]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def report(*args: object) -> dict:
    document = printed("report", *map(str, args), "--format", "json")
    assert_matches("report-v2", document)
    return document


def test_a_mixed_mentor_and_mentee_report_matches(tmp_path):
    document = report(form(tmp_path / "mentors.csv", "mentor", range(12)),
                      form(tmp_path / "mentees.csv", "mentee", range(100, 112)))
    section = document["sections"][0]
    assert section["comparison"]["available"] is True
    assert any(s["alpha"] is not None for s in section["strategies"])


def test_a_report_with_a_suppressed_role_and_a_suppressed_section_matches(tmp_path):
    mentors = form(tmp_path / "mentors.csv", "mentor", range(7))
    mentees = form(tmp_path / "mentees.csv", "mentee", range(50, 53))
    document = report(mentors, mentees, "--min-group", "5")
    roles = {r["role"]: r for r in document["sections"][0]["roles"]}
    assert roles["mentee"]["suppressed"] is True and document["privacy"]["suppressed"]

    few = report(form(tmp_path / "few.csv", "mentor", range(200, 203)))
    assert few["sections"][0]["suppressed"] is True and few["sections"][0]["overall"] is None


def test_a_report_of_two_small_roles_shown_only_together_matches(tmp_path):
    document = report(form(tmp_path / "mentors.csv", "mentor", range(300, 303)),
                      form(tmp_path / "mentees.csv", "mentee", range(400, 403)))
    section = document["sections"][0]
    assert all(r["suppressed"] for r in section["roles"])
    assert section["comparison"]["available"] is False


def test_a_report_from_scores_only_results_matches(tmp_path):
    for value in (2, 3, 4, 5, 3, 4):
        check_in(tmp_path, "--cohort", "spring", value=value)
    exported = tmp_path / "scores.json"
    exported.write_text(run("history", "export", "--scores-only").stdout, encoding="utf-8")
    document = report(exported, "--min-group", "5")
    assert document["sections"][0]["quality"]["straight_lined"] is None


def test_a_report_with_a_checklist_not_on_this_computer_matches(tmp_path):
    """Results from an older checklist version get a section of their own, with notes."""
    used = builtin("mentor")
    old = []
    for person in range(500, 506):
        made = assessment.build(used, {i.id: answer_of(person, i.id) for i in used.items},
                                role="mentor", partner="Sam", cohort=None, now=NOW,
                                id=uuid.uuid4().hex)
        old.append(assessment.to_dict(made) | {"checklist": {
            "id": "mentor", "version": "0", "sha256": "cd" * 32, "title": "Old"}})
    (tmp_path / "old.json").write_text(json.dumps(old), encoding="utf-8")
    document = report(form(tmp_path / "mentors.csv", "mentor", range(6)), tmp_path / "old.json")
    section = document["sections"][1]
    assert section["checklists"][0]["available"] is False
    assert section["quality"]["item_level_note"] and section["obstacles_note"]


# --- templates and checklists -------------------------------------------------------------------


@pytest.mark.parametrize("role", ["mentor", "mentee"])
def test_a_json_template_matches(role):
    assert_matches("template", printed("template", "--role", role, "--format", "json"))


def test_the_checklist_listing_and_a_whole_checklist_match():
    listing = printed("checklists", "list", "--format", "json")
    assert {c["id"] for c in listing} >= {"mentor", "mentee"}
    assert_matches("checklists-list", listing)
    for checklist in ("mentor", "mentee"):
        assert_matches("checklist", printed("checklists", "show", checklist, "--format",
                                            "json"))
