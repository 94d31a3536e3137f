"""The persisted msgid counter: the 4-digit tail of every `msgid` (central-api.md, envelope).

A `msgid` must never repeat, across restarts, crashes, threads and processes, and even when the
clock steps back (an NTP correction, a dead RTC battery). So the counter remembers the last
second it handed out and never goes below it: if the clock says an earlier second, the counter
keeps using the later one. Within one second it counts 0, 1, 2, ... and refuses to wrap
(`SequenceExhausted`); the caller waits for the next second rather than reuse a value.

The counter is one row in SQLite, updated under `BEGIN IMMEDIATE` with `synchronous=FULL`, so
the value is on disk before it is returned. It lives in the journal database when given the
journal (then a msgid can be allocated in the same SQLite transaction that writes the request,
see `allocate_in`), or in a file of its own when given a path.
"""

from __future__ import annotations

import re
import sqlite3
import threading
from pathlib import Path
from typing import Protocol

from kernel import msgid as central_msgid
from kernel.errors import MedtermError

SEQUENCE_DDL = """
CREATE TABLE IF NOT EXISTS msgid_sequence (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    second TEXT NOT NULL,
    value INTEGER NOT NULL
)
"""

_SECOND = re.compile(r"\d{14}")


class SequenceExhausted(MedtermError, central_msgid.SequenceExhausted):
    """Every value of this second was handed out: wait for the next second, never wrap.

    Also a `kernel.msgid.SequenceExhausted`, the exception the msgid allocator
    catches to wait for the next second; `second` is the exhausted second.
    """

    code = "E501"
    message_zh = "本秒报文序号已用尽"
    message_en = "msgid sequence exhausted for this second"
    action = "Wait for the next second and allocate again (the client does this by itself)."
    action_zh = "请等待下一秒再分配（程序会自动处理）。"

    def __init__(self, second: str, width: int) -> None:
        MedtermError.__init__(self, f"second {second}, width {width}")
        self.second = second


class ConnectionProvider(Protocol):
    """Anything that hands the calling thread its own open connection (the journal does)."""

    def connection(self) -> sqlite3.Connection:
        """A connection owned by the calling thread, in autocommit mode (isolation_level None)."""
        ...


def allocate_in(conn: sqlite3.Connection, second: str, width: int) -> tuple[str, int]:
    """Allocate inside the caller's open write transaction (it must hold the write lock).

    Returns `(second_used, value)`: `second_used` is `max(second, last second handed out)`,
    `value` the next counter of that second. Raises `SequenceExhausted` (and changes nothing)
    when `value` would reach `10**width`.
    """
    if not _SECOND.fullmatch(second):
        raise ValueError(f"second must be yyyyMMddHHmmss (14 digits), got {second!r}")
    if not 1 <= width <= 4:
        raise ValueError(f"width must be 1..4 digits, got {width}")
    row = conn.execute("SELECT second, value FROM msgid_sequence WHERE id = 1").fetchone()
    if row is None or second > row[0]:
        used, value = second, 0
    else:
        used, value = row[0], row[1] + 1
    if value >= 10**width:
        raise SequenceExhausted(used, width)
    conn.execute(
        "INSERT INTO msgid_sequence (id, second, value) VALUES (1, ?, ?) "
        "ON CONFLICT (id) DO UPDATE SET second = excluded.second, value = excluded.value",
        (used, value),
    )
    return used, value


def open_counter_file(path: Path) -> sqlite3.Connection:
    """Open a stand-alone counter file with the journal's durability settings."""
    conn = sqlite3.connect(path, isolation_level=None, timeout=30.0, check_same_thread=True)
    conn.execute("PRAGMA busy_timeout = 30000")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    return conn


class _FileConnections:
    """One connection per thread to a stand-alone counter file."""

    def __init__(self, path: Path) -> None:
        self._path = Path(path)
        self._local = threading.local()
        conn = open_counter_file(self._path)
        try:
            conn.execute(SEQUENCE_DDL)
        finally:
            conn.close()

    def connection(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = open_counter_file(self._path)
            self._local.conn = conn
        return conn


class SqliteMsgidCounter:
    """The msgid counter, durable and safe across threads and processes.

    `source` is a path (a file of its own, created if missing) or the journal's database (any
    `ConnectionProvider`, whose schema already holds the `msgid_sequence` table).
    """

    def __init__(self, source: Path | str | ConnectionProvider) -> None:
        if isinstance(source, (str, Path)):
            self._provider: ConnectionProvider = _FileConnections(Path(source))
        else:
            self._provider = source

    def allocate(self, second: str, width: int) -> tuple[str, int]:
        """Return `(second_to_use, value)`, committed to disk before it returns.

        `second` is the caller's clock as `yyyyMMddHHmmss`; `width` the number of counter
        digits (4 minus the terminal's slot digits). Raises `SequenceExhausted` when this
        second's values are used up.
        """
        conn = self._provider.connection()
        conn.execute("BEGIN IMMEDIATE")
        try:
            result = allocate_in(conn, second, width)
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
        return result
