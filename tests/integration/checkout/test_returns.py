"""Returns of completed sales, through the real simulators: all of it, part of it, and a
return interrupted by a crash and finished by recovery."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kernel.money import ZERO, Money
from kernel.states import PaymentStatus, TxKind, TxState
from terminal.flows.bill import BillLine
from terminal.flows.checkout import CheckoutRequest
from terminal.flows.identify import Credential, CredentialKind
from terminal.flows.returns import ReturnLine, ReturnRefused, Returns

from .conftest import paycode

EMPLOYED = "440300198503121010"
EMPLOYED_PSN_NO = "44030000000000000001"
CODES = tuple(f"8{n:019d}" for n in range(900, 904))


def sale_of(kind: TxKind, *lines: BillLine) -> CheckoutRequest:
    credential = Credential(CredentialKind.ID_NUMBER, EMPLOYED)
    return CheckoutRequest(kind, credential, lines, use_account=False)


def settled(platform, setl_id: str) -> str:
    rows = platform.control("GET", f"/_sim/settlements?psn_no={EMPLOYED_PSN_NO}")["settlements"]
    return next(r["state"] for r in rows if r["setl_id"] == setl_id and r["kind"] == "settlement")


def test_a_full_return_cancels_the_settlement_and_refunds_every_payment(
    make_terminal, platform, gateway
) -> None:
    terminal = make_terminal()
    sold = terminal.saga.run(
        sale_of(TxKind.OUTPATIENT, BillLine("L1", "X1", "X1", Money("28.50"), Decimal(2))),
        paycode(terminal),
    )
    assert sold.collected > ZERO
    outcome = Returns(terminal.saga).start(sold.transaction.tx_id)
    assert outcome.original.state is TxState.RETURNED
    assert outcome.resale is None and not outcome.kept_unpaid
    assert outcome.refunded == sold.collected
    assert settled(platform, sold.breakdown.setl_id) != "settled"
    payments = terminal.journal.payments_of(sold.transaction.tx_id)
    assert [p.status for p in payments] == [PaymentStatus.REFUNDED]
    order = gateway.orders()[payments[0].order_no]
    assert order["refunded"] == order["amount"]


def test_a_partial_return_resells_the_kept_units_and_refunds_only_the_difference(
    make_terminal, platform, gateway
) -> None:
    terminal = make_terminal(kind="pharmacy")
    drug = BillLine("L1", "D0006", "D0006", Money("28.50"), Decimal(4), drug_trac_codg=CODES)
    sold = terminal.saga.run(sale_of(TxKind.PHARMACY, drug), paycode(terminal))
    back = [ReturnLine("L1", Decimal(1), codes=(CODES[2],))]
    outcome = Returns(terminal.saga).start(sold.transaction.tx_id, back)
    assert outcome.original.state is TxState.RETURNED and outcome.resale is not None
    resale = outcome.resale
    assert resale.state is TxState.COMPLETED and resale.actual is not None
    kept = resale.bill or ()
    assert [line["cnt"] for line in kept] == ["3"]
    assert CODES[2] not in kept[0]["drug_trac_codg"] and len(kept[0]["drug_trac_codg"]) == 3
    # the patient is refunded what they paid less the kept units' self-pay part
    assert outcome.refunded == sold.collected - resale.actual.psn_cash_pay > ZERO
    order = gateway.orders()[terminal.journal.payments_of(sold.transaction.tx_id)[0].order_no]
    assert Money(order["refunded"]) == outcome.refunded
    assert settled(platform, sold.breakdown.setl_id) != "settled"
    assert settled(platform, resale.actual.setl_id) == "settled"


def test_returning_more_than_was_sold_is_refused_and_changes_nothing(make_terminal) -> None:
    terminal = make_terminal(kind="pharmacy")
    drug = BillLine("L1", "D0006", "D0006", Money("28.50"), Decimal(1))
    sold = terminal.saga.run(sale_of(TxKind.PHARMACY, drug), paycode(terminal))
    with pytest.raises(ReturnRefused):
        Returns(terminal.saga).start(sold.transaction.tx_id, [ReturnLine("L1", Decimal(2))])
    with pytest.raises(ReturnRefused):
        Returns(terminal.saga).start(sold.transaction.tx_id, [ReturnLine("L9", Decimal(1))])
    assert terminal.journal.get(sold.transaction.tx_id).state is TxState.COMPLETED


def test_a_return_interrupted_after_the_cancellation_is_finished_by_recovery(
    make_terminal, platform, gateway
) -> None:
    terminal = make_terminal(kind="pharmacy")
    drug = BillLine("L1", "D0006", "D0006", Money("28.50"), Decimal(2))
    sold = terminal.saga.run(sale_of(TxKind.PHARMACY, drug), paycode(terminal))
    returns = Returns(terminal.saga)
    # the return starts and the settlement is cancelled; then the terminal dies
    terminal.journal.start_return(sold.transaction.tx_id, [])
    returns._cancel_settlement(terminal.journal.get(sold.transaction.tx_id))
    report = terminal.recover()
    assert report.actions.get("return completed") == 1
    assert terminal.journal.get(sold.transaction.tx_id).state is TxState.RETURNED
    cancels = [r for r in terminal.journal.requests_of(sold.transaction.tx_id) if r.infno == "2103"]
    assert len(cancels) == 1  # the cancellation was not sent twice
    payments = terminal.journal.payments_of(sold.transaction.tx_id)
    assert [p.status for p in payments] == [PaymentStatus.REFUNDED]
