"""The installed package: its console script, `python -m`, the shipped checklists and pyproject."""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import sysconfig
from pathlib import Path

import trustcheck
from trustcheck.paths import builtin_folder

REPO = Path(__file__).resolve().parent.parent
PYPROJECT = REPO / "pyproject.toml"


def console_script() -> str:
    """The `trustcheck` command installed beside this Python."""
    folders = [os.path.dirname(sys.executable), sysconfig.get_path("scripts")]
    found = shutil.which("trustcheck", path=os.pathsep.join(folders))
    assert found, f"no trustcheck command was installed in {folders}"
    return found


def run(*command: str | Path, cwd: Path, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([str(part) for part in command], cwd=cwd, input=stdin,
                          capture_output=True, text=True, timeout=60)


def test_console_script_prints_its_version(tmp_path: Path) -> None:
    done = run(console_script(), "--version", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"trustcheck {trustcheck.__version__}\n"


def test_python_dash_m_prints_the_same_version(tmp_path: Path) -> None:
    done = run(sys.executable, "-m", "trustcheck", "--version", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"trustcheck {trustcheck.__version__}\n"


def test_console_script_lists_the_mentor_and_mentee_checklists(tmp_path: Path) -> None:
    done = run(console_script(), "checklists", "list", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    rows = {line.split()[0]: line for line in done.stdout.splitlines() if line.strip()}
    assert "mentor" in rows and "built in" in rows["mentor"]
    assert "mentee" in rows and "built in" in rows["mentee"]
    assert "shared" not in rows  # the included part is not offered on its own


def test_scripted_assess_through_the_console_script_works_outside_the_repo(
        tmp_path: Path, trustcheck_home: Path) -> None:
    script = console_script()
    template = run(script, "template", "--role", "mentee", cwd=tmp_path)
    assert template.returncode == 0, template.stderr
    filled = re.sub(r"^(  [\w.]+:)", r"\1 4", template.stdout, flags=re.MULTILINE)
    filled = filled.replace("partner:", "partner: Alex", 1)
    (tmp_path / "answers.yaml").write_text(filled, encoding="utf-8")

    done = run(script, "assess", "--answers", "answers.yaml", "--format", "json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "Saved in your history" in done.stderr
    result = json.loads(done.stdout)
    assert result["role"] == "mentee"
    assert result["partner"] == "Alex"

    with sqlite3.connect(trustcheck_home / "history.db") as db:
        [(role, partner)] = db.execute("SELECT role, partner FROM assessments").fetchall()
        values = {value for (value,) in db.execute("SELECT value FROM answers")}
    db.close()
    assert (role, partner) == ("mentee", "Alex")
    assert values == {4}


def test_builtin_checklists_come_from_the_installed_package() -> None:
    folder = builtin_folder()
    for name in ("mentor.yaml", "mentee.yaml", "shared.yaml"):
        assert (folder / name).is_file(), f"{name} is missing from {folder}"

    package = Path(trustcheck.__file__).resolve().parent
    editable = package.parent.name == "src" and (package.parent.parent / "pyproject.toml").is_file()
    if editable:
        # A development install runs from src/: the repository's own checklists are used.
        assert folder.resolve() == (package.parent.parent / "checklists").resolve()
    else:
        # A normal install (as in CI): the checklists travel inside the package.
        assert "site-packages" in package.parts or "dist-packages" in package.parts
        assert folder.resolve() == (package / "checklists").resolve()


def test_pyproject_declares_the_console_script_python_version_and_no_direct_click() -> None:
    text = PYPROJECT.read_text(encoding="utf-8")
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        assert re.search(r'^trustcheck = "trustcheck\.cli:main"$', text, re.MULTILINE)
        assert re.search(r'^requires-python = ">=3\.10"$', text, re.MULTILINE)
        dependencies = re.search(r"^dependencies = \[(.*?)^\]", text, re.MULTILINE | re.DOTALL)
        assert dependencies
        names = re.findall(r'^\s*"([A-Za-z0-9_.-]+)', dependencies.group(1), re.MULTILINE)
    else:
        project = tomllib.loads(text)["project"]
        assert project["scripts"]["trustcheck"] == "trustcheck.cli:main"
        assert project["requires-python"] == ">=3.10"
        names = [re.match(r"[A-Za-z0-9_.-]+", dep).group(0) for dep in project["dependencies"]]
    assert "typer" in [name.lower() for name in names]
    assert "click" not in [name.lower() for name in names]


def test_the_wheel_carries_every_version_of_the_builtin_checklists(tmp_path: Path) -> None:
    import zipfile

    done = run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "--wheel-dir",
               tmp_path, REPO, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    [wheel] = tmp_path.glob("trustcheck-*.whl")
    shipped = REPO / "checklists"
    expected = sorted(path.relative_to(shipped).as_posix() for path in shipped.rglob("*.yaml"))
    assert "v1/mentor.yaml" in expected and "mentor.yaml" in expected
    with zipfile.ZipFile(wheel) as packed:
        for name in expected:
            # Byte for byte: results of version 1 find it by its fingerprint.
            assert packed.read(f"trustcheck/checklists/{name}") == \
                (shipped / name).read_bytes(), name
