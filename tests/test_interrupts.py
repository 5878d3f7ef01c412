"""Ctrl-C, SIGTERM and SIGHUP at any moment of start-up: one sentence and exit 130, never a
traceback."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import answers_file

TRUSTCHECK = Path(sys.executable).parent / "trustcheck"
STOPPED = "Stopped before the end; nothing was saved or changed."


def trustcheck_has_started(pid: int) -> bool:
    """Whether trustcheck's own code runs yet: its first act is to catch SIGTERM.

    Before that, Python itself is still starting (reading its site packages); a Ctrl-C there
    is the interpreter's, which no program can catch, so the moments measured start here.
    """
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("SigCgt:"):
                    return bool(int(line.split()[1], 16) & (1 << (signal.SIGTERM - 1)))
    except OSError:
        return True  # already gone
    return False


def interrupt_at_random(tmp_path: Path, times: int, signal_number: int, *args: str) -> list:
    env = dict(os.environ, TRUSTCHECK_HOME=str(tmp_path / "home"), NO_COLOR="1")
    env.pop("TRUSTCHECK_DEBUG", None)
    chance = random.Random(20261202)
    outcomes = []
    for _ in range(times):
        process = subprocess.Popen([str(TRUSTCHECK), *args], stdin=subprocess.DEVNULL,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
        while not trustcheck_has_started(process.pid) and process.poll() is None:
            time.sleep(0.0005)
        time.sleep(chance.uniform(0, 0.3))
        if process.poll() is None:
            process.send_signal(signal_number)
        _, stderr = process.communicate(timeout=60)
        outcomes.append((process.returncode, stderr.decode()))
    return outcomes


def assert_clean(outcomes: list) -> None:
    for code, stderr in outcomes:
        assert "Traceback" not in stderr, stderr
        assert "unexpected" not in stderr, stderr
        assert "Exception ignored" not in stderr, stderr
        # Done before the signal (0), stopped (130), or stopped quietly after the work was done
        # (killed by the signal itself once trustcheck has finished: nothing is half-done then).
        assert code in (0, 130, -signal.SIGINT, -signal.SIGTERM, -signal.SIGHUP), (code, stderr)
    stopped = [stderr for code, stderr in outcomes if code == 130]
    assert stopped, "no signal ever arrived during start-up"
    assert any(stderr.strip().splitlines()[-1:] == [STOPPED] for stderr in stopped), stopped


def test_ctrl_c_in_the_first_300_ms_of_history_never_shows_a_traceback(tmp_path):
    assert_clean(interrupt_at_random(tmp_path, 50, signal.SIGINT, "history"))


@pytest.mark.parametrize("signal_name", ["SIGTERM", "SIGHUP"])
def test_sigterm_and_sighup_at_start_up_stop_like_ctrl_c(tmp_path, signal_name):
    assert_clean(interrupt_at_random(tmp_path, 10, getattr(signal, signal_name), "history"))


def test_a_signal_while_assessing_saves_nothing_or_everything(tmp_path):
    answers = answers_file(tmp_path)
    outcomes = interrupt_at_random(tmp_path, 20, signal.SIGTERM, "assess", "--answers",
                                   str(answers), "--format", "json")
    assert_clean(outcomes)


@pytest.mark.soak
def test_soak_ctrl_c_at_start_up_never_shows_a_traceback(tmp_path):
    assert_clean(interrupt_at_random(tmp_path, 400, signal.SIGINT, "history"))
    assert_clean(interrupt_at_random(tmp_path, 100, signal.SIGTERM, "history"))


def _disguised_interrupt() -> RuntimeError:
    """What Python 3.10 and 3.11 raise when Ctrl-C lands while a class is being made (seen in a
    soak run, inside `import platform`): the interrupt wrapped in a RuntimeError."""
    try:
        raise KeyboardInterrupt
    except KeyboardInterrupt as interrupt:
        error = RuntimeError("Error calling __set_name__ on 'cached_property' instance")
        error.__cause__ = interrupt
        return error


def test_an_interrupt_wrapped_by_python_during_start_up_stops_like_ctrl_c(monkeypatch, capsys):
    import trustcheck.cli
    import trustcheck.cli.app

    def starting() -> None:
        raise _disguised_interrupt()

    monkeypatch.setattr(trustcheck.cli.app, "run", starting)
    monkeypatch.setattr(sys, "argv", ["trustcheck", "history"])
    monkeypatch.delenv("TRUSTCHECK_DEBUG", raising=False)
    # main() leaves the default signal actions in place when it ends (right for a process
    # that is about to exit); put back what this test process had.
    handlers = {number: signal.getsignal(number)
                for number in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
    try:
        with pytest.raises(SystemExit) as stopped:
            trustcheck.cli.main()
    finally:
        for number, handler in handlers.items():
            signal.signal(number, handler)
    assert stopped.value.code == 130
    assert capsys.readouterr().err == STOPPED + "\n"


def test_an_interrupt_wrapped_by_python_inside_a_command_stops_like_ctrl_c(monkeypatch):
    from conftest import run

    from trustcheck import paths

    def describing(self):
        raise _disguised_interrupt()

    monkeypatch.setattr(paths.Places, "described", describing)
    result = run("paths")
    assert result.exit_code == 130
    assert result.stderr == STOPPED + "\n"
    assert "unexpected" not in result.stderr
