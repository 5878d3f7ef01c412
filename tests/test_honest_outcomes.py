"""After an interrupt or a failed write, what trustcheck says matches what the history holds.

A script that is told "nothing was saved" retries, and a saved check-in is then saved twice; a
script told it was saved does not. So every message after a stop is compared with the rows.
"""

from __future__ import annotations

import json
import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import answers_file, run

from trustcheck.cli import app as cli_app
from trustcheck.errors import EXIT_INTERRUPTED, EXIT_RUNTIME

TRUSTCHECK = Path(sys.executable).parent / "trustcheck"  # the installed console script
SEED = 20261202  # the moments of the interrupts come from this seed, so a failure can be rerun
SIGNALS = (signal.SIGINT, signal.SIGTERM)


def as_typed(message: str) -> str:
    """The message with its command as plain `trustcheck ...`: assess names the program that
    ran by its full path when `trustcheck` on the PATH is another one or none (issue 12), so
    the command runs as printed."""
    return re.sub(r"`[^`]*?trustcheck (history show )", r"`trustcheck \1", message)


def saved_ids(database: Path) -> list[str]:
    if not database.exists():
        return []
    db = sqlite3.connect(database)
    try:
        if not db.execute("SELECT 1 FROM sqlite_master WHERE name = 'assessments'").fetchone():
            return []  # stopped while the history was being created
        return [row[0] for row in db.execute("SELECT id FROM assessments ORDER BY rowid")]
    finally:
        db.close()


def start(home: Path, *args: str, stdout=subprocess.PIPE) -> subprocess.Popen:
    return subprocess.Popen([str(TRUSTCHECK), *args],
                            env={**os.environ, "TRUSTCHECK_HOME": str(home)},
                            stdin=subprocess.DEVNULL, stdout=stdout, stderr=subprocess.PIPE,
                            text=True)


def stopped_before_saving(code: int, number: int, stderr: str) -> bool:
    """Stopped by trustcheck's handler (130, saying nothing was saved), or by the signal itself,
    or inside Python's own start-up before any trustcheck code ran."""
    if code == EXIT_INTERRUPTED:
        # (Typer itself exits 130 without a word when stopped in the instant between reading
        # the command line and running the command: silent, but no untrue claim.)
        return stderr == "" or stderr.strip().endswith(
            "Stopped before the end; nothing was saved or changed.")
    return code == -number or (code == 1 and stderr.startswith("Fatal Python error: init_"))


def how_long(home: Path, *args: str) -> float:
    """How long one whole run takes here (the interrupts are spread over that time)."""
    began = time.monotonic()
    process = start(home, *args)
    process.communicate(timeout=120)
    assert process.returncode == 0
    return time.monotonic() - began


def interrupted(home: Path, args: tuple[str, ...], delay: float, number: int, *,
                after_saving: int | None = None) -> tuple[int, str]:
    """Run trustcheck and send it a signal after `delay` seconds; with `after_saving`, only once
    the history holds that many rows (then `delay` is short): the moment scripts were lied to."""
    process = start(home, *args)
    if after_saving is not None:
        deadline = time.monotonic() + 60
        while process.poll() is None and time.monotonic() < deadline \
                and len(saved_ids(home / "history.db")) < after_saving:
            time.sleep(0.001)
    time.sleep(delay)
    if process.poll() is None:
        process.send_signal(number)
    _, stderr = process.communicate(timeout=120)
    return process.returncode, stderr


@pytest.mark.parametrize("interrupts", [15, pytest.param(100, marks=pytest.mark.soak)])
def test_an_interrupted_scripted_check_in_says_exactly_whether_it_was_saved(
        tmp_path, trustcheck_home, interrupts):
    rng = random.Random(SEED)
    answers = answers_file(tmp_path)
    args = ("assess", "--answers", str(answers), "--format", "json")
    database = trustcheck_home / "history.db"
    whole = how_long(trustcheck_home, *args)
    seen = set()
    for attempt in range(interrupts):
        before = saved_ids(database)
        number = SIGNALS[attempt % 2]
        if attempt % 3 == 2:  # a third of the interrupts come just after the commit
            code, stderr = interrupted(trustcheck_home, args, rng.uniform(0, 0.01), number,
                                       after_saving=len(before) + 1)
        else:
            code, stderr = interrupted(trustcheck_home, args, rng.uniform(0, whole * 1.1),
                                       number)
        after = saved_ids(database)
        where = (f"attempt {attempt} (seed {SEED}, {signal.Signals(number).name}, "
                 f"exit {code}): {stderr!r}")
        assert after[:len(before)] == before and len(after) - len(before) in (0, 1), where
        if len(after) > len(before):
            short = after[-1][:8]
            assert f"as {short}" in stderr, where  # "Saved in your history as ..." or
            assert "nothing was saved" not in stderr, where  # "... was saved ... as ..."
            if "Stopped" in stderr:
                assert code == EXIT_INTERRUPTED, where
                seen.add("saved, then stopped")
            else:  # it finished; a signal after the last message may still turn 0 into 130
                assert "Saved in your history as" in stderr, where
                assert code in (0, EXIT_INTERRUPTED, -number), where
                seen.add("finished")
        else:
            assert "saved in your history" not in stderr.lower(), where
            assert stopped_before_saving(code, number, stderr), where
            seen.add("stopped before saving")
    if interrupts >= 100:
        assert {"saved, then stopped", "stopped before saving"} <= seen, seen


@pytest.mark.parametrize("interrupts", [15, pytest.param(100, marks=pytest.mark.soak)])
def test_an_interrupted_import_says_exactly_how_many_were_added(
        tmp_path, trustcheck_home, interrupts):
    rng = random.Random(SEED + 1)
    source = tmp_path / "source"
    answers = answers_file(tmp_path)
    for _ in range(3):
        assert run("--data-dir", str(source), "assess", "--answers",
                   str(answers)).exit_code == 0
    exported = run("--data-dir", str(source), "history", "export", "--format", "json")
    assert exported.exit_code == 0, exported.stderr
    export = tmp_path / "export.json"
    export.write_text(exported.stdout, encoding="utf-8")
    args = ("history", "import", str(export))
    whole = how_long(tmp_path / "timing", *args)
    for attempt in range(interrupts):
        home = tmp_path / f"import-{attempt}"
        number = SIGNALS[attempt % 2]
        if attempt % 3 == 2:
            code, stderr = interrupted(home, args, rng.uniform(0, 0.01), number, after_saving=3)
        else:
            code, stderr = interrupted(home, args, rng.uniform(0, whole * 1.1), number)
        added = len(saved_ids(home / "history.db"))
        where = (f"attempt {attempt} (seed {SEED + 1}, {signal.Signals(number).name}, "
                 f"exit {code}): {stderr!r}")
        assert added in (0, 3), where
        if added:
            assert ": 3 added" in stderr or "had already added 3 check-ins" in stderr, where
            assert "nothing was saved" not in stderr, where
        else:
            assert "added" not in stderr, where
            assert stopped_before_saving(code, number, stderr), where


def test_a_check_in_whose_output_cannot_be_written_says_it_was_saved(tmp_path,
                                                                     trustcheck_home):
    answers = answers_file(tmp_path)
    with open("/dev/full", "w") as full:
        process = start(trustcheck_home, "assess", "--answers", str(answers), "--format",
                        "json", stdout=full)
        _, stderr = process.communicate(timeout=120)
    saved = saved_ids(trustcheck_home / "history.db")
    assert len(saved) == 1
    assert process.returncode == EXIT_RUNTIME
    assert f"`{TRUSTCHECK} history show" in stderr or "`trustcheck history show" in stderr
    assert as_typed(stderr.strip()) == (
        "The disk is full, so the output was not written, but the check-in was saved in your "
        f"history as {saved[0][:8]}; see it with `trustcheck history show {saved[0][:8]}` "
        "rather than running it again.")


def test_ctrl_c_right_after_the_save_names_the_saved_check_in(tmp_path, trustcheck_home,
                                                              monkeypatch):
    from trustcheck.cli import assess

    def interrupt(*args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(assess, "emit", interrupt)  # the moment after the commit returned
    done = run("assess", "--answers", str(answers_file(tmp_path)), "--format", "json")
    saved = saved_ids(trustcheck_home / "history.db")
    assert len(saved) == 1
    assert done.exit_code == EXIT_INTERRUPTED
    assert as_typed(done.stderr.strip()) == (
        f"Stopped before the end, but the check-in was saved in your history as "
        f"{saved[0][:8]}; see it with `trustcheck history show {saved[0][:8]}` rather than "
        "running it again.")


def test_ctrl_c_before_anything_was_saved_still_says_nothing_was(tmp_path, trustcheck_home,
                                                                 monkeypatch):
    from trustcheck.usecases import checkin

    def interrupt(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(checkin, "score", interrupt)
    done = run("assess", "--answers", str(answers_file(tmp_path)))
    assert done.exit_code == EXIT_INTERRUPTED
    assert done.stderr.strip() == "Stopped before the end; nothing was saved or changed."
    assert saved_ids(trustcheck_home / "history.db") == []


def test_an_import_interrupted_while_closing_the_history_says_what_it_added(
        tmp_path, trustcheck_home, monkeypatch):
    from trustcheck.store import Store

    answers = answers_file(tmp_path)
    source = tmp_path / "source"
    for _ in range(2):
        assert run("--data-dir", str(source), "assess", "--answers", str(answers)).exit_code == 0
    exported = run("--data-dir", str(source), "history", "export", "--format", "json")
    export = tmp_path / "export.json"
    export.write_text(exported.stdout, encoding="utf-8")
    closing = Store.close

    def close_then_interrupt(self: Store) -> None:
        closing(self)
        raise KeyboardInterrupt

    monkeypatch.setattr(Store, "close", close_then_interrupt)
    done = run("history", "import", str(export))
    assert done.exit_code == EXIT_INTERRUPTED
    assert done.stderr.strip() == (
        "Stopped before the end, but the import had already added 2 check-ins to your "
        "history (0 were there before); running it again adds nothing twice.")
    assert len(saved_ids(trustcheck_home / "history.db")) == 2


def test_an_interrupt_during_the_commit_waits_until_the_outcome_is_recorded():
    outcome = cli_app.Outcome()
    with pytest.raises(KeyboardInterrupt), outcome.committing():
        # Raised in this thread, so it is handled before the next line whatever the load.
        signal.raise_signal(signal.SIGINT)  # held back, not raised here
        outcome.keep("the thing was kept")
    assert outcome.kept == "the thing was kept"
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    assert json.dumps(outcome.told("Stopped", "nothing")) == '"Stopped, but the thing was kept."'


def close_then_interrupt(monkeypatch) -> None:
    """Ctrl-C in the moment after the store committed: the commit stands, the run stops."""
    from trustcheck.store import Store

    closing = Store.close

    def interrupt(self: Store) -> None:
        closing(self)
        raise KeyboardInterrupt

    monkeypatch.setattr(Store, "close", interrupt)


def test_a_delete_interrupted_after_its_commit_says_how_many_went(tmp_path, trustcheck_home,
                                                                  monkeypatch):
    answers = answers_file(tmp_path)
    for _ in range(3):
        assert run("assess", "--answers", str(answers)).exit_code == 0
    close_then_interrupt(monkeypatch)
    done = run("history", "delete", "--all", "--yes")
    assert done.exit_code == EXIT_INTERRUPTED
    assert done.stderr.strip().splitlines()[-1] == (
        "Stopped before the end, but 3 check-ins had already been deleted.")
    assert "nothing was saved" not in done.stderr
    assert saved_ids(trustcheck_home / "history.db") == []


def test_a_backup_interrupted_after_it_was_placed_says_it_is_complete_and_kept(
        tmp_path, trustcheck_home, monkeypatch):
    assert run("assess", "--answers", str(answers_file(tmp_path))).exit_code == 0
    target = tmp_path / "copy.db"
    close_then_interrupt(monkeypatch)
    done = run("history", "backup", str(target))
    assert done.exit_code == EXIT_INTERRUPTED
    assert done.stderr.strip() == (
        f"Stopped before the end, but the backup at {target} is complete and kept.")
    assert len(saved_ids(target)) == 1  # the copy really is whole


def test_a_backup_interrupted_while_copying_leaves_no_file_and_says_so(
        tmp_path, trustcheck_home, monkeypatch):
    from trustcheck.store import Store

    assert run("assess", "--answers", str(answers_file(tmp_path))).exit_code == 0
    copying = Store.backup

    def copy_then_interrupt(self: Store, destination: Path) -> None:
        copying(self, destination)
        raise KeyboardInterrupt

    monkeypatch.setattr(Store, "backup", copy_then_interrupt)
    folder = tmp_path / "backups"
    folder.mkdir()
    done = run("history", "backup", str(folder / "copy.db"))
    assert done.exit_code == EXIT_INTERRUPTED
    assert done.stderr.strip() == ("Stopped before the end; the unfinished backup was removed, "
                                   "so nothing was saved or changed.")
    assert list(folder.iterdir()) == []


def test_a_hangup_during_the_commit_is_held_back_like_ctrl_c():
    """`trustcheck.cli.main` turns SIGHUP (a closed terminal) into an interrupt too: one that
    arrives while a check-in commits must wait until the outcome is recorded."""
    outcome = cli_app.Outcome()
    previous = signal.signal(signal.SIGHUP, signal.default_int_handler)
    try:
        with pytest.raises(KeyboardInterrupt), outcome.committing():
            # Raised in this thread, so it is handled before the next line whatever the load.
            signal.raise_signal(signal.SIGHUP)  # held back, not raised here
            outcome.keep("the thing was kept")
    finally:
        signal.signal(signal.SIGHUP, previous)
    assert outcome.kept == "the thing was kept"


def test_a_check_in_whose_reader_went_away_still_names_what_was_saved(tmp_path):
    """`assess ... | head -n 1`: the rest of the output is dropped (exit 0, as for any closed
    pipe), but a script must learn that the check-in was saved, so it does not run it again."""
    home = tmp_path / "home"
    env = dict(os.environ, TRUSTCHECK_HOME=str(home), NO_COLOR="1")
    env.pop("TRUSTCHECK_DEBUG", None)
    reader, writer = os.pipe()
    os.close(reader)  # nobody reads: the first write fails with a broken pipe
    try:
        done = subprocess.run([str(TRUSTCHECK), "assess", "--answers",
                               str(answers_file(tmp_path)), "--format", "json"],
                              stdout=writer, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                              text=True, env=env, timeout=60)
    finally:
        os.close(writer)
    saved = saved_ids(home / "history.db")
    assert len(saved) == 1
    assert done.returncode == 0
    assert f"`{TRUSTCHECK} history show" in done.stderr or \
        "`trustcheck history show" in done.stderr
    assert as_typed(done.stderr.strip()) == (
        f"The output was cut short, but the check-in was saved in your history as "
        f"{saved[0][:8]}; see it with `trustcheck history show {saved[0][:8]}` rather than "
        "running it again.")


def test_a_check_in_with_no_save_leaves_an_older_history_exactly_as_it_was(tmp_path):
    import shutil

    home = tmp_path / "home"
    home.mkdir()
    database = home / "history.db"
    shutil.copy(Path(__file__).parent / "data" / "history-v1.db", database)
    before = database.read_bytes()
    env = dict(os.environ, TRUSTCHECK_HOME=str(home), NO_COLOR="1")
    done = subprocess.run([str(TRUSTCHECK), "assess", "--answers", str(answers_file(tmp_path)),
                           "--no-save", "--format", "json"], capture_output=True, text=True,
                          env=env, stdin=subprocess.DEVNULL, timeout=60)
    assert done.returncode == 0, done.stderr
    assert database.read_bytes() == before  # not migrated, not written
    assert sorted(p.name for p in home.iterdir()) == ["history.db"]  # no stamp left beside it
