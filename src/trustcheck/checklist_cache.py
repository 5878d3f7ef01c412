"""A compiled copy of each checklist that loaded cleanly, so a run need not parse YAML again.

A checklist is data that changes only when its file does, and parsing YAML (PyYAML's import
alone) is the largest part of `trustcheck assess`'s start-up. So `checklist.load` keeps what it
read in the user's cache folder, one JSON file per checklist path, and later runs use it while
every file it was made from (the checklist and each file it includes) has the same size,
modification time and content hash, and trustcheck and the shape of its checklist records are
the same. Anything else, a damaged copy, or one in a place other users could write, is ignored:
the YAML is read again and the copy made anew. The cache is only ever a shortcut: no failure
here stops a command.

The command line says where the cache lives (`use`), so this module reads no environment; a
program that never calls `use` (a test, a tool) always reads the YAML.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from trustcheck.checklist import Checklist

FORMAT = "trustcheck/checklist-cache/v1"
MAX_BYTES = 4 * 1024 * 1024  # far above any checklist's copy: more means it is not ours
# Where the cache folder is, asked only when a checklist is loaded (finding the platform's
# cache folder costs an import); empty until the command line says.
_folder: list[Callable[[], Path]] = []


def use(folder: Callable[[], Path] | None) -> None:
    """Keep compiled checklists in the folder `folder()` names (None: keep none)."""
    _folder.clear()
    if folder is not None:
        _folder.append(folder)


def read(path: Path) -> Checklist | None:
    """The checklist at `path` from its compiled copy, or None when there is no usable one."""
    try:
        place = _place(path)
        if place is None:
            return None
        folder, name = place
        if not _private_folder(folder):
            return None
        data = _read_private_file(folder / name)
        if data is None:
            return None
        import json

        # The first line is the hash of the rest: a copy damaged on the disk is told apart.
        checksum, _, text = data.partition(b"\n")
        if _sha256(text).encode("ascii") != checksum:
            return None
        entry = json.loads(text)
        if entry.get("key") != _key(path) or not _unchanged(entry.get("files")):
            return None
        checklist = _unpack(entry["checklist"])
        return checklist._replace(source=str(path))  # as `checklist.load` names it this time
    except Exception:  # a damaged or foreign copy: read the YAML instead
        return None


def write(path: Path, checklist: Checklist) -> None:
    """Keep a compiled copy of `checklist`, just loaded from `path`; quietly not when it cannot."""
    try:
        place = _place(path)
        if place is None:
            return
        folder, name = place
        files = _made_from(path)
        if files is None:
            return
        packed = _pack(checklist)
        import json

        # Kept only if it comes back exactly as loaded (a record field this module does not
        # know how to pack would come back as a list, not a tuple).
        if _unpack(json.loads(json.dumps(packed))) != checklist:
            return
        entry = {"key": _key(path), "files": files, "checklist": packed}
        if not _make_private_folder(folder):
            return
        _write_atomically(folder / name, sealed(json.dumps(entry, ensure_ascii=False)))
    except Exception:  # the cache is a shortcut; a full disk or a read-only home is no error
        return


def sealed(text: str) -> bytes:
    """A copy's bytes: the hash of its JSON text on the first line, then the text."""
    data = text.encode("utf-8")
    return _sha256(data).encode("ascii") + b"\n" + data


def _place(path: Path) -> tuple[Path, str] | None:
    """The cache folder and the copy's file name for this checklist path; None: no cache."""
    if not _folder or not hasattr(os, "getuid") or not hasattr(os, "O_NOFOLLOW"):
        return None  # no owner to check (Windows): never trust a copy there
    where = str(Path(path).resolve())
    return _folder[0](), f"checklist-{_sha256(where.encode('utf-8'))[:32]}.json"


def _key(path: Path) -> list[Any]:
    """What the copy must have been made by and for, besides the files it was made from."""
    from trustcheck import __version__, checklist

    shapes = [list(record._fields) for record in (checklist.Checklist, checklist.Strategy,
                                            checklist.Item, checklist.Action,
                                            checklist.Obstacle, checklist.Scale,
                                            checklist.PartnerView)]
    # The loader's own code: an edited checkout reads its checklists anew, not only a release.
    code = [_stamp(Path(module.__file__ or "")) for module in (checklist, checklist.yamlfile)]
    return [FORMAT, __version__, str(Path(path).resolve()), shapes, code]


def _stamp(path: Path) -> list[Any]:
    found = os.stat(path)
    return [str(path), found.st_size, found.st_mtime_ns]


def _made_from(path: Path) -> list[list[Any]] | None:
    """Every file the checklist was made from, with its size, mtime_ns and content hash."""
    from trustcheck import checklist

    part, problems = checklist._read_part(path)
    if part is None or problems:
        return None
    files = [path]
    for name, _ in part.includes:
        if checklist._include_path(path, name)[0] is None:
            return None
        # As the include names it, not resolved: a link pointed elsewhere changes the content.
        files.append(path.parent / name)
    return [_fingerprint(file) for file in files]


def _fingerprint(path: Path) -> list[Any]:
    with open(path, "rb") as handle:
        found = os.fstat(handle.fileno())
        content = handle.read()
    return [str(Path(path).absolute()), found.st_size, found.st_mtime_ns,
            _sha256(content)]


def _sha256(data: bytes) -> str:
    # The module is imported by every command, but only loading a checklist needs a hash.
    from trustcheck.digests import sha256_hex

    return sha256_hex(data)


def _unchanged(files: Any) -> bool:
    if not isinstance(files, list) or not files:
        return False
    for recorded in files:
        path, size, mtime_ns, _ = recorded
        found = os.stat(path)
        if found.st_size != size or found.st_mtime_ns != mtime_ns:
            return False  # changed: no need to read it
        if _fingerprint(Path(path)) != recorded:
            return False
    return True


def _private_folder(folder: Path) -> bool:
    """Whether the folder is a real folder of ours that nobody else can write to."""
    try:
        found = os.lstat(folder)
    except OSError:
        return False
    return (stat.S_ISDIR(found.st_mode) and found.st_uid == os.getuid()
            and not found.st_mode & 0o022)


def _read_private_file(path: Path) -> bytes | None:
    """The file's bytes, if it is a regular file of ours that nobody else can write to."""
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    except OSError:
        return None
    with os.fdopen(descriptor, "rb") as handle:
        found = os.fstat(descriptor)
        if not stat.S_ISREG(found.st_mode) or found.st_uid != os.getuid() \
                or found.st_mode & 0o022 or found.st_size > MAX_BYTES:
            return None
        return handle.read(MAX_BYTES + 1)


def _make_private_folder(folder: Path) -> bool:
    """Create the cache folder for its owner only; whether it is (now) a private folder."""
    if not folder.is_dir():
        folder.parent.mkdir(parents=True, exist_ok=True)
        try:
            folder.mkdir(mode=0o700)
            os.chmod(folder, 0o700)  # mkdir's mode is filtered through the umask
        except FileExistsError:
            pass  # made meanwhile by another run: checked below like any other
    return _private_folder(folder)


def _write_atomically(path: Path, data: bytes) -> None:
    """Write the copy readable by its owner only, all at once: a reader sees the old or the new."""
    scratch = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    descriptor = os.open(scratch, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
        os.replace(scratch, path)
    except BaseException:
        scratch.unlink(missing_ok=True)
        raise


# --- the checklist as plain data, and back ---------------------------------------------------


def _pack(found: Checklist) -> list[Any]:
    def strategy(one: Any) -> list[Any]:
        return _plain(one, items=[list(item) for item in one.items],
                      actions=[list(action) for action in one.actions])

    view = found.partner_view
    return _plain(found,
                  strategies=[strategy(one) for one in found.strategies],
                  obstacles=[_plain(obstacle, signals=list(obstacle.signals))
                             for obstacle in found.obstacles],
                  scale=_plain(found.scale, labels=list(found.scale.labels)),
                  partner_view=None if view is None else _plain(
                      view, felt_trust=strategy(view.felt_trust),
                      strategies=[strategy(one) for one in view.strategies]))


def _plain(record: Any, **parts: Any) -> list[Any]:
    """A record's values in field order, with some replaced by their plain forms."""
    return [parts.get(name, value) for name, value in zip(record._fields, record, strict=True)]


def _unpack(data: list[Any]) -> Checklist:
    from trustcheck.checklist import (
        Action,
        Checklist,
        Item,
        Obstacle,
        PartnerView,
        Scale,
        Strategy,
    )

    def strategy(raw: list[Any]) -> Strategy:
        found: Strategy = _record(
            Strategy, raw, items=lambda items: tuple(_record(Item, i) for i in items),
            actions=lambda actions: tuple(_record(Action, a) for a in actions))
        return found

    def strategies(raw: list[Any]) -> tuple[Strategy, ...]:
        return tuple(strategy(one) for one in raw)

    def partner_view(raw: list[Any] | None) -> PartnerView | None:
        return None if raw is None else _record(PartnerView, raw, felt_trust=strategy,
                                                strategies=strategies)

    found: Checklist = _record(
        Checklist, data, strategies=strategies,
        obstacles=lambda raw: tuple(_record(Obstacle, o, signals=tuple) for o in raw),
        scale=lambda raw: _record(Scale, raw, labels=tuple), partner_view=partner_view)
    return found


def _record(kind: Any, values: list[Any], **convert: Callable[[Any], Any]) -> Any:
    """A record of `kind` from its values in field order, some converted back first."""
    if not isinstance(values, list) or len(values) != len(kind._fields):
        raise ValueError(f"not a {kind.__name__}")
    fields = dict(zip(kind._fields, values, strict=True))
    for name, how in convert.items():
        fields[name] = how(fields[name])
    return kind(**fields)
