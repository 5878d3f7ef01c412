"""No dead ends: a global option in the wrong place, a partner name typed another way, a
choice of relationship, and listings that fit a narrow terminal all say what to do next."""

import pytest
from conftest import run

# --- a global option after the command -------------------------------------------------------


@pytest.mark.parametrize(("args", "said"), [
    (["history", "--data-dir", "elsewhere"],
     "--data-dir goes before the command: trustcheck --data-dir elsewhere history"),
    (["history", "show", "last", "--plain"],
     "--plain goes before the command: trustcheck --plain history show last"),
    (["paths", "--version"], "--version goes before the command: trustcheck --version"),
    (["history", "-n", "5", "--data-dir=my data"],
     "--data-dir goes before the command: trustcheck '--data-dir=my data' history -n 5"),
])
def test_a_global_option_after_the_command_says_where_it_goes(args, said, tmp_path,
                                                               monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run(*args)
    assert result.exit_code == 2
    assert result.stderr.strip() == said
    assert result.stdout == ""
    assert not (tmp_path / "elsewhere").exists()


def test_an_option_of_the_command_itself_is_not_taken_for_a_global_one():
    result = run("checklists", "show", "mentor", "--version", "2")
    assert "goes before the command" not in result.stderr
