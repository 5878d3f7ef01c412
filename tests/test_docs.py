"""docs/json.md and the JSON Schemas in docs/schemas/ describe the same fields.

How the doc is read (docs/json.md says the same under "Schemas and the field tables"):

- a line `<!-- fields: NAME -->` right before a Markdown table ties that table to
  docs/schemas/NAME.schema.json; several tables may name the same schema;
- the table's first column holds the fields, each in backticks, several per cell allowed:
  dotted paths (`checklist.id`), `[]` for each element of a list (`strategies[].score`), and
  braces for several fields at once (`{a, b}.gap` is `a.gap` and `b.gap`);
- `<!-- fields: OLD = NEW -->` says OLD's fields are all documented with NEW's (result v1 is
  result v2 without two lists).

A schema's fields are the properties it defines, at every depth, following `anyOf`, `allOf`
and list `items` within the file; a `$ref` to another schema file is documented with that file.
"""

from __future__ import annotations

import itertools
import json
import re
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "json.md"
SCHEMAS = ROOT / "docs" / "schemas"
MARKER = re.compile(r"^<!-- fields: ([a-z0-9-]+)(?: = ([a-z0-9-]+))? -->$")
FIELD = re.compile(r"`([^`]+)`")
BRACES = re.compile(r"\{([^{}]*)\}")


def expand(written: str) -> list[str]:
    """`{a, b}.c[].{d, e}` -> a.c[].d, a.c[].e, b.c[].d, b.c[].e."""
    parts = BRACES.split(written)  # text, choices, text, choices, ..., text
    choices = [[parts[i]] if i % 2 == 0 else [c.strip() for c in parts[i].split(",")]
               for i in range(len(parts))]
    return ["".join(pieces) for pieces in itertools.product(*choices)]


def documented() -> tuple[dict[str, set[str]], dict[str, str]]:
    """Fields per schema name from the doc's tables, and the 'same as' markers."""
    fields: dict[str, set[str]] = defaultdict(set)
    same_as: dict[str, str] = {}
    lines = DOC.read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines):
        marker = MARKER.match(line)
        if not marker:
            continue
        name, other = marker.groups()
        if other:
            same_as[name] = other
            continue
        table = list(itertools.takewhile(lambda row: row.startswith("|"), lines[number + 1:]))
        assert table[:2] == ["| field | type | meaning |", "|---|---|---|"], (
            f"docs/json.md line {number + 1}: a field table must follow its marker")
        for row in table[2:]:
            cell = row.split(" | ")[0].removeprefix("| ")
            found = FIELD.findall(cell)
            assert found, f"docs/json.md: a table row without a field: {row}"
            for written in found:
                fields[name].update(expand(written))
    return fields, same_as


def schema_fields(schema: dict, prefix: str = "") -> set[str]:
    """Every property path a schema defines (not following $ref into other files)."""
    found: set[str] = set()
    for key in ("anyOf", "oneOf", "allOf"):
        for branch in schema.get(key, []):
            found |= schema_fields(branch, prefix)
    items = schema.get("items")
    if isinstance(items, dict):
        found |= schema_fields(items, prefix[:-1] + "[]." if prefix else "")
    for name, sub in schema.get("properties", {}).items():
        found.add(prefix + name)
        found |= schema_fields(sub, prefix + name + ".")
    return found


def schemas() -> dict[str, set[str]]:
    return {path.name.removesuffix(".schema.json"):
            schema_fields(json.loads(path.read_text(encoding="utf-8")))
            for path in sorted(SCHEMAS.glob("*.schema.json"))}


def test_braces_expand_to_every_combination():
    assert expand("schema") == ["schema"]
    assert expand("{a, b}.c[].{d, e}") == ["a.c[].d", "a.c[].e", "b.c[].d", "b.c[].e"]


def test_every_table_names_an_existing_schema():
    fields, same_as = documented()
    known = set(schemas())
    assert set(fields) - known == set()
    assert set(same_as) | set(same_as.values()) <= known


@pytest.mark.parametrize("name", sorted(schemas()))
def test_the_doc_and_the_schema_list_the_same_fields(name):
    fields, same_as = documented()
    in_schema = schemas()[name]
    if name in same_as:
        missing = in_schema - fields[same_as[name]]
        assert not missing, f"{name} fields not documented with {same_as[name]}: {missing}"
        return
    in_doc = fields.get(name, set())
    assert not in_schema - in_doc, (
        f"docs/json.md does not document these {name} fields: {sorted(in_schema - in_doc)}")
    assert not in_doc - in_schema, (
        f"docs/json.md documents {name} fields its schema does not have: "
        f"{sorted(in_doc - in_schema)}")


def test_a_missing_field_would_be_caught():
    fields, _ = documented()
    assert "strategies[].score" in fields["result-v3"]
    assert "sections[].comparison.overall.mentee.sd" in fields["report-v1"]
    assert schema_fields({"type": "object", "properties": {
        "a": {"type": "array", "items": {"properties": {"b": {}}}}}}) == {"a", "a[].b"}
