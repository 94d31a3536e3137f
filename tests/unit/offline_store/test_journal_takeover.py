"""One forwarder per journal: the lock, and taking over what a killed forwarder left."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest
from journal_helpers import make_identity

from kernel.states import TxKind
from offline_store.journal import Journal
from offline_store.ownership import ForwarderBusy, ForwarderLock

ALICE = "440301199001011234"


def _queue(journal: Journal, *msgids: str) -> None:
    tx_id = journal.create(TxKind.OUTPATIENT).tx_id
    journal.identify(tx_id, make_identity(ALICE))
    for msgid in msgids:
        journal.prepare_request(tx_id, "2207", msgid, {"msgid": msgid}, forward=True)


def test_take_over_releases_a_dead_forwarder_s_claim_at_once(journal: Journal) -> None:
    _queue(journal, "A1")
    assert [c.msgid for c in journal.outbox.claim(lease=600)] == ["A1"]
    assert journal.outbox.claim() == []  # leased for ten minutes
    assert journal.outbox.take_over() == 1
    assert [c.msgid for c in journal.outbox.claim()] == ["A1"]


def test_take_over_makes_backed_off_requests_due_now(journal: Journal) -> None:
    _queue(journal, "A1")
    (claim,) = journal.outbox.claim()
    journal.outbox.reschedule(claim, error="platform away", delay=300)
    assert journal.outbox.claim() == []
    journal.outbox.take_over()
    assert [c.msgid for c in journal.outbox.claim()] == ["A1"]
    assert journal.outbox.take_over() == 1  # the new claim itself, for the next holder


def test_second_forwarder_on_the_same_journal_is_refused(journal_paths) -> None:
    with ForwarderLock(journal_paths[0]), pytest.raises(ForwarderBusy):
        ForwarderLock(journal_paths[0]).acquire()


def test_lock_of_a_killed_process_is_free_again(journal_paths) -> None:
    holder = textwrap.dedent(
        f"""
        import os, sys
        from offline_store.ownership import ForwarderLock
        ForwarderLock({str(journal_paths[0])!r}).acquire()
        os.kill(os.getpid(), 9)
        """
    )
    subprocess.run([sys.executable, "-c", holder], check=False, timeout=60)
    with ForwarderLock(journal_paths[0]):
        pass
