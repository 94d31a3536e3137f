"""The journal's transactions, requests, payments and adjustments, on a real SQLite file."""

from __future__ import annotations

import pytest
from journal_helpers import CERTNO, FakeClock, make_breakdown, make_identity

from kernel.money import Money
from kernel.states import PaymentStatus, RequestStatus, TxKind, TxState
from offline_store.errors import (
    IllegalTransitionError,
    NotFoundError,
    UnsettledPaymentsError,
)
from offline_store.journal import Journal


def _billed(journal: Journal, certno: str = CERTNO) -> str:
    tx = journal.create(TxKind.OUTPATIENT)
    journal.identify(tx.tx_id, make_identity(certno))
    journal.bill(tx.tx_id, [{"med_list_codg": "X01", "det_item_fee_sumamt": "100.00"}])
    return tx.tx_id


def test_online_transaction_walks_to_completed_keeping_every_field(journal: Journal) -> None:
    tx_id = _billed(journal)
    journal.presettle(tx_id, make_breakdown())
    journal.collect(tx_id)
    journal.settle(tx_id, make_breakdown(fund="61.00"))
    tx = journal.complete(tx_id)
    assert tx.state == TxState.COMPLETED
    assert tx.identity == make_identity()
    assert tx.bill == ({"med_list_codg": "X01", "det_item_fee_sumamt": "100.00"},)
    assert tx.estimated == make_breakdown()
    assert tx.actual == make_breakdown(fund="61.00")
    assert tx.finished_at is not None


def test_offline_transaction_walks_to_reconciled(journal: Journal) -> None:
    tx_id = _billed(journal)
    journal.estimate(tx_id, make_breakdown(fund="50.00", acct="0.00"))
    assert journal.collect(tx_id).state == TxState.COLLECTING_OFFLINE
    assert journal.complete(tx_id).state == TxState.COMPLETED_OFFLINE
    journal.mark_forwarded(tx_id)
    tx = journal.reconcile(tx_id, make_breakdown())
    assert tx.state == TxState.RECONCILED
    assert tx.actual == make_breakdown()


def test_skipping_a_state_is_refused_and_changes_nothing(journal: Journal) -> None:
    tx_id = _billed(journal)
    with pytest.raises(IllegalTransitionError):
        journal.settle(tx_id, make_breakdown())
    assert journal.get(tx_id).state == TxState.BILLED
    assert journal.get(tx_id).actual is None


def test_settled_transaction_cannot_be_cancelled(journal: Journal) -> None:
    tx_id = _billed(journal)
    journal.presettle(tx_id, make_breakdown())
    journal.collect(tx_id)
    journal.settle(tx_id, make_breakdown())
    with pytest.raises(IllegalTransitionError):
        journal.cancel(tx_id, "patient left")


def test_cancel_is_refused_while_a_payment_is_collected_then_allowed_after_refund(
    journal: Journal,
) -> None:
    tx_id = _billed(journal)
    journal.presettle(tx_id, make_breakdown())
    journal.collect(tx_id)
    journal.add_payment(tx_id, "cash", "C-1", Money("30.00"))
    journal.set_payment_status("C-1", PaymentStatus.COLLECTED)
    with pytest.raises(UnsettledPaymentsError):
        journal.cancel(tx_id, "settlement refused")
    journal.set_payment_status("C-1", PaymentStatus.REFUNDED)
    tx = journal.cancel(tx_id, "settlement refused")
    assert (tx.state, tx.note) == (TxState.CANCELLED, "settlement refused")


def test_payment_status_follows_its_table(journal: Journal) -> None:
    tx_id = _billed(journal)
    journal.add_payment(tx_id, "qr", "Q-1", Money("12.34"))
    with pytest.raises(IllegalTransitionError):
        journal.set_payment_status("Q-1", PaymentStatus.REFUNDED)
    journal.set_payment_status("Q-1", PaymentStatus.FAILED)
    assert journal.payment("Q-1").status == PaymentStatus.FAILED
    assert journal.collected_total(tx_id) == Money("0.00")


def test_collected_total_sums_collected_payments_only(journal: Journal) -> None:
    tx_id = _billed(journal)
    for order, amount, status in (
        ("A", "10.10", PaymentStatus.COLLECTED),
        ("B", "5.05", PaymentStatus.COLLECTED),
        ("C", "99.00", PaymentStatus.FAILED),
    ):
        journal.add_payment(tx_id, "cash", order, Money(amount))
        journal.set_payment_status(order, status)
    assert journal.collected_total(tx_id) == Money("15.15")


def test_payment_amount_must_be_money(journal: Journal) -> None:
    tx_id = _billed(journal)
    with pytest.raises(TypeError):
        journal.add_payment(tx_id, "cash", "F", "1.00")  # type: ignore[arg-type]


def test_adjustment_is_listed_until_settled_once(journal: Journal) -> None:
    tx_id = _billed(journal)
    adj = journal.add_adjustment(tx_id, Money("-3.20"), "platform settled less fund")
    assert journal.open_adjustments() == [adj]
    settled = journal.settle_adjustment(adj.adj_id)
    assert settled.settled and journal.open_adjustments() == []
    with pytest.raises(IllegalTransitionError):
        journal.settle_adjustment(adj.adj_id)
    assert journal.adjustments_of(tx_id)[0].amount == Money("-3.20")


def test_request_outcome_follows_its_table(journal: Journal) -> None:
    tx_id = _billed(journal)
    msgid = "H44030300001202611231200000001"
    journal.prepare_request(tx_id, "2207", msgid, {"psn_no": "P"})
    with pytest.raises(IllegalTransitionError):
        journal.mark_request(msgid, RequestStatus.SUCCEEDED)
    journal.mark_request(msgid, RequestStatus.SENT)
    journal.mark_request(msgid, RequestStatus.UNKNOWN, error="read timeout")
    assert [r.msgid for r in journal.unresolved_requests()] == [msgid]
    journal.mark_request(msgid, RequestStatus.SENT)
    done = journal.mark_request(msgid, RequestStatus.SUCCEEDED, response={"setl_id": "S1"})
    assert done.response == {"setl_id": "S1"}
    assert journal.unresolved_requests() == []


def test_duplicate_msgid_is_refused(journal: Journal) -> None:
    tx_id = _billed(journal)
    journal.prepare_request(tx_id, "2201", "M1", {})
    with pytest.raises(Exception, match="UNIQUE"):
        journal.prepare_request(tx_id, "2204", "M1", {})
    assert [r.infno for r in journal.requests_of(tx_id)] == ["2201"]


def test_queued_request_outcome_is_the_outbox_s_to_record(journal: Journal) -> None:
    tx_id = _billed(journal)
    journal.prepare_request(tx_id, "2207", "M1", {}, forward=True)
    with pytest.raises(IllegalTransitionError):
        journal.mark_request("M1", RequestStatus.SENT)


def test_body_can_change_until_the_request_is_first_claimed(journal: Journal) -> None:
    tx_id = _billed(journal)
    journal.prepare_request(tx_id, "2204", "M1", {"mdtrt_id": ""}, forward=True)
    assert journal.update_request_body("M1", {"mdtrt_id": "D9"}).body == {"mdtrt_id": "D9"}
    [claim] = journal.outbox.claim()
    assert claim.body == {"mdtrt_id": "D9"}
    with pytest.raises(IllegalTransitionError):
        journal.update_request_body("M1", {"mdtrt_id": "other"})


def test_queueing_before_identification_is_refused(journal: Journal) -> None:
    tx = journal.create(TxKind.PHARMACY)
    with pytest.raises(IllegalTransitionError):
        journal.prepare_request(tx.tx_id, "2102", "M1", {}, forward=True)


def test_unknown_ids_raise_not_found(journal: Journal) -> None:
    with pytest.raises(NotFoundError):
        journal.get("nope")
    with pytest.raises(NotFoundError):
        journal.request("nope")
    with pytest.raises(NotFoundError):
        journal.payment("nope")


def test_offline_exposure_counts_not_yet_forwarded(journal: Journal, clock: FakeClock) -> None:
    first = _billed(journal)
    journal.estimate(first, make_breakdown(fund="40.00", acct="0.00"))
    clock.advance(10)
    second = _billed(journal, certno="440301199202021111")
    journal.estimate(second, make_breakdown(fund="25.50", acct="0.00"))
    journal.collect(second)
    journal.complete(second)
    journal.mark_forwarded(second)
    exposure = journal.offline_exposure()
    assert (exposure.count, exposure.fund_total) == (1, Money("40.00"))
    assert exposure.oldest_created_at == journal.get(first).created_at


def test_every_change_appends_one_audit_row(journal: Journal) -> None:
    before = journal.database.db["audit_log"].count
    tx_id = _billed(journal)
    journal.add_payment(tx_id, "cash", "C", Money("1.00"))
    assert journal.database.db["audit_log"].count == before + 4
    events = [r["event"] for r in journal.database.query("SELECT event FROM audit_log")]
    assert events[-4:] == ["tx.created", "tx.identified", "tx.billed", "payment.pending"]


def test_msgid_counter_lives_in_the_journal_file(journal: Journal) -> None:
    counter = journal.msgid_counter()
    assert counter.allocate("20261123120000", 3) == ("20261123120000", 0)
    assert counter.allocate("20261123115959", 3) == ("20261123120000", 1)
    rows = journal.database.query("SELECT second, value FROM msgid_sequence")
    assert rows == [{"second": "20261123120000", "value": 1}]
