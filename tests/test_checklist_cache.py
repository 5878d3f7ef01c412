"""Compiled checklists: `assess` reads a checklist's YAML once, and again only when it changes."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import answers_file, mode

from trustcheck import checklist, checklist_cache
from trustcheck.paths import builtin_folder


@pytest.fixture
def cache(tmp_path, monkeypatch):
    """A cache folder for this test, as the command line sets one; none again afterwards."""
    folder = tmp_path / "cache" / "trustcheck"
    checklist_cache.use(lambda: folder)
    yield folder
    checklist_cache.use(None)


@pytest.fixture
def own_checklists(tmp_path) -> Path:
    """A copy of the built-in mentor checklist and the shared part it includes."""
    folder = tmp_path / "checklists"
    folder.mkdir()
    for name in ("mentor.yaml", "shared.yaml"):
        shutil.copy(builtin_folder() / name, folder / name)
    return folder


def no_yaml(monkeypatch):
    """From here on, reading any checklist's YAML fails the test."""
    def refuse(path):
        pytest.fail(f"{path} was read as YAML although its compiled copy is valid")

    monkeypatch.setattr(checklist, "_load", refuse)


def copies(folder: Path) -> list[Path]:
    return sorted(folder.glob("checklist-*.json"))


def entry_of(copy: Path) -> dict:
    """What a kept copy holds (after the line with its hash)."""
    return json.loads(copy.read_bytes().partition(b"\n")[2])


def plant(copy: Path, entry: dict) -> None:
    """Write a copy as trustcheck would, hash and all, with other contents."""
    copy.write_bytes(checklist_cache.sealed(json.dumps(entry)))


def test_the_compiled_checklist_is_the_checklist_the_yaml_gives(cache, monkeypatch):
    for role in ("mentor", "mentee"):
        from_yaml = checklist._load(builtin_folder() / f"{role}.yaml")[0]
        assert checklist.load(builtin_folder() / f"{role}.yaml") == from_yaml  # and kept
    assert len(copies(cache)) == 2
    no_yaml(monkeypatch)

    for role in ("mentor", "mentee"):
        compiled = checklist.load(builtin_folder() / f"{role}.yaml")
        expected = checklist.find_by_id(role, [(builtin_folder(), True)])
        assert compiled == expected
        assert compiled.sha256 == expected.sha256
        assert isinstance(compiled.strategies[0].items, tuple)
        # The partner view comes back as the same records, not as plain lists.
        assert isinstance(compiled.partner_view, checklist.PartnerView)
        assert compiled.partner_view == expected.partner_view
        assert isinstance(compiled.partner_view.strategies[0].items[0], checklist.Item)


def test_the_copy_is_private_and_written_whole(cache):
    checklist.load(builtin_folder() / "mentor.yaml")

    [copy] = copies(cache)
    assert mode(cache) == 0o700 and mode(copy) == 0o600
    assert list(cache.glob(".*.tmp")) == []
    assert entry_of(copy)["checklist"][0] == "mentor"


def test_a_changed_checklist_is_read_again(cache, own_checklists):
    path = own_checklists / "mentor.yaml"
    assert checklist.load(path).title != "Trust check, edited"
    text = path.read_text(encoding="utf-8")
    title = checklist.load(path).title
    path.write_text(text.replace(f"title: {title}", "title: Trust check, edited", 1),
                    encoding="utf-8")

    assert checklist.load(path).title == "Trust check, edited"


def test_a_change_keeping_size_and_time_is_still_seen(cache, own_checklists):
    path = own_checklists / "mentor.yaml"
    title = checklist.load(path).title
    before = path.stat()
    text = path.read_text(encoding="utf-8")
    changed = title[:-1] + ("X" if title[-1] != "X" else "Y")
    path.write_text(text.replace(f"title: {title}", f"title: {changed}", 1), encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_size == before.st_size

    assert checklist.load(path).title == changed


def test_a_changed_included_file_is_read_again(cache, own_checklists):
    path = own_checklists / "mentor.yaml"
    shared = checklist.load(path).strategies[-1]
    assert shared.group == checklist.SHARED
    part = own_checklists / "shared.yaml"
    part.write_text(part.read_text(encoding="utf-8").replace(
        f"title: {shared.title}", "title: Edited shared strategy", 1), encoding="utf-8")

    titles = [strategy.title for strategy in checklist.load(path).strategies]

    assert "Edited shared strategy" in titles and shared.title not in titles


def test_a_broken_checklist_is_never_kept_and_still_refused(cache, own_checklists):
    path = own_checklists / "mentor.yaml"
    checklist.load(path)
    path.write_text("id: mentor\ntitle: [unclosed\n", encoding="utf-8")

    with pytest.raises(checklist.InputError):
        checklist.load(path)
    with pytest.raises(checklist.InputError):
        checklist.load(path)


@pytest.mark.parametrize("damage", ["garbage", "cut short", "wrong shape", "empty"])
def test_a_damaged_copy_is_ignored_and_made_anew(cache, damage):
    path = builtin_folder() / "mentor.yaml"
    expected = checklist.load(path)
    [copy] = copies(cache)
    data = copy.read_bytes()
    copy.write_bytes({"garbage": b"\x00\xffnot json", "cut short": data[:len(data) // 2],
                      "wrong shape": data.replace(b'"mentor"', b'17', 1),
                      "empty": b""}[damage])

    assert checklist.load(path) == expected
    assert entry_of(copy)["checklist"][0] == "mentor"  # rewritten whole


def _tampered(cache: Path, path: Path) -> checklist.Checklist:
    """Load once (kept), then put a different title in the kept copy."""
    checklist.load(path)
    [copy] = copies(cache)
    entry = entry_of(copy)
    entry["checklist"][2] = "Planted by someone else"
    plant(copy, entry)
    os.chmod(copy, 0o600)
    return checklist.load(path)


def test_the_tampered_copy_is_used_when_it_is_ours_so_the_checks_below_mean_something(cache):
    assert _tampered(cache, builtin_folder() / "mentor.yaml").title == "Planted by someone else"


def test_a_copy_owned_by_someone_else_is_ignored(cache, monkeypatch):
    path = builtin_folder() / "mentor.yaml"
    checklist.load(path)
    [copy] = copies(cache)
    entry = entry_of(copy)
    entry["checklist"][2] = "Planted by someone else"
    plant(copy, entry)
    real = os.getuid()
    # This run's user is now someone else: the folder and the copy are no longer its own.
    monkeypatch.setattr(os, "getuid", lambda: real + 1)

    assert checklist.load(path).title != "Planted by someone else"
    assert entry_of(copy)["checklist"][2] == "Planted by someone else", \
        "a folder of someone else's is never written to"


@pytest.mark.parametrize("loose", ["the copy", "the folder"])
def test_a_copy_others_could_write_is_ignored(cache, loose):
    path = builtin_folder() / "mentor.yaml"
    _tampered(cache, path)
    [copy] = copies(cache)
    if loose == "the copy":
        os.chmod(copy, 0o666)
    else:
        os.chmod(cache, 0o777)

    assert checklist.load(path).title != "Planted by someone else"


def test_a_linked_copy_is_ignored(cache, tmp_path):
    path = builtin_folder() / "mentor.yaml"
    _tampered(cache, path)
    [copy] = copies(cache)
    planted = tmp_path / "planted.json"
    copy.rename(planted)
    copy.symlink_to(planted)

    assert checklist.load(path).title != "Planted by someone else"


def test_assess_reads_no_yaml_once_the_checklist_is_compiled(tmp_path, trustcheck_home):
    source = answers_file(tmp_path)
    answers = tmp_path / "answers.json"
    from trustcheck.yamlfile import parse

    answers.write_text(json.dumps(parse(source.read_text(encoding="utf-8"), source="a")[0]),
                       encoding="utf-8")
    program = ("import sys\n"
               f"sys.argv = ['trustcheck', 'assess', '--answers', {str(answers)!r}, "
               "'--format', 'json']\n"
               "from trustcheck.cli import main\n"
               "try:\n    main()\nexcept SystemExit:\n    pass\n"
               "sys.stderr.write(' '.join(sorted(sys.modules)))\n")

    def assess() -> tuple[dict, set[str]]:
        ran = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True,
                             env=dict(os.environ), timeout=120)
        assert ran.returncode == 0, ran.stderr
        return json.loads(ran.stdout), set(ran.stderr.split())

    cache = Path(os.environ["XDG_CACHE_HOME"]) / "trustcheck"
    shutil.rmtree(cache)  # kept by `template` above: start without one
    first, loaded_first = assess()
    second, loaded_second = assess()

    assert "yaml" in loaded_first  # the first run reads the YAML and keeps a compiled copy
    assert "yaml" not in loaded_second
    for result in (first, second):
        result.pop("id"), result.pop("created_at"), result.pop("compared_to")
    assert first == second
    assert mode(cache) == 0o700 and [mode(copy) for copy in copies(cache)] == [0o600]
    assert not (trustcheck_home / "cache").exists()  # the data folder holds only the history


@pytest.mark.parametrize("chosen", [None, "cache-home", ""])
def test_the_cache_folder_is_the_platforms_own(tmp_path, monkeypatch, chosen):
    import platformdirs

    from trustcheck.paths import cache_folder

    if chosen is None:
        monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    else:
        monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / chosen) if chosen else "")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))

    assert cache_folder() == Path(platformdirs.user_cache_dir("trustcheck", appauthor=False))
