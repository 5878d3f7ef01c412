"""Shell completion: the scripts, and what Tab offers, asked the way a shell asks (a real
process with the completion variables set)."""

import os
import subprocess
import sys

import pytest
from conftest import make, run, save


def complete(words: str, *, shell: str = "bash", env: dict[str, str] | None = None,
             instruction: str | None = None) -> subprocess.CompletedProcess:
    """What trustcheck answers a shell completing the command line `words`."""
    asked = dict(os.environ, **(env or {}))
    if shell == "bash":
        asked.update(_TRUSTCHECK_COMPLETE=instruction or "bash_complete", COMP_WORDS=words,
                     COMP_CWORD=str(len(words.split(" ")) - 1))
    else:
        asked.update(_TRUSTCHECK_COMPLETE=f"complete_{shell}", _TYPER_COMPLETE_ARGS=words,
                     _TYPER_COMPLETE_FISH_ACTION="get-args")
    return subprocess.run([sys.executable, "-m", "trustcheck"], env=asked,
                          stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120)


def offered(words: str, **kwargs: object) -> list[str]:
    answer = complete(words, **kwargs)  # type: ignore[arg-type]
    assert answer.returncode == 0
    assert answer.stderr == ""
    return [line for line in answer.stdout.splitlines() if line]


@pytest.fixture
def history(trustcheck_home):
    save(trustcheck_home, make("aaaa1111", partner="Sam"),
         make("bbbb2222", days=3, partner="Alex"), make("abcd3333", days=5, partner="Samira"))


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_the_script_for_each_shell_names_trustcheck_and_its_completion_variable(shell):
    result = run("completion", shell)
    assert result.exit_code == 0, result.stderr
    assert "_TRUSTCHECK_COMPLETE" in result.stdout
    assert "trustcheck" in result.stdout


def test_an_unknown_shell_is_refused_naming_the_ones_there_are():
    result = run("completion", "tcsh")
    assert result.exit_code == 2
    assert "bash" in result.stderr and "fish" in result.stderr


def test_commands_complete():
    assert "history" in offered("trustcheck hi")
    assert offered("trustcheck history sh") == ["show"]


def test_partner_names_complete_from_the_history_in_any_case(history):
    assert offered("trustcheck history --partner ") == ["Samira", "Alex", "Sam"]
    assert offered("trustcheck focus --partner sa") == ["Samira", "Sam"]
    assert offered("trustcheck history trends -p Al") == ["Alex"]
    # Also the way Typer's own bash script asks (complete_bash).
    assert offered("trustcheck commitments --partner Al", instruction="complete_bash") == ["Alex"]


def test_history_ids_complete_newest_first_after_last(history):
    assert offered("trustcheck history show ") == ["last", "abcd3333", "bbbb2222", "aaaa1111"]
    assert offered("trustcheck history show a") == ["abcd3333", "aaaa1111"]
    assert offered("trustcheck history export --id bb") == ["bbbb2222"]


@pytest.mark.parametrize("shell", ["zsh", "fish"])
def test_zsh_and_fish_get_ids_with_their_date_and_partner(history, shell):
    answer = "\n".join(offered("trustcheck history show bb", shell=shell))
    assert "bbbb2222" in answer and "Alex" in answer


def test_the_history_of_data_dir_given_on_the_line_is_the_one_read(history, tmp_path):
    assert offered(f"trustcheck --data-dir {tmp_path / 'none'} history --partner ") == []


def test_a_damaged_history_completes_nothing_and_prints_no_error(trustcheck_home):
    trustcheck_home.mkdir()
    (trustcheck_home / "history.db").write_bytes(b"this is not a database" * 100)
    assert offered("trustcheck history --partner ") == []
    assert offered("trustcheck history show ") == []


def test_without_a_history_nothing_is_offered_and_nothing_is_created(trustcheck_home):
    assert offered("trustcheck history show ") == []
    assert not trustcheck_home.exists()


def test_the_bash_script_completes_in_a_real_bash(history):
    import shutil
    from pathlib import Path

    bash = shutil.which("bash")
    if bash is None:
        pytest.skip("bash is not installed")
    script = run("completion", "bash").stdout
    # The script runs `trustcheck` as the shell would find it: this environment's.
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
    session = (f"{script}\nCOMP_WORDS=(trustcheck history --partner Al); COMP_CWORD=3\n"
               "_trustcheck_completion trustcheck\nprintf '%s\\n' \"${COMPREPLY[@]}\"\n")
    done = subprocess.run([bash, "--norc", "--noprofile"], input=session, text=True,
                          capture_output=True, env=dict(os.environ, PATH=path), timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["Alex"]
