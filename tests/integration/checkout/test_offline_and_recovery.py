"""Offline checkouts, their forwarding, and recovery after an interruption, through the real
simulators."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from kernel.events import Entity, JournalChange, LinkChange, LinkState
from kernel.money import ZERO, Money
from kernel.records import Transaction
from kernel.states import PaymentStatus, RequestStatus, TxKind, TxState
from terminal.flows.bill import BillLine
from terminal.flows.checkout import CheckoutRequest, PaymentAttempt
from terminal.flows.identify import Credential, CredentialKind
from terminal.flows.offline_policy import OfflineRefused
from terminal.payment import PaymentResult

from .conftest import paycode

CLASS_A = BillLine("L-D0003", "D0003", "盐酸二甲双胍片", Money("15.60"), Decimal(3))

OFFLINE = {"rules": [{"infno": "*", "mode": "offline", "probability": 1}]}


def sale(certno: str) -> CheckoutRequest:
    return CheckoutRequest(
        TxKind.PHARMACY, Credential(CredentialKind.ID_NUMBER, certno), (CLASS_A,)
    )


@pytest.fixture
def certno(platform) -> str:
    """An active, locally insured resident (no deductible, so the funds pay on any bill)."""
    world = json.loads(platform.world.read_text(encoding="utf-8"))
    for person in world["persons"]:
        local = person["insuplc_admdvs"] == "440300" and person["insutype"] == "390"
        if local and person["psn_insu_stas"] == "1":
            return person["certno"]
    raise AssertionError("no such person in the world")


def test_refuse_mode_moves_no_money_and_says_why(make_terminal, platform, gateway, certno):
    terminal = make_terminal(kind="pharmacy", offline_mode="refuse")
    platform.control("POST", "/_sim/faults", OFFLINE)
    orders = len(gateway.orders())
    with pytest.raises(OfflineRefused, match="offline.mode is refuse"):
        terminal.saga.run(sale(certno), paycode(terminal))
    assert terminal.journal.transactions()[-1].state is TxState.CANCELLED
    assert len(gateway.orders()) == orders


def test_self_pay_offline_sale_lands_once_with_the_insurance_part_owed_back(
    make_terminal, platform, certno
) -> None:
    terminal = make_terminal(kind="pharmacy", offline_mode="self_pay")
    platform.control("POST", "/_sim/faults", OFFLINE)
    outcome = terminal.saga.run(sale(certno), paycode(terminal))
    assert outcome.offline and outcome.collected == Money("46.80")
    assert outcome.transaction.state is TxState.COMPLETED_OFFLINE

    platform.control("DELETE", "/_sim/faults")
    result = terminal.forwarder(base_delay=0.05).drain(timeout=30)
    assert result.remaining == 0 and result.dead == 0
    tx = terminal.journal.get(outcome.transaction.tx_id)
    assert tx.state is TxState.RECONCILED
    actual = tx.actual
    assert actual is not None and actual.fund_pay_sumamt > ZERO
    owed = terminal.journal.adjustments_of(tx.tx_id)
    # money is conserved: paid now - owed back + funds = the bill
    assert outcome.collected - owed[0].amount + actual.fund_pay_sumamt == actual.medfee_sumamt
    held = platform.control("GET", "/_sim/settlements")["settlements"]
    assert [s["setl_id"] for s in held].count(actual.setl_id) == 1


def test_provisional_mode_collects_only_the_conservatively_estimated_cash_part(
    make_terminal, platform, certno
) -> None:
    terminal = make_terminal(kind="pharmacy", offline_mode="provisional")
    platform.control("POST", "/_sim/faults", OFFLINE)
    bigger = CheckoutRequest(
        TxKind.PHARMACY,
        Credential(CredentialKind.ID_NUMBER, certno),
        (BillLine("L-D0003", "D0003", "盐酸二甲双胍片", Money("15.60"), Decimal(20)),),
    )
    outcome = terminal.saga.run(bigger, paycode(terminal))
    # least generous scheme at a 440300 pharmacy: an employed employee with the whole
    # deductible still to pay, (312.00 - 200.00) * 0.50
    assert outcome.breakdown.fund_pay_sumamt == Money("56.00")
    assert outcome.collected == Money("256.00")


class _CrashAfterCharging:
    """Charges the patient, then 'crashes' before the saga can record it."""

    channel = "paycode"

    def __init__(self, terminal) -> None:
        self.charge = paycode(terminal)

    def __call__(self, order_no: str, amount: Money, attempt: PaymentAttempt) -> PaymentResult:
        self.charge(order_no, amount, attempt)
        raise KeyboardInterrupt("power cut")


def crash_after_charging(terminal, certno: str) -> Transaction:
    """A cash part charged, then the terminal dies before recording it: the transaction."""
    request = CheckoutRequest(
        TxKind.PHARMACY, Credential(CredentialKind.ID_NUMBER, certno), (CLASS_A,), use_account=False
    )
    with pytest.raises(KeyboardInterrupt):
        terminal.saga.run(request, _CrashAfterCharging(terminal))
    return terminal.journal.transactions()[-1]


def test_recovery_completes_a_sale_whose_payment_was_taken_before_a_crash(
    make_terminal, platform, certno
) -> None:
    terminal = make_terminal(kind="pharmacy")
    tx = crash_after_charging(terminal, certno)
    assert tx.state is TxState.COLLECTING
    assert [p.status for p in terminal.journal.payments_of(tx.tx_id)] == [PaymentStatus.PENDING]

    report = terminal.recover()
    assert report.actions == {"settlement completed": 1}
    assert terminal.journal.get(tx.tx_id).state is TxState.COMPLETED
    assert terminal.recover().total == 0  # idempotent


def test_recovery_cancels_a_checkout_interrupted_before_payment(make_terminal, certno) -> None:
    terminal = make_terminal(kind="pharmacy")
    tx = terminal.journal.create(TxKind.PHARMACY)
    assert terminal.recover().actions == {"cancelled before payment": 1}
    assert terminal.journal.get(tx.tx_id).state is TxState.CANCELLED


def test_kiosk_offline_bills_the_hospital_orders_and_queues_the_visit(
    make_terminal, platform
) -> None:
    terminal = make_terminal(offline_mode="self_pay")
    world = json.loads(platform.world.read_text(encoding="utf-8"))
    certno = next(p["certno"] for p in world["persons"] if p["psn_no"] == "44030000000000000016")
    orders = platform.control("GET", f"/his/orders?certno={certno}")["orders"]
    assert orders
    platform.control("POST", "/_sim/faults", OFFLINE)
    request = CheckoutRequest(TxKind.OUTPATIENT, Credential(CredentialKind.ID_NUMBER, certno))
    outcome = terminal.saga.run(request, paycode(terminal))
    assert outcome.offline and outcome.transaction.state is TxState.COMPLETED_OFFLINE
    queued = [r.infno for r in terminal.journal.requests_of(outcome.transaction.tx_id)]
    assert queued == ["1101", "2201", "2204", "2206", "2207", "9802"]  # the claim last

    platform.control("DELETE", "/_sim/faults")
    assert terminal.forwarder(base_delay=0.05).drain(timeout=30).remaining == 0
    assert terminal.journal.get(outcome.transaction.tx_id).state is TxState.RECONCILED


def test_recovery_finishes_a_settlement_that_was_in_flight_when_the_terminal_died(
    make_terminal, platform, certno
) -> None:
    terminal = make_terminal(kind="pharmacy")
    tx = crash_after_charging(terminal, certno)
    (payment,) = terminal.journal.payments_of(tx.tx_id)
    terminal.saga.resolve_payment(payment.order_no, payment.channel)
    # the settlement was journalled, marked sent and executed by the platform; then the
    # terminal died before it could record the answer
    prepared = terminal.saga.settlement_request(terminal.journal.get(tx.tx_id))
    terminal.journal.mark_request(prepared.msgid, RequestStatus.SENT)
    terminal.client.send(prepared)

    assert terminal.recover().actions == {"settlement completed": 1}
    assert terminal.journal.get(tx.tx_id).state is TxState.COMPLETED
    held = platform.control("GET", "/_sim/settlements")["settlements"]
    assert [s["msgid"] for s in held].count(prepared.msgid) == 1


def _nothing_personal(changes: list[JournalChange], tx: Transaction) -> None:
    text = json.dumps([c.details for c in changes], ensure_ascii=False)
    assert tx.identity is not None
    assert tx.identity.certno not in text
    assert not tx.identity.name or tx.identity.name not in text


def test_the_events_of_an_offline_sale_forwarded_later_are_in_order(
    make_terminal, platform, certno
) -> None:
    terminal = make_terminal(kind="pharmacy", offline_mode="self_pay")
    changes: list[JournalChange] = []
    terminal.journal.subscribe(changes.append)
    platform.control("POST", "/_sim/faults", OFFLINE)
    outcome = terminal.saga.run(sale(certno), paycode(terminal))
    platform.control("DELETE", "/_sim/faults")
    forwarder = terminal.forwarder(base_delay=0.05)
    links: list[LinkChange] = []
    forwarder.subscribe(links.append)
    assert forwarder.drain(timeout=30).remaining == 0
    tx_id = outcome.transaction.tx_id
    states = [c.new for c in changes if c.tx_id == tx_id and c.entity is Entity.TRANSACTION]
    assert states == [
        "created",
        "identified",
        "billed",
        "estimated",
        "collecting_offline",
        "completed_offline",
        "forwarded",
        "reconciled",
    ]
    queued = [c for c in changes if c.tx_id == tx_id and c.event == "request.prepared"]
    assert [r["infno"] for r in queued[0].details["requests"]] == ["1101"]
    assert all(c.details["forward"] for c in queued)
    assert links and links[-1] == LinkChange(LinkState.ONLINE, 0)
    _nothing_personal(changes, terminal.journal.get(tx_id))


def test_the_events_of_a_recovery_after_a_crash_finish_the_sale_in_order(
    make_terminal, certno
) -> None:
    terminal = make_terminal(kind="pharmacy")
    tx = crash_after_charging(terminal, certno)
    changes: list[JournalChange] = []
    terminal.journal.subscribe(changes.append)
    terminal.recover()
    mine = [(c.entity.value, c.old, c.new) for c in changes if c.tx_id == tx.tx_id]
    assert mine[0] == ("payment", "pending", "collected")
    transaction = [(old, new) for entity, old, new in mine if entity == "transaction"]
    assert transaction == [("collecting", "settled"), ("settled", "completed")]
    _nothing_personal(changes, terminal.journal.get(tx.tx_id))
