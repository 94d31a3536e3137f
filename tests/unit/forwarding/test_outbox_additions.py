"""The outbox's additions for the forwarder: previous status, msgid replacement, in flight."""

from __future__ import annotations

import pytest
from forward_journal import msgid, queue

from kernel.states import RequestStatus
from offline_store.errors import LeaseLostError
from offline_store.journal import Journal


def test_a_claim_tells_whether_an_earlier_attempt_may_have_been_sent(journal: Journal) -> None:
    queue(journal, "A", ("2102", msgid(1)))
    (first,) = journal.outbox.claim()
    assert first.previous_status is RequestStatus.PREPARED
    journal.outbox.reschedule(first, error="timeout", delay=0, sent=True)
    (second,) = journal.outbox.claim()
    assert second.previous_status is RequestStatus.UNKNOWN
    journal.outbox.reschedule(second, error="refused", delay=0, sent=False)
    (third,) = journal.outbox.claim()
    assert third.previous_status is RequestStatus.PREPARED


def test_replace_msgid_puts_the_new_request_in_the_old_ones_place(journal: Journal) -> None:
    tx_id = queue(journal, "A", ("2102", msgid(1)), ("1101", msgid(2)))
    (claim,) = journal.outbox.claim()

    new = journal.outbox.replace_msgid(claim, msgid(9), reason="reversed by 2601")

    assert new.status is RequestStatus.PREPARED and new.body["msgid"] == msgid(9)
    old = journal.request(msgid(1))
    assert (old.status, old.error) == (RequestStatus.FAILED, "reversed by 2601")
    (again,) = journal.outbox.claim()
    assert again.msgid == msgid(9) and again.previous_status is RequestStatus.PREPARED
    journal.outbox.ack(again, {"setlinfo": {}})
    (then,) = journal.outbox.claim()
    assert then.msgid == msgid(2)
    assert [r.msgid for r in journal.requests_of(tx_id)] == [msgid(1), msgid(2), msgid(9)]


def test_replace_msgid_is_refused_once_the_lease_was_lost(journal: Journal) -> None:
    queue(journal, "A", ("2102", msgid(1)))
    (claim,) = journal.outbox.claim(lease=0.0)
    journal.outbox.claim()  # the expired lease is taken over
    with pytest.raises(LeaseLostError):
        journal.outbox.replace_msgid(claim, msgid(9), reason="x")
    assert journal.request(msgid(1)).status is RequestStatus.SENT


def test_in_flight_counts_claims_whose_lease_runs(journal: Journal) -> None:
    queue(journal, "A", ("1101", msgid(1)))
    queue(journal, "B", ("1101", msgid(2)))
    assert journal.outbox.in_flight() == 0
    first, second = journal.outbox.claim(limit=2)
    assert journal.outbox.in_flight() == 2
    journal.outbox.ack(first, {})
    journal.outbox.reschedule(second, error="reset", delay=30)
    assert journal.outbox.in_flight() == 0
