"""The private history: one SQLite file, its schema and migrations, and every query on it."""

from __future__ import annotations

import json
import os
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from trustcheck import assessment as results
from trustcheck.assessment import Assessment
from trustcheck.errors import InputError, StorageError
from trustcheck.paths import make_private_folder

BUSY_TIMEOUT_MS = 30_000


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


# Each migration is a small named function; its position (from 1) is the schema version it makes.
# Never edit a released migration: add a new one.
MIGRATIONS: tuple[tuple[str, Callable[[sqlite3.Connection], None]], ...] = (
    ("create assessments, answers and strategy scores", _create_assessments),
)
SCHEMA_VERSION = len(MIGRATIONS)


@dataclass(frozen=True)
class Filters:
    role: str | None = None
    partner: str | None = None
    cohort: str | None = None


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


class Store:
    """An open history database. Use `Store.open(path)`; close it (or use `with`)."""

    def __init__(self, path: Path, db: sqlite3.Connection) -> None:
        self.path = path
        self._db = db

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
                if version > SCHEMA_VERSION:
                    raise StorageError(
                        f"The history in {path} was written by a newer trustcheck (schema "
                        f"{version}, this one knows up to {SCHEMA_VERSION}); please update "
                        "trustcheck. Nothing was changed.")
                _use_wal(db)
                db.execute("PRAGMA synchronous = NORMAL")
                db.execute("PRAGMA foreign_keys = ON")
                if version < SCHEMA_VERSION:
                    store._migrate()
        except BaseException:
            db.close()
            raise
        return store

    def _version(self) -> int:
        return int(self._db.execute("PRAGMA user_version").fetchone()[0])

    def _migrate(self) -> None:
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
                                 (number, name, results.iso(datetime.now(timezone.utc))))
                self._db.execute(f"PRAGMA user_version = {number}")

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        """One write transaction: all of it lands, or none of it does."""
        with _storage_errors(self.path):
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- writing ---------------------------------------------------------------------------

    def save(self, result: Assessment) -> None:
        record = results.to_dict(result)
        with self._transaction():
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
                 for s in result.strategies],
            )

    # --- reading ---------------------------------------------------------------------------

    def list(self, filters: Filters = Filters(), limit: int | None = 20) -> list[Assessment]:
        """Assessments matching the filters, newest first; limit None (or 0) means all."""
        where, params = _where(filters)
        sql = f"SELECT id, result FROM assessments {where} ORDER BY created_at DESC, rowid DESC"
        if limit:
            sql += " LIMIT ?"
            params.append(limit)
        with _storage_errors(self.path):
            rows = self._db.execute(sql, params).fetchall()
        return [self._result(row_id, text) for row_id, text in rows]

    def get(self, reference: str) -> Assessment:
        """One assessment by id, a unique start of an id, or 'last' for the newest."""
        with _storage_errors(self.path):
            if reference == "last":
                rows = self._db.execute(
                    "SELECT id, result FROM assessments ORDER BY created_at DESC, rowid DESC "
                    "LIMIT 1").fetchall()
            else:
                pattern = reference.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
                rows = self._db.execute(
                    "SELECT id, result FROM assessments WHERE id LIKE ? ESCAPE '\\' LIMIT 2",
                    (pattern + "%",)).fetchall()
        if not rows:
            if reference == "last":
                raise InputError("There are no saved assessments yet; run `trustcheck assess` "
                                 "to take your first.")
            raise InputError(f"There is no saved assessment with the id '{reference}'; run "
                             "`trustcheck history` to see the ids.")
        if len(rows) > 1:
            raise InputError(f"More than one assessment has an id starting with '{reference}'; "
                             "please type more of the id.")
        return self._result(*rows[0])

    def count(self) -> int:
        with _storage_errors(self.path):
            return int(self._db.execute("SELECT count(*) FROM assessments").fetchone()[0])

    def _result(self, row_id: str, text: str) -> Assessment:
        try:
            return results.from_dict(json.loads(text), source=f"assessment {row_id}")
        except (ValueError, InputError):
            raise StorageError(
                f"The saved assessment {row_id} in {self.path} is damaged; restore the history "
                "from a backup or remove that assessment.") from None


def _where(filters: Filters) -> tuple[str, list[object]]:
    clauses, params = [], []
    for column in ("role", "partner", "cohort"):
        value = getattr(filters, column)
        if value is not None:
            clauses.append(f"{column} = ?")
            params.append(value)
    return ("WHERE " + " AND ".join(clauses)) if clauses else "", params


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
        if "full" in text or name == "SQLITE_FULL":
            message = (f"The disk holding {path} is full, so nothing was saved; free some space "
                       "and try again.")
        elif "locked" in text or "busy" in text or name in ("SQLITE_BUSY", "SQLITE_LOCKED"):
            message = (f"The history in {path} stayed busy with another trustcheck run for "
                       f"{BUSY_TIMEOUT_MS // 1000} seconds; please try again in a moment.")
        elif "readonly" in text or "read-only" in text or "unable to open" in text:
            message = (f"trustcheck may not write to {path}; please check the permissions of "
                       "the file and its folder.")
        elif isinstance(exc, sqlite3.DatabaseError) and (
                "not a database" in text or "malformed" in text or "corrupt" in text):
            message = (f"The history file {path} is damaged, and trustcheck has not changed it; "
                       "restore it from a backup if you have one, or move the file aside to "
                       "start a new history.")
        else:
            message = (f"trustcheck could not use the history file {path} ({exc}); please check "
                       "the file and try again.")
        raise StorageError(message) from exc
    except OSError as exc:
        if exc.errno == 28:  # ENOSPC
            raise StorageError(f"The disk holding {path} is full, so nothing was saved; free "
                               "some space and try again.") from exc
        raise StorageError(f"trustcheck could not use {path} ({exc.strerror}); please check the "
                           "file and its folder.") from exc
