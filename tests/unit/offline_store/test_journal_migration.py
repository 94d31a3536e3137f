"""Schema migrations on a journal written by an earlier medterm: nothing queued is lost."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from offline_store import audit, schema
from offline_store.crypto import open_field_cipher
from offline_store.db import JournalDatabase, migrate
from offline_store.journal import Journal

PERSON = "p" * 32
BLOCKED = "q" * 32


def _v1_journal(folder: Path) -> tuple[Path, Path]:
    """A version-1 journal (the outbox still a table of its own) holding one person's acked
    request and two queued ones, the first with two attempts behind it, plus a dead letter."""
    path, key = folder / "journal.db", folder / "journal.key"
    database = JournalDatabase(path)
    database.connection().execute("PRAGMA journal_mode = WAL")
    assert migrate(database, schema.MIGRATIONS[:1]) == 1
    cipher = open_field_cipher(key, database)
    now = time.time() - 600
    with database.write() as conn:
        for tx_id, person in (("t1", PERSON), ("t2", BLOCKED)):
            conn.execute(
                "INSERT INTO transactions (tx_id, kind, state, person_key, created_at, "
                "updated_at) VALUES (?, 'pharmacy', 'completed_offline', ?, ?, ?)",
                (tx_id, person, now, now),
            )
        rows = [
            (1, "M1", "t1", "1101", "succeeded"),
            (2, "M2", "t1", "2102", "unknown"),
            (3, "M3", "t1", "2102", "prepared"),
            (4, "M4", "t2", "2102", "failed"),
        ]
        for req_id, msgid, tx_id, infno, status in rows:
            body = cipher.encrypt_json("requests", "body", msgid, {"msgid": msgid})
            conn.execute(
                "INSERT INTO requests (req_id, msgid, tx_id, infno, body, status, created_at, "
                "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (req_id, msgid, tx_id, infno, body, status, now, now),
            )
        conn.execute(
            "INSERT INTO outbox (req_id, person_key, seq, head, next_attempt_at, attempts, "
            "last_error, enqueued_at) VALUES (2, ?, 2, 1, ?, 2, 'read timeout', ?), "
            "(3, ?, 3, 0, ?, 0, '', ?)",
            (PERSON, now, now, PERSON, now, now),
        )
        conn.execute(
            "INSERT INTO dead_letters (req_id, person_key, seq, status, message, attempts, "
            "dead_at) VALUES (4, ?, 4, 'open', 'refused', 1, ?)",
            (BLOCKED, now),
        )
        audit.append(conn, "test.v1_written", at=now)
    database.close()
    return path, key


@pytest.fixture
def migrated(tmp_path: Path) -> Iterator[Journal]:
    path, key = _v1_journal(tmp_path)
    journal = Journal.open(path, key)
    yield journal
    journal.close()


def test_opening_a_version_1_journal_brings_it_to_the_latest_schema(migrated: Journal) -> None:
    assert migrated.database.user_version() == len(schema.MIGRATIONS)
    assert "outbox" not in migrated.database.db.table_names()


def test_queued_requests_survive_the_migration_in_order(migrated: Journal) -> None:
    items = migrated.outbox.items()
    assert [(i.msgid, i.head, i.attempts) for i in items] == [("M2", True, 2), ("M3", False, 0)]
    assert items[0].last_error == "read timeout"
    assert migrated.outbox.status().pending == 2


def test_a_migrated_head_is_claimed_with_its_history_and_promotes_the_next(
    migrated: Journal,
) -> None:
    [claim] = migrated.outbox.claim(limit=10)
    assert (claim.msgid, claim.attempts, claim.body) == ("M2", 3, {"msgid": "M2"})
    assert claim.previous_status.value == "unknown"
    migrated.outbox.ack(claim, {"infcode": 0})
    assert [c.msgid for c in migrated.outbox.claim(limit=10)] == ["M3"]


def test_a_migrated_dead_letter_still_blocks_its_person(migrated: Journal) -> None:
    [dead] = migrated.outbox.dead_letters()
    assert (dead.msgid, dead.message) == ("M4", "refused")
    retried = migrated.outbox.retry_dead_letter("M4", new_msgid="M5")
    assert retried.msgid == "M5"
    assert "M5" in {c.msgid for c in migrated.outbox.claim(limit=10)}


def test_the_audit_chain_runs_on_across_the_migration(migrated: Journal) -> None:
    assert audit.verify(migrated.database).ok
