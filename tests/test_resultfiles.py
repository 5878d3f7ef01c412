"""One reader and one validator for result files: `history import`, `compare` and `report` agree."""

from __future__ import annotations

import copy
import csv
import json
import tempfile
import uuid
from datetime import datetime, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from trustcheck import assessment
from trustcheck import checklist as checklists
from trustcheck.paths import builtin_folder

NOW = datetime(2026, 5, 1, 12, 0, tzinfo=timezone.utc)


def run(*args: str, input: str | None = None, home: Path | None = None):
    from trustcheck.cli.app import app

    env = None if home is None else {"TRUSTCHECK_HOME": str(home)}
    return CliRunner().invoke(app, list(args), input=input, env=env)


def builtin(role: str) -> checklists.Checklist:
    return checklists.load(builtin_folder() / f"{role}.yaml")


def result(role: str = "mentor", person: int = 0) -> dict:
    """A result as `assess --format json` prints it; answers differ from person to person."""
    used = builtin(role)
    answers = {item.id: 1 + (person * 7 + sum(map(ord, item.id))) % 5 for item in used.items}
    return assessment.to_dict(assessment.build(used, answers, role=role, partner="Sam",
                                               cohort="spring", now=NOW, id=uuid.uuid4().hex))


def lines_of(*results: dict) -> str:
    return "".join(json.dumps(r) + "\n" for r in results)


def problem_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("  - ")]


# --- the corpus of bad results: one verdict, one reason, in all three commands ------------------


def _rescored_differently(data: dict) -> None:
    data["strategies"][0]["score"] = 100.0 if data["strategies"][0]["score"] != 100.0 else 0.0


def _overall_inflated(data: dict) -> None:
    data["overall"] = 100.0 if data["overall"] != 100.0 else 0.0


def _strategies_all_100(data: dict) -> None:  # the example: worth 58.3, says 100
    for strategy in data["strategies"]:
        strategy["score"] = 100.0
    data["overall"] = 100.0


CORPUS = [
    ("stated-strategy", _rescored_differently, "the score it states for the strategy"),
    ("stated-overall", _overall_inflated, "the overall index it states is not what its answers"),
    ("all-100", _strategies_all_100, "is not what its answers give"),
    ("off-scale", lambda d: d["answers"].update({next(iter(d["answers"])): 9}),
     "an answer is not a whole number from 1 to 5."),
    ("foreign-statement", lambda d: d["answers"].update({"made.up": 3}),
     "it answers a statement that the checklist it names does not have"),
    ("no-strategies", lambda d: d.update(strategies=[]), "it has no strategy scores."),
    ("spaced-id", lambda d: d.update(id="an id with spaces in it " * 4),
     "its id is not a trustcheck id"),
    ("year-one", lambda d: d.update(created_at="0001-01-01T00:00:00+01:00"),
     "is not a complete trustcheck check-in"),
    ("year-9999", lambda d: d.update(created_at="9999-12-31T23:30:00-01:00"),
     "is not a complete trustcheck check-in"),
    ("surrogate", lambda d: d.update(cohort="\ud800"), "a lone surrogate"),
    ("score-as-text", lambda d: d["strategies"][0].update(score="50"),
     "a strategy score is not a number from 0 to 100."),
    ("focus-without-score", lambda d: d.update(focus=[
        {"strategy": "transparency", "title": "Be transparent", "score": None,
         "reason": "lowest", "actions": []}]),
     "focus, obstacle or strength fields of the wrong type"),
]

# Values JSON cannot carry through json.dumps as they are: written into the text directly.
RAW_CORPUS = [
    ("nan", '"overall": NaN', "NaN is not a number trustcheck accepts"),
    ("infinity", '"overall": Infinity', "Infinity is not a number trustcheck accepts"),
    ("huge-integer", '"overall": ' + "9" * 5000, "a number in it has too many digits"),
]


def _raw(data: dict, replacement: str) -> str:
    text = json.dumps(data)
    overall = f'"overall": {json.dumps(data["overall"])}'
    assert overall in text
    return text.replace(overall, replacement)


def _verdicts(tmp_path: Path, name: str, bad_text: str, reason: str) -> None:
    cohort = tmp_path / f"{name}.jsonl"  # five good mentors, the bad one on line 6
    cohort.write_text(lines_of(*(result("mentor", n) for n in range(5))) + bad_text + "\n",
                      encoding="utf-8")
    single = tmp_path / f"{name}.json"
    single.write_text(bad_text, encoding="utf-8")
    partner = tmp_path / "partner.json"
    partner.write_text(json.dumps(result("mentee", 1)), encoding="utf-8")

    imported = run("history", "import", str(cohort))
    assert imported.exit_code == 2, (name, imported.stderr)
    assert [line for line in problem_lines(imported.stderr)
            if line.startswith(f"  - {cohort}, line 6: ") and reason in line], imported.stderr
    assert "unexpected" not in imported.stderr

    compared = run("compare", str(single), str(partner))
    assert compared.exit_code == 2, (name, compared.stderr)
    assert compared.stdout == ""
    assert f"{single}, line 1: " in compared.stderr and reason in compared.stderr
    assert "unexpected" not in compared.stderr

    home = Path(tempfile.mkdtemp(dir=tmp_path))
    reported = run("report", str(cohort), "--format", "json", home=home)
    assert reported.exit_code == 0, (name, reported.stderr)
    counted = json.loads(reported.stdout)
    assert (counted["responses"], counted["left_out"]) == (5, 1), name
    assert [line for line in problem_lines(reported.stderr)
            if line.startswith(f"  - {cohort}, line 6: ") and reason in line], reported.stderr
    strict = run("report", str(cohort), "--strict", home=home)
    assert strict.exit_code == 2 and reason in strict.stderr


@pytest.mark.parametrize(("name", "change", "reason"), CORPUS, ids=[c[0] for c in CORPUS])
def test_a_bad_result_gets_the_same_verdict_and_reason_in_import_compare_and_report(
        tmp_path, name, change, reason):
    bad = result("mentor", 7)
    change(bad)
    _verdicts(tmp_path, name, json.dumps(bad), reason)


@pytest.mark.parametrize(("name", "replacement", "reason"), RAW_CORPUS,
                         ids=[c[0] for c in RAW_CORPUS])
def test_numbers_json_should_not_hold_are_refused_the_same_way_everywhere(
        tmp_path, name, replacement, reason):
    _verdicts(tmp_path, name, _raw(result("mentor", 7), replacement), reason)


def test_the_three_commands_call_the_one_validator(tmp_path, monkeypatch):
    from trustcheck import resultfiles

    calls: list[str] = []
    real = resultfiles.validate

    def counting(data, library):
        calls.append(data.get("id", "?") if isinstance(data, dict) else "?")
        return real(data, library)

    monkeypatch.setattr(resultfiles, "validate", counting)
    import trustcheck.sources as sources

    monkeypatch.setattr(sources, "validate", counting)
    mentor, mentee = result("mentor", 1), result("mentee", 2)
    a = tmp_path / "a.json"
    a.write_text(json.dumps(mentor), encoding="utf-8")
    b = tmp_path / "b.json"
    b.write_text(json.dumps(mentee), encoding="utf-8")

    assert run("compare", str(a), str(b)).exit_code == 0
    assert calls == [mentor["id"], mentee["id"]]
    calls.clear()
    assert run("history", "import", str(a)).exit_code == 0
    assert calls == [mentor["id"]]
    calls.clear()
    assert run("report", str(a), str(b), "--format", "json").exit_code == 0
    assert sorted(calls) == sorted([mentor["id"], mentee["id"]])


# --- stated scores, counted and labelled ------------------------------------------------------


def _elsewhere(data: dict) -> dict:
    """The result as if answered with a checklist this computer does not have."""
    changed = copy.deepcopy(data)
    changed["checklist"]["sha256"] = "0" * 64
    return changed


def test_a_result_whose_checklist_is_not_here_is_taken_on_its_stated_scores_and_labelled(
        tmp_path, trustcheck_home):
    mentors = [_elsewhere(result("mentor", n)) for n in range(5)]
    shared = [result("mentor", n) | {"answers": {}} for n in range(5, 10)]
    cohort = tmp_path / "cohort.jsonl"
    cohort.write_text(lines_of(*mentors, *shared), encoding="utf-8")

    reported = run("report", str(cohort), "--format", "json")
    assert reported.exit_code == 0, reported.stderr
    counted = json.loads(reported.stdout)
    assert counted["responses"] == 10 and counted["left_out"] == 0
    assert counted["taken_as_stated"] == {"scores_only": 5, "checklist_not_here": 5}
    assert ("10 responses were counted on the scores they state, not worked out again from "
            "answers: 5 scores-only, 5 answered a checklist that is not on this computer."
            ) in " ".join(reported.stderr.split())

    single = tmp_path / "mine.json"
    single.write_text(json.dumps(mentors[0]), encoding="utf-8")
    partner = tmp_path / "partner.json"
    partner.write_text(json.dumps(result("mentee", 1)), encoding="utf-8")
    compared = run("compare", str(single), str(partner), "--format", "json")
    assert compared.exit_code == 0, compared.stderr
    found = json.loads(compared.stdout)
    assert found["a"]["taken_as_stated"] == "checklist not here"
    assert found["b"]["taken_as_stated"] is None
    assert "checklist that is not on this computer" in compared.stderr
    text = run("compare", str(single), str(partner))
    assert "stated scores were compared as they are" in text.stderr

    imported = run("history", "import", str(single))
    assert imported.exit_code == 0, imported.stderr
    assert "1 added" in imported.stderr
    assert "taken as stated" in imported.stderr


def test_a_scores_only_result_is_still_refused_by_import_and_labelled_by_compare(tmp_path):
    shared = result("mentee", 1)
    shared["answers"] = {}
    path = tmp_path / "shared.json"
    path.write_text(json.dumps(shared), encoding="utf-8")
    mine = tmp_path / "mine.json"
    mine.write_text(json.dumps(result("mentor", 2)), encoding="utf-8")

    assert run("history", "import", str(path)).exit_code == 2
    compared = run("compare", str(mine), str(path), "--format", "json")
    assert compared.exit_code == 0, compared.stderr
    assert json.loads(compared.stdout)["b"]["taken_as_stated"] == "scores-only"


def test_compare_reads_a_results_wrapper_with_one_result(tmp_path):
    mine = tmp_path / "mine.json"
    mine.write_text(json.dumps({"results": [result("mentor", 2)]}), encoding="utf-8")
    partner = tmp_path / "partner.json"
    partner.write_text(json.dumps(result("mentee", 1)), encoding="utf-8")
    assert run("compare", str(mine), str(partner)).exit_code == 0


# --- CSV forms --------------------------------------------------------------------------------


def form_rows(people: int) -> list[list[str]]:
    used = builtin("mentor")
    return [["mentor", f"Partner {n}", "spring",
             *(str(1 + (n * 7 + sum(map(ord, i.id))) % 5) for i in used.items)]
            for n in range(people)]


def form_text(rows: list[list[str]]) -> str:
    used = builtin("mentor")
    lines = [",".join(["role", "partner", "cohort", *(i.id for i in used.items)])]
    lines += [",".join(row) for row in rows]
    return "\r\n".join(lines) + "\r\n"


@pytest.mark.parametrize(("name", "spoil", "words"), [
    ("huge-cell", lambda row: row.__setitem__(1, "x" * (200 * 1024)), "longer than 128 KiB"),
    ("bare-cr", lambda row: row.__setitem__(1, "Sam\rPat"), "line break outside quotes"),
    ("unclosed-quote", lambda row: row.__setitem__(1, '"Sam'), "not closed"),
])
def test_a_broken_csv_row_is_left_out_with_its_line_never_an_unexpected_problem(
        tmp_path, trustcheck_home, name, spoil, words):
    rows = form_rows(6)
    spoil(rows[5])  # the last row, on line 7
    path = tmp_path / f"{name}.csv"
    path.write_text(form_text(rows), encoding="utf-8", newline="")

    reported = run("report", str(path), "--format", "json")
    assert reported.exit_code == 0, reported.stderr
    counted = json.loads(reported.stdout)
    assert (counted["responses"], counted["left_out"]) == (5, 1)
    assert [line for line in problem_lines(reported.stderr)
            if line.startswith(f"  - {path}, line 7: ") and words in line], reported.stderr
    strict = run("report", str(path), "--strict")
    assert strict.exit_code == 2 and "unexpected" not in strict.stderr


def test_copies_of_csv_rows_are_counted_once_as_duplicates(tmp_path, trustcheck_home):
    rows = form_rows(6)
    first = tmp_path / "form.csv"
    first.write_text(form_text(rows), encoding="utf-8")
    padded = tmp_path / "padding.csv"
    padded.write_text(form_text(rows * 3), encoding="utf-8")

    alone = json.loads(run("report", str(first), "--format", "json").stdout)
    both = run("report", str(first), str(padded), "--format", "json",
               home=Path(tempfile.mkdtemp(dir=tmp_path)))
    assert both.exit_code == 0, both.stderr
    counted = json.loads(both.stdout)
    assert counted["responses"] == alone["responses"] == 6
    assert counted["duplicates"] == 18
    assert counted["sections"][0]["overall"] == alone["sections"][0]["overall"]
    assert "18 responses appeared more than once" in both.stderr


# --- property-based: whatever the file, exit 0 or 2, never a traceback ------------------------

_GOOD = [result("mentor", n) for n in range(3)] + [result("mentee", 3)]
_JSON_LEAVES = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6),
                         st.floats(allow_nan=False, allow_infinity=False),
                         st.text(max_size=20))
_JSON = st.recursive(_JSON_LEAVES, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=10), inner, max_size=4)),
    max_leaves=12)
_PATHS = ["id", "role", "schema", "created_at", "overall", "answers", "strategies", "checklist",
          "cohort", "partner", "focus", "commitments", "follow_through"]


@st.composite
def result_files(draw) -> str:
    """Valid results, results with a field replaced by anything, and garbage, in any shape."""
    chosen = []
    for _ in range(draw(st.integers(1, 4))):
        data = copy.deepcopy(draw(st.sampled_from(_GOOD)))
        kind = draw(st.sampled_from(["valid", "mutated", "garbage", "strategy"]))
        if kind == "mutated":
            data[draw(st.sampled_from(_PATHS))] = draw(_JSON)
        elif kind == "strategy":
            data["strategies"][0][draw(st.sampled_from(["score", "id"]))] = draw(_JSON)
        elif kind == "garbage":
            data = draw(_JSON)
        chosen.append(data)
    shape = draw(st.sampled_from(["object", "list", "lines", "wrapper", "text"]))
    if shape == "object":
        text = json.dumps(chosen[0])
    elif shape == "list":
        text = json.dumps(chosen)
    elif shape == "wrapper":
        text = json.dumps({"results": chosen})
    elif shape == "lines":
        text = "".join(json.dumps(c) + "\n" for c in chosen)
    else:
        text = draw(st.text(max_size=200))
    if draw(st.booleans()):  # cut it off somewhere, as a failed copy would
        text = text[:draw(st.integers(0, len(text)))]
    return text


def _fine(done) -> None:
    assert done.exit_code in (0, 2), (done.exit_code, done.stderr, done.exception)
    assert "unexpected" not in done.stderr.lower()
    assert "Traceback" not in done.stderr + done.stdout


_SETTINGS = settings(max_examples=30, deadline=None,
                     suppress_health_check=[HealthCheck.function_scoped_fixture,
                                            HealthCheck.too_slow])


@_SETTINGS
@given(text=result_files(), suffix=st.sampled_from([".json", ".jsonl", ".txt"]))
def test_any_result_file_gives_exit_0_or_2_in_import_compare_and_report(tmp_path, text, suffix):
    folder = Path(tempfile.mkdtemp(dir=tmp_path))
    path = folder / f"results{suffix}"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    partner = folder / "partner.json"
    partner.write_text(json.dumps(_GOOD[3]), encoding="utf-8")
    home = folder / "home"
    _fine(run("history", "import", str(path), home=home))
    _fine(run("compare", str(path), str(partner), home=home))
    _fine(run("report", str(path), "--format", "json", home=home))
    _fine(run("report", str(path), "--strict", home=home))


_CELLS = st.one_of(st.sampled_from(["1", "3", "5", "", "skip", "9", "2.0", '"', "\r", "x"]),
                   st.text(max_size=8))


@_SETTINGS
@given(cells=st.lists(st.lists(_CELLS, min_size=0, max_size=40), max_size=6),
       separator=st.sampled_from([",", ";"]), huge=st.booleans())
def test_any_csv_form_gives_exit_0_or_2_in_report(tmp_path, cells, separator, huge):
    folder = Path(tempfile.mkdtemp(dir=tmp_path))
    used = builtin("mentor")
    header = separator.join(["role", "partner", "cohort", *(i.id for i in used.items)])
    rows = [separator.join(["mentor", "", "", *row]) for row in cells]
    if huge:
        rows.append("mentor" + separator + "y" * (130 * 1024))
    path = folder / "form.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8",
                    errors="surrogatepass", newline="")
    home = folder / "home"
    _fine(run("report", str(path), "--format", "json", home=home))
    _fine(run("report", str(path), "--strict", home=home))
    with path.open("w", newline="", encoding="utf-8") as handle:  # and as a writer quotes it
        # An escape character: Python 3.10's writer cannot write a NUL without one.
        csv.writer(handle, delimiter=separator, escapechar="\\").writerows(
            [header.split(separator), *(["mentor", "", "", *row] for row in cells)])
    _fine(run("report", str(path), "--format", "json", home=home))


def test_a_bad_field_is_named_but_its_value_never_shown(tmp_path):
    """Problems may be read out on a projector: they say what is wrong, not what was typed."""
    bad = result("mentor", 7)
    bad["created_at"] = "Alice Example"
    bad["follow_through"] = [{"action": "a", "text": "t", "made_in": "x",
                              "made_at": "2026-01-01T00:00:00Z", "status": "Bob Example"}]
    single = tmp_path / "bad.json"
    single.write_text(json.dumps(bad), encoding="utf-8")
    reported = run("report", str(single), "--strict")
    assert reported.exit_code == 2
    assert "is not a complete trustcheck check-in" in reported.stderr
    assert "a time that is not a date and time with a time zone" in reported.stderr
    assert "Alice" not in reported.stderr and "Bob" not in reported.stderr
