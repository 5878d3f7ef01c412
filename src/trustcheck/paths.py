"""Where trustcheck keeps its data and looks for checklists, and what chose each place."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any, NamedTuple

from trustcheck.errors import StorageError

APP = "trustcheck"
HOME_VARIABLE = "TRUSTCHECK_HOME"
DATABASE_NAME = "history.db"


def builtin_folder() -> Path:
    """The checklists shipped with trustcheck (inside the package, or the source checkout)."""
    here = Path(__file__).resolve().parent
    packaged = here / "checklists"
    if packaged.is_dir():
        return packaged
    return here.parent.parent / "checklists"


def earlier_version_folders(folder: Path) -> list[Path]:
    """Folders of earlier versions inside a checklist folder (`v1/`, `v2/`, ...), newest first.

    The newest version of each checklist sits in the folder itself; earlier ones are kept so
    results made with them can still be found by fingerprint and scored again.
    """
    try:
        found = [(int(sub.name[1:]), sub) for sub in folder.iterdir()
                 if sub.name[:1] == "v" and sub.name[1:].isdigit() and sub.is_dir()]
    except OSError:
        return []  # no folder (yet), or not readable: no earlier versions to offer
    return [sub for _, sub in sorted(found, reverse=True)]


class Location(NamedTuple):
    path: Path
    chosen_by: str


class Places(NamedTuple):
    """Every place trustcheck reads or writes, resolved once per run."""

    data: Location
    config: Location

    @property
    def database(self) -> Path:
        return self.data.path / DATABASE_NAME

    @property
    def user_checklists(self) -> Path:
        return self.config.path / "checklists"

    def described(self) -> list[dict[str, Any]]:
        """Every place in the order `trustcheck paths` shows them, with what chose it."""
        found: list[dict[str, Any]] = [
            {"what": "Data folder", "path": self.data.path, "chosen_by": self.data.chosen_by},
            {"what": "Database", "path": self.database, "chosen_by": "inside the data folder"},
            {"what": "Config folder", "path": self.config.path,
             "chosen_by": self.config.chosen_by},
        ]
        for folder, builtin in self.checklist_folders():
            if builtin:
                found.append({"what": "Checklists (built in)", "path": folder,
                              "chosen_by": "comes with trustcheck", "builtin": True})
            else:
                found.append({"what": "Checklists (yours)", "path": folder,
                              "chosen_by": "inside the config folder", "builtin": False})
        for place in found:
            place["exists"] = place["path"].exists()
            place["path"] = str(place["path"])
        return found

    def checklist_folders(self) -> list[tuple[Path, bool]]:
        """Folders searched for checklists by id, in order: the user's own first."""
        return [(self.user_checklists, False), (builtin_folder(), True)]


def resolve(data_dir: Path | None, environ: Mapping[str, str]) -> Places:
    """--data-dir beats TRUSTCHECK_HOME, which beats the platform's usual folders."""
    home = environ.get(HOME_VARIABLE, "").strip()
    if home:
        home_path = Path(home).expanduser()
        config = Location(home_path, f"the {HOME_VARIABLE} environment variable")
        data = Location(home_path, f"the {HOME_VARIABLE} environment variable")
    else:
        import platformdirs  # here: about 6 ms, and every test and script sets TRUSTCHECK_HOME

        config = Location(Path(platformdirs.user_config_dir(APP, appauthor=False)),
                          "the platform default")
        data = Location(Path(platformdirs.user_data_dir(APP, appauthor=False)),
                        "the platform default")
    if data_dir is not None:
        data = Location(Path(data_dir).expanduser(), "the --data-dir option")
    return Places(data=data, config=config)


def cache_folder() -> Path:
    """Where trustcheck keeps what it can always make again (compiled checklists): the
    platform's cache folder, never the data folder, which holds only your history."""
    if sys.platform.startswith(("linux", "freebsd", "openbsd", "netbsd")):
        # The XDG rule platformdirs follows on these systems, without importing it: about 3 ms
        # of every `assess`.
        chosen = os.environ.get("XDG_CACHE_HOME", "").strip()
        base = Path(chosen) if os.path.isabs(chosen) else Path.home() / ".cache"
        return base / APP
    import platformdirs  # here: only commands that load a checklist need it

    return Path(platformdirs.user_cache_dir(APP, appauthor=False))


def make_private_folder(path: Path) -> None:
    """Create the data folder readable by its owner only; reflections are personal."""
    try:
        if not path.is_dir():
            # One folder at a time, so each one created here (and only those: folders that
            # already exist are the person's own) is made private, parents included.
            missing = []
            folder = path
            while not folder.is_dir() and folder != folder.parent:
                missing.append(folder)
                folder = folder.parent
            for folder in reversed(missing):
                try:
                    folder.mkdir(mode=0o700)
                except FileExistsError:
                    if not folder.is_dir():
                        raise StorageError(f"{folder} exists but is not a folder; please "
                                           "choose another --data-dir or move that file "
                                           "away.") from None
                    continue  # made meanwhile by someone else: theirs, left as it is
                os.chmod(folder, 0o700)  # mkdir's mode is filtered through the umask
    except FileExistsError:
        raise StorageError(f"{path} exists but is not a folder; please choose another "
                           "--data-dir or move that file away.") from None
    except PermissionError:
        raise StorageError(f"trustcheck may not create its data folder {path}; please check "
                           "the permissions or choose another --data-dir.") from None
    except OSError as exc:
        raise StorageError(f"trustcheck could not create its data folder {path} "
                           f"({exc.strerror}); please choose another --data-dir.") from None


PATHS_SCHEMA = "trustcheck/paths/v1"


def to_dict(described: list[dict[str, Any]]) -> dict[str, Any]:
    """`trustcheck paths --format json`: the documented trustcheck/paths/v1 object, from
    `Places.described()` (the data folder, the database, the config folder, then checklists)."""
    def entry(place: dict[str, Any]) -> dict[str, Any]:
        return {key: place[key] for key in ("path", "chosen_by", "exists")}

    return {
        "schema": PATHS_SCHEMA,
        "data": entry(described[0]),
        "database": entry(described[1]),
        "config": entry(described[2]),
        "checklists": [{**entry(p), "builtin": p["builtin"]} for p in described[3:]],
    }
