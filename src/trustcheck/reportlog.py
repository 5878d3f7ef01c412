"""A private log of whom each cohort report's figures covered, so no report singles anyone out.

Two reports on the same data whose figures cover nearly the same people can be subtracted to
reveal the few who differ ("differencing"): a report on 20 people and one on 18 of them give
away the other two's average. So for every figure a report shows (the overall index, each
strategy, each side of mentors beside mentees) the people behind it are kept here, and a later
figure of the same kind whose people differ from an earlier one by 1 to N-1 is refused
(`cohort.differs_too_little` is the rule; this module applies it without building big sets).

Only salted 8-byte hashes of response keys are kept (never names, ids or answers), in one JSON
file readable by its owner only, in a folder only they can open; the salt is random per log.
There is one log per person, in the config folder (which --data-dir does not move), so reports
made with a separate data folder per workshop are still compared with each other.

A figure's people are kept as the group it came from (all responses to one checklist version,
stored once) minus the few who gave too few answers for it to be scored, so the log stays small
even for 100,000 people.

Latecomers: a report may replace an earlier one that was never shown or shared (`report
--replaces`). The new report's entry then lists the earlier one's id under "replaces" and the
guard forgets the earlier one; its entry stays in the log, so the log never loses a report that
may have been shared unless the facilitator said it was not. A report's id is derived from its
entry (its time and figures), so entries written before ids existed have one too. A report
written to a file keeps a keyed hash of the file's contents, so the file can name it.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import secrets
from collections.abc import Collection, Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import NamedTuple

from trustcheck.cohort import Figure
from trustcheck.dates import iso
from trustcheck.errors import InputError, StorageError
from trustcheck.files import write_private
from trustcheck.paths import make_private_folder

LOG_NAME = "report-log.json"
LOCK_SUFFIX = ".lock"  # next to the log: held while a report is recorded
FORMAT = 1  # "replaces" and "files" were added without a new format: an older trustcheck drops
# them when it saves, which only brings a replaced report back into the guard (the safe side)
HASH_BYTES = 8
ID_CHARS = 8

Part = tuple[str, frozenset[bytes]]  # (group digest, hashes of the group's people left out)


class Conflict(NamedTuple):
    """A figure of this report that, beside an earlier report's, would give people away.

    `difference` 0 is a figure over a group whose people changed that still covers the same
    people (a newcomer who skipped it, or a figure over the group's unchanged part): not a
    conflict now, but new people in that group count in it too, and must reach the threshold."""

    created_at: str
    difference: int
    threshold: int
    report: str = ""  # the earlier report's id


class Entry(NamedTuple):
    """An earlier report as `report --replaces` names it."""

    id: str
    created_at: str
    replaced_by: str | None  # the id of the report that replaced it, if one did


def responses_needed(close: Iterable[Conflict]) -> int:
    """How many more people must be in the figures that differ before the report is safe.

    Each figure that covers other people than an earlier report's same figure must differ from
    it by at least the threshold; a new person (in no earlier report, of a role whose responses
    changed, answering every statement) counts in every figure over that role's responses and
    adds one to each one's difference. So the figure with the least room decides: the
    threshold minus its difference (the whole threshold for a figure that differs by none yet).
    0 when nothing differs by 1 to threshold - 1, i.e. when the report may be made now.
    """
    close = list(close)
    if not any(c.difference > 0 for c in close):
        return 0
    return max(c.threshold - c.difference for c in close)


class Shown(NamedTuple):
    """One figure of this report: what it is, and its people as groups minus a few."""

    statistic: str
    parts: tuple[Part, ...]
    size: int


class ReportLog:
    """The log in one data folder. `open` reads it; `record` adds a report and saves it."""

    def __init__(self, path: Path, salt: bytes, groups: dict[str, dict],
                 reports: list[dict]) -> None:
        self.path = path
        self._salt = salt
        self._groups = groups  # digest -> {"size": n, "members": base64 of sorted hashes}
        self._reports = reports  # {"created_at", "min_group", "figures": [...]}
        self._sets: dict[str, frozenset[bytes]] = {}  # groups in memory, by digest
        self._overlaps: dict[tuple[str, str], int] = {}
        self._figures: list[Figure] = []  # as given to `shown`, to hash again if need be
        self._ids: dict[int, str] = {}  # report entry (by object id) -> its report id

    @classmethod
    def open(cls, folder: Path) -> ReportLog:
        path = folder / LOG_NAME
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return cls(path, secrets.token_bytes(16), {}, [])
        except OSError as exc:
            raise StorageError(f"trustcheck could not read its log of earlier reports {path} "
                               f"({exc.strerror}); please check the file's permissions.") from None
        try:
            data = json.loads(text)
            if data.get("format") != FORMAT:
                raise ValueError("unknown format")
            salt = bytes.fromhex(data["salt"])
            groups = {str(digest): {"size": int(g["size"]), "members": str(g["members"])}
                      for digest, g in data["groups"].items()}
            reports = []
            for report in data["reports"]:
                figures = [{"statistic": str(f["statistic"]),
                            "parts": [[str(d), str(x)] for d, x in f["parts"]]}
                           for f in report["figures"]]
                if any(d not in groups for f in figures for d, _ in f["parts"]):
                    raise ValueError("a figure names an unknown group")
                entry = {"created_at": str(report["created_at"]),
                         "min_group": int(report["min_group"]), "figures": figures}
                for key in ("replaces", "files"):  # absent before latecomers could be replaced
                    if key in report:
                        if not isinstance(report[key], list):
                            raise ValueError(f"{key} is not a list")
                        entry[key] = [str(value) for value in report[key]]
                reports.append(entry)
        except (ValueError, KeyError, TypeError, AttributeError):
            raise StorageError(
                f"The log of earlier reports {path} is damaged; move it aside to start a new one "
                "(reports made before then will no longer be checked for differencing)."
            ) from None
        return cls(path, salt, groups, reports)

    # this report --------------------------------------------------------------------------

    def shown(self, figures: Iterable[Figure]) -> list[Shown]:
        """This report's figures, each as groups minus the people it leaves out, hashed."""
        by_bucket: dict[int, tuple[str, list[bytes]]] = {}
        found: list[Shown] = []
        self._figures = figures = list(figures)
        for figure in figures:
            parts = []
            size = 0
            for bucket, gaps in figure.gaps():
                if id(bucket) not in by_bucket:
                    hashes = [self._hash(key) for key in bucket.keys]
                    members = frozenset(hashes)
                    digest = _digest(members)
                    self._sets[digest] = members
                    if digest not in self._groups:
                        self._groups[digest] = {"size": len(members), "members": None}
                    by_bucket[id(bucket)] = (digest, hashes)
                digest, hashes = by_bucket[id(bucket)]
                excluded = frozenset(hashes[row] for row in gaps)
                parts.append((digest, excluded))
                size += len(hashes) - len(excluded)
            shown = Shown(figure.statistic, tuple(parts), size)
            if shown not in found:
                found.append(shown)
        return found

    def _hash(self, key: str) -> bytes:
        return hashlib.blake2b(key.encode("utf-8"), digest_size=HASH_BYTES,
                               key=self._salt).digest()

    # the check ------------------------------------------------------------------------------

    def conflict(self, shown: list[Shown], min_group: int,
                 reports: list[dict] | None = None,
                 forgotten: Collection[str] = ()) -> Conflict | None:
        """The first earlier figure of the same kind whose people differ by 1 to N-1."""
        return next((c for c in self.close(shown, min_group, reports, forgotten)
                     if c.difference > 0), None)

    def close(self, shown: list[Shown], min_group: int, reports: list[dict] | None = None,
              forgotten: Collection[str] = ()) -> Iterator[Conflict]:
        """Every earlier figure of the same kind whose people differ by 1 to N-1 (conflicts),
        and by 0 over a group that changed (figures new people would count in too).

        Reports whose id is in `forgotten` (replaced ones) are passed over.
        """
        for report in self._reports if reports is None else reports:
            if forgotten and self.report_id(report) in forgotten:
                continue
            threshold = max(min_group, report["min_group"])
            same: list[Shown] = []  # figures over the very same groups and people as before
            near: list[tuple[Shown, tuple[Part, ...], int]] = []
            for earlier in report["figures"]:
                parts = None
                for figure in shown:
                    if figure.statistic != earlier["statistic"]:
                        continue
                    if parts is None:
                        parts = tuple((d, _unpack(x)) for d, x in earlier["parts"])
                    if parts == figure.parts:
                        same.append(figure)
                        continue
                    size = sum(self._groups[d]["size"] - len(x) for d, x in parts)
                    if abs(size - figure.size) >= threshold:
                        continue  # they differ by at least the change in size
                    difference = figure.size + size - 2 * self._common(figure.parts, parts)
                    if difference < threshold:
                        near.append((figure, parts, difference))
            for _, _, difference in near:
                yield Conflict(report["created_at"], difference, threshold,
                               self.report_id(report))
            # The groups whose people (or left-out people) differ in a figure that is close: a
            # new person there counts in every figure over that group, unchanged ones too.
            changed = {digest for figure, parts, _ in near
                       for digest, _ in set(figure.parts) - set(parts)}
            for figure in same:
                if any(digest in changed for digest, _ in figure.parts):
                    yield Conflict(report["created_at"], 0, threshold, self.report_id(report))

    # earlier reports by name ---------------------------------------------------------------

    def report_id(self, report: dict) -> str:
        """A short id for a report in this log: derived from its time and figures, never
        stored, so it is the same on every read and for entries older than ids."""
        key = id(report)
        if key not in self._ids:
            text = report["created_at"] + "\n" + json.dumps(report["figures"])
            self._ids[key] = hashlib.sha256(text.encode("utf-8")).hexdigest()[:ID_CHARS]
        return self._ids[key]

    def replaced(self) -> dict[str, str]:
        """Each replaced report's id, with the id of the report that replaced it."""
        return {old: self.report_id(report)
                for report in self._reports for old in report.get("replaces", ())}

    def entries(self) -> list[Entry]:
        """The reports in this log, oldest first."""
        replaced = self.replaced()
        return [Entry(self.report_id(r), r["created_at"], replaced.get(self.report_id(r)))
                for r in self._reports]

    def find(self, name: str) -> list[Entry]:
        """The reports that `name` names: an id, or the time it was made (in UTC, to the minute
        or the second, as the refusal message shows it)."""
        wanted = name.strip().lower()
        by_id = [e for e in self.entries() if e.id == wanted]
        if by_id:
            return by_id
        when = _time_text(wanted)
        if len(when) < len("2026-05-01 12:00"):
            return []
        return [e for e in self.entries() if _time_text(e.created_at).startswith(when)]

    def find_file(self, content: bytes) -> list[Entry]:
        """The reports that were written to a file with exactly these contents."""
        digest = self._file_digest(content)
        return [e for e, r in zip(self.entries(), self._reports, strict=True)
                if digest in r.get("files", ())]

    def _file_digest(self, content: bytes) -> str:
        return hashlib.blake2b(content, digest_size=16, key=self._salt).hexdigest()

    def _common(self, ours: tuple[Part, ...], theirs: tuple[Part, ...]) -> int:
        """How many people two figures share: groups minus their left-out people."""
        common = 0
        for group, left_out in ours:
            for other, other_left_out in theirs:
                out = left_out | other_left_out  # left out on either side: not shared
                if group == other:
                    common += self._groups[group]["size"] - len(out)
                    continue
                shared = self._overlap(group, other)
                if shared:
                    mine, yours = self._members(group), self._members(other)
                    common += shared - sum(1 for x in out if x in mine and x in yours)
        return common

    def _overlap(self, a: str, b: str) -> int:
        key = (a, b) if a < b else (b, a)
        if key not in self._overlaps:
            first, second = self._members(a), self._members(b)
            small, large = (first, second) if len(first) <= len(second) else (second, first)
            self._overlaps[key] = sum(1 for x in small if x in large)
        return self._overlaps[key]

    def _members(self, digest: str) -> frozenset[bytes]:
        if digest not in self._sets:
            self._sets[digest] = _unpack(self._groups[digest]["members"])
        return self._sets[digest]

    # saving ---------------------------------------------------------------------------------

    def record(self, shown: list[Shown], min_group: int, now: datetime, *,
               replaces: Collection[str] = (), file: bytes | None = None) -> None:
        """Remember this report's figures and save the log, readable by its owner only.

        Another report may run at the same time: the log is read again under a lock, this
        report's figures are checked against any report recorded since `open`, and the log is
        replaced all at once, so no report's entry is lost. `replaces` names the ids of earlier
        reports this one takes the place of (never shown or shared, the facilitator says): they
        are marked in the same write. `file` is what was written to a file, so the file can
        name this report later.
        """
        make_private_folder(self.path.parent)
        try:
            # The config folder may have been made by hand or by an older trustcheck; the
            # log says who was in which report, so nobody else may even list it.
            if self.path.parent.stat().st_mode & 0o077:
                os.chmod(self.path.parent, 0o700)
        except OSError:
            pass  # not ours to change (e.g. another owner): the log itself is still 0600
        with _locked(self.path):
            log = ReportLog.open(self.path.parent) if self.path.exists() else self
            if log is not self:
                if log._salt != self._salt:  # the log was started meanwhile: hash with its salt
                    shown = log.shown(self._figures)
                else:
                    for digest in {d for figure in shown for d, _ in figure.parts}:
                        log._groups.setdefault(digest, self._groups[digest])
                        log._sets.setdefault(digest, self._sets[digest])
                since = [r for r in log._reports if r not in self._reports]
                forgotten = set(log.replaced()) | set(replaces)
                conflict = log.conflict(shown, min_group, since, forgotten) if since else None
                if conflict is not None:
                    raise InputError(
                        "A report on nearly the same people was made at the same time (they "
                        f"differ by only {conflict.difference}, fewer than {conflict.threshold}), "
                        "so the two together could reveal their answers; nothing was reported. "
                        "Report on the same people as that one, or on a set that differs by at "
                        f"least {conflict.threshold}.")
            log._save(shown, min_group, now, replaces, file)

    def _save(self, shown: list[Shown], min_group: int, now: datetime,
              replaces: Collection[str] = (), file: bytes | None = None) -> None:
        figures = []
        for figure in shown:
            for digest, _ in figure.parts:
                if self._groups[digest]["members"] is None:
                    self._groups[digest]["members"] = _pack(self._sets[digest])
            figures.append({"statistic": figure.statistic,
                            "parts": [[d, _pack(x)] for d, x in figure.parts]})
        replaced = self.replaced()
        same = next((r for r in self._reports
                     if r["figures"] == figures and self.report_id(r) not in replaced), None)
        if same is not None:
            same["min_group"] = max(same["min_group"], min_group)  # nothing new to remember
        else:
            same = {"created_at": iso(now), "min_group": min_group, "figures": figures}
            self._reports.append(same)
        for old in sorted(set(replaces) - set(same.get("replaces", ()))):
            same.setdefault("replaces", []).append(old)
        if file is not None:
            digest = self._file_digest(file)
            if digest not in same.get("files", ()):
                same.setdefault("files", []).append(digest)
        groups = {d: g for d, g in self._groups.items() if g["members"] is not None}
        data = {"format": FORMAT, "salt": self._salt.hex(), "groups": groups,
                "reports": self._reports}
        write_private(self.path, json.dumps(data), force=True,
                      what="the log of earlier reports")


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on a file next to the log (0600) while it is read and replaced.

    Where there is no fcntl (Windows), there is no lock: two reports recorded at the very same
    moment could then lose one entry.
    """
    try:
        import fcntl
    except ImportError:
        yield
        return
    lock = path.with_name(path.name + LOCK_SUFFIX)
    try:
        fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError as exc:
        raise StorageError(f"trustcheck could not open {lock} to record this report "
                           f"({exc.strerror}); please check the folder's permissions.") from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
        except OSError as exc:
            raise StorageError(f"trustcheck could not lock {lock} to record this report "
                               f"({exc.strerror}); please try again.") from None
        yield
    finally:
        os.close(fd)  # closing lets the lock go


def _digest(members: frozenset[bytes]) -> str:
    return hashlib.sha256(b"".join(sorted(members))).hexdigest()


def _pack(members: frozenset[bytes]) -> str:
    return base64.b64encode(b"".join(sorted(members))).decode("ascii")


def _unpack(text: str) -> frozenset[bytes]:
    raw = base64.b64decode(text)
    return frozenset(raw[i:i + HASH_BYTES] for i in range(0, len(raw), HASH_BYTES))


def _time_text(moment: str) -> str:
    """A time as stored (2026-05-01T12:00:00Z) or as shown (2026-05-01 12:00 UTC), compared."""
    moment = moment.strip().lower().removesuffix("utc").strip().removesuffix("z")
    return " ".join(moment.replace("t", " ").split())
