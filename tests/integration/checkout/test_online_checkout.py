"""The saga online, through the real platform simulator and payment gateway."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kernel.money import Money
from kernel.states import PaymentStatus, RequestStatus, TxKind, TxState
from terminal.flows.bill import BillLine
from terminal.flows.checkout import CheckoutRequest, SettlementRefused
from terminal.flows.identify import Credential, CredentialKind
from terminal.payment import PaymentDeclined

from .conftest import paycode

EMPLOYED = "440300198503121010"  # worked example 1 of settlement-rules.md
WITH_ORDERS = "44030000000000000015"  # has unpaid hospital orders


def line(code: str, price: str, count: int, *traces: str) -> BillLine:
    return BillLine(f"L-{code}", code, code, Money(price), Decimal(count), drug_trac_codg=traces)


FULL_BILL = (
    line("X1", "12.50", 4),
    line("X2", "33.33", 3),
    line("X3", "45.60", 1),
    line("X4", "20.00", 1),
)


def by_certno(certno: str, *lines: BillLine, kind: TxKind = TxKind.OUTPATIENT) -> CheckoutRequest:
    return CheckoutRequest(kind, Credential(CredentialKind.ID_NUMBER, certno), tuple(lines))


def test_worked_example_1_settles_to_the_cent_and_collects_the_cash_part(
    make_terminal, platform, gateway
) -> None:
    terminal = make_terminal()
    outcome = terminal.saga.run(by_certno(EMPLOYED, *FULL_BILL), paycode(terminal))
    b = outcome.breakdown
    assert (b.hifp_pay, b.acct_pay, b.psn_cash_pay, b.balc) == (
        Money("65.65"),
        Money("104.34"),
        Money("45.60"),
        Money("395.66"),
    )
    assert outcome.transaction.state is TxState.COMPLETED
    assert outcome.collected == Money("45.60")
    held = platform.control("GET", "/_sim/settlements")["settlements"]
    assert [s["setl_id"] for s in held if s["setl_id"] == b.setl_id] == [b.setl_id]
    paid = [o for o in gateway.orders().values() if o["amount"] == "45.60"]
    assert paid and paid[-1]["state"] == "SUCCESS"


def test_kiosk_pays_the_unpaid_hospital_orders_of_an_e_voucher_holder(
    make_terminal, platform
) -> None:
    terminal = make_terminal()
    qr = platform.control("POST", "/_sim/voucher", {"psn_no": WITH_ORDERS, "ttl": 120})["qr"]
    request = CheckoutRequest(TxKind.OUTPATIENT, Credential(CredentialKind.VOUCHER, qr))
    outcome = terminal.saga.run(request, paycode(terminal))
    assert outcome.transaction.state is TxState.COMPLETED
    rxnos = {item["rxno"] for item in outcome.transaction.bill or ()}
    assert rxnos
    certno = outcome.transaction.identity.certno  # type: ignore[union-attr]
    assert platform.control("GET", f"/his/orders?certno={certno}")["orders"] == []


def test_reused_traceability_code_is_refused_and_the_payment_refunded(
    make_terminal, gateway
) -> None:
    terminal = make_terminal(kind="pharmacy")
    sale = line("D0006", "28.50", 1, "81111111111111111111")
    # an empty account makes sure there is a cash part to refund
    first = terminal.saga.run(by_certno(EMPLOYED, sale, kind=TxKind.PHARMACY), paycode(terminal))
    assert first.transaction.state is TxState.COMPLETED
    other = CheckoutRequest(
        TxKind.PHARMACY, Credential(CredentialKind.ID_NUMBER, EMPLOYED), (sale,), use_account=False
    )
    with pytest.raises(SettlementRefused):
        terminal.saga.run(other, paycode(terminal))
    refused = terminal.journal.transactions([TxState.CANCELLED])[-1]
    payments = terminal.journal.payments_of(refused.tx_id)
    assert [p.status for p in payments] == [PaymentStatus.REFUNDED]
    order = gateway.orders()[payments[0].order_no]
    assert order["refunded"] == order["amount"]


def test_declined_payment_cancels_the_transaction_before_any_settlement(
    make_terminal, platform, gateway
) -> None:
    terminal = make_terminal()
    gateway.set_rules({"mode": "decline", "channel": "paycode", "reason": "NOTENOUGH"})
    before = len(platform.control("GET", "/_sim/settlements")["settlements"])
    request = CheckoutRequest(
        TxKind.OUTPATIENT,
        Credential(CredentialKind.ID_NUMBER, EMPLOYED),
        (line("X3", "45.60", 1),),
        use_account=False,
    )
    with pytest.raises(PaymentDeclined):
        terminal.saga.run(request, paycode(terminal))
    assert terminal.journal.transactions()[-1].state is TxState.CANCELLED
    assert len(platform.control("GET", "/_sim/settlements")["settlements"]) == before


def test_settlement_whose_answer_is_lost_settles_exactly_once(make_terminal, platform) -> None:
    terminal = make_terminal()
    platform.control(
        "POST",
        "/_sim/faults",
        {"rules": [{"infno": "2207", "mode": "drop_after_commit", "count": 1}]},
    )
    outcome = terminal.saga.run(by_certno(EMPLOYED, line("X1", "10.00", 1)), paycode(terminal))
    assert outcome.transaction.state is TxState.COMPLETED
    settle = [
        r for r in terminal.journal.requests_of(outcome.transaction.tx_id) if r.infno == "2207"
    ]
    assert [r.status for r in settle] == [RequestStatus.SUCCEEDED]
    held = platform.control("GET", "/_sim/settlements")["settlements"]
    assert [s["msgid"] for s in held].count(settle[0].msgid) == 1


def test_suspended_insurance_is_refused_before_money_moves(make_terminal, gateway) -> None:
    terminal = make_terminal()
    orders_before = len(gateway.orders())
    with pytest.raises(Exception) as caught:
        terminal.saga.run(
            by_certno("440300198806061094", line("X1", "10.00", 1)), paycode(terminal)
        )
    assert getattr(caught.value, "code", "").startswith("E")
    assert terminal.journal.transactions()[-1].state is TxState.CANCELLED
    assert len(gateway.orders()) == orders_before
