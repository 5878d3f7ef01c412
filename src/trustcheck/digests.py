"""SHA-256 fingerprints without starting OpenSSL: `import hashlib` alone costs about 3 ms.

`hashlib` loads OpenSSL's library on import. CPython also ships its own SHA-256 (`_sha256` up
to Python 3.11, `_sha2` from 3.12), a small module that loads in about a tenth of that time
and gives the same digest. `assess` takes a few fingerprints of a few kilobytes each (the
checklist's, and those of its compiled copy and files), where the speed of the hash itself
does not matter. A Python built without those modules uses hashlib as before.
"""

from collections.abc import Callable
from typing import Any

# The SHA-256 constructor once found (a list, so finding it needs no `global`).
_constructor: list[Callable[[bytes], Any]] = []


def sha256_hex(data: bytes) -> str:
    """The SHA-256 of `data` as 64 lowercase hex digits, as `hashlib.sha256(data).hexdigest()`."""
    if not _constructor:
        _constructor.append(_find())
    digest: str = _constructor[0](data).hexdigest()
    return digest


def _find() -> Callable[[bytes], Any]:
    from importlib import import_module

    for name in ("_sha2", "_sha256"):  # Python 3.12 and later; up to 3.11
        try:
            found: Callable[[bytes], Any] = import_module(name).sha256
            return found
        except (ImportError, AttributeError):
            continue
    from hashlib import sha256  # a Python built without either

    return sha256
