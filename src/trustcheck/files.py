"""Writing files only their owner may read, all at once: a reader sees no file or the whole one.

Every file is first written to a temporary file in the same folder (created 0600, so a
permissive umask never exposes it), flushed to the disk, and only then renamed into place.
If anything fails, a full disk included, the temporary file is removed and nothing is left
half-written.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import stat
from collections.abc import Callable, Iterable
from pathlib import Path

from trustcheck.errors import InputError, StorageError, TrustcheckError, disk_full

PRIVATE_MODE = 0o600
# Errors os.link gives where a file system has no hard links; then a plain rename is used.
_NO_LINKS = {errno.EPERM, errno.EXDEV, errno.EMLINK, errno.ENOSYS, errno.EACCES,
             getattr(errno, "ENOTSUP", errno.EOPNOTSUPP), errno.EOPNOTSUPP}


def exists_message(path: Path) -> str:
    return f"{path} already exists; choose another name or move that file away first."


def check_target(path: Path, *, force: bool = False, exists: str | None = None) -> None:
    """Refuse early (before any work) a target that cannot be written."""
    folder = path.parent
    if path.is_dir():
        raise InputError(f"{path} is a folder; please name a file to write.")
    if not folder.is_dir():
        raise InputError(f"The folder {folder} does not exist; please create it first or "
                         "choose another place.")
    if not force and os.path.lexists(path):
        raise InputError(exists or exists_message(path))
    if force:
        _check_replaceable(path)


def _check_replaceable(path: Path) -> None:
    """--force replaces a regular file (or a symbolic link, itself not its target) only.

    Renaming over a device, a fifo or a socket would swap it for a regular file: as root,
    `-o /dev/full --force` once replaced the device node itself.
    """
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return
    except OSError:
        return  # cannot look: writing will say what is wrong
    if stat.S_ISREG(mode) or stat.S_ISLNK(mode):
        return
    kind = ("a folder" if stat.S_ISDIR(mode) else "a fifo (named pipe)" if stat.S_ISFIFO(mode)
            else "a socket" if stat.S_ISSOCK(mode) else "a device" if stat.S_ISCHR(mode)
            or stat.S_ISBLK(mode) else "not a regular file")
    raise InputError(f"{path} is {kind}, which --force does not replace; please name a "
                     "regular file to write.")


def temporary_name(path: Path) -> Path:
    """A fresh hidden name next to `path` (not created): the same folder, so renaming is atomic."""
    return path.with_name(f".{path.name[:100]}.{secrets.token_hex(6)}.tmp")


def write_private(path: Path, content: str | Iterable[str], *, force: bool = False,
                  what: str = "the file", exists: str | None = None) -> None:
    """Write text (UTF-8) to `path` atomically, created 0600; never replace a file unless force."""
    chunks = [content] if isinstance(content, str) else content

    def write(temporary: Path) -> None:
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_MODE)
        try:
            for chunk in chunks:
                data = memoryview(chunk.encode("utf-8"))
                while data:
                    written = os.write(fd, data)
                    data = data[written:]
            os.fsync(fd)
        finally:
            os.close(fd)

    place_private(path, write, force=force, what=what, exists=exists)


def place_private(path: Path, make: Callable[[Path], None], *, force: bool = False,
                  what: str = "the file", exists: str | None = None) -> None:
    """Let `make` create a private file at a temporary name, then move it to `path` atomically.

    `make` must create the file itself (0600, never following an existing name). On any failure
    the temporary file is removed and the error becomes one plain sentence naming `path`.
    """
    check_target(path, force=force, exists=exists)
    temporary = temporary_name(path)
    try:
        make(temporary)
        _sync(temporary)
        _publish(temporary, path, force=force, exists=exists)
    except BaseException as exc:
        _remove(temporary)
        if isinstance(exc, TrustcheckError) and not disk_full(exc):
            raise
        if isinstance(exc, (OSError, TrustcheckError)):
            raise _plain(exc, path, what) from exc
        raise
    _sync_folder(path.parent)


def _plain(exc: BaseException, path: Path, what: str) -> TrustcheckError:
    if disk_full(exc):
        return StorageError(f"The disk holding {path} is full, so {what} was not written; "
                            "free some space and try again.")
    if isinstance(exc, PermissionError):
        return StorageError(f"trustcheck may not write in {path.parent}; please check the "
                            "folder's permissions or choose another place.")
    if isinstance(exc, FileNotFoundError):
        return InputError(f"The folder {path.parent} does not exist; please create it first or "
                          "choose another place.")
    if isinstance(exc, OSError):
        return StorageError(f"trustcheck could not write {path} ({exc.strerror or exc}); "
                            f"{what} was not written.")
    assert isinstance(exc, TrustcheckError)
    return exc


def _publish(temporary: Path, path: Path, *, force: bool, exists: str | None) -> None:
    if force:
        os.replace(temporary, path)
        return
    try:
        # A hard link never replaces an existing file, so no race can overwrite one.
        os.link(temporary, path)
    except FileExistsError:
        raise InputError(exists or exists_message(path)) from None
    except OSError as exc:
        if exc.errno not in _NO_LINKS:
            raise
        if os.path.lexists(path):
            raise InputError(exists or exists_message(path)) from None
        os.replace(temporary, path)
        return
    _remove(temporary)


def _sync(path: Path) -> None:
    fd = os.open(path, os.O_RDWR)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable; some systems cannot, which is fine."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)


def _remove(path: Path) -> None:
    with contextlib.suppress(OSError):
        os.unlink(path)
