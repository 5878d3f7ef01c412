"""Start-up work that must stay invisible: the same answers, lines and messages, only sooner."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

from conftest import builtin, make, run, save
from hypothesis import given, settings
from hypothesis import strategies as st

from trustcheck.answers import _JsonObjects


def line_by_regular_expression(text: str, key: str, occurrence: int) -> int | None:
    """How the line of a key in a JSON answers file was found before (one pattern per key)."""
    spelled = re.escape(json.dumps(key, ensure_ascii=False)) + r"\s*:"
    for count, found in enumerate(re.finditer(spelled, text), start=1):
        if count == occurrence:
            return text.count("\n", 0, found.start()) + 1
    return None


KEYS = st.text(alphabet='ab"\\: \u00e9\u3000', min_size=0, max_size=4)
PIECES = st.lists(st.one_of(KEYS.map(lambda key: json.dumps(key, ensure_ascii=False)),
                            st.sampled_from([":", " ", "\n", "\u2003", ",", "{", "}", "1"])),
                  max_size=30)


@settings(max_examples=400, deadline=None)
@given(pieces=PIECES, key=KEYS, occurrence=st.integers(1, 3))
def test_a_key_in_a_json_answers_file_is_found_on_the_same_line_as_before(pieces, key,
                                                                           occurrence):
    text = "".join(pieces)

    found = _JsonObjects(text, "answers.json", []).line(key, occurrence)

    assert found == line_by_regular_expression(text, key, occurrence)


def test_a_key_given_twice_is_reported_at_its_second_line(tmp_path):
    statements = [item.id for strategy in builtin("mentor").strategies
                  for item in strategy.items]
    first, second = statements[0], statements[1]
    answers = tmp_path / "answers.json"
    answers.write_text(
        '{"role": "mentor",\n "answers": {\n'
        f'  "{first}": 4,\n  "{second}": 3,\n  "{first}" : 2\n'
        " }\n}\n", encoding="utf-8")

    shown = run("assess", "--answers", str(answers), "--format", "json", "--no-save")

    assert shown.exit_code == 2
    assert f"'{first}' appears twice in the same place" in shown.stderr
    assert "line 5" in shown.stderr



def loaded_by(*arguments: str) -> tuple[subprocess.CompletedProcess, set[str]]:
    """Run `trustcheck ARGUMENTS` in a fresh Python; what it printed, and every module it loaded."""
    program = ("import sys\n"
               f"sys.argv = ['trustcheck', *{list(arguments)!r}]\n"
               "from trustcheck.cli import main\n"
               "try:\n    main()\nexcept SystemExit:\n    pass\n"
               "sys.stderr.write('\\n' + ' '.join(sorted(sys.modules)))\n")
    ran = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True,
                         env=dict(os.environ), timeout=120)
    return ran, set(ran.stderr.splitlines()[-1].split())


def test_trends_read_no_checklist_code_no_yaml_and_no_rich(trustcheck_home):
    save(trustcheck_home, *(make(f"a{n}", days=n * 10, partner="Sam") for n in range(4)))

    ran, loaded = loaded_by("history", "trends", "--partner", "Sam")

    assert ran.returncode == 0, ran.stderr
    assert "You as mentor with Sam: 4 check-ins" in ran.stdout
    for heavy in ("trustcheck.checklist", "hashlib", "yaml", "rich"):
        assert heavy not in loaded, heavy


def test_check_in_ids_are_still_random_version_4_uuids_without_importing_uuid():
    import uuid

    from trustcheck.cli.assess import new_id

    made = {new_id() for _ in range(2000)}
    assert len(made) == 2000
    for made_id in made:
        parsed = uuid.UUID(hex=made_id)
        assert parsed.hex == made_id and len(made_id) == 32
        assert parsed.version == 4 and parsed.variant == uuid.RFC_4122


def test_the_see_it_again_command_finds_trustcheck_on_the_path_as_shutil_would(
        tmp_path, monkeypatch):
    import shutil

    from trustcheck.cli.assess import _on_path

    folder = tmp_path / "bin"
    folder.mkdir()
    program = folder / "trustcheck"
    program.write_text("#!/bin/sh\n")
    program.chmod(0o755)
    not_runnable = tmp_path / "other"
    not_runnable.mkdir()
    (not_runnable / "trustcheck").write_text("")
    for path in (f"{not_runnable}:{folder}", str(not_runnable), f"{folder}:{not_runnable}"):
        monkeypatch.setenv("PATH", path)
        assert _on_path("trustcheck") == shutil.which("trustcheck")
