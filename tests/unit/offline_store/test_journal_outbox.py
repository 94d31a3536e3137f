"""The outbox: per-person order, parallel people, leases, retries and dead letters."""

from __future__ import annotations

import pytest
from journal_helpers import FakeClock, make_identity

from kernel.states import RequestStatus, TxKind
from offline_store.errors import DeadLetterClosedError, LeaseLostError
from offline_store.journal import Journal

ALICE = "440301199001011234"
BOB = "440301198505055678"


def _queue(journal: Journal, certno: str, *msgids: str) -> str:
    tx_id = journal.create(TxKind.OUTPATIENT).tx_id
    journal.identify(tx_id, make_identity(certno))
    for msgid in msgids:
        journal.prepare_request(tx_id, "2207", msgid, {"msgid": msgid}, forward=True)
    return tx_id


def test_only_the_oldest_request_of_a_person_is_claimable(journal: Journal) -> None:
    _queue(journal, ALICE, "A1", "A2", "A3")
    claims = journal.outbox.claim(limit=10)
    assert [c.msgid for c in claims] == ["A1"]
    assert journal.outbox.claim(limit=10) == []
    journal.outbox.ack(claims[0], {"infcode": 0})
    assert [c.msgid for c in journal.outbox.claim(limit=10)] == ["A2"]


def test_different_people_are_claimed_in_parallel(journal: Journal) -> None:
    _queue(journal, ALICE, "A1", "A2")
    _queue(journal, BOB, "B1")
    assert sorted(c.msgid for c in journal.outbox.claim(limit=10)) == ["A1", "B1"]


def test_a_person_s_chain_spans_transactions(journal: Journal) -> None:
    _queue(journal, ALICE, "A1")
    _queue(journal, ALICE, "A2")
    assert [c.msgid for c in journal.outbox.claim(limit=10)] == ["A1"]


def test_claim_marks_sent_and_counts_the_attempt(journal: Journal) -> None:
    _queue(journal, ALICE, "A1")
    [claim] = journal.outbox.claim()
    assert claim.attempts == 1 and claim.body == {"msgid": "A1"}
    assert journal.request("A1").status == RequestStatus.SENT


def test_expired_lease_is_taken_over_and_the_old_holder_s_ack_refused(
    journal: Journal, clock: FakeClock
) -> None:
    _queue(journal, ALICE, "A1")
    [first] = journal.outbox.claim(lease=30)
    clock.advance(29)
    assert journal.outbox.claim() == []
    clock.advance(2)
    [second] = journal.outbox.claim(lease=30)
    assert (second.msgid, second.attempts) == ("A1", 2)
    with pytest.raises(LeaseLostError):
        journal.outbox.ack(first, {"infcode": 0})
    journal.outbox.ack(second, {"infcode": 0, "output": {"setl_id": "S"}})
    assert journal.request("A1").response == {"infcode": 0, "output": {"setl_id": "S"}}


def test_reschedule_waits_the_delay_and_keeps_the_msgid(journal: Journal, clock: FakeClock) -> None:
    _queue(journal, ALICE, "A1")
    [claim] = journal.outbox.claim()
    journal.outbox.reschedule(claim, error="read timeout", delay=5)
    request = journal.request("A1")
    assert (request.status, request.error) == (RequestStatus.UNKNOWN, "read timeout")
    clock.advance(4.9)
    assert journal.outbox.claim() == []
    clock.advance(0.2)
    [again] = journal.outbox.claim()
    assert (again.msgid, again.attempts) == ("A1", 2)
    assert journal.outbox.items()[0].last_error == "read timeout"


def test_reschedule_of_a_request_that_never_left_puts_it_back_to_prepared(
    journal: Journal,
) -> None:
    _queue(journal, ALICE, "A1")
    [claim] = journal.outbox.claim()
    journal.outbox.reschedule(claim, error="connection refused", delay=0, sent=False)
    assert journal.request("A1").status == RequestStatus.PREPARED


def test_refused_request_becomes_a_dead_letter_and_blocks_its_person(journal: Journal) -> None:
    _queue(journal, ALICE, "A1", "A2")
    _queue(journal, BOB, "B1")
    claims = {c.msgid: c for c in journal.outbox.claim(limit=10)}
    journal.outbox.fail(claims["A1"], message="患者信息不符", response={"infcode": -2})
    journal.outbox.ack(claims["B1"], {"infcode": 0})
    assert journal.outbox.claim(limit=10) == []  # A2 waits behind the dead letter
    [dead] = journal.outbox.dead_letters()
    assert (dead.msgid, dead.message, dead.status) == ("A1", "患者信息不符", "open")
    assert journal.request("A1").status == RequestStatus.FAILED
    assert journal.outbox.status().dead_letters_open == 1


def test_resolving_a_dead_letter_unblocks_the_person(journal: Journal) -> None:
    _queue(journal, ALICE, "A1", "A2")
    [claim] = journal.outbox.claim()
    journal.outbox.fail(claim, message="refused")
    with pytest.raises(ValueError):
        journal.outbox.resolve_dead_letter("A1", reason=" ")
    journal.outbox.resolve_dead_letter("A1", reason="settled by hand at the counter")
    assert [c.msgid for c in journal.outbox.claim()] == ["A2"]
    [closed] = journal.outbox.dead_letters(include_closed=True)
    assert (closed.status, closed.resolution) == ("resolved", "settled by hand at the counter")
    with pytest.raises(DeadLetterClosedError):
        journal.outbox.resolve_dead_letter("A1", reason="again")


def test_retried_dead_letter_goes_first_again_under_a_new_msgid(journal: Journal) -> None:
    _queue(journal, ALICE, "A1", "A2")
    [claim] = journal.outbox.claim()
    journal.outbox.fail(claim, message="refused")
    retried = journal.outbox.retry_dead_letter("A1", new_msgid="A1-bis")
    assert (retried.body, retried.status) == ({"msgid": "A1"}, RequestStatus.PREPARED)
    assert [c.msgid for c in journal.outbox.claim(limit=10)] == ["A1-bis"]
    assert journal.outbox.dead_letters(include_closed=True)[0].retry_msgid == "A1-bis"


def test_status_reports_pending_and_oldest(journal: Journal, clock: FakeClock) -> None:
    start = clock()
    _queue(journal, ALICE, "A1")
    clock.advance(60)
    _queue(journal, BOB, "B1", "B2")
    status = journal.outbox.status()
    assert (status.pending, status.oldest_enqueued_at) == (3, start)
    assert [i.msgid for i in journal.outbox.items()] == ["A1", "B1", "B2"]
    assert [i.head for i in journal.outbox.items()] == [True, True, False]


def test_requests_written_together_are_queued_in_the_given_order(journal: Journal) -> None:
    from offline_store.journal import NewRequest

    tx_id = _queue(journal, ALICE)
    written = journal.prepare_requests(
        tx_id,
        [NewRequest("2201", "R1", {}), NewRequest("2204", "R2", {}), NewRequest("2207", "R3", {})],
        forward=True,
    )
    assert [r.infno for r in written] == ["2201", "2204", "2207"]
    order = []
    while claims := journal.outbox.claim(limit=5):
        order += [c.msgid for c in claims]
        journal.outbox.ack(claims[0], {})
    assert order == ["R1", "R2", "R3"]


def test_ack_many_records_all_but_the_lost_lease(journal: Journal, clock: FakeClock) -> None:
    _queue(journal, ALICE, "A1")
    _queue(journal, BOB, "B1")
    first = {c.msgid: c for c in journal.outbox.claim(limit=5, lease=10)}
    clock.advance(11)
    journal.outbox.claim(limit=1)  # takes over the oldest due one: A1
    lost = journal.outbox.ack_many([(first["A1"], {"n": 1}), (first["B1"], {"n": 2})])
    assert [c.msgid for c in lost] == ["A1"]
    assert journal.request("B1").status == RequestStatus.SUCCEEDED
    assert journal.request("A1").status == RequestStatus.SENT
