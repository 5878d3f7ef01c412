"""Safe YAML reading: line numbers, refused tags, aliases and bombs, size and encoding limits."""

from __future__ import annotations

import textwrap
from functools import partial
from pathlib import Path

import pytest
from conftest import run as run_in_process
from conftest import write

from trustcheck import checklist, yamlfile
from trustcheck.errors import InputError

SHIPPED = Path(__file__).resolve().parents[1] / "checklists"


# --- helpers ----------------------------------------------------------------------------------

run = partial(run_in_process, catch_exceptions=False)  # an exception escapes with its traceback


def validate(path: Path) -> str:
    """What `trustcheck checklists validate PATH` says on stderr (it must fail with exit 2)."""
    result = run("checklists", "validate", str(path))
    assert result.exit_code == 2, result.stderr
    assert result.stdout == ""
    return result.stderr


def starting_well(rest: str) -> str:
    """A checklist whose first four lines (id, version, title, role) are fine, then `rest`."""
    start = "id: c\nversion: 1\ntitle: C\nrole: mentor\n"
    return start + textwrap.dedent(rest).lstrip("\n")


ONE_STRATEGY = """
    strategies:
      - id: a
        title: A
        items:
          - {id: a.1, text: I do.}
"""


# --- line numbers -------------------------------------------------------------------------------

def test_every_key_and_list_entry_knows_its_line():
    data, problems = yamlfile.parse(textwrap.dedent("""
        # a comment first
        id: c
        strategies:
          - id: a

          - id: b
            items: [x, y]
    """).lstrip("\n"), source="t.yaml")

    assert problems == []
    assert data == {"id": "c", "strategies": [{"id": "a"}, {"id": "b", "items": ["x", "y"]}]}
    assert yamlfile.line_of(data, "id") == 2
    assert yamlfile.line_of(data, "strategies") == 3
    assert yamlfile.line_of(data["strategies"], 0) == 4
    assert yamlfile.line_of(data["strategies"], 1) == 6
    assert yamlfile.line_of(data["strategies"][1], "items") == 7
    assert yamlfile.line_of(data["strategies"][1], "missing") == 6  # falls back to the entry


def test_dates_stay_as_the_text_that_was_written():
    data, problems = yamlfile.parse("version: 2024-05-01\n", source="t.yaml")

    assert problems == [] and data == {"version": "2024-05-01"}


def test_a_key_written_twice_is_reported_with_its_line(tmp_path):
    path = write(tmp_path, "c.yaml", starting_well("""
    title: D
    strategies:
      - id: a
        title: A
        items:
          - {id: a.1, text: I do.}
    """))

    assert f"{path}, line 5: 'title' appears twice in the same place." in validate(path)


def test_a_file_saved_with_a_byte_order_mark_is_read(tmp_path):
    path = tmp_path / "bom.yaml"
    text = starting_well(ONE_STRATEGY)
    path.write_bytes("\ufeff".encode("utf-8") + text.encode("utf-8"))

    assert checklist.load(path).id == "c"


# --- syntax -------------------------------------------------------------------------------------

def test_invalid_yaml_is_reported_at_its_line(tmp_path):
    path = write(tmp_path, "c.yaml", starting_well("").replace("title: C", "title: Trust: a check"))

    stderr = validate(path)

    assert f"{path}, line 3: this is not valid YAML" in stderr


def test_bad_indentation_is_reported_at_its_line(tmp_path):
    path = write(tmp_path, "c.yaml", starting_well("""
    strategies:
      - id: a
       title: A
    """))

    assert f"{path}, line 7: this is not valid YAML" in validate(path)


# --- tags ---------------------------------------------------------------------------------------

def test_a_python_tag_is_refused_and_never_run(tmp_path):
    sentinel = tmp_path / "was-run"
    path = write(tmp_path, "c.yaml", starting_well(f"""
    description: !!python/object/apply:os.system ["touch {sentinel}"]
    strategies:
      - id: a
        title: !!python/object/apply:os.system ["touch {sentinel}"]
        items:
          - id: a.1
            text: !!python/name:os.system
    """))

    stderr = validate(path)

    assert not sentinel.exists()
    assert f"{path}, line 5: the tag 'tag:yaml.org,2002:python/object/apply:os.system' " \
           "is not allowed; please use plain text and numbers." in stderr
    assert f"{path}, line 8: the tag" in stderr
    assert f"{path}, line 11: the tag 'tag:yaml.org,2002:python/name:os.system'" in stderr


def test_a_tag_on_a_list_that_would_otherwise_be_read_is_refused(tmp_path):
    write(tmp_path, "part.yaml", """
        id: part
        version: 1
        title: Part
        strategies:
          - id: a
            title: A
            items:
              - {id: a.1, text: I do.}
    """)
    path = write(tmp_path, "c.yaml", starting_well("""
    include: !!python/object/apply:os.system [part.yaml]
    """))

    stderr = validate(path)

    assert f"{path}, line 5: the tag 'tag:yaml.org,2002:python/object/apply:os.system' " \
           "is not allowed" in stderr
    with pytest.raises(InputError):
        checklist.load(path)


def test_set_and_custom_tags_are_refused(tmp_path):
    path = write(tmp_path, "c.yaml", starting_well("""
    scale: !!set {low, high}
    strategies: !mine
      - id: a
    """))

    stderr = validate(path)

    assert f"{path}, line 5: the tag 'tag:yaml.org,2002:set' is not allowed" in stderr
    assert f"{path}, line 6: the tag '!mine' is not allowed" in stderr


def test_a_tagged_answers_file_is_refused_too(tmp_path, trustcheck_home):
    sentinel = tmp_path / "was-run"
    answers = write(tmp_path, "answers.yaml", f"""
        role: mentor
        answers: !!python/object/apply:os.system ["touch {sentinel}"]
    """)

    result = run("assess", "--answers", str(answers), "--role", "mentor")

    assert result.exit_code == 2
    assert f"{answers}, line 2: the tag" in result.stderr
    assert not sentinel.exists()
    assert not (trustcheck_home / "history.db").exists()


# --- aliases and bombs --------------------------------------------------------------------------

def test_aliases_are_refused_with_a_plain_reason(tmp_path):
    path = write(tmp_path, "c.yaml", starting_well("""
    strategies:
      - id: a
        title: &same Listen well
        items:
          - id: a.1
            text: *same
    """))

    stderr = validate(path)

    assert "trustcheck does not read aliases (* and &)" in stderr
    assert "please write the text out in full" in stderr
    assert f"{path}, line 10: an alias (*name) is used here" in stderr


def test_a_billion_laughs_file_is_refused(tmp_path):
    lines = ['lol0: &lol0 "lol"']
    for n in range(1, 10):
        earlier = ", ".join([f"*lol{n - 1}"] * 10)
        lines.append(f"lol{n}: &lol{n} [{earlier}]")
    path = tmp_path / "laughs.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    stderr = validate(path)

    assert f"{path}, line 2: an alias (*name) is used here" in stderr
    with pytest.raises(InputError) as caught:
        checklist.load(path)
    assert "aliases" in caught.value.message


# --- size and encoding --------------------------------------------------------------------------

def test_a_file_over_one_mebibyte_is_refused(tmp_path):
    path = tmp_path / "huge.yaml"
    path.write_bytes(b"# padding\n" * (yamlfile.MAX_BYTES // 10) + b"id: x\n" * 2)
    assert path.stat().st_size > yamlfile.MAX_BYTES

    stderr = validate(path)

    assert "checklist files may be at most 1 MiB" in stderr
    assert "please check you picked the right file" in stderr


def test_a_file_of_exactly_one_mebibyte_is_read(tmp_path):
    body = starting_well(ONE_STRATEGY).encode("utf-8")
    path = tmp_path / "big.yaml"
    padding = b"#" * (yamlfile.MAX_BYTES - len(body) - 1) + b"\n"
    path.write_bytes(padding + body)
    assert path.stat().st_size == yamlfile.MAX_BYTES

    assert checklist.load(path).id == "c"


def test_a_file_that_is_not_utf8_is_refused_in_plain_words(tmp_path):
    path = tmp_path / "latin1.yaml"
    path.write_bytes("id: c\ntitle: Café\n".encode("latin-1"))

    stderr = validate(path)

    assert f"{path} is not a UTF-8 text file; please save it as UTF-8 text" in stderr


def test_a_folder_given_as_a_checklist_is_explained(tmp_path):
    with pytest.raises(InputError) as caught:
        checklist.load(tmp_path)

    assert "is a folder, not a file" in caught.value.message


def test_the_shipped_checklists_parse_without_any_yaml_problem():
    for path in sorted(SHIPPED.glob("*.yaml")):
        data, problems = yamlfile.parse(yamlfile.read_text(path, what="checklist"),
                                        source=str(path))
        assert problems == [], path
        assert isinstance(data, yamlfile.Mapping) and data.line >= 1
