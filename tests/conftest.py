"""Every test gets its own empty data folder, so no test ever touches a real history.

Helpers many test files share live here too; import them with `from conftest import run, ...`
(pytest puts tests/ on sys.path because it has no __init__.py).

Never call `monkeypatch.undo()` in a test: it also undoes TRUSTCHECK_HOME (set below with the
same monkeypatch), and a test once wrote to the real data folder that way. To put one thing
back, set it again (`monkeypatch.setattr(module, "name", original)`) or use
`with monkeypatch.context() as patch:`.
"""

from __future__ import annotations

import hashlib
import os
import re
import sqlite3
import stat
import textwrap
from datetime import datetime, timedelta, timezone
from functools import cache
from pathlib import Path

import platformdirs
import pytest
from typer.testing import CliRunner

from trustcheck import assessment, commitments
from trustcheck import checklist as checklists
from trustcheck.paths import HOME_VARIABLE, builtin_folder
from trustcheck.records import Review
from trustcheck.store import Store

START = datetime(2026, 3, 1, 9, 0, tzinfo=timezone.utc)
TABLES = ("assessments", "answers", "strategy_scores", "commitments", "reviews")
# One statement line of `trustcheck template` (YAML): "  <id>:" and maybe a "# ..." comment.
ITEM_LINE = re.compile(r"^(  (?P<id>[a-z0-9][a-z0-9_.-]*):)(?P<rest>\s*#.*)?$")


# --- the private data folder of every test ----------------------------------------------------


def _assert_home_inside(tmp_path: Path, when: str) -> None:
    value = os.environ.get(HOME_VARIABLE, "").strip()
    if not value:
        pytest.fail(f"{HOME_VARIABLE} is unset {when}; trustcheck would use the real data "
                    "folder. Was monkeypatch.undo() called?", pytrace=False)
    if not Path(value).resolve().is_relative_to(tmp_path.resolve()):
        pytest.fail(f"{HOME_VARIABLE}={value} is outside this test's tmp_path {when}; "
                    "point it inside tmp_path.", pytrace=False)


def _no_platform_folder(*args: object, **kwargs: object) -> str:
    pytest.fail(f"trustcheck looked for its real data folder inside a test ({HOME_VARIABLE} is "
                "unset); was monkeypatch.undo() called?", pytrace=False)


@pytest.fixture(autouse=True, scope="session")
def _platform_folders_fail_loudly():
    """Without TRUSTCHECK_HOME, trustcheck asks platformdirs for the real folders: fail instead.

    Set directly (not with monkeypatch) so that no monkeypatch.undo() can take it away.
    """
    saved = platformdirs.user_data_dir, platformdirs.user_config_dir
    platformdirs.user_data_dir = platformdirs.user_config_dir = _no_platform_folder
    try:
        yield
    finally:
        platformdirs.user_data_dir, platformdirs.user_config_dir = saved


@pytest.fixture(autouse=True)
def trustcheck_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    home = tmp_path / "trustcheck-home"
    monkeypatch.setenv(HOME_VARIABLE, str(home))
    # Compiled checklists go to the platform's cache folder: this test's own, never the real one.
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache-home"))
    monkeypatch.delenv("TRUSTCHECK_DEBUG", raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "120")
    # `--plain` sets TRUSTCHECK_PLAIN for the rest of its process (here: the test run), so a
    # test running `trustcheck --plain ...` would make every later test plain; set here, it is
    # put back (unset) after each test.
    monkeypatch.setenv("TRUSTCHECK_PLAIN", "")
    _assert_home_inside(tmp_path, "at the start of the test")
    yield home
    _assert_home_inside(tmp_path, "at the end of the test")


@pytest.fixture
def umask_022():
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


# --- running trustcheck -----------------------------------------------------------------------


def run(*args: str, input: str | None = None, env: dict[str, str] | None = None,
        catch_exceptions: bool = True):
    """Run `trustcheck ARGS` in this process; stdout and stderr come back separately."""
    from trustcheck.cli.app import app

    return CliRunner().invoke(app, list(args), input=input, env=env,
                              catch_exceptions=catch_exceptions)


def template_text(*args: str) -> str:
    """What `trustcheck template ARGS` prints (it must succeed)."""
    result = run("template", *args)
    assert result.exit_code == 0, result.stderr
    return result.stdout


def fill(template: str, value: int | str = 4, overrides: dict[str, int | str] | None = None) -> str:
    """The YAML template with every statement answered (value, or the override for that id)."""
    overrides = overrides or {}
    lines = []
    for line in template.splitlines():
        match = ITEM_LINE.match(line)
        if match:
            answer = overrides.get(match["id"], value)
            line = f"{match[1]} {answer}{match['rest'] or ''}"
        lines.append(line)
    return "\n".join(lines) + "\n"


def answers_file(folder: Path, role: str = "mentor", value: int | str = 4,
                 overrides: dict[str, int | str] | None = None, name: str | None = None, *,
                 checklist: Path | None = None) -> Path:
    """A filled answers file made from `trustcheck template --role ROLE` (or --checklist);
    each call writes a new file unless `name` says which."""
    args = ("--checklist", str(checklist)) if checklist is not None else ("--role", role)
    path = folder / (name or f"answers-{len(list(folder.glob('answers-*')))}.yaml")
    path.write_text(fill(template_text(*args), value, overrides), encoding="utf-8")
    return path


def write(folder: Path, name: str, text: str) -> Path:
    """Write a YAML file exactly as shown (leading indentation of the block removed)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


# --- checklists and assessments ---------------------------------------------------------------


@cache
def builtin(role: str) -> checklists.Checklist:
    """A built-in checklist (checklists are frozen, so one load is shared)."""
    return checklists.load(builtin_folder() / f"{role}.yaml")


def answer_of(person: int, item: str) -> int:
    """Answers that differ between people and statements, the same on every run."""
    return 1 + (person * 7 + sum(map(ord, item))) % 5


def strategy(section: dict, strategy_id: str) -> dict:
    """One strategy of a report section (JSON), by id."""
    return next(s for s in section["strategies"] if s["id"] == strategy_id)


def make(id: str, *, days: float = 0, minutes: int = 0, role: str = "mentor",
         partner: str | None = "Sam", cohort: str | None = "spring", value: int = 4,
         commit: tuple[str, ...] = (), reviewed: tuple[Review, ...] = ()) -> assessment.Assessment:
    """An assessment taken `days` (and `minutes`) after START, every statement answered `value`."""
    used = builtin(role)
    return assessment.build(used, {item.id: value for item in used.items}, role=role,
                            partner=partner, cohort=cohort,
                            now=START + timedelta(days=days, minutes=minutes), id=id,
                            commitments=commitments.choose(used, commit),
                            follow_through=reviewed)


# --- the SQLite history -----------------------------------------------------------------------


def save(home: Path, *results: assessment.Assessment) -> Path:
    """Save results straight into HOME/history.db; returns the file's path."""
    path = home / "history.db"
    with Store.open(path) as history:
        for result in results:
            history.save(result)
    return path


def rows(home: Path, sql: str) -> list[tuple]:
    """The rows a query returns from HOME/history.db."""
    with sqlite3.connect(home / "history.db") as db:
        found = db.execute(sql).fetchall()
    db.close()
    return found


def rows_of(path: Path, assessment_id: str | None = None,
            tables: tuple[str, ...] = TABLES) -> dict[str, int]:
    """How many rows each table holds (for one assessment, when given)."""
    db = sqlite3.connect(path)
    try:
        counts = {}
        for table in tables:
            column = "id" if table == "assessments" else "assessment_id"
            where, params = ("", ())
            if assessment_id:
                where, params = f" WHERE {column} = ?", (assessment_id,)
            counts[table] = db.execute(f"SELECT count(*) FROM {table}{where}",
                                       params).fetchone()[0]
        return counts
    finally:
        db.close()


# --- files ------------------------------------------------------------------------------------


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
