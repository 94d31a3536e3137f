"""The journal's schema as a list of migrations; `PRAGMA user_version` counts those applied.

Append a new function to `MIGRATIONS` to change the schema; never edit one that has shipped.
Columns named in docs/journal.md. Personal data only ever sits in the BLOB columns, encrypted
field by field (`offline_store.crypto`); money is text (`Money` as "12.50"), times are Unix
seconds (REAL) except the audit log's, which are ISO text because they are hashed.
"""

from __future__ import annotations

import sqlite3

from offline_store.sequence import SEQUENCE_DDL

_V1 = (
    # small key/value facts: the key check value, the audit log's head
    """CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID""",
    SEQUENCE_DDL,
    """CREATE TABLE transactions (
        tx_id TEXT PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('outpatient', 'pharmacy')),
        state TEXT NOT NULL,
        person_key TEXT,
        identity BLOB,
        bill BLOB,
        estimated BLOB,
        actual BLOB,
        note TEXT NOT NULL DEFAULT '',
        created_at REAL NOT NULL,
        updated_at REAL NOT NULL,
        finished_at REAL
    )""",
    "CREATE INDEX transactions_state ON transactions (state, updated_at)",
    "CREATE INDEX transactions_person ON transactions (person_key) WHERE person_key IS NOT NULL",
    "CREATE INDEX transactions_finished ON transactions (finished_at) "
    "WHERE finished_at IS NOT NULL",
    """CREATE TABLE requests (
        req_id INTEGER PRIMARY KEY,
        msgid TEXT NOT NULL UNIQUE,
        tx_id TEXT NOT NULL REFERENCES transactions (tx_id) ON DELETE CASCADE,
        infno TEXT NOT NULL,
        body BLOB NOT NULL,
        status TEXT NOT NULL
            CHECK (status IN ('prepared', 'sent', 'succeeded', 'failed', 'unknown')),
        response BLOB,
        error TEXT NOT NULL DEFAULT '',
        created_at REAL NOT NULL,
        updated_at REAL NOT NULL
    )""",
    "CREATE INDEX requests_tx ON requests (tx_id)",
    # the requests still to forward; only each person's oldest (head = 1) may be claimed
    """CREATE TABLE outbox (
        req_id INTEGER PRIMARY KEY REFERENCES requests (req_id) ON DELETE CASCADE,
        person_key TEXT NOT NULL,
        seq INTEGER NOT NULL,
        head INTEGER NOT NULL,
        next_attempt_at REAL NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        claim_token TEXT,
        last_error TEXT NOT NULL DEFAULT '',
        enqueued_at REAL NOT NULL
    )""",
    "CREATE INDEX outbox_person ON outbox (person_key, seq)",
    "CREATE INDEX outbox_ready ON outbox (next_attempt_at) WHERE head = 1",
    """CREATE TABLE dead_letters (
        req_id INTEGER PRIMARY KEY REFERENCES requests (req_id) ON DELETE CASCADE,
        person_key TEXT NOT NULL,
        seq INTEGER NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('open', 'retried', 'resolved')),
        message TEXT NOT NULL,
        attempts INTEGER NOT NULL,
        dead_at REAL NOT NULL,
        resolution TEXT NOT NULL DEFAULT '',
        resolved_at REAL,
        retry_req_id INTEGER
    )""",
    "CREATE INDEX dead_letters_open ON dead_letters (person_key) WHERE status = 'open'",
    """CREATE TABLE payments (
        payment_id INTEGER PRIMARY KEY,
        tx_id TEXT NOT NULL REFERENCES transactions (tx_id) ON DELETE CASCADE,
        channel TEXT NOT NULL,
        order_no TEXT NOT NULL UNIQUE,
        amount TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('pending', 'collected', 'refunded', 'failed')),
        created_at REAL NOT NULL,
        updated_at REAL NOT NULL
    )""",
    "CREATE INDEX payments_tx ON payments (tx_id)",
    """CREATE TABLE adjustments (
        adj_id INTEGER PRIMARY KEY,
        tx_id TEXT NOT NULL REFERENCES transactions (tx_id) ON DELETE CASCADE,
        amount TEXT NOT NULL,
        reason TEXT NOT NULL,
        settled INTEGER NOT NULL DEFAULT 0,
        created_at REAL NOT NULL,
        settled_at REAL
    )""",
    "CREATE INDEX adjustments_tx ON adjustments (tx_id)",
    "CREATE INDEX adjustments_open ON adjustments (settled) WHERE settled = 0",
    # append-only: kept after a purge; hashes are 32-byte SHA-256 digests
    """CREATE TABLE audit_log (
        seq INTEGER PRIMARY KEY,
        time TEXT NOT NULL,
        event TEXT NOT NULL,
        tx_id TEXT,
        details TEXT NOT NULL,
        prev_hash BLOB NOT NULL,
        hash BLOB NOT NULL
    )""",
    """CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END""",
    """CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END""",
)


def _v1_initial(conn: sqlite3.Connection) -> None:
    """Every table of the first release."""
    for statement in _V1:
        conn.execute(statement)


# v2: the outbox becomes columns of `requests`. An enqueue, a claim and an ack each touch one
# row instead of two (plus the outbox's own table and index pages), which is most of what a
# durable commit costs besides its fsync (bench/README.md, "Journal and outbox").
_V2_COLUMNS = (
    "person_key TEXT",  # whose queue it is in (set when queued)
    "seq INTEGER",  # its place in that queue; a replacement takes its predecessor's seq
    "queued INTEGER NOT NULL DEFAULT 0",  # 1 while still to forward
    "head INTEGER NOT NULL DEFAULT 0",  # 1 = the person's oldest queued request, claimable
    "next_attempt_at REAL",  # due time; while claimed, the end of the lease
    "attempts INTEGER NOT NULL DEFAULT 0",
    "claim_token TEXT",
    "enqueued_at REAL",
)


def _v2_outbox_in_requests(conn: sqlite3.Connection) -> None:
    """Move the outbox's rows into the new columns of `requests`; drop the outbox table."""
    for column in _V2_COLUMNS:
        conn.execute(f"ALTER TABLE requests ADD COLUMN {column}")
    conn.execute(
        "UPDATE requests SET (person_key, seq, queued, head, next_attempt_at, attempts, "
        "claim_token, enqueued_at, error) = (SELECT o.person_key, o.seq, 1, o.head, "
        "o.next_attempt_at, o.attempts, o.claim_token, o.enqueued_at, "
        "CASE WHEN o.last_error = '' THEN requests.error ELSE o.last_error END "
        "FROM outbox o WHERE o.req_id = requests.req_id) "
        "WHERE req_id IN (SELECT req_id FROM outbox)"
    )
    conn.execute("DROP TABLE outbox")
    conn.execute("CREATE INDEX requests_queue ON requests (person_key, seq) WHERE queued = 1")
    conn.execute("CREATE INDEX requests_ready ON requests (next_attempt_at) WHERE head = 1")


def _v3_returns(conn: sqlite3.Connection) -> None:
    """Returns: the lines a patient keeps when part of a completed sale comes back (encrypted
    like the bill), journalled before the settlement is cancelled."""
    conn.execute("ALTER TABLE transactions ADD COLUMN kept BLOB")


def _v4_plan_purchases(conn: sqlite3.Connection) -> None:
    """Commercial plans bought with the personal account (docs/commercial.md): each purchase
    written before it is sent and its outcome after, so an interrupted purchase is resent
    under the same msgid, never bought twice. The request body is encrypted like a request's;
    the person appears only as the journal's keyed pseudonym."""
    conn.execute(
        """CREATE TABLE plan_purchases (
            msgid TEXT PRIMARY KEY,
            person_key TEXT NOT NULL,
            plan_code TEXT NOT NULL,
            body BLOB NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('prepared', 'succeeded', 'failed')),
            response BLOB,
            error TEXT NOT NULL DEFAULT '',
            created_at REAL NOT NULL,
            updated_at REAL NOT NULL
        )"""
    )
    conn.execute(
        "CREATE INDEX plan_purchases_open ON plan_purchases (person_key, plan_code) "
        "WHERE status = 'prepared'"
    )


MIGRATIONS = (_v1_initial, _v2_outbox_in_requests, _v3_returns, _v4_plan_purchases)
