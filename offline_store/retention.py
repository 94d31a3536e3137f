"""Retention: finished transactions older than the retention period are purged.

offline.md: "Settled and forwarded transactions are kept for a configurable retention (default
90 days), then purged, keeping only their audit rows." Only final states are purged
(completed, reconciled, cancelled); a transaction with a request still queued or an open dead
letter is kept whatever its age, because someone still needs it. Deleting a transaction
deletes its requests, payments and adjustments (foreign keys, ON DELETE CASCADE); the audit log
is never touched, so `audit.verify` still proves the history after a purge.

Purged in batches, each its own short write transaction, so a large purge never holds the write
lock long enough to stall a payment.
"""

from __future__ import annotations

from dataclasses import dataclass

from kernel.states import FINAL_STATES
from offline_store import audit
from offline_store.journal import Journal

DEFAULT_RETENTION_DAYS = 90
_BATCH = 500
_FINAL = tuple(sorted(state.value for state in FINAL_STATES))


@dataclass(frozen=True)
class PurgeResult:
    transactions: int
    cutoff: float


def purge(journal: Journal, *, retention_days: float = DEFAULT_RETENTION_DAYS) -> PurgeResult:
    """Delete finished transactions whose `finished_at` is older than the retention."""
    if retention_days < 0:
        raise ValueError("retention_days must not be negative")
    now = journal.clock()
    cutoff = now - retention_days * 86_400
    marks = ",".join("?" * len(_FINAL))
    total = 0
    while True:
        with journal.database.write() as conn:
            ids = [
                row[0]
                for row in conn.execute(
                    "SELECT t.tx_id FROM transactions t WHERE t.finished_at IS NOT NULL "
                    f"AND t.finished_at < ? AND t.state IN ({marks}) "
                    "AND NOT EXISTS (SELECT 1 FROM requests r "
                    "  WHERE r.tx_id = t.tx_id AND r.queued = 1) "
                    "AND NOT EXISTS (SELECT 1 FROM requests r JOIN dead_letters d "
                    "  ON d.req_id = r.req_id WHERE r.tx_id = t.tx_id AND d.status = 'open') "
                    "LIMIT ?",
                    (cutoff, *_FINAL, _BATCH),
                )
            ]
            if not ids:
                break
            conn.executemany("DELETE FROM transactions WHERE tx_id = ?", [(i,) for i in ids])
            audit.append(
                conn,
                "journal.purged",
                at=now,
                details={"transactions": len(ids), "retention_days": retention_days},
            )
        total += len(ids)
    return PurgeResult(transactions=total, cutoff=cutoff)
