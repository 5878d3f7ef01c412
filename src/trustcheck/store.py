"""The private history: one SQLite file, its schema and migrations, and every query on it."""

from __future__ import annotations

import json
import os
import sqlite3
import time
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import contextmanager, suppress
from datetime import datetime, timedelta, timezone
from itertools import groupby
from operator import itemgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from trustcheck.dates import iso
from trustcheck.errors import NO_ASSESSMENTS_YET, InputError, StorageError, disk_full
from trustcheck.paths import make_private_folder
from trustcheck.records import (
    DIDNT_COME_UP,
    CheckInLine,
    Commitment,
    CommitmentRecord,
    Filters,
    Lowest,
    OpenCommitment,
    Relationship,
    ResultOutline,
    ScoreRow,
)

if TYPE_CHECKING:
    from trustcheck.assessment import Assessment
    from trustcheck.reminders import Span
    from trustcheck.scoring import StrategyScore
    from trustcheck.share import ShareRecord

BUSY_TIMEOUT_MS = 30_000
# A history up to this size is checked whole before every write (well under a millisecond);
# a bigger one only when it changed since trustcheck last saw it whole, and always before an
# import, a delete or a migration (about 4 ms per MiB).
ALWAYS_CHECKED_BYTES = 128 * 1024
# With less free space than this, an I/O error from SQLite means the disk is full: SQLite says
# "disk I/O error" when it cannot grow its -shm or -wal file.
NEARLY_FULL_BYTES = 256 * 1024


def _run_script(db: sqlite3.Connection, script: str) -> None:
    # Not executescript(): it commits first, which would break the migration's transaction.
    for statement in script.split(";"):
        if statement.strip():
            db.execute(statement)


def _create_assessments(db: sqlite3.Connection) -> None:
    _run_script(
        db,
        """
        CREATE TABLE assessments (
            id                TEXT PRIMARY KEY,
            created_at        TEXT NOT NULL,
            role              TEXT NOT NULL CHECK (role IN ('mentor', 'mentee')),
            partner           TEXT,
            cohort            TEXT,
            checklist_id      TEXT NOT NULL,
            checklist_version TEXT NOT NULL,
            checklist_sha256  TEXT NOT NULL,
            overall           REAL,
            result            TEXT NOT NULL
        );
        CREATE INDEX assessments_by_time ON assessments (created_at);
        CREATE INDEX assessments_by_relationship ON assessments (role, partner, created_at);
        CREATE TABLE answers (
            assessment_id TEXT NOT NULL REFERENCES assessments (id) ON DELETE CASCADE,
            item_id       TEXT NOT NULL,
            value         INTEGER,
            PRIMARY KEY (assessment_id, item_id)
        ) WITHOUT ROWID;
        CREATE TABLE strategy_scores (
            assessment_id TEXT NOT NULL REFERENCES assessments (id) ON DELETE CASCADE,
            strategy_id   TEXT NOT NULL,
            grp           TEXT NOT NULL,
            score         REAL,
            answered      INTEGER NOT NULL,
            total         INTEGER NOT NULL,
            PRIMARY KEY (assessment_id, strategy_id)
        ) WITHOUT ROWID;
        """
    )


def _add_commitments(db: sqlite3.Connection) -> None:
    _run_script(
        db,
        """
        CREATE TABLE commitments (
            assessment_id TEXT NOT NULL REFERENCES assessments (id) ON DELETE CASCADE,
            action_id     TEXT NOT NULL,
            action_text   TEXT NOT NULL,
            strategy_id   TEXT NOT NULL,
            PRIMARY KEY (assessment_id, action_id)
        ) WITHOUT ROWID;
        CREATE TABLE reviews (
            assessment_id TEXT NOT NULL REFERENCES assessments (id) ON DELETE CASCADE,
            made_in       TEXT NOT NULL,
            action_id     TEXT NOT NULL,
            action_text   TEXT NOT NULL,
            made_at       TEXT NOT NULL,
            status        TEXT NOT NULL CHECK (status IN ('done', 'partly', 'not_done')),
            PRIMARY KEY (assessment_id, made_in, action_id)
        ) WITHOUT ROWID;
        CREATE INDEX reviews_by_commitment ON reviews (made_in, action_id);
        """,
    )


def _index_partners(db: sqlite3.Connection) -> None:
    # `--partner` without `--role` (trends, focus, history) would otherwise read every row.
    db.execute("CREATE INDEX assessments_by_partner ON assessments (partner, created_at)")


def _index_for_exports(db: sqlite3.Connection) -> None:
    # Every column but the result: exports and score listings read this index alone, in time
    # order, instead of a page of each stored result (seconds instead of minutes at 100,000).
    db.execute("CREATE INDEX assessments_in_full ON assessments (created_at, role, partner, "
               "cohort, checklist_id, checklist_version, checklist_sha256, overall, id)")


def _add_shares(db: sqlite3.Connection) -> None:
    # The codes of sealed share files (issue 11), so the sender can see one again; they go
    # with the check-in they were made from.
    _run_script(
        db,
        """
        CREATE TABLE shares (
            id             TEXT PRIMARY KEY,
            made_at        TEXT NOT NULL,
            role           TEXT NOT NULL CHECK (role IN ('mentor', 'mentee')),
            partner        TEXT,
            assessment_id  TEXT NOT NULL REFERENCES assessments (id) ON DELETE CASCADE,
            code           TEXT NOT NULL,
            payload_sha256 TEXT NOT NULL
        );
        CREATE INDEX shares_by_relationship ON shares (role, partner, made_at);
        CREATE INDEX shares_by_check_in ON shares (assessment_id);
        """,
    )


def _add_cadences(db: sqlite3.Connection) -> None:
    # Reminders (issue 12 §4): a cadence a person set for one relationship (without one, the
    # default rule in trustcheck.reminders applies), and the random salt that keeps the ids in
    # a calendar file stable without letting anyone guess a partner's name from them.
    _run_script(
        db,
        """
        CREATE TABLE cadences (
            role       TEXT NOT NULL CHECK (role IN ('mentor', 'mentee')),
            partner    TEXT,
            every_days INTEGER NOT NULL CHECK (every_days BETWEEN 1 AND 366),
            set_at     TEXT NOT NULL
        );
        CREATE UNIQUE INDEX cadences_by_relationship ON cadences (role, ifnull(partner, ''));
        CREATE TABLE calendar_salt (
            salt TEXT NOT NULL
        );
        INSERT INTO calendar_salt (salt) VALUES (lower(hex(randomblob(16))))
        """,
    )
    # A cadence names a partner, so it goes when the relationship's last check-in goes (a
    # trigger, because its body holds semicolons `_run_script` would split on).
    db.execute(
        "CREATE TRIGGER cadences_go_with_their_check_ins AFTER DELETE ON assessments "
        "WHEN NOT EXISTS (SELECT 1 FROM assessments WHERE role = OLD.role AND partner IS "
        "OLD.partner) BEGIN DELETE FROM cadences WHERE role = OLD.role AND partner IS "
        "OLD.partner; END")


# Each migration is a small named function; its position (from 1) is the schema version it makes.
# Never edit a released migration: add a new one.
MIGRATIONS: tuple[tuple[str, Callable[[sqlite3.Connection], None]], ...] = (
    ("create assessments, answers and strategy scores", _create_assessments),
    ("add commitments and their reviews", _add_commitments),
    ("add an index to find a partner's assessments", _index_partners),
    ("add an index to read assessments without their whole results", _index_for_exports),
    ("add the codes of shared files", _add_shares),
    ("add reminder cadences and the calendar salt", _add_cadences),
)
SCHEMA_VERSION = len(MIGRATIONS)


def _error_name(exc: sqlite3.Error) -> str:
    return getattr(exc, "sqlite_errorname", "") or ""


def _use_wal(db: sqlite3.Connection) -> None:
    """Switch to WAL, waiting like busy_timeout would.

    SQLite answers "locked" at once, without calling the busy handler, when another process is
    switching the same new history to WAL at the same moment (two first runs at once).
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            db.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            busy = _error_name(exc) in ("SQLITE_BUSY", "SQLITE_LOCKED") or "locked" in str(exc)
            if not busy or time.monotonic() >= deadline:
                raise
            time.sleep(0.01)


class DamagedHistory(StorageError):
    """The history file fails SQLite's own check, or a page of it cannot be read."""


class Rescued(NamedTuple):
    """What `history export` could still read from a damaged history."""

    assessments: list[Assessment]
    left_out: int  # assessments known to be there that could not be read whole
    exact: bool  # False: nobody can tell how many are missing (the index of ids is damaged too)


class FileState(NamedTuple):
    """What the history file looked like on disk; any write changes at least one of these."""

    size: int
    modified_ns: int
    changed_ns: int
    inode: int
    device: int


class Store:
    """An open history database.

    `Store.open(path)` to write (it creates, checks and migrates the file); to only read,
    `Store.open_for_reading(path)`, which never writes and so works on a full or read-only
    disk. Close it (or use `with`).
    """

    def __init__(self, path: Path, db: sqlite3.Connection, *, writable: bool = True) -> None:
        self.path = path
        self._db = db
        self.writable = writable
        self._checked_whole = False  # PRAGMA integrity_check passed in this run
        self._seen_whole = False  # checked, or unchanged since trustcheck last saw it whole
        self._covering: str | None = None  # the covering index hint, once looked up

    # --- opening ---------------------------------------------------------------------------

    @classmethod
    def open(cls, path: Path) -> Store:
        make_private_folder(path.parent)
        with _storage_errors(path):
            _create_private_file(path)
            db = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
        store = cls(path, db)
        try:
            with _storage_errors(path):
                db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
                version = store._version()
                _refuse_newer(path, version)
                # Before the first write, WAL included: never write into a damaged file.
                store._check_whole(always=version < SCHEMA_VERSION)
                _use_wal(db)
                db.execute("PRAGMA synchronous = NORMAL")
                db.execute("PRAGMA foreign_keys = ON")
                if version < SCHEMA_VERSION:
                    store._migrate()
        except BaseException:
            db.close()
            raise
        return store

    @classmethod
    def open_for_reading(cls, path: Path) -> Store:
        """The history opened only to read: never created, migrated or checked whole.

        It works on a full disk and on a read-only one: first as usual (so SQLite tidies the
        -wal and -shm files away when done), then read-only, and at last, when no -wal file holds
        anything, as an unchanging file, which needs no -shm file at all. An older schema is read
        as it is, with the tables it lacks standing in empty for this run.
        """
        failure: StorageError | None = None
        for how in ("mode=rw", "mode=ro", "mode=ro&immutable=1"):
            if how.endswith("immutable=1") and _wal_holds_anything(path):
                break  # reading the file alone would miss what the -wal file holds
            try:
                return cls._connect_for_reading(path, how)
            except StorageError as exc:
                if not _needs_writing(exc):
                    raise
                failure = exc
        assert failure is not None
        raise failure

    @classmethod
    def _connect_for_reading(cls, path: Path, how: str) -> Store:
        with _storage_errors(path):
            db = sqlite3.connect(f"{path.absolute().as_uri()}?{how}", uri=True,
                                 timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
        try:
            with _storage_errors(path):
                db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
                db.execute("PRAGMA temp_store = MEMORY")  # no temporary files on a full disk
                version = int(db.execute("PRAGMA user_version").fetchone()[0])
                _refuse_newer(path, version)
                if version < SCHEMA_VERSION:
                    _stand_in_for_missing_tables(db)
                db.execute("PRAGMA query_only = ON")
        except BaseException:
            db.close()
            raise
        return cls(path, db, writable=False)

    @classmethod
    def open_copy_to_rescue(cls, path: Path) -> Store:
        """A mended copy, in memory, of a history too damaged to open, for `Store.rescue`.

        SQLite gives up on a whole file whose header is damaged or that was cut short; the copy
        gets a sound header (and says it has only the pages really there), so every row on an
        undamaged page can still be read. The file itself is only read.
        """
        try:
            data = bytearray(path.read_bytes())
        except OSError as exc:
            raise DamagedHistory(_damaged_message(path)) from exc
        page_size = int.from_bytes(data[16:18], "big") if len(data) >= 100 else 0
        page_size = 65536 if page_size == 1 else page_size
        if page_size < 512 or page_size & (page_size - 1):
            page_size = 4096  # SQLite's default, and trustcheck never changes it
        pages = len(data) // page_size
        if pages == 0:
            raise DamagedHistory(_damaged_message(path))
        del data[pages * page_size:]
        data[0:16] = b"SQLite format 3\0"
        data[16:18] = (page_size if page_size < 65536 else 1).to_bytes(2, "big")
        data[18:20] = b"\x01\x01"  # a rollback journal, not WAL: the copy is only in memory
        data[28:32] = pages.to_bytes(4, "big")
        data[92:96] = data[24:28]  # so SQLite believes that page count
        db = sqlite3.connect(":memory:", isolation_level=None)
        try:
            with _storage_errors(path):
                if hasattr(db, "deserialize"):
                    db.deserialize(bytes(data))
                else:
                    _load_through_a_scratch_file(bytes(data), db)  # Python 3.10
                db.execute("PRAGMA query_only = ON")
        except BaseException:
            db.close()
            raise
        return cls(path, db, writable=False)

    def _check_whole(self, *, always: bool = False) -> None:
        """Refuse to write into a damaged file: run SQLite's full check unless the file is big
        and unchanged since trustcheck last saw it whole (or checked already in this run)."""
        if self._checked_whole:
            return
        if not always:
            state = _file_state(self.path)
            if (state is not None and state.size > ALWAYS_CHECKED_BYTES
                    and state == _last_seen_whole(self.path)):
                self._seen_whole = True
                return
        with _storage_errors(self.path):
            verdict = self._db.execute("PRAGMA integrity_check(1)").fetchone()[0]
        if verdict != "ok":
            raise DamagedHistory(_damaged_message(self.path))
        self._checked_whole = self._seen_whole = True

    def _version(self) -> int:
        return int(self._db.execute("PRAGMA user_version").fetchone()[0])

    def _migrate(self) -> None:
        self._check_whole(always=True)
        with self._transaction():
            # Re-read inside the write lock: another process may have migrated meanwhile.
            version = self._version()
            for number, (name, migration) in enumerate(MIGRATIONS, start=1):
                if number <= version:
                    continue
                if number == 1:
                    self._db.execute(
                        "CREATE TABLE IF NOT EXISTS migrations (version INTEGER PRIMARY KEY, "
                        "name TEXT NOT NULL, applied_at TEXT NOT NULL)")
                migration(self._db)
                self._db.execute("INSERT INTO migrations VALUES (?, ?, ?)",
                                 (number, name, iso(datetime.now(timezone.utc))))
                self._db.execute(f"PRAGMA user_version = {number}")

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        """One write transaction: all of it lands, or none of it does."""
        with _storage_errors(self.path):
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield
            except BaseException:
                if self._db.in_transaction:  # SQLite itself rolls back on a full disk
                    self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        """One read transaction: every query inside sees the history as it was at the first.

        A command that reads with several queries uses it, so a check-in saved (or deleted)
        meanwhile by another run is either wholly in what it reads or not at all. Nested use
        joins the snapshot already open.
        """
        if self._db.in_transaction:
            yield
            return
        with _storage_errors(self.path):
            self._db.execute("BEGIN")
        try:
            yield
        finally:
            if self._db.in_transaction:
                with _storage_errors(self.path):
                    self._db.execute("COMMIT")  # a read transaction: nothing to write

    def close(self) -> None:
        self._db.close()
        if self.writable and self._seen_whole:
            # After closing: the last connection to close moves the -wal file into the file.
            _remember_whole(self.path)

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- writing ---------------------------------------------------------------------------

    def save(self, result: Assessment) -> None:
        """Store one assessment with its answers, scores and commitments, all or nothing."""
        with self._transaction():
            self._insert(result)

    def _insert(self, result: Assessment) -> None:
        from trustcheck import assessment

        record = assessment.to_dict(result)
        self._db.execute(
            "INSERT INTO assessments (id, created_at, role, partner, cohort, checklist_id, "
            "checklist_version, checklist_sha256, overall, result) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (result.id, record["created_at"], result.role, result.partner, result.cohort,
             result.checklist.id, result.checklist.version, result.checklist.sha256,
             result.overall, json.dumps(record, ensure_ascii=False)),
        )
        self._db.executemany(
            "INSERT INTO answers (assessment_id, item_id, value) VALUES (?, ?, ?)",
            [(result.id, item_id, value) for item_id, value in result.answers.items()],
        )
        self._db.executemany(
            "INSERT INTO strategy_scores (assessment_id, strategy_id, grp, score, answered, "
            "total) VALUES (?, ?, ?, ?, ?, ?)",
            [(result.id, s.id, s.group, s.score, s.answered, s.total)
             for s in result.strategies + _felt_trust(result)],
        )
        self._db.executemany(
            "INSERT INTO commitments (assessment_id, action_id, action_text, strategy_id) "
            "VALUES (?, ?, ?, ?)",
            [(result.id, c.action, c.text, c.strategy) for c in result.commitments],
        )
        self._db.executemany(
            "INSERT INTO reviews (assessment_id, made_in, action_id, action_text, made_at, "
            "status) VALUES (?, ?, ?, ?, ?, ?)",
            [(result.id, r.made_in, r.action, r.text, iso(r.made_at), r.status)
             for r in result.follow_through],
        )

    # --- reading ---------------------------------------------------------------------------

    def check_ins(self, filters: Filters = Filters(), limit: int | None = 20, *,
                  oldest_first: bool = False) -> list[Assessment]:
        """Assessments matching the filters, newest first; limit None (or 0) means all."""
        where, params = _where(filters)
        order = "ASC" if oldest_first else "DESC"
        sql = (f"SELECT id, result FROM assessments {where} "
               f"ORDER BY created_at {order}, rowid {order}")
        if limit:
            sql += " LIMIT ?"
            params.append(limit)
        with _storage_errors(self.path):
            rows = self._db.execute(sql, params).fetchall()
        return [self._result(row_id, text) for row_id, text in rows]

    def check_in_lines(self, filters: Filters = Filters(), limit: int | None = 20
                       ) -> list[CheckInLine]:
        """What `trustcheck history` lists, newest first; limit None (or 0) means all.

        Read from the columns kept beside each result and from strategy_scores (the lowest
        strategy), not by decoding whole results: only one result per checklist is parsed, for
        the order and titles of its strategies (the first of equally low ones is shown, as in
        the result). Each listed result is still checked to be whole JSON text, in SQLite, so a
        damaged history is reported here as by every other reader.
        """
        where, params = _where(filters)
        sql = ("SELECT id, created_at, role, partner, cohort, checklist_id, checklist_version, "
               "checklist_sha256, overall, json_valid(result), CAST(result AS BLOB) "
               f"FROM assessments {where} ORDER BY created_at DESC, rowid DESC")
        if limit:
            sql += " LIMIT ?"
            params.append(limit)
        with self.snapshot(), _storage_errors(self.path):
            heads = self._db.execute(sql, params).fetchall()
            scores: dict[str, list[tuple[str, float]]] = {}
            ids = [head[0] for head in heads]
            for first in range(0, len(ids), 500):  # well within SQLite's limit of parameters
                chunk = ids[first:first + 500]
                for row_id, strategy_id, score in self._db.execute(
                        "SELECT assessment_id, strategy_id, score FROM strategy_scores WHERE "
                        f"assessment_id IN ({', '.join('?' * len(chunk))}) "
                        "AND score IS NOT NULL", chunk):
                    scores.setdefault(row_id, []).append((strategy_id, score))
            strategies: dict[tuple[str, str, str], dict[str, tuple[int, str]]] = {}
            lines = []
            for (row_id, created_at, role, partner, cohort, checklist_id, version, sha256,
                 overall, whole, text) in heads:
                try:
                    text.decode("utf-8")
                except (UnicodeDecodeError, AttributeError):
                    raise self._damaged(row_id) from None
                if not whole:
                    raise self._damaged(row_id)
                key = (checklist_id, version, sha256)
                if key not in strategies:
                    strategies[key] = self._strategy_titles(row_id)
                lines.append(CheckInLine(row_id, _utc(created_at), role, partner, cohort,
                                         checklist_id, overall,
                                         _lowest(scores.get(row_id, []), strategies[key])))
        return lines

    def _strategy_titles(self, assessment_id: str) -> dict[str, tuple[int, str]]:
        """Each strategy of one stored result: its place in the result and its title."""
        text = self._db.execute("SELECT result FROM assessments WHERE id = ?",
                                (assessment_id,)).fetchone()[0]
        try:
            return {strategy["id"]: (place, strategy["title"])
                    for place, strategy in enumerate(json.loads(text)["strategies"])}
        except (ValueError, TypeError, KeyError):
            raise self._damaged(assessment_id) from None

    def check_in_ids(self, reference: str) -> list[str]:
        """The ids a reference names: 'last' the newest, else a whole id or a start of ids.

        The start of an id matches in any case; at most two ids come back, enough to tell a
        unique start from one that needs more characters. A blank reference names nothing (it
        is the start of every id).
        """
        if not reference.strip():
            return []
        with _storage_errors(self.path):
            if reference == "last":
                return [row[0] for row in self._db.execute(
                    "SELECT id FROM assessments ORDER BY created_at DESC, rowid DESC LIMIT 1")]
            # A whole id through the primary key first: LIKE cannot use it, and reads every
            # row (milliseconds in a history of thousands).
            if self._db.execute("SELECT 1 FROM assessments WHERE id = ?",
                                (reference,)).fetchone():
                return [reference]
            pattern = (reference.replace("\\", "\\\\").replace("%", "\\%")
                       .replace("_", "\\_"))
            return [row[0] for row in self._db.execute(
                "SELECT id FROM assessments WHERE id LIKE ? ESCAPE '\\' LIMIT 2",
                (pattern + "%",))]

    def check_in(self, reference: str) -> Assessment:
        """One check-in by id, a unique start of an id, or 'last' for the newest."""
        if not reference.strip():  # the start of every id: it would pick one at random
            raise InputError("Please give a check-in id (the first few characters are "
                             "enough) or 'last'; run `trustcheck history` to see the ids.")
        with self.snapshot():  # a check-in deleted between the two queries is never half-found
            found = self.check_in_ids(reference)
            if len(found) == 1:
                with _storage_errors(self.path):
                    row_id, text = self._db.execute(
                        "SELECT id, result FROM assessments WHERE id = ?", (found[0],)).fetchone()
                return self._result(row_id, text)
        if not found:
            if reference == "last":
                raise InputError(NO_ASSESSMENTS_YET)
            raise InputError(f"There is no saved check-in with the id '{reference}'; run "
                             "`trustcheck history` to see the ids.")
        raise InputError(f"More than one check-in has an id starting with '{reference}'; "
                         "please type more of the id.")

    def newest(self, relationship: Relationship) -> Assessment | None:
        """The newest assessment of this relationship, or None when it has none."""
        with _storage_errors(self.path):
            row = self._db.execute(
                "SELECT id, result FROM assessments WHERE role = ? AND partner IS ? "
                "ORDER BY created_at DESC, rowid DESC LIMIT 1",
                (relationship.role, relationship.partner)).fetchone()
        return self._result(*row) if row else None

    def previous(self, relationship: Relationship,
                 before: datetime | Assessment) -> Assessment | None:
        """The latest assessment of the same relationship before `before`.

        `before` is a moment (assessments taken earlier count) or an assessment: those taken
        earlier, or in the same second but saved before it (times have whole seconds), never
        itself; for one not saved yet, every other one up to its second.
        """
        with _storage_errors(self.path):
            if isinstance(before, datetime):
                earlier, params = "created_at < ?", [iso(before)]
            else:
                moment = iso(before.created_at)
                saved = self._db.execute("SELECT rowid FROM assessments WHERE id = ?",
                                         (before.id,)).fetchone()
                if saved is None:
                    earlier, params = "created_at <= ? AND id != ?", [moment, before.id]
                else:
                    earlier = "(created_at < ? OR (created_at = ? AND rowid < ?))"
                    params = [moment, moment, saved[0]]
            row = self._db.execute(
                "SELECT id, result FROM assessments WHERE role = ? AND partner IS ? "
                f"AND {earlier} ORDER BY created_at DESC, rowid DESC LIMIT 1",
                [relationship.role, relationship.partner, *params]).fetchone()
        return self._result(*row) if row else None

    def relationships(self, filters: Filters = Filters()) -> list[Relationship]:
        """Every (role, partner) with an assessment in scope, most recently active first."""
        where, params = _where(filters)
        with _storage_errors(self.path):
            rows = self._db.execute(
                f"SELECT role, partner FROM assessments {where} GROUP BY role, partner "
                "ORDER BY max(created_at) DESC", params).fetchall()
        return [Relationship(role, partner) for role, partner in rows]

    def partners(self) -> list[str]:
        """Every partner name in the history, as first typed, most recently active first."""
        with _storage_errors(self.path):
            rows = self._db.execute(
                "SELECT partner FROM assessments WHERE partner IS NOT NULL GROUP BY partner "
                "ORDER BY max(created_at) DESC").fetchall()
        return [partner for (partner,) in rows]

    def _covering_index(self) -> str:
        """The hint to read every assessment through the covering index, where there is one: a
        history of an older schema, read without migrating it, does not have it yet."""
        if self._covering is None:
            with _storage_errors(self.path):
                found = self._db.execute(
                    "SELECT 1 FROM sqlite_master WHERE type = 'index' AND "
                    "name = 'assessments_in_full'").fetchone()
            self._covering = "INDEXED BY assessments_in_full" if found else ""
        return self._covering

    def score_rows(self, filters: Filters = Filters(), *,
                   ids: Collection[str] | None = None) -> list[ScoreRow]:
        """Scores of every assessment in scope (or with one of these `ids`), oldest first,
        without reading whole results."""
        where, params = _where(filters, table="a")
        if ids is not None:  # e.g. `history delete ID...`: only those, not the whole history
            marks = ", ".join("?" * len(ids))
            where = f"{where} AND a.id IN ({marks})" if where else f"WHERE a.id IN ({marks})"
            params = [*params, *ids]
        # Two queries, one snapshot: a check-in saved between them must not be half-seen.
        with self.snapshot(), _storage_errors(self.path):
            # Everything in scope: the covering index, not a page of every stored result.
            every = "" if where else self._covering_index()
            heads = self._db.execute(
                "SELECT a.id, a.created_at, a.role, a.partner, a.checklist_id, "
                f"a.checklist_version, a.overall FROM assessments a {every} {where} "
                "ORDER BY a.created_at, a.rowid", params).fetchall()
            scores: dict[str, dict[str, float | None]] = {row[0]: {} for row in heads}
            # Without filters every score is wanted: reading the table alone skips the join.
            found = self._db.execute(
                "SELECT s.assessment_id, s.strategy_id, s.score FROM strategy_scores s "
                f"JOIN assessments a ON a.id = s.assessment_id {where}", params) if where \
                else self._db.execute(
                    "SELECT assessment_id, strategy_id, score FROM strategy_scores")
            # Rows come grouped by assessment (the table's key order), so each assessment's
            # scores go into its dict in one call; update() stays right if they ever did not.
            by_strategy = itemgetter(1, 2)
            for assessment_id, group in groupby(found, itemgetter(0)):
                scores[assessment_id].update(map(by_strategy, group))
        return [ScoreRow(row[0], _utc(row[1]), row[2], row[3], row[4], row[5], row[6],
                         scores[row[0]]) for row in heads]

    def strategy_ids(self, filters: Filters = Filters()) -> list[str]:
        """Every strategy id in scope, in the order first met in the results, oldest first.

        Results of one checklist (id, version and content) list the same strategies in the
        same order, so one stored result per checklist is read, not every one.
        """
        where, params = _where(filters)
        found: dict[str, None] = {}
        with self.snapshot(), _storage_errors(self.path):
            seen: set[tuple[str, str, str]] = set()
            for assessment_id, *checklist in self._db.execute(
                    "SELECT id, checklist_id, checklist_version, checklist_sha256 FROM "
                    f"assessments {self._covering_index()} {where} "
                    "ORDER BY created_at, rowid", params):
                if tuple(checklist) not in seen:
                    seen.add((checklist[0], checklist[1], checklist[2]))
                    found.update(dict.fromkeys(self._strategy_order(assessment_id)))
        return list(found)

    def each_score_row(self, filters: Filters = Filters()) -> Iterator[ScoreRow]:
        """Scores of every assessment in scope, oldest first, one at a time, with its cohort.

        For exports of any size: one cursor, nothing parsed but one result per checklist (for
        the order its strategies come in, which the scores keep). Use it inside `snapshot()`
        together with `strategy_ids`, so both see the same assessments.
        """
        where, params = _where(filters, table="a")
        orders: dict[tuple[str, str, str], list[str]] = {}
        with self.snapshot(), _storage_errors(self.path):
            # Two cursors in the same order, walked side by side: one joined query would
            # repeat every assessment's columns once per strategy (ten times the rows).
            heads = self._db.execute(
                "SELECT a.id, a.created_at, a.role, a.partner, a.checklist_id, "
                "a.checklist_version, a.checklist_sha256, a.overall, a.cohort FROM assessments "
                f"a {self._covering_index()} {where} ORDER BY a.created_at, a.rowid",
                params)
            scored = self._db.execute(
                "SELECT s.assessment_id, s.strategy_id, s.score FROM assessments a "
                f"{self._covering_index()} JOIN strategy_scores s ON s.assessment_id = a.id "
                f"{where} ORDER BY a.created_at, a.rowid", params)
            # The scores come grouped by assessment, in the heads' order; each group becomes
            # its dict in C (dict over an itemgetter map), not a Python loop per score.
            by_strategy = itemgetter(1, 2)
            groups = groupby(scored, itemgetter(0))
            pending = next(groups, None)
            for head in heads:
                scores: dict[str, float | None] = {}
                if pending is not None and pending[0] == head[0]:
                    scores = dict(map(by_strategy, pending[1]))
                    pending = next(groups, None)
                yield self._score_row(head, scores, orders)

    def _score_row(self, head: tuple[Any, ...], scores: dict[str, float | None],
                   orders: dict[tuple[str, str, str], list[str]]) -> ScoreRow:
        row_id, created_at, role, partner, checklist_id, version, sha256, overall, cohort = head
        key = (checklist_id, version, sha256)
        if key not in orders:
            orders[key] = self._strategy_order(row_id)
        ordered = {strategy: scores[strategy] for strategy in orders[key] if strategy in scores}
        ordered.update(scores)  # any the result did not list keep their place at the end
        return ScoreRow(row_id, _utc(created_at), role, partner, checklist_id, version, overall,
                        ordered, cohort, created_at)

    def _strategy_order(self, assessment_id: str) -> list[str]:
        """The strategy ids of one stored result, in its order."""
        text = self._db.execute("SELECT result FROM assessments WHERE id = ?",
                                (assessment_id,)).fetchone()[0]
        try:
            return [strategy["id"] for strategy in json.loads(text)["strategies"]]
        except (ValueError, TypeError, KeyError):
            raise self._damaged(assessment_id) from None

    def result_objects(self, filters: Filters = Filters()) -> Iterator[dict[str, Any]]:
        """Every result in scope as its JSON object (docs/json.md), oldest first, one at a time.

        A result in today's shape was checked when it was saved, so it is only parsed here; an
        older one is read in full and brought up to date.
        """
        for row_id, text in self.current_result_texts(filters):
            try:
                yield json.loads(text)
            except ValueError:
                raise self._damaged(row_id) from None

    def current_result_texts(self, filters: Filters = Filters()) -> Iterator[tuple[str, str]]:
        """(id, JSON text) of every result in scope, oldest first, in today's shape.

        The text is as saved (`json.dumps` with its default separators), unparsed, for results
        in today's shape; older ones are read in full and written anew in that same form.
        """
        from trustcheck import assessment

        where, params = _where(filters)
        current = f'{{"schema": "{assessment.SCHEMA}", '
        with _storage_errors(self.path):
            cursor = self._db.execute(
                f"SELECT id, result FROM assessments {where} ORDER BY created_at, rowid", params)
            for row_id, text in cursor:
                if text.startswith(current):
                    yield row_id, text
                else:
                    yield row_id, json.dumps(assessment.to_dict(self._result(row_id, text)),
                                             ensure_ascii=False)

    def open_commitments(self, relationship: Relationship) -> list[OpenCommitment]:
        """Commitments made in this relationship that no later check-in has reviewed."""
        with _storage_errors(self.path):
            rows = self._db.execute(
                "SELECT c.assessment_id, a.created_at, c.action_id, c.action_text, "
                "c.strategy_id FROM commitments c JOIN assessments a ON a.id = c.assessment_id "
                "WHERE a.role = ? AND a.partner IS ? AND NOT EXISTS (SELECT 1 FROM reviews r "
                "WHERE r.made_in = c.assessment_id AND r.action_id = c.action_id) "
                "ORDER BY a.created_at, c.action_id",
                (relationship.role, relationship.partner)).fetchall()
        return [OpenCommitment(made_in, _utc(made_at), Commitment(action, text, strategy))
                for made_in, made_at, action, text, strategy in rows]

    def commitments(self, filters: Filters = Filters()) -> list[CommitmentRecord]:
        """Every commitment made in scope, newest first, with its review if it had one."""
        where, params = _where(filters, table="a")
        with _storage_errors(self.path):
            rows = self._db.execute(
                "SELECT c.assessment_id, a.created_at, a.role, a.partner, c.action_id, "
                "c.action_text, c.strategy_id, r.status, r.assessment_id, ra.created_at "
                "FROM commitments c JOIN assessments a ON a.id = c.assessment_id "
                "LEFT JOIN reviews r ON r.made_in = c.assessment_id AND r.action_id = c.action_id "
                "LEFT JOIN assessments ra ON ra.id = r.assessment_id "
                f"{where} ORDER BY a.created_at DESC, c.action_id", params).fetchall()
        return [CommitmentRecord(row[0], _utc(row[1]), Relationship(row[2], row[3]),
                                 Commitment(row[4], row[5], row[6]), row[7], row[8],
                                 _utc(row[9]) if row[9] else None) for row in rows]

    def review_counts(self, filters: Filters = Filters()
                      ) -> dict[tuple[str, str | None], dict[str, int]]:
        """How many commitments made in scope were reviewed with each status, per relationship.

        Role, partner and cohort choose the check-ins the commitments were made in; `since` and
        `until` bound when they were reviewed (inclusive). Keyed by the relationship (role,
        partner) they were made in; relationships without reviews are left out. For trends:
        counted here, not read as one record per commitment.
        """
        where, params = _where(filters._replace(since=None, until=None), table="a")
        told = []
        if filters.since is not None:
            # Stored times are whole seconds: "at or after 10:00:00.5" means from 10:00:01.
            since = filters.since
            if since.microsecond:
                since = since.replace(microsecond=0) + timedelta(seconds=1)
            told.append("ra.created_at >= ?")
            params.append(iso(since))
        if filters.until is not None:
            told.append("ra.created_at <= ?")
            params.append(iso(filters.until))  # to the second, rounded down
        if told:
            where = (f"{where} AND " if where else "WHERE ") + " AND ".join(told)
        found: dict[tuple[str, str | None], dict[str, int]] = {}
        with _storage_errors(self.path):
            for role, partner, status, count in self._db.execute(
                    "SELECT a.role, a.partner, r.status, count(*) "
                    "FROM commitments c JOIN assessments a ON a.id = c.assessment_id "
                    "JOIN reviews r ON r.made_in = c.assessment_id AND r.action_id = c.action_id "
                    # The check-in a review was told at matters only for its date: a review
                    # goes with its check-in (ON DELETE CASCADE), so without dates no lookup.
                    f"{'JOIN assessments ra ON ra.id = r.assessment_id ' if told else ''}{where} "
                    "GROUP BY a.role, a.partner, r.status", params):
                found.setdefault((role, partner), {})[status] = count
        return found

    def result_texts(self, filters: Filters = Filters()) -> Iterator[str]:
        """Every result object in scope as its stored JSON text, oldest first, one at a time.

        For cohort reports over many assessments: nothing is parsed or kept here.
        """
        where, params = _where(filters)
        with _storage_errors(self.path):
            cursor = self._db.execute(
                f"SELECT result FROM assessments {where} ORDER BY created_at, rowid", params)
            for (text,) in cursor:
                yield text

    def outline(self, assessment_id: str) -> ResultOutline:
        """Strategy titles (in order) and standard errors, as one stored result has them;
        empty if there is no such result.

        For trends: quicker than `check_in`, which reads the whole result into an Assessment.
        """
        with _storage_errors(self.path):
            row = self._db.execute("SELECT result FROM assessments WHERE id = ?",
                                   (assessment_id,)).fetchone()
        if row is None:
            return ResultOutline({}, {})
        try:
            result = json.loads(row[0])
            # Felt trust (the partner view's, group partner_view) is followed like a strategy.
            strategies = result["strategies"] + [
                felt for felt in [(result.get("partner_view") or {}).get("felt_trust")] if felt]
            overall_sem = result.get("overall_sem")
            return ResultOutline(
                {s["id"]: s["title"] for s in strategies},
                {s["id"]: float(s["sem"]) for s in strategies if s.get("sem") is not None},
                None if overall_sem is None else float(overall_sem),
                frozenset(s["id"] for s in strategies if s.get("band") == DIDNT_COME_UP))
        except (ValueError, TypeError, KeyError, AttributeError):
            raise self._damaged(assessment_id) from None

    def count(self) -> int:
        with _storage_errors(self.path):
            return int(self._db.execute("SELECT count(*) FROM assessments").fetchone()[0])

    def _result(self, row_id: str, text: str) -> Assessment:
        # Imported here, not at the top: trends and other score-only queries never need it.
        from trustcheck import assessment

        try:
            return assessment.from_dict(json.loads(text), source=f"check-in {row_id}")
        except (ValueError, InputError):
            raise self._damaged(row_id) from None

    def _damaged(self, row_id: str) -> StorageError:
        return StorageError(
            f"The saved check-in {row_id} in {self.path} is damaged; remove it with "
            f"`trustcheck history delete {row_id}` or restore the history from a backup.")

    # --- your data: import, delete, backup --------------------------------------------------

    def add_missing(self, incoming: Sequence[Assessment]) -> tuple[int, int]:
        """Save the assessments not stored yet, all in one transaction: (added, already there)."""
        added = present = 0
        self._check_whole(always=True)
        with self._transaction():
            for result in incoming:
                exists = self._db.execute("SELECT 1 FROM assessments WHERE id = ?",
                                          (result.id,)).fetchone()
                if exists:
                    present += 1
                    continue
                self._insert(result)
                added += 1
        return added, present

    def delete(self, ids: Sequence[str]) -> int:
        """Delete these assessments (with their answers, scores and commitments) at once."""
        self._check_whole(always=True)
        with self._transaction():
            deleted = 0
            for assessment_id in ids:
                deleted += self._db.execute("DELETE FROM assessments WHERE id = ?",
                                            (assessment_id,)).rowcount
        return deleted

    def rescue(self, filters: Filters = Filters()) -> Rescued:
        """Every assessment in scope that can still be read from a damaged history, oldest first.

        Rows are read one by one through the table itself, never through an index, so one bad
        page loses only the assessments on it; how many were lost is counted in the index of
        ids, when that can still be read.
        """
        from trustcheck.assessment import from_dict

        texts: list[tuple[str, str]] = []
        try:
            with _storage_errors(self.path):
                texts = self._db.execute("SELECT id, result FROM assessments").fetchall()
            scanned_whole = True  # every row was read: only texts that do not parse are lost
        except DamagedHistory:
            texts, scanned_whole = [], False
            for rowid in range(1, self._highest_rowid() + 1):
                try:
                    with _storage_errors(self.path):
                        row = self._db.execute("SELECT id, result FROM assessments "
                                               "WHERE rowid = ?", (rowid,)).fetchone()
                except DamagedHistory:
                    continue
                if row is not None:
                    texts.append(row)
        read: list[Assessment] = []
        for row_id, text in texts:
            try:
                read.append(from_dict(json.loads(text), source=f"check-in {row_id}"))
            except (ValueError, TypeError, KeyError, AttributeError, InputError):
                continue
        # Otherwise the primary key's index holds one entry per assessment; counting them needs
        # none of the damaged text (a damaged id still counts once).
        if scanned_whole:
            return Rescued(sorted((found for found in read if _in_scope(found, filters)),
                                  key=lambda found: found.created_at), len(texts) - len(read), True)
        try:
            with _storage_errors(self.path):
                stored = self._db.execute(
                    "SELECT count(*) FROM assessments INDEXED BY sqlite_autoindex_assessments_1"
                ).fetchone()[0]
            left_out, exact = max(0, stored - len(read)), True
        except StorageError:  # that index is damaged too (or gone)
            left_out, exact = 0, False
        read.sort(key=lambda found: found.created_at)
        return Rescued([found for found in read if _in_scope(found, filters)], left_out, exact)

    def _highest_rowid(self) -> int:
        try:
            with _storage_errors(self.path):
                highest = self._db.execute("SELECT max(rowid) FROM assessments").fetchone()[0]
            return int(highest or 0)
        except DamagedHistory:
            # Every saved assessment takes more than a kilobyte, so there are fewer rows than this.
            state = _file_state(self.path)
            return state.size // 1024 if state else 0

    def backup(self, destination: Path) -> None:
        """A consistent copy, even while other runs write; created 0600, never overwriting."""
        try:
            fd = os.open(destination, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            raise InputError(f"{destination} already exists; choose another name or move it "
                             "away first.") from None
        os.close(fd)
        try:
            with _storage_errors(destination):
                target = sqlite3.connect(destination)
                try:
                    with _storage_errors(self.path):
                        self._db.backup(target)
                        # The copy is page for page: a damaged history makes a damaged backup,
                        # which must not pass for a good one.
                        if target.execute("PRAGMA integrity_check(1)").fetchone()[0] != "ok":
                            raise DamagedHistory(_damaged_message(self.path))
                    target.execute("PRAGMA journal_mode = DELETE")
                finally:
                    target.close()
        except BaseException:
            destination.unlink(missing_ok=True)
            raise

    def add_commitment(self, assessment_id: str, commitment: Commitment) -> None:
        """Add a commitment to a saved check-in (an action agreed afterwards, at a meeting):
        into its commitments and its stored result alike, all or nothing, so exports and
        the next check-in's review see the same."""
        with self._transaction():
            row = self._db.execute("SELECT result FROM assessments WHERE id = ?",
                                   (assessment_id,)).fetchone()
            if row is None:
                raise InputError(f"The check-in {assessment_id[:8]} is no longer in your "
                                 "history; run `trustcheck history` to see what is.")
            record = json.loads(row[0])
            record["commitments"] = [*record.get("commitments", []),
                                     {"action": commitment.action, "text": commitment.text,
                                      "strategy": commitment.strategy}]
            self._db.execute(
                "INSERT INTO commitments (assessment_id, action_id, action_text, strategy_id) "
                "VALUES (?, ?, ?, ?)",
                (assessment_id, commitment.action, commitment.text, commitment.strategy))
            self._db.execute("UPDATE assessments SET result = ? WHERE id = ?",
                             (json.dumps(record, ensure_ascii=False), assessment_id))

    # --- shares (issue 11) -------------------------------------------------------------------

    def save_share(self, share: ShareRecord) -> None:
        """Keep a share's code, with the check-in it was made from."""
        with self._transaction():
            self._db.execute(
                "INSERT INTO shares (id, made_at, role, partner, assessment_id, code, "
                "payload_sha256) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (share.id, iso(share.made_at), share.role, share.partner, share.check_in,
                 share.code, share.commitment))

    def shares(self, relationship: Relationship | None = None, *,
               check_in: str | None = None) -> list[ShareRecord]:
        """Shares of one relationship (or made from one check-in), newest first."""
        from trustcheck.share import ShareRecord

        clauses, params = [], []
        if relationship is not None:
            clauses.append("role = ? AND partner IS ?")
            params += [relationship.role, relationship.partner]
        if check_in is not None:
            clauses.append("assessment_id = ?")
            params.append(check_in)
        where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
        with _storage_errors(self.path):
            rows = self._db.execute(
                "SELECT id, made_at, role, partner, assessment_id, code, payload_sha256 "
                f"FROM shares {where} ORDER BY made_at DESC, rowid DESC", params).fetchall()
        return [ShareRecord(row[0], _utc(row[1]), *row[2:]) for row in rows]

    # --- reminders (issue 12 §4) -------------------------------------------------------------

    def spans(self) -> list[Span]:
        """Every relationship's check-ins in brief (first, latest, how many), most recently
        active first: what `trustcheck due` needs to say when the next one is due."""
        from trustcheck.reminders import Span

        with _storage_errors(self.path):
            rows = self._db.execute(
                "SELECT role, partner, count(*), min(created_at), max(created_at), "
                "(SELECT f.id FROM assessments f WHERE f.role = a.role AND f.partner IS "
                "a.partner ORDER BY f.created_at, f.rowid LIMIT 1) "
                "FROM assessments a GROUP BY role, partner "
                "ORDER BY max(created_at) DESC, role, partner").fetchall()
        return [Span(Relationship(role, partner), count, first_id, _utc(first), _utc(latest))
                for role, partner, count, first, latest, first_id in rows]

    def cadences(self) -> dict[Relationship, int]:
        """The cadence (in days) a person set for a relationship, for those that have one."""
        with _storage_errors(self.path):
            rows = self._db.execute("SELECT role, partner, every_days FROM cadences").fetchall()
        return {Relationship(role, partner): every for role, partner, every in rows}

    def set_cadence(self, relationship: Relationship, every_days: int | None) -> None:
        """Check-ins of this relationship are due every `every_days`; None: the default rule."""
        with self._transaction():
            self._db.execute("DELETE FROM cadences WHERE role = ? AND partner IS ?",
                             (relationship.role, relationship.partner))
            if every_days is not None:
                self._db.execute(
                    "INSERT INTO cadences (role, partner, every_days, set_at) "
                    "VALUES (?, ?, ?, ?)",
                    (relationship.role, relationship.partner, every_days,
                     iso(datetime.now(timezone.utc))))

    def calendar_salt(self) -> str:
        """This history's random salt for the ids in calendar files (made by its migration)."""
        with _storage_errors(self.path):
            row = self._db.execute("SELECT salt FROM calendar_salt LIMIT 1").fetchone()
        if row is None:  # an older history read without migrating: none yet
            raise StorageError(f"The history {self.path} has no calendar salt yet; please run "
                               "the command again so trustcheck can update the history.")
        return str(row[0])


def _lowest(scores: list[tuple[str, float]],
            strategies: dict[str, tuple[int, str]]) -> Lowest | None:
    """The lowest of a check-in's scores; of equally low ones, the first in its result."""
    if not scores:
        return None
    last = len(strategies)  # a strategy its result does not list (never saved so) goes last
    strategy_id, score = min(scores, key=lambda found: (
        found[1], strategies.get(found[0], (last, ""))[0], found[0]))
    return Lowest(strategies.get(strategy_id, (last, strategy_id))[1], score)


def _felt_trust(result: Assessment) -> tuple[StrategyScore, ...]:
    """Felt trust, kept as a score row (id felt_trust, group partner_view) so that trends
    follow it like a strategy; the partner's strategies stay in the stored result only."""
    part = result.partner_view
    return () if part is None or part.felt_trust is None else (part.felt_trust,)


def _utc(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(timezone.utc)


def _where(filters: Filters, table: str = "") -> tuple[str, list[object]]:
    prefix = f"{table}." if table else ""
    clauses, params = [], []
    for column in ("role", "partner", "cohort"):
        value = getattr(filters, column)
        if value == "":  # stored labels are never empty: "" asks for check-ins without one
            clauses.append(f"{prefix}{column} IS NULL")
        elif value is not None:
            clauses.append(f"{prefix}{column} = ?")
            params.append(value)
    if filters.since is not None:
        clauses.append(f"{prefix}created_at >= ?")
        params.append(iso(filters.since))
    if filters.until is not None:
        clauses.append(f"{prefix}created_at <= ?")
        params.append(iso(filters.until))
    return ("WHERE " + " AND ".join(clauses)) if clauses else "", params


def _load_through_a_scratch_file(data: bytes, db: sqlite3.Connection) -> None:
    """Copy a database image into `db` page by page, through a private temporary file."""
    import tempfile  # here: about 4 ms, only on Python 3.10 when a history is read from a copy

    fd, name = tempfile.mkstemp(suffix=".db")  # created 0600
    try:
        with os.fdopen(fd, "wb") as scratch:
            scratch.write(data)
        source = sqlite3.connect(name)
        try:
            source.backup(db)
        finally:
            source.close()
    finally:
        os.unlink(name)


def _in_scope(found: Assessment, filters: Filters) -> bool:
    """The rule of `_where`, for assessments read one by one."""
    for label in ("role", "partner", "cohort"):
        wanted = getattr(filters, label)
        if wanted is not None and getattr(found, label) != (wanted or None):
            return False
    if filters.since is not None and found.created_at < filters.since:
        return False
    return filters.until is None or found.created_at <= filters.until


def _refuse_newer(path: Path, version: int) -> None:
    if version > SCHEMA_VERSION:
        raise StorageError(
            f"The history in {path} was written by a newer trustcheck (schema "
            f"{version}, this one knows up to {SCHEMA_VERSION}); please update "
            "trustcheck. Nothing was changed.")


def _stand_in_for_missing_tables(db: sqlite3.Connection) -> None:
    """Give an older history the tables it lacks, empty and only for this connection.

    Reading must not migrate (that writes), and an older history has nothing to put in the
    tables added since, so empty TEMP tables of the same shape answer every query truthfully.
    """
    present = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    fresh = sqlite3.connect(":memory:")
    try:
        for _, migration in MIGRATIONS:
            migration(fresh)
        tables = fresh.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'table'").fetchall()
    finally:
        fresh.close()
    for name, sql in tables:
        if name not in present:
            db.execute(sql.replace("CREATE TABLE", "CREATE TEMP TABLE", 1))


def _wal_holds_anything(path: Path) -> bool:
    try:
        return os.stat(f"{path}-wal").st_size > 0
    except FileNotFoundError:
        return False
    except OSError:
        return True  # cannot tell: assume it does


def _needs_writing(error: StorageError) -> bool:
    """Whether opening failed only because SQLite could not write beside the file (a full or
    read-only disk, a -shm file it may not change), so opening more carefully may succeed."""
    cause = error.__cause__
    if isinstance(error, DamagedHistory) or not isinstance(cause, sqlite3.Error):
        return False
    name, text = _error_name(cause), str(cause).lower()
    return (disk_full(cause) or name.startswith(("SQLITE_IOERR", "SQLITE_CANTOPEN",
                                                  "SQLITE_READONLY", "SQLITE_FULL"))
            or any(words in text for words in ("disk i/o", "unable to open", "readonly",
                                               "read-only", "disk is full")))


def damaged(error: BaseException) -> bool:
    """Whether this error says the history (or one check-in saved in it) is damaged."""
    if isinstance(error, DamagedHistory):
        return True
    # `Store._result` reports one unreadable saved result as a plain StorageError.
    return isinstance(error, StorageError) and error.message.startswith("The saved check-in ")


def _stamp_path(path: Path) -> Path:
    return path.with_name(f"{path.name}-checked")


def _file_state(path: Path) -> FileState | None:
    try:
        found = os.stat(path)
    except OSError:
        return None
    return FileState(found.st_size, found.st_mtime_ns, found.st_ctime_ns, found.st_ino,
                     found.st_dev)


def _last_seen_whole(path: Path) -> FileState | None:
    """The file's state when trustcheck last checked it or wrote to it, from its -checked file."""
    try:
        with open(_stamp_path(path), encoding="utf-8") as stamp:
            return FileState(*(int(part) for part in stamp.read().split()))
    except (OSError, ValueError, TypeError):
        return None


def _remember_whole(path: Path) -> None:
    """Note the file's state beside it (privately, atomically); on failure, the next write just
    checks the whole file again."""
    state = _file_state(path)
    if state is None:
        return
    stamp = _stamp_path(path)
    temporary = stamp.with_name(f".{stamp.name}.{os.getpid()}.tmp")
    try:
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            os.write(fd, " ".join(str(part) for part in state).encode("ascii"))
        finally:
            os.close(fd)
        os.replace(temporary, stamp)
    except OSError:
        with suppress(OSError):
            os.unlink(temporary)


def _free_bytes(folder: Path) -> int | None:
    try:
        found = os.statvfs(folder)
    except (OSError, AttributeError):  # no statvfs on Windows
        return None
    return found.f_bavail * found.f_frsize


def _looks_full(path: Path, exc: BaseException) -> bool:
    """A full disk, said outright or (SQLite's "disk I/O error") with almost no space left."""
    if disk_full(exc):
        return True
    text = str(exc).lower()
    name = getattr(exc, "sqlite_errorname", "") or ""
    io_error = (name.startswith(("SQLITE_IOERR", "SQLITE_CANTOPEN")) or "disk i/o" in text
                or "unable to open" in text or isinstance(exc, OSError))
    free = _free_bytes(path.parent) if io_error else None
    return free is not None and free < NEARLY_FULL_BYTES


def _damaged_message(path: Path) -> str:
    return (f"The history file {path} is damaged, and trustcheck has not changed it; run "
            "`trustcheck history export -o rescue.json` to save what can still be read, then "
            "move it (with any -wal and -shm file beside it) aside and copy your latest backup in "
            "its place (backups made by `trustcheck history backup` are history-backup-*.db in "
            f"{path.parent}), or just move it aside to start a new history.")


def _create_private_file(path: Path) -> None:
    """Create the database file 0600 before SQLite does, so it is never readable by others.

    SQLite gives its -wal and -journal files the same permissions as the database file.
    """
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    os.close(fd)


@contextmanager
def _storage_errors(path: Path) -> Iterator[None]:
    """Turn SQLite's and the disk's failures into one plain sentence about the history file."""
    try:
        yield
    except sqlite3.Error as exc:
        text = str(exc).lower()
        name = _error_name(exc)
        if _looks_full(path, exc):
            message = (f"The disk holding {path} is full, so nothing was saved; free some space "
                       "and try again.")
        elif "locked" in text or "busy" in text or name in ("SQLITE_BUSY", "SQLITE_LOCKED"):
            message = (f"The history in {path} stayed busy with another trustcheck run for "
                       f"{BUSY_TIMEOUT_MS // 1000} seconds; please try again in a moment.")
        elif "readonly" in text or "read-only" in text or "unable to open" in text:
            message = (f"trustcheck may not write to {path}; please check the permissions of "
                       "the file and its folder.")
        elif isinstance(exc, sqlite3.DatabaseError) and (
                "not a database" in text or "malformed" in text or "corrupt" in text
                or "could not decode" in text):  # damaged text; never echo it back
            raise DamagedHistory(_damaged_message(path)) from exc
        else:
            message = (f"trustcheck could not use the history file {path} ({exc}); please check "
                       "the file and try again.")
        raise StorageError(message) from exc
    except OSError as exc:
        if _looks_full(path, exc):
            raise StorageError(f"The disk holding {path} is full, so nothing was saved; free "
                               "some space and try again.") from exc
        raise StorageError(f"trustcheck could not use {path} ({exc.strerror}); please check the "
                           "file and its folder.") from exc
