"""The audit log's hash chain names edited, deleted, reordered and cut-off rows."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from journal_helpers import make_identity

from kernel.states import TxKind
from offline_store import audit
from offline_store.errors import AuditChainError
from offline_store.journal import Journal


def _journal_with_rows(journal: Journal, transactions: int = 3) -> int:
    for _ in range(transactions):
        tx_id = journal.create(TxKind.OUTPATIENT).tx_id
        journal.identify(tx_id, make_identity())
    return journal.database.db["audit_log"].count


def _raw(journal: Journal) -> sqlite3.Connection:
    """Tamper as an outsider would: plain sqlite3, the append-only triggers dropped."""
    conn = sqlite3.connect(journal.database.path, isolation_level=None)
    conn.execute("DROP TRIGGER audit_log_no_update")
    conn.execute("DROP TRIGGER audit_log_no_delete")
    return conn


def test_untouched_chain_verifies(journal: Journal) -> None:
    rows = _journal_with_rows(journal)
    report = audit.verify(journal.database)
    assert report.ok and report.rows == rows
    report.raise_if_broken()


def test_update_and_delete_are_refused_by_sqlite(journal: Journal) -> None:
    _journal_with_rows(journal, 1)
    conn = sqlite3.connect(journal.database.path)
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute("UPDATE audit_log SET event = 'x' WHERE seq = 1")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute("DELETE FROM audit_log WHERE seq = 1")
    conn.close()


def test_edited_row_is_named(journal: Journal) -> None:
    _journal_with_rows(journal)
    _raw(journal).execute('UPDATE audit_log SET details = \'{"kind":"pharmacy"}\' WHERE seq = 3')
    report = audit.verify(journal.database)
    assert [(p.seq, p.kind) for p in report.problems] == [(3, "edited")]
    with pytest.raises(AuditChainError, match="seq 3: edited"):
        report.raise_if_broken()


def test_row_rewritten_with_a_fresh_hash_is_caught_by_its_successor(journal: Journal) -> None:
    _journal_with_rows(journal)
    conn = _raw(journal)
    time, event, tx_id, prev = conn.execute(
        "SELECT time, event, tx_id, prev_hash FROM audit_log WHERE seq = 2"
    ).fetchone()
    forged = audit.row_hash(prev, time, event, tx_id, '{"forged":true}')
    conn.execute(
        "UPDATE audit_log SET details = '{\"forged\":true}', hash = ? WHERE seq = 2", (forged,)
    )
    assert [(p.seq, p.kind) for p in audit.verify(journal.database).problems] == [(2, "edited")]


def test_deleted_row_is_named(journal: Journal) -> None:
    _journal_with_rows(journal)
    _raw(journal).execute("DELETE FROM audit_log WHERE seq = 4")
    problems = audit.verify(journal.database).problems
    assert [(p.seq, p.kind) for p in problems] == [(5, "deleted")]
    assert "4 missing" in problems[0].message


def test_reordered_rows_are_named(journal: Journal) -> None:
    _journal_with_rows(journal)
    conn = _raw(journal)
    # swap rows 2 and 3 entirely (content and hashes), keeping the seq numbers
    conn.execute("UPDATE audit_log SET seq = -2 WHERE seq = 2")
    conn.execute("UPDATE audit_log SET seq = 2 WHERE seq = 3")
    conn.execute("UPDATE audit_log SET seq = 3 WHERE seq = -2")
    kinds = {(p.seq, p.kind) for p in audit.verify(journal.database).problems}
    assert {(2, "reordered"), (3, "reordered")} <= kinds
    assert all(kind == "reordered" for _, kind in kinds)


def test_cut_off_tail_is_named(journal: Journal) -> None:
    rows = _journal_with_rows(journal)
    _raw(journal).execute("DELETE FROM audit_log WHERE seq >= ?", (rows - 1,))
    problems = audit.verify(journal.database).problems
    assert [(p.seq, p.kind) for p in problems] == [(rows - 1, "truncated")]


def test_verify_reads_a_reopened_journal(journal_paths: tuple[Path, Path]) -> None:
    db_path, key_path = journal_paths
    first = Journal.open(db_path, key_path)
    _journal_with_rows(first)
    first.close()
    again = Journal.open(db_path, key_path)
    _journal_with_rows(again, 1)
    assert audit.verify(again.database).ok
    again.close()
