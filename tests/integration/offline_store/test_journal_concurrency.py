"""Several threads and processes writing one journal keep one unbroken audit chain."""

from __future__ import annotations

import multiprocessing
import threading
from pathlib import Path

from kernel.records import PersonIdentity
from kernel.states import TxKind
from offline_store import audit
from offline_store.journal import Journal

PER_WRITER = 15


def _write(db_path: Path, key_path: Path, writer: int) -> None:
    journal = Journal.open(db_path, key_path)
    try:
        for n in range(PER_WRITER):
            tx_id = journal.create(TxKind.PHARMACY).tx_id
            journal.identify(tx_id, PersonIdentity("02", f"44030119900101{writer:02d}{n:02d}"))
            journal.prepare_request(tx_id, "2102", f"W{writer:02d}N{n:04d}", {}, forward=True)
    finally:
        journal.close()


def _process_main(db_path: str, key_path: str, writer: int) -> None:
    _write(Path(db_path), Path(key_path), writer)


def _check(db_path: Path, key_path: Path, writers: int) -> None:
    journal = Journal.open(db_path, key_path)
    try:
        assert len(journal.transactions()) == writers * PER_WRITER
        report = audit.verify(journal.database)
        assert report.ok, report.problems
        assert report.rows == writers * PER_WRITER * 3
        assert journal.outbox.status().pending == writers * PER_WRITER
    finally:
        journal.close()


def test_threads_sharing_one_journal(tmp_path: Path) -> None:
    db_path, key_path = tmp_path / "j.db", tmp_path / "k"
    shared = Journal.open(db_path, key_path)

    def work(writer: int) -> None:
        for n in range(PER_WRITER):
            tx_id = shared.create(TxKind.PHARMACY).tx_id
            shared.identify(tx_id, PersonIdentity("02", f"44030119900101{writer:02d}{n:02d}"))
            shared.prepare_request(tx_id, "2102", f"W{writer:02d}N{n:04d}", {}, forward=True)

    threads = [threading.Thread(target=work, args=(w,)) for w in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    shared.close()
    _check(db_path, key_path, 4)


def test_processes_sharing_one_journal_file(tmp_path: Path) -> None:
    db_path, key_path = tmp_path / "j.db", tmp_path / "k"
    Journal.open(db_path, key_path).close()  # create the file and key before the race
    ctx = multiprocessing.get_context("spawn")
    procs = [
        ctx.Process(target=_process_main, args=(str(db_path), str(key_path), w)) for w in range(3)
    ]
    for proc in procs:
        proc.start()
    for proc in procs:
        proc.join(timeout=120)
        assert proc.exitcode == 0
    _check(db_path, key_path, 3)
