"""No dead ends: a global option in the wrong place, a partner name typed another way, a
choice of relationship, and listings that fit a narrow terminal all say what to do next."""

import pytest
from conftest import make, rows, run, save

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


# --- partner names as people type them -------------------------------------------------------

FILTERS = [
    ["history"],
    ["history", "--format", "json"],
    ["history", "trends"],
    ["history", "export", "--format", "csv"],
    ["focus"],
    ["commitments"],
]


@pytest.mark.parametrize("command", FILTERS, ids=" ".join)
def test_every_partner_filter_finds_a_name_typed_in_another_case_or_spacing(command,
                                                                            trustcheck_home):
    save(trustcheck_home,
         make("aaaa1111", partner="Sam Lee", commit=("transparency.share-reasoning",)),
         make("bbbb2222", days=1, partner="Alex"))
    result = run(*command, "--partner", "  sam   LEE ")
    assert result.exit_code == 0, result.stderr
    assert "Sam Lee" in result.stdout or "aaaa1111" in result.stdout, result.stdout
    assert "Alex" not in result.stdout
    assert "No " not in result.stderr


@pytest.mark.parametrize("command", FILTERS, ids=" ".join)
def test_a_near_miss_suggests_the_saved_name_and_changes_nothing(command, trustcheck_home):
    save(trustcheck_home, make("aaaa1111", partner="Sam"), make("bbbb2222", days=1,
                                                                partner="Alex"))
    result = run(*command, "--partner", "Sma")
    assert result.exit_code == 2
    assert result.stderr.strip() == "No check-ins with “Sma”. Did you mean Sam?"
    assert result.stdout == ""


def test_a_name_like_nobody_saved_lists_nothing_and_says_so(trustcheck_home):
    save(trustcheck_home, make("aaaa1111", partner="Sam"))
    result = run("history", "--partner", "Zed")
    assert result.exit_code == 0
    assert result.stdout == ""
    assert "No assessments match those filters" in result.stderr


def test_delete_by_partner_finds_the_saved_spelling(trustcheck_home):
    save(trustcheck_home, make("aaaa1111", partner="Sam"), make("bbbb2222", partner="Alex"))
    result = run("history", "delete", "--partner", "SAM", "--yes")
    assert result.exit_code == 0, result.stderr
    assert rows(trustcheck_home, "SELECT partner FROM assessments") == [("Alex",)]
