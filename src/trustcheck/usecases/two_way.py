"""The two-way compare use case (issue 11): my side from my history, my partner's side from
the file they gave me, compared both ways; and the conversation guide made from it.

The partner's side is their sealed share file (`open_and_compare`), or, for files made some
other way, a plain scores file (the SharedScores shape as JSON) or a result file (turned into
their side with `exchange.from_assessment`); all become the same SharedScores.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from datetime import datetime, timezone, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, Any

from trustcheck.errors import InputError, Problem
from trustcheck.records import Relationship

if TYPE_CHECKING:
    from trustcheck.compare import Guide, TwoWay
    from trustcheck.exchange import SharedScores, SharedStrategy

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
                         "gave you (with --partner NAME), or two results to compare.")
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
    return side_from_dict(data, str(path))


def side_from_dict(data: Any, source: str) -> SharedScores:
    """A SharedScores from its JSON form; InputError naming every problem at once."""
    from trustcheck.exchange import SharedScores

    problems: list[Problem] = []
    if not isinstance(data, Mapping):
        data = {}
        problems.append(Problem("it is not a JSON object", source))
    role = data.get("role")
    if role not in OTHER_ROLE:
        problems.append(Problem("'role' should be mentor or mentee", source))
    taken_at = None
    try:
        taken_at = _moment(data.get("taken_at"))
    except (TypeError, ValueError, AttributeError):
        problems.append(Problem("'taken_at' should be a date and time", source))
    checklist = data.get("checklist")
    if isinstance(checklist, Mapping):
        checklist = [checklist.get(key) for key in ("id", "version", "sha256")]
    if not (isinstance(checklist, list) and len(checklist) == 3
            and all(isinstance(part, str) for part in checklist)):
        problems.append(Problem("'checklist' should give its id, version and sha256", source))
        checklist = ["", "", ""]
    strategies = _strategies(data.get("strategies"), "strategies", problems, source)
    partner_view = _strategies(data.get("partner_view", []), "partner_view", problems, source)
    felt = _strategies([data["felt_trust"]] if data.get("felt_trust") is not None else [],
                       "felt_trust", problems, source)
    overall = _number(data.get("overall"), "overall", problems, source)
    overall_sem = _number(data.get("overall_sem"), "overall_sem", problems, source)
    if problems or taken_at is None:
        raise InputError(f"{source} is not a scores file trustcheck can read; please ask your "
                         "partner for the file again.", problems)
    return SharedScores(role, taken_at, tuple(checklist), strategies, overall, overall_sem,
                        felt[0] if felt else None, partner_view)


def _strategies(value: Any, key: str, problems: list[Problem],
                source: str) -> tuple[SharedStrategy, ...]:
    from trustcheck.exchange import SharedStrategy

    if not isinstance(value, list):
        problems.append(Problem(f"'{key}' should be a list of strategies", source))
        return ()
    found = []
    for entry in value:
        if not (isinstance(entry, Mapping) and isinstance(entry.get("id"), str)
                and isinstance(entry.get("title"), str)):
            problems.append(Problem(f"each of '{key}' should have an id and a title", source))
            continue
        score = _number(entry.get("score"), f"{key} score", problems, source)
        sem = _number(entry.get("sem"), f"{key} sem", problems, source)
        if score is not None and not 0 <= score <= 100:
            problems.append(Problem(f"a '{key}' score should be from 0 to 100", source))
        found.append(SharedStrategy(entry["id"], entry["title"], score, sem))
    return tuple(found)


def _number(value: Any, key: str, problems: list[Problem], source: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) \
            or not math.isfinite(value) or value < 0:
        problems.append(Problem(f"'{key}' should be a number", source))
        return None
    return float(value)


def _moment(text: Any) -> datetime:
    """A UTC time as trustcheck writes it (2026-11-30T18:30:00Z)."""
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        raise ValueError("a time without its time zone")
    return moment.astimezone(timezone.utc)
