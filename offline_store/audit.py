"""The append-only, hash-chained audit log of the journal.

Every state change of the journal appends one row in the same SQLite transaction as the change:
`seq, time, event, tx_id, details` (JSON, never personal data: ids, states, amounts, codes),
`prev_hash` (the previous row's hash) and `hash = SHA-256(prev_hash || canonical row)`.
Triggers refuse UPDATE and DELETE through SQLite; `verify()` catches what bypasses them (a raw
edit of the file, dropped triggers): an edited row no longer matches its hash, a deleted row
leaves a gap in `seq` or a broken link, a moved row is chained after the wrong predecessor, and
a cut-off tail no longer reaches the head recorded in `meta`.

`seq` is deliberately not part of the hashed row: a row moved to another position then still
matches its own hash and is reported as *reordered*, not merely *edited*.

What a hash chain cannot do: stop someone who can write the file from rebuilding the whole
chain from scratch. It proves that the journal was not altered by accident or by a naive edit,
and makes a deliberate rewrite need knowledge of this format; docs/journal.md says so.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from offline_store.db import JournalDatabase
from offline_store.errors import AuditChainError

GENESIS = bytes(32)
_HEAD_META = "audit_head"


def iso_time(at: float) -> str:
    """UTC time with milliseconds, as written in audit rows."""
    return datetime.fromtimestamp(at, UTC).isoformat(timespec="milliseconds")


def canonical_details(details: Mapping[str, Any]) -> str:
    return json.dumps(details, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def row_hash(prev_hash: bytes, time: str, event: str, tx_id: str | None, details: str) -> bytes:
    """SHA-256 over the previous hash and the canonical JSON of the row's content."""
    row = json.dumps([time, event, tx_id, details], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(prev_hash + row.encode()).digest()


def append(
    conn: sqlite3.Connection,
    event: str,
    *,
    at: float,
    tx_id: str | None = None,
    details: Mapping[str, Any] | None = None,
) -> int:
    """Append one row inside the caller's write transaction; returns its `seq`."""
    return append_many(conn, [Entry(event, tx_id, details or {})], at=at)


@dataclass(frozen=True)
class Entry:
    """One audit row to append: what happened, to which transaction, with which details."""

    event: str
    tx_id: str | None
    details: Mapping[str, Any]


def append_many(conn: sqlite3.Connection, entries: Sequence[Entry], *, at: float) -> int:
    """Append rows in order inside the caller's write transaction (one read of the chain's
    end and one head update for all of them); returns the last `seq`."""
    last = conn.execute("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
    seq, prev = (last[0], last[1]) if last else (0, GENESIS)
    time = iso_time(at)
    rows = []
    for entry in entries:
        seq += 1
        text = canonical_details(entry.details)
        digest = row_hash(prev, time, entry.event, entry.tx_id, text)
        rows.append((seq, time, entry.event, entry.tx_id, text, prev, digest))
        prev = digest
    conn.executemany(
        "INSERT INTO audit_log (seq, time, event, tx_id, details, prev_hash, hash) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        rows,
    )
    conn.execute(
        "INSERT INTO meta (key, value) VALUES (?, ?) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (_HEAD_META, f"{seq}:{prev.hex()}"),
    )
    return seq


@dataclass(frozen=True)
class AuditProblem:
    """One finding: `kind` is edited, deleted, reordered or truncated; `seq` where it shows."""

    seq: int
    kind: str
    message: str


@dataclass(frozen=True)
class AuditReport:
    rows: int
    problems: tuple[AuditProblem, ...]

    @property
    def ok(self) -> bool:
        return not self.problems

    def raise_if_broken(self) -> None:
        """Raise `AuditChainError` naming the first findings when the chain is broken."""
        if self.problems:
            shown = "; ".join(f"seq {p.seq}: {p.kind} ({p.message})" for p in self.problems[:3])
            more = f"; and {len(self.problems) - 3} more" if len(self.problems) > 3 else ""
            raise AuditChainError(shown + more)


def verify(database: JournalDatabase) -> AuditReport:
    """Walk the whole chain and report every broken place (reads only).

    Streams the rows (90 days of audit can be hundreds of thousands); only when a link is
    broken does a second pass look up where the row's predecessor went.
    """
    conn = database.connection()
    problems: list[AuditProblem] = []
    broken_links: list[tuple[int, int, bytes]] = []  # (seq, previous seq, the prev_hash it has)
    expected_prev, prev_seq, count = GENESIS, 0, 0
    for seq, time, event, tx_id, details, prev_hash, stored in conn.execute(
        "SELECT seq, time, event, tx_id, details, prev_hash, hash FROM audit_log ORDER BY seq"
    ):
        count += 1
        prev_hash, stored = bytes(prev_hash), bytes(stored)
        if row_hash(prev_hash, time, event, tx_id, details) != stored:
            problems.append(AuditProblem(seq, "edited", "content does not match its hash"))
        if seq != prev_seq + 1:
            missing = f"{prev_seq + 1}" if seq == prev_seq + 2 else f"{prev_seq + 1}..{seq - 1}"
            problems.append(AuditProblem(seq, "deleted", f"row(s) {missing} missing before it"))
        elif prev_hash != expected_prev:
            broken_links.append((seq, prev_seq, prev_hash))
        expected_prev, prev_seq = stored, seq
    problems.extend(_classify_links(conn, broken_links))
    problems.extend(_check_head(conn, prev_seq, expected_prev))
    problems.sort(key=lambda p: p.seq)
    return AuditReport(rows=count, problems=tuple(problems))


def _classify_links(
    conn: sqlite3.Connection, broken: list[tuple[int, int, bytes]]
) -> list[AuditProblem]:
    """A row chained to another row's hash was moved; chained to no row, its predecessor was
    rewritten (with a fresh hash)."""
    if not broken:
        return []
    wanted = {prev_hash for _, _, prev_hash in broken}
    position = {
        bytes(digest): seq
        for seq, digest in conn.execute("SELECT seq, hash FROM audit_log")
        if bytes(digest) in wanted
    }
    found = []
    for seq, prev_seq, prev_hash in broken:
        if prev_hash in position:
            message = f"chained after row {position[prev_hash]}, not {prev_seq}"
            found.append(AuditProblem(seq, "reordered", message))
        else:
            message = f"rewritten: row {seq} was chained to another"
            found.append(AuditProblem(prev_seq, "edited", message))
    return found


def _check_head(conn: sqlite3.Connection, last_seq: int, last_hash: bytes) -> list[AuditProblem]:
    """The head in `meta` must be the last row: rows cut off the end leave it pointing past."""
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (_HEAD_META,)).fetchone()
    if row is None:
        return [] if last_seq == 0 else [AuditProblem(last_seq, "edited", "head record missing")]
    head_seq_text, _, head_hash = str(row[0]).partition(":")
    head_seq = int(head_seq_text)
    if head_seq > last_seq:
        return [AuditProblem(last_seq + 1, "truncated", f"rows {last_seq + 1}..{head_seq} missing")]
    if head_seq != last_seq or head_hash != last_hash.hex():
        return [AuditProblem(last_seq, "edited", "last row does not match the recorded head")]
    return []
