"""Opening the journal file: damage, a newer schema and a full disk become typed errors."""

from __future__ import annotations

import os
import sqlite3
import threading
from pathlib import Path

import pytest
from journal_helpers import make_identity

from kernel.states import TxKind
from offline_store import audit, schema
from offline_store.db import open_journal_database
from offline_store.errors import JournalCorruptError, JournalFullError, JournalSchemaError
from offline_store.journal import Journal


def _filled_journal(db_path: Path, key_path: Path, transactions: int = 60) -> list[str]:
    journal = Journal.open(db_path, key_path)
    ids = []
    for _ in range(transactions):
        tx_id = journal.create(TxKind.PHARMACY).tx_id
        journal.identify(tx_id, make_identity())
        journal.bill(tx_id, [{"item": "x" * 200}])
        ids.append(tx_id)
    journal.close()  # the last connection checkpoints the WAL into the main file
    return ids


def test_reopening_keeps_the_schema_version(journal_paths: tuple[Path, Path]) -> None:
    db_path, _ = journal_paths
    for _ in range(2):
        database = open_journal_database(db_path)
        assert database.user_version() == len(schema.MIGRATIONS)
        database.close()


def test_file_that_is_not_sqlite_is_refused(journal_paths: tuple[Path, Path]) -> None:
    db_path, key_path = journal_paths
    db_path.write_bytes(b"this is a text file, not a journal\n" * 100)
    with pytest.raises(JournalCorruptError) as caught:
        Journal.open(db_path, key_path)
    assert caught.value.code == "E502"
    assert "keep the file" in caught.value.action
    assert "medterm journal verify" in caught.value.action


def test_truncated_file_is_refused(journal_paths: tuple[Path, Path]) -> None:
    db_path, key_path = journal_paths
    _filled_journal(db_path, key_path)
    size = db_path.stat().st_size
    with db_path.open("r+b") as handle:
        handle.truncate(size // 2)
    with pytest.raises(JournalCorruptError):
        Journal.open(db_path, key_path)


def test_overwritten_pages_are_refused(journal_paths: tuple[Path, Path]) -> None:
    db_path, key_path = journal_paths
    _filled_journal(db_path, key_path)
    with db_path.open("r+b") as handle:
        handle.seek(4096 * 2)
        handle.write(os.urandom(4096 * 3))
    with pytest.raises(JournalCorruptError):
        Journal.open(db_path, key_path)


def test_journal_from_a_newer_medterm_is_refused(journal_paths: tuple[Path, Path]) -> None:
    db_path, _ = journal_paths
    database = open_journal_database(db_path)
    database.connection().execute(f"PRAGMA user_version = {len(schema.MIGRATIONS) + 1}")
    database.close()
    with pytest.raises(JournalSchemaError):
        open_journal_database(db_path)


def test_full_journal_refuses_new_work_and_loses_nothing(journal: Journal) -> None:
    kept = []
    for _ in range(5):
        tx_id = journal.create(TxKind.OUTPATIENT).tx_id
        journal.identify(tx_id, make_identity())
        kept.append(tx_id)
    conn = journal.database.connection()
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.execute(f"PRAGMA max_page_count = {pages + 2}")
    with pytest.raises(JournalFullError) as caught:
        for _ in range(1000):
            tx_id = journal.create(TxKind.OUTPATIENT).tx_id
            journal.identify(tx_id, make_identity())
            journal.bill(tx_id, [{"item": os.urandom(500).hex()}])
    assert caught.value.code == "E503"
    for tx_id in kept:
        assert journal.get(tx_id).identity == make_identity()
    assert audit.verify(journal.database).ok


def test_connections_of_ended_threads_are_closed_when_another_thread_opens_one(
    tmp_path: Path,
) -> None:
    database = open_journal_database(tmp_path / "journal.db")
    opened: list[sqlite3.Connection] = []
    worker = threading.Thread(target=lambda: opened.append(database.connection()))
    worker.start()
    worker.join()
    later = threading.Thread(target=database.connection)
    later.start()
    later.join()
    with pytest.raises(sqlite3.ProgrammingError, match="closed"):
        opened[0].execute("SELECT 1")
    database.close()
