"""The simulator's SQLite database: schema, one connection per thread, serialised writes.

Every state change runs inside `Database.write()`: a process-wide lock plus `BEGIN IMMEDIATE`.
The lock keeps the server's own threads from ever waiting in SQLite's busy handler (which
sleeps in whole milliseconds); `BEGIN IMMEDIATE` and `busy_timeout` still protect the file if a
second process opens it. WAL with `synchronous=NORMAL`: a commit is durable against a crash of
the simulator (the tests kill it), not against a power cut, which a simulator does not need.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS persons (
    psn_no TEXT PRIMARY KEY, certno TEXT NOT NULL, balc TEXT NOT NULL, profile TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS persons_certno ON persons (certno);
CREATE TABLE IF NOT EXISTS cards (
    card_no TEXT PRIMARY KEY, card_sn TEXT NOT NULL, psn_no TEXT NOT NULL,
    version TEXT NOT NULL, expires TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS usage (
    psn_no TEXT NOT NULL, year INTEGER NOT NULL, state TEXT NOT NULL,
    PRIMARY KEY (psn_no, year));
CREATE TABLE IF NOT EXISTS msgs (
    msgid TEXT PRIMARY KEY, infno TEXT NOT NULL, body_hash TEXT, response BLOB,
    reversed_by TEXT);
CREATE TABLE IF NOT EXISTS mdtrts (
    seq INTEGER PRIMARY KEY, mdtrt_id TEXT UNIQUE NOT NULL, psn_no TEXT NOT NULL,
    fixmedins_code TEXT NOT NULL, insutype TEXT NOT NULL, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS fees (
    mdtrt_id TEXT NOT NULL, chrg_bchno TEXT NOT NULL, feedetl_sn TEXT NOT NULL,
    psn_no TEXT NOT NULL, med_list_codg TEXT NOT NULL, pric TEXT NOT NULL, cnt TEXT NOT NULL,
    PRIMARY KEY (mdtrt_id, chrg_bchno, feedetl_sn));
CREATE TABLE IF NOT EXISTS settlements (
    seq INTEGER PRIMARY KEY, setl_id TEXT UNIQUE NOT NULL, msgid TEXT NOT NULL,
    infno TEXT NOT NULL, kind TEXT NOT NULL, orig_setl_id TEXT, psn_no TEXT NOT NULL,
    fixmedins_code TEXT NOT NULL, mdtrt_id TEXT NOT NULL, chrg_bchno TEXT NOT NULL,
    med_type TEXT NOT NULL, year INTEGER NOT NULL, setl_time TEXT NOT NULL,
    insutype TEXT NOT NULL, mulaid_psn_no TEXT, state TEXT NOT NULL, setlinfo TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS settlements_bill ON settlements (mdtrt_id, chrg_bchno);
CREATE INDEX IF NOT EXISTS settlements_msgid ON settlements (msgid);
CREATE INDEX IF NOT EXISTS settlements_time ON settlements (fixmedins_code, setl_time);
CREATE TABLE IF NOT EXISTS trac_codes (
    codg TEXT NOT NULL, setl_id TEXT NOT NULL, active INTEGER NOT NULL,
    PRIMARY KEY (codg, setl_id));
CREATE INDEX IF NOT EXISTS trac_codes_setl ON trac_codes (setl_id);
CREATE TABLE IF NOT EXISTS tokens (
    tok TEXT PRIMARY KEY, kind TEXT NOT NULL, psn_no TEXT NOT NULL, expires REAL NOT NULL,
    decoded REAL, used REAL);
CREATE TABLE IF NOT EXISTS his_orders (
    seq INTEGER PRIMARY KEY, rxno TEXT UNIQUE NOT NULL, psn_no TEXT NOT NULL,
    certno TEXT NOT NULL, body TEXT NOT NULL, paid_setl_id TEXT);
CREATE INDEX IF NOT EXISTS his_orders_certno ON his_orders (certno);
CREATE TABLE IF NOT EXISTS policies (
    policy_no TEXT PRIMARY KEY, psn_no TEXT NOT NULL, plan_code TEXT NOT NULL,
    begndate TEXT NOT NULL, enddate TEXT NOT NULL, state TEXT NOT NULL,
    dedc_used TEXT NOT NULL, paid TEXT NOT NULL, bought_msgid TEXT);
CREATE INDEX IF NOT EXISTS policies_psn ON policies (psn_no);
CREATE TABLE IF NOT EXISTS claims (
    seq INTEGER PRIMARY KEY, claim_id TEXT UNIQUE NOT NULL, setl_id TEXT NOT NULL,
    policy_no TEXT NOT NULL, psn_no TEXT NOT NULL, fixmedins_code TEXT NOT NULL,
    covered_amt TEXT NOT NULL, dedc_amt TEXT NOT NULL, pay_amt TEXT NOT NULL,
    state TEXT NOT NULL, claim_time TEXT NOT NULL, msgid TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS claims_setl ON claims (setl_id);
"""


class Database:
    """The file, a connection per thread, and the write lock."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = threading.local()
        self._write_lock = threading.Lock()
        with self._write_lock:
            self.conn().executescript(SCHEMA)

    def conn(self) -> sqlite3.Connection:
        """This thread's connection (autocommit mode: transactions are explicit)."""
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("PRAGMA busy_timeout=10000")
            self._local.conn = conn
        return conn

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One atomic read-modify-write: commits on success, rolls back on any exception."""
        conn = self.conn()
        with self._write_lock:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    def meta(self, key: str) -> str | None:
        row = self.conn().execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])
