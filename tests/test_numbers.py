"""Signed changes and gaps print the same way in every view: ASCII + and -, one decimal."""

import json
import re
from pathlib import Path

from conftest import answer_of, answers_file, builtin, run

import trustcheck.render
from trustcheck.render.table import signed


def test_changes_use_ascii_signs_and_one_decimal():
    assert signed(5) == "+5.0"
    assert signed(-3.25) == "-3.2"
    assert signed(0.0) == "0.0"
    assert signed(None) == "—"


def test_a_change_that_rounds_to_zero_has_no_sign():
    assert signed(-0.04) == "0.0"
    assert signed(0.04) == "0.0"


def test_no_view_uses_the_typographic_minus():
    for module in Path(trustcheck.render.__file__).parent.glob("*.py"):
        assert "\u2212" not in module.read_text(encoding="utf-8"), module.name


def test_report_gaps_and_trend_changes_print_ascii_signs(tmp_path):
    """What a facilitator and a mentor see: gaps in the cohort report, changes in trends."""
    forms = []
    for role, people in (("mentor", range(6)), ("mentee", range(100, 106))):
        used = builtin(role)
        lines = [",".join(["role", *(item.id for item in used.items)])]
        lines += [",".join([role, *(str(answer_of(p, item.id)) for item in used.items)])
                  for p in people]
        path = tmp_path / f"{role}.csv"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        forms.append(str(path))
    document = json.loads(run("report", *forms, "--format", "json").stdout)
    gaps = [row["gap"] for row in document["sections"][0]["comparison"]["strategies"]]
    markdown = run("report", *forms, "--format", "markdown").stdout
    html = run("report", *forms, "--format", "html").stdout
    for gap in gaps:
        assert signed(gap) in markdown and signed(gap) in html
    assert "\u2212" not in markdown + html

    run("assess", "--answers", str(answers_file(tmp_path, value=5)), "--partner", "Sam")
    run("assess", "--answers", str(answers_file(tmp_path, value=2)), "--partner", "Sam")
    trends = run("history", "trends").stdout
    assert re.search(r" -\d+\.\d ", trends) and "\u2212" not in trends
