"""The two-way compare use case (issue 11): my side from my history, my partner's side from
the file they gave me, compared both ways; and the conversation guide made from it.

The partner's side is their sealed share file (`open_and_compare`), or, for files made some
other way, a plain scores file (the SharedScores shape as JSON) or a result file (turned into
their side with `exchange.from_assessment`); all become the same SharedScores.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import tzinfo
from pathlib import Path
from typing import TYPE_CHECKING

from trustcheck.errors import InputError
from trustcheck.records import Relationship

if TYPE_CHECKING:
    from trustcheck.compare import Guide, TwoWay
    from trustcheck.exchange import SharedScores

OTHER_ROLE = {"mentor": "mentee", "mentee": "mentor"}


def compare_with_partner(their_file: str, *, partner: str | None, role: str | None,
                         database: Path, checklist_folders: list[tuple[Path, bool]]) -> TwoWay:
    """My latest check-in with `partner` (as `role`, or the role that is not theirs) beside
    the side in `their_file`."""
    theirs = read_side(Path(their_file).expanduser(), checklist_folders)
    mine, open_commitments = my_side(database, partner=partner,
                                     role=role or OTHER_ROLE.get(theirs.role, "mentor"))
    return compare_sides(mine, theirs, open_commitments)


def conversation_guide(their_file: str, *, partner: str | None, role: str | None,
                       database: Path, checklist_folders: list[tuple[Path, bool]]) -> Guide:
    """The one-page guide for the next meeting, from the same comparison."""
    from trustcheck.compare import guide

    return guide(compare_with_partner(their_file, partner=partner, role=role,
                                      database=database, checklist_folders=checklist_folders))


def compare_sides(mine: SharedScores, theirs: SharedScores, open_commitments: tuple = (),
                  commitments: tuple[tuple[str, str | None], ...] = ()) -> TwoWay:
    """Two sides compared; `commitments` names the hash each shared side was sealed with."""
    from trustcheck.compare import two_way

    return two_way(mine, theirs, open_commitments=open_commitments, commitments=commitments)


def open_and_compare(path: Path, *, code: str | None, ask_code: Callable[[], str] | None,
                     database: Path, partner: str | None, any_partner: bool, local: tzinfo,
                     guide_wanted: bool) -> tuple[TwoWay | Guide, tuple[str, ...]]:
    """Your partner's sealed share file, opened once you may (see `share.open_share`), beside
    the check-in of yours that opened it: the comparison (or the guide), and notes to tell."""
    from trustcheck.compare import guide
    from trustcheck.usecases.share import open_share

    opened = open_share(path, code=code, ask_code=ask_code, database=database,
                        partner=partner, any_partner=any_partner, local=local)
    _, open_commitments = my_side(database, partner=partner, role=opened.mine.role) \
        if not any_partner else (None, ())
    found = compare_sides(opened.mine, opened.theirs, open_commitments,
                          ((opened.theirs.role, opened.their_commitment),
                           (opened.mine.role, opened.your_commitment)))
    return (guide(found) if guide_wanted else found), opened.notes


def my_side(database: Path, *, partner: str | None, role: str) -> tuple[SharedScores, tuple]:
    """My latest check-in of this relationship as my side, with its open commitments."""
    from trustcheck.exchange import from_assessment

    named = f"with {partner}" if partner else "without a partner name"
    if not database.exists():
        raise InputError(f"There is no check-in as a {role} {named} yet; run `trustcheck "
                         "assess` first, so your side can be set beside your partner's.")
    from trustcheck.store import Store

    # Only to read: comparing never changes the history.
    with Store.open_for_reading(database) as store:
        relationship = Relationship(role, partner)
        latest = store.newest(relationship)
        if latest is None:
            raise InputError(f"There is no check-in as a {role} {named} yet; run `trustcheck "
                             "assess` with that --role and --partner first.")
        open_commitments = tuple(store.open_commitments(relationship))
    return from_assessment(latest), open_commitments


def read_side(path: Path, checklist_folders: list[tuple[Path, bool]]) -> SharedScores:
    """Their side from a file: a plain scores file, or one result (turned into their side)."""
    import json

    if not path.is_file():
        raise InputError(f"There is no file at {path}; please give the file your partner "
                         "gave you (with --partner NAME), or two check-ins to compare.")
    try:
        with path.open(encoding="utf-8") as stream:
            data = json.load(stream)
    except (ValueError, UnicodeDecodeError):
        raise InputError(f"{path} is not a JSON file trustcheck wrote; please ask your "
                         "partner for the file again.") from None
    if isinstance(data, dict) and str(data.get("schema", "")).startswith("trustcheck/result/"):
        from trustcheck.exchange import from_assessment
        from trustcheck.resultfiles import Library
        from trustcheck.usecases.compare_results import _read_file

        result, _ = _read_file(path, Library(checklist_folders))
        return from_assessment(result)
    from trustcheck.exchange import from_dict

    return from_dict(data, str(path))
