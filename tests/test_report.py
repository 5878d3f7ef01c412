"""`trustcheck report` as a facilitator uses it: formats, warnings, privacy, differencing."""

from __future__ import annotations

import json
import os
import random
import stat
import uuid
from datetime import datetime, timezone
from pathlib import Path

import pytest
from conftest import answer_of, builtin, run, strategy

from trustcheck import assessment

NOW = datetime(2026, 5, 1, 12, 0, tzinfo=timezone.utc)
SECRET = "Zelda Quux"  # a partner name that must never show up in a report

# --- helpers ---------------------------------------------------------------------------------


def form(path: Path, role: str, people: range | int, *, cohort: str = "spring-2026",
         extra: list[str] | None = None) -> Path:
    """A CSV as a web form would export it: the template's header and one row per person."""
    used = builtin(role)
    people = range(people) if isinstance(people, int) else people
    lines = [",".join(["role", "partner", "cohort", *(item.id for item in used.items)])]
    for person in people:
        lines.append(",".join([role, f"{SECRET} {person}", cohort,
                               *(str(answer_of(person, item.id)) for item in used.items)]))
    lines += extra or []
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def results_file(path: Path, role: str, people: range | int, **fields: object) -> list[dict]:
    """A JSON list of results, as `history export --format json` writes one."""
    used = builtin(role)
    people = range(people) if isinstance(people, int) else people
    found = []
    for person in people:
        built = assessment.build(used, {i.id: answer_of(person, i.id) for i in used.items},
                                 role=role, partner=SECRET, cohort="spring-2026", now=NOW,
                                 id=uuid.uuid4().hex)
        found.append(assessment.to_dict(built) | fields)
    path.write_text(json.dumps(found, indent=2), encoding="utf-8")
    return found


def report_json(*args: str) -> dict:
    done = run("report", *args, "--format", "json")
    assert done.exit_code == 0, done.stderr
    return json.loads(done.stdout)


@pytest.fixture
def workshop(tmp_path: Path) -> list[Path]:
    """Six mentors and six mentees, each group from its own form."""
    return [form(tmp_path / "mentors.csv", "mentor", 6),
            form(tmp_path / "mentees.csv", "mentee", range(100, 106))]


# --- what a facilitator sees -----------------------------------------------------------------


def test_a_workshop_report_has_every_part_the_facilitator_needs(workshop):
    done = run("report", *map(str, workshop))
    assert done.exit_code == 0, done.stderr
    out = done.stdout
    assert "12 responses in the figures" in out
    assert "Who answered: 6 mentors and 6 mentees" in out
    for heading in ("Mentor strategies", "Shared strategies", "Mentee strategies",
                    "Overall trust index:", "Workshop focus", "What to try",
                    "Obstacles the room signals",
                    "Mentors beside mentees on the shared strategies", "Every strategy",
                    "Quality of the data", "Straight-lined responses",
                    "What was suppressed and why", "Nothing was suppressed."):
        assert heading in out, heading
    assert "Be transparent" in out and "Communicate openly" in out
    assert done.stderr == ""


def test_markdown_has_the_same_content_as_tables_for_a_wiki(workshop):
    done = run("report", *map(str, workshop), "--format", "markdown")
    assert done.exit_code == 0, done.stderr
    out = done.stdout
    assert out.startswith("# Cohort report\n")
    assert "| Strategy | Group | n | Mean | Median | Middle half | Favourable | SEM |" in out
    assert "### Workshop focus" in out and "### What to try" in out
    assert "| Strategy | Mentors | Mentees | Gap |" in out
    assert "## What was suppressed and why" in out


def test_the_json_report_has_the_documented_shape(workshop):
    document = report_json(*map(str, workshop))
    assert document["schema"] == "trustcheck/report/v2"
    assert set(document) == {"schema", "created_at", "scope", "min_group", "responses",
                             "left_out", "duplicates", "taken_as_stated", "sections",
                             "privacy"}
    assert document["taken_as_stated"] == {"scores_only": 0, "checklist_not_here": 0}
    section = document["sections"][0]
    assert set(section) == {"label", "checklists", "roles", "responses", "suppressed", "note",
                            "overall", "strategies", "focus", "obstacles", "obstacles_note",
                            "comparison", "felt_trust", "quality"}
    entry = strategy(section, "consistency")
    assert set(entry) == {"id", "title", "group", "roles", "n", "mean", "median", "q1", "q3",
                          "sd", "band", "suppressed", "note", "favourable", "favourable_n",
                          "alpha", "alpha_n", "alpha_flag", "alpha_note", "reliability",
                          "reliability_source", "spread", "sem", "se", "low", "high",
                          "hangs_together"}
    assert entry["roles"] == ["mentor", "mentee"] and entry["n"] == 12
    assert entry["q1"] <= entry["median"] <= entry["q3"]
    side = next(s for s in section["comparison"]["strategies"] if s["id"] == "consistency")
    assert side["mentor"]["n"] == 6 and side["mentee"]["n"] == 6
    assert side["gap"] == pytest.approx(side["mentor"]["mean"] - side["mentee"]["mean"], abs=0.11)
    assert {"threshold", "direction"} <= set(side)
    assert document["privacy"]["min_group"] == 5 and document["privacy"]["rules"]


def test_partner_names_ids_and_answers_never_appear_in_any_format(tmp_path, workshop):
    exported = results_file(tmp_path / "export.json", "mentor", range(200, 206))
    for format in ("text", "markdown", "json"):
        done = run("report", *map(str, workshop), str(tmp_path / "export.json"),
                   "--format", format)
        assert done.exit_code == 0, done.stderr
        everything = done.stdout + done.stderr
        assert SECRET not in everything and "Zelda" not in everything
        for one in exported:
            assert one["id"] not in everything and one["id"][:8] not in everything
        assert builtin("mentor").items[0].id not in everything  # no item-level answers either


def test_a_bad_row_warning_names_file_and_line_but_not_the_person(tmp_path):
    used = builtin("mentor")
    bad = ",".join(["mentor", SECRET, "spring-2026", "7", *("4" for _ in used.items[1:])])
    path = form(tmp_path / "mentors.csv", "mentor", 6, extra=[bad])
    done = run("report", str(path))
    assert done.exit_code == 0
    assert done.stderr.startswith("Warning: 1 row could not be used and was left out of the "
                                  "report:\n")
    assert f"{path}, line 8: the answer to '{used.items[0].id}' is not a whole number" \
        in done.stderr
    assert SECRET not in done.stderr
    assert "1 row could not be used and was left out" in done.stdout


def test_strict_stops_with_exit_2_and_reports_nothing(tmp_path):
    used = builtin("mentor")
    bad = ",".join(["teacher", "", "", *("4" for _ in used.items)])
    path = form(tmp_path / "mentors.csv", "mentor", 6, extra=[bad])
    done = run("report", str(path), "--strict")
    assert done.exit_code == 2
    assert done.stdout == ""
    assert "1 row could not be used and --strict allows nothing to be left out" in done.stderr
    assert f"{path}, line 8: the role should be mentor or mentee." in done.stderr
    assert not (Path(os.environ["TRUSTCHECK_HOME"]) / "report-log.json").exists()


def test_a_header_mistake_is_explained_and_strict_refuses_it(tmp_path):
    used = builtin("mentee")
    header = ["role", "partner", "cohort", *(i.id for i in used.items)]
    header[5] = used.items[2].id.replace("communication", "comunication")
    assert header[5] != used.items[2].id
    rows = [",".join(["mentee", "", "", *("4" for _ in used.items)]) for _ in range(6)]
    path = tmp_path / "form.csv"
    path.write_text("\n".join([",".join(header), *rows]) + "\n")
    done = run("report", str(path), "--strict")
    assert done.exit_code == 2
    assert f"Did you mean '{used.items[2].id}'?" in done.stderr
    assert "6 rows could not be used" in done.stderr
    relaxed = run("report", str(path))
    assert relaxed.exit_code == 2  # nothing left to report on
    assert "None of the rows could be used" in relaxed.stderr


def test_min_group_below_3_is_refused_before_reading_anything(tmp_path):
    done = run("report", str(tmp_path / "missing.csv"), "--min-group", "2")
    assert done.exit_code == 2
    assert "--min-group must be at least 3" in done.stderr


# --- suppression ------------------------------------------------------------------------------


@pytest.mark.parametrize(("people", "shown"), [(4, False), (5, True), (6, True)])
def test_a_cohort_is_reported_only_from_min_group_people(tmp_path, people, shown):
    path = form(tmp_path / "mentors.csv", "mentor", people)
    done = run("report", str(path))
    assert done.exit_code == 0, done.stderr
    if shown:
        assert f"Who answered: {people} mentors" in done.stdout
        assert "Overall trust index:" in done.stdout
        assert "suppressed (fewer than" not in done.stdout.split("What was suppressed")[0]
    else:
        assert "Who answered: mentors suppressed (fewer than 5 responses)" in done.stdout
        assert "Overall trust index:" not in done.stdout
        assert "0 responses in the figures" in done.stdout


def test_min_group_can_be_raised_and_the_report_says_so(tmp_path):
    path = form(tmp_path / "mentors.csv", "mentor", 8)
    done = run("report", str(path), "--min-group", "10")
    assert done.exit_code == 0
    assert "suppressed (fewer than 10 responses)" in done.stdout
    assert "No figure is shown for fewer than 10 people (--min-group 10)" in done.stdout


def test_with_7_mentors_and_3_mentees_the_mentees_cannot_be_worked_out(tmp_path):
    mentors = form(tmp_path / "mentors.csv", "mentor", 7)
    mentees = form(tmp_path / "mentees.csv", "mentee", range(50, 53))
    both = report_json(str(mentors), str(mentees))
    section = both["sections"][0]
    roles = {r["role"]: r for r in section["roles"]}
    assert roles["mentee"] == {"role": "mentee", "responses": None, "suppressed": True,
                               "note": "suppressed (fewer than 5 responses)"}
    assert section["comparison"]["available"] is False
    only_mentors = report_json(str(mentors), str(mentees), "--role", "mentor")["sections"][0]
    # The "total" on a shared strategy is the mentors' own figure: subtracting reveals nothing.
    for shared in ("consistency", "accountability", "empathy"):
        assert strategy(section, shared)["mean"] == strategy(only_mentors, shared)["mean"]
        assert strategy(section, shared)["n"] == 7
    assert section["overall"] == only_mentors["overall"]
    text = run("report", str(mentors), str(mentees)).stdout
    assert "mentees suppressed (fewer than 5 responses)" in text
    assert "left out of every figure in this section, the totals included" in text


# --- differencing ------------------------------------------------------------------------------


def test_a_second_report_differing_by_fewer_than_min_group_people_is_refused(tmp_path,
                                                                             trustcheck_home):
    first = form(tmp_path / "day1.csv", "mentor", 20)
    assert run("report", str(first)).exit_code == 0
    fewer = form(tmp_path / "day2.csv", "mentor", 18)  # two people removed
    done = run("report", str(fewer))
    assert done.exit_code == 2
    assert done.stdout == ""
    assert "differ from those in a report made on" in done.stderr
    assert "by only 2 people, fewer than 5" in done.stderr
    assert "nothing was reported" in done.stderr

    assert run("report", str(first), "--format", "json").exit_code == 0  # the same people again
    more = form(tmp_path / "day3.csv", "mentor", 25)  # five more people: a group of its own
    assert run("report", str(more)).exit_code == 0


def test_a_narrower_filter_on_the_same_data_is_differencing_too(tmp_path):
    spring = form(tmp_path / "spring.csv", "mentor", 20)
    late = form(tmp_path / "late.csv", "mentor", range(20, 22), cohort="late-joiners")
    assert run("report", str(spring), str(late)).exit_code == 0
    done = run("report", str(spring), str(late), "--cohort", "spring-2026")
    assert done.exit_code == 2
    assert "by only 2 people" in done.stderr


def test_the_log_of_earlier_reports_is_private_and_holds_no_names_or_ids(tmp_path,
                                                                         trustcheck_home):
    exported = results_file(tmp_path / "export.json", "mentee", 6)
    assert run("report", str(tmp_path / "export.json")).exit_code == 0
    log = trustcheck_home / "report-log.json"
    assert stat.S_IMODE(log.stat().st_mode) == 0o600
    text = log.read_text()
    assert SECRET not in text
    assert not any(one["id"] in text for one in exported)
    groups = json.loads(text)["groups"]
    assert [g["size"] for g in groups.values()] == [6]


def test_one_figure_that_would_differ_by_one_person_is_enough_to_refuse(tmp_path):
    first = form(tmp_path / "first.csv", "mentor", 20)
    assert run("report", str(first)).exit_code == 0
    # Five newcomers: a group big enough on its own, but four of them skipped every
    # 'transparency' statement, so that strategy's figure would change by one person only.
    used = builtin("mentor")
    newcomers = []
    for person in range(500, 505):
        cells = [("" if person < 504 and item.id.startswith("transparency.")
                  else str(answer_of(person, item.id))) for item in used.items]
        newcomers.append(",".join(["mentor", "", "spring-2026", *cells]))
    later = form(tmp_path / "later.csv", "mentor", 20, extra=newcomers)
    done = run("report", str(later))
    assert done.exit_code == 2
    assert "by only 1 person, fewer than 5" in done.stderr
    assert "that person's answers" in done.stderr


def test_the_log_applies_exactly_the_plain_differencing_rule(tmp_path):
    from trustcheck.cohort import (
        Bucket,
        Earlier,
        Figure,
        Layout,
        StrategyLayout,
        differs_too_little,
    )
    from trustcheck.reportlog import ReportLog

    generator = random.Random(11)
    layout = Layout("mentor", "x", "1", "0" * 64, "X", (StrategyLayout("a", "A", "mentor", ()),))

    def figure(people: list[str], gaps: set[str]) -> tuple[Figure, frozenset[str]]:
        bucket = Bucket(layout)
        for key in people:
            bucket.add(key, [None if key in gaps else 50.0], 50.0, None)
        plain = frozenset(k for k in people if k not in gaps)
        return Figure("strategy:a", ((bucket, 0),)), plain

    outcomes = set()
    for trial in range(60):
        everyone = [f"p{n}" for n in range(40)]
        before = generator.sample(everyone, generator.randint(15, 25))
        after = generator.sample(everyone, generator.randint(15, 25)) if trial % 3 else (
            before + generator.sample([p for p in everyone if p not in before],
                                      generator.randint(0, 6)))
        old, old_plain = figure(before, set(generator.sample(before, generator.randint(0, 3))))
        new, new_plain = figure(after, set(generator.sample(after, generator.randint(0, 3))))
        log = ReportLog.open(tmp_path / f"trial-{trial}")
        log.record(log.shown([old]), 5, NOW)
        log = ReportLog.open(tmp_path / f"trial-{trial}")  # read back from the file
        found = log.conflict(log.shown([new]), 5)
        expected = differs_too_little(new_plain, [Earlier("", 5, old_plain)], 5)
        assert (found is None) == (expected is None)
        if found is not None:
            assert found.difference == expected[1]
        outcomes.add(found is None)
    assert outcomes == {True, False}  # both kinds of case were tried


def test_two_more_mentors_are_caught_even_when_five_mentees_left(tmp_path):
    mentors = form(tmp_path / "mentors.csv", "mentor", 10)
    mentees = form(tmp_path / "mentees.csv", "mentee", range(100, 110))
    assert run("report", str(mentors), str(mentees)).exit_code == 0
    more_mentors = form(tmp_path / "mentors2.csv", "mentor", 12)
    fewer_mentees = form(tmp_path / "mentees2.csv", "mentee", range(100, 105))
    # 7 people differ in all, but the mentors' own figures would differ by 2.
    done = run("report", str(more_mentors), str(fewer_mentees))
    assert done.exit_code == 2
    assert "by only 2 people" in done.stderr


# --- files, formats, history -----------------------------------------------------------------


def test_output_file_is_private_and_never_overwritten_without_force(tmp_path, workshop):
    target = tmp_path / "report.md"
    done = run("report", *map(str, workshop), "-f", "markdown", "-o", str(target))
    assert done.exit_code == 0, done.stderr
    assert done.stdout == ""
    assert f"Report written to {target}." in done.stderr
    assert target.read_text().startswith("# Cohort report")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600

    target.write_text("keep me")
    again = run("report", *map(str, workshop), "-o", str(target))
    assert again.exit_code == 2
    assert "already exists; add --force to replace it" in again.stderr
    assert target.read_text() == "keep me"

    forced = run("report", *map(str, workshop), "-o", str(target), "--force")
    assert forced.exit_code == 0
    text = target.read_text()
    assert text.startswith("Cohort report\n")
    assert not any(line != line.rstrip() for line in text.splitlines())


def test_html_is_one_self_contained_page_with_both_charts(workshop):
    done = run("report", *map(str, workshop), "--format", "html")
    assert done.exit_code == 0, done.stderr
    assert done.stderr == ""
    page = done.stdout
    assert page.startswith("<!DOCTYPE html>\n") and page.rstrip().endswith("</html>")
    # strategy means, one chart per group (mentor, shared, mentee), and mentors beside mentees
    assert page.count("<svg ") == 4
    assert "<script" not in page and "://" not in page
    assert "Workshop focus" in page and "What was suppressed and why" in page
    assert SECRET not in page


def test_without_sources_the_history_of_a_cohort_is_reported(tmp_path):
    used = builtin("mentor")
    answers = tmp_path / "answers.json"
    for person in range(6):
        answers.write_text(json.dumps(
            {"answers": {i.id: answer_of(person, i.id) for i in used.items}}))
        cohort = "spring-2026" if person < 5 else "other"
        saved = run("assess", "--role", "mentor", "--answers", str(answers), "--partner", SECRET,
                    "--cohort", cohort)
        assert saved.exit_code == 0, saved.stderr
    done = run("report", "--cohort", "spring-2026")
    assert done.exit_code == 0, done.stderr
    assert "Cohort report · cohort spring-2026" in done.stdout
    assert "Who answered: 5 mentors" in done.stdout
    assert SECRET not in done.stdout
    nobody = run("report", "--cohort", "autumn")
    assert nobody.exit_code == 2
    assert "No saved check-in matches --cohort autumn" in nobody.stderr


def test_without_sources_or_history_it_says_what_to_give(trustcheck_home):
    done = run("report")
    assert done.exit_code == 2
    assert "There are no saved check-ins to report on" in done.stderr
    assert "trustcheck report answers.csv" in done.stderr


def test_results_from_another_checklist_version_get_their_own_section(tmp_path, workshop):
    results_file(tmp_path / "old.json", "mentor", range(300, 306),
                 checklist={"id": "mentor", "version": "0", "sha256": "cd" * 32, "title": "Old"})
    document = report_json(*map(str, workshop), str(tmp_path / "old.json"))
    labels = [s["label"] for s in document["sections"]]
    version = builtin("mentor").version
    assert labels == [f"Mentor checklist version {version} and mentee checklist version {version}",
                      "Mentor checklist version 0"]
    old = document["sections"][1]
    assert old["responses"] == 6
    assert strategy(old, "transparency")["favourable"] is None
    assert "not on this computer" in old["quality"]["item_level_note"]
    assert document["responses"] == 18


def test_standard_input_can_carry_a_form_export(tmp_path):
    path = form(tmp_path / "mentors.csv", "mentor", 5)
    done = run("report", "-", input=path.read_text())
    assert done.exit_code == 0, done.stderr
    assert "Who answered: 5 mentors" in done.stdout


def test_user_text_is_escaped_in_markdown_and_cleaned_in_text(tmp_path):
    label = "<b>x</b>|*\x1b[31m"
    path = form(tmp_path / "mentors.csv", "mentor", 5, cohort=label)
    markdown = run("report", str(path), "--cohort", label, "-f", "markdown")
    assert markdown.exit_code == 0, markdown.stderr
    assert "&lt;b&gt;x&lt;/b&gt;\\|\\*" in markdown.stdout
    assert "<b>" not in markdown.stdout and "\x1b" not in markdown.stdout
    text = run("report", str(path), "--cohort", label)
    assert "\x1b" not in text.stdout


def test_the_command_has_help_that_names_the_privacy_rules():
    done = run("report", "--help")
    assert done.exit_code == 0
    assert "--min-group" in done.stdout and "--strict" in done.stdout
    assert "Groups smaller than --min-group are never shown" in done.stdout
