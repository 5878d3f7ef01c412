"""Partner names as people type them: "sam", "Sam" and " Sam " are the same person.

A name is stored as first typed; later spellings that differ only in case, spacing or Unicode
form (NFKC) find it (`resolve`), and a name that finds nothing gets the closest known ones
(`closest`) for a "did you mean ...?". Pure functions: the store lists the names it has.
"""

import unicodedata
from collections.abc import Iterable


def key(name: str) -> str:
    """What two spellings of one name have in common: NFKC, case folded, spaces collapsed."""
    return " ".join(unicodedata.normalize("NFKC", name).casefold().split())


def resolve(given: str, known: Iterable[str | None]) -> str | None:
    """The known spelling of `given` (itself when it is known exactly), or None."""
    wanted = key(given)
    matches = [name for name in known if name is not None and key(name) == wanted]
    if given in matches:
        return given
    return matches[0] if matches else None


def closest(given: str, known: Iterable[str | None], limit: int = 3) -> list[str]:
    """Up to `limit` known names that look most like `given`, the closest first."""
    from difflib import get_close_matches

    by_key: dict[str, str] = {}
    for name in known:
        if name is not None:
            by_key.setdefault(key(name), name)
    found = get_close_matches(key(given), list(by_key), n=limit, cutoff=0.6)
    return [by_key[found_key] for found_key in found]
