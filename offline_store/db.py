"""The journal's SQLite file: opening, durability settings, integrity check, schema migrations.

Opened through sqlite-utils (its `Database` wraps each connection for queries and schema
inspection). Every connection runs in autocommit mode and writes happen only inside
`JournalDatabase.write()`, one `BEGIN IMMEDIATE ... COMMIT` each, so a step's change and its
audit row are committed together or not at all, and two writers never deadlock on a lock
upgrade. WAL with `synchronous=FULL`: a committed write survives power loss.

SQLite's failures are turned into typed errors a person can act on (corrupt file, full disk,
read-only file, I/O error); see docs/journal.md for the recovery steps of each.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlite_utils

from kernel.events import JournalChange
from kernel.observers import Observers
from offline_store import schema
from offline_store.errors import (
    JournalCorruptError,
    JournalError,
    JournalFullError,
    JournalIOError,
    JournalReadOnlyError,
    JournalSchemaError,
)

SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 30_000

# primary result codes (sqlite3.h); Python 3.11 exposes them as `sqlite_errorcode`
_SQLITE_READONLY = 8
_SQLITE_IOERR = 10
_SQLITE_CORRUPT = 11
_SQLITE_FULL = 13
_SQLITE_CANTOPEN = 14
_SQLITE_NOTADB = 26


def translate(error: sqlite3.Error, path: Path) -> JournalError | sqlite3.Error:
    """The typed journal error for an SQLite failure, or the failure itself if none fits."""
    code = getattr(error, "sqlite_errorcode", 0) & 0xFF
    detail = f"{path}: {error}"
    if code == _SQLITE_FULL:
        return JournalFullError(detail)
    if code == _SQLITE_READONLY:
        return JournalReadOnlyError(detail)
    if code in (_SQLITE_CORRUPT, _SQLITE_NOTADB):
        return JournalCorruptError(detail)
    if code == _SQLITE_CANTOPEN:
        return JournalReadOnlyError(f"cannot open {detail}")
    if code == _SQLITE_IOERR:
        return JournalIOError(detail)
    return error


@contextmanager
def sqlite_errors(path: Path) -> Iterator[None]:
    """Re-raise SQLite failures inside the block as typed journal errors."""
    try:
        yield
    except sqlite3.Error as error:
        typed = translate(error, path)
        if typed is error:
            raise
        raise typed from error


class JournalDatabase:
    """One journal file, with one connection per thread.

    Use `open_journal_database(path)` rather than the constructor: it checks the file and
    migrates the schema first.
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._local = threading.local()
        # every thread's connection, by thread: those of ended threads are closed when a new
        # one opens (a forwarder's worker pool comes and goes with each drain)
        self._connections: dict[threading.Thread, sqlite3.Connection] = {}
        self._lock = threading.Lock()
        # subscribers of committed changes (the audit rows of each commit, after the commit)
        self.changes: Observers[JournalChange] = Observers("journal")

    def connection(self) -> sqlite3.Connection:
        """The calling thread's connection (opened on first use), in autocommit mode."""
        conn = getattr(self._local, "conn", None)
        if conn is None:
            with sqlite_errors(self.path):
                conn = _connect(self.path)
            self._local.conn = conn
            with self._lock:
                for thread in [t for t in self._connections if not t.is_alive()]:
                    self._connections.pop(thread).close()
                self._connections[threading.current_thread()] = conn
        return conn

    @property
    def db(self) -> sqlite_utils.Database:
        """sqlite-utils' view of the calling thread's connection (queries, schema)."""
        view = getattr(self._local, "db", None)
        if view is None:
            view = sqlite_utils.Database(self.connection())
            self._local.db = view
        return view

    @contextmanager
    def write(self, *, durable: bool = True) -> Iterator[sqlite3.Connection]:
        """One write transaction: `BEGIN IMMEDIATE`, the block, `COMMIT` (or `ROLLBACK`).

        `durable=False` commits without waiting for the disk (`synchronous=NORMAL`): only for
        writes whose loss in a power cut is harmless (an outbox lease, which a crash expires
        anyway). A later durable commit makes it durable too.
        """
        conn = self.connection()
        with sqlite_errors(self.path):
            if not durable:
                conn.execute("PRAGMA synchronous = NORMAL")
            try:
                conn.execute("BEGIN IMMEDIATE")
                watched = bool(self.changes)  # read the audit head only when someone listens
                first_seq = _audit_head(conn) if watched else 0
                try:
                    yield conn
                except BaseException:
                    if conn.in_transaction:
                        conn.execute("ROLLBACK")
                    raise
                last_seq = _audit_head(conn) if watched else first_seq
                try:
                    conn.execute("COMMIT")
                except sqlite3.Error:
                    if conn.in_transaction:
                        conn.execute("ROLLBACK")
                    raise
            finally:
                if not durable:
                    conn.execute("PRAGMA synchronous = FULL")
        if last_seq > first_seq:
            self._publish(conn, first_seq, last_seq)

    def _publish(self, conn: sqlite3.Connection, after: int, last: int) -> None:
        """Tell subscribers what the commit wrote: its audit rows, in order."""
        rows = conn.execute(
            "SELECT seq, event, tx_id, details FROM audit_log WHERE seq > ? AND seq <= ? "
            "ORDER BY seq",
            (after, last),
        ).fetchall()
        for seq, event, tx_id, details in rows:
            self.changes.emit(JournalChange(seq, event, tx_id, json.loads(details or "{}")))

    def query(self, sql: str, params: tuple | dict = ()) -> list[dict[str, Any]]:
        """Run a query on the calling thread's connection (sqlite-utils); rows as dicts."""
        with sqlite_errors(self.path):
            return list(self.db.query(sql, params))

    def user_version(self) -> int:
        return int(self.connection().execute("PRAGMA user_version").fetchone()[0])

    def close(self) -> None:
        """Close every thread's connection (call once, when no other thread uses the journal)."""
        with self._lock:
            for conn in self._connections.values():
                conn.close()
            self._connections.clear()
        self._local = threading.local()


def _connect(path: Path) -> sqlite3.Connection:
    # Each connection is only ever used by the thread that opened it (`connection()` is
    # thread-local); the check is off so that `close()` may close the connections of worker
    # threads that have ended (the forwarder's pool), which the check would refuse.
    conn = sqlite3.connect(
        path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False
    )
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA synchronous = FULL")
    return conn


def check_header(path: Path) -> None:
    """Refuse a non-empty file that does not start with SQLite's header (no page read needed)."""
    if not path.exists() or path.stat().st_size == 0:
        return
    with path.open("rb") as handle:
        header = handle.read(len(SQLITE_HEADER))
    if header != SQLITE_HEADER:
        raise JournalCorruptError(f"{path}: not an SQLite database (bad header)")


def quick_check(database: JournalDatabase) -> list[str]:
    """`PRAGMA quick_check`: an empty list when the file is sound, else SQLite's findings."""
    with sqlite_errors(database.path):
        rows = database.connection().execute("PRAGMA quick_check").fetchall()
    findings = [str(row[0]) for row in rows]
    return [] if findings == ["ok"] else findings


Migration = Callable[[sqlite3.Connection], None]


def migrate(database: JournalDatabase, migrations: tuple[Migration, ...]) -> int:
    """Apply the migrations the file has not seen yet, each in its own transaction.

    `PRAGMA user_version` counts the migrations applied; it is written in the same
    transaction as the migration, so a crash leaves either the old or the new schema.
    """
    current = database.user_version()
    if current > len(migrations):
        raise JournalSchemaError(
            f"{database.path}: schema version {current}, this medterm knows {len(migrations)}"
        )
    for version, step in enumerate(migrations[current:], start=current + 1):
        with database.write() as conn:
            step(conn)
            conn.execute(f"PRAGMA user_version = {version}")
    return database.user_version()


def open_journal_database(path: Path, *, check_integrity: bool = True) -> JournalDatabase:
    """Open (creating if missing) the journal file, check it and bring its schema up to date.

    Raises `JournalCorruptError` for a damaged or foreign file, `JournalReadOnlyError` when it
    cannot be written, `JournalSchemaError` when it is newer than this medterm.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    check_header(path)
    database = JournalDatabase(path)
    try:
        with sqlite_errors(path):
            mode = database.connection().execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            raise JournalReadOnlyError(f"{path}: cannot switch to WAL (journal_mode {mode})")
        if check_integrity:
            findings = quick_check(database)
            if findings:
                raise JournalCorruptError(f"{path}: quick_check: {'; '.join(findings[:3])}")
        migrate(database, schema.MIGRATIONS)
    except BaseException:
        database.close()
        raise
    return database


def _audit_head(conn: sqlite3.Connection) -> int:
    """The last audit row's seq (0 for an empty log)."""
    row = conn.execute("SELECT max(seq) FROM audit_log").fetchone()
    return int(row[0] or 0)
