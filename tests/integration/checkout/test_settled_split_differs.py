"""When the platform settles another split than it pre-settled (the person's account moved in
between), the difference is collected or refunded before the sale completes (offline.md)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from kernel.money import Money
from kernel.states import TxKind, TxState
from terminal.flows.bill import BillLine
from terminal.flows.checkout import DIFFERENCE_REASON, CheckoutRequest, PaymentAttempt
from terminal.flows.identify import Credential, CredentialKind
from terminal.payment import PaymentResult

from .conftest import paycode

SMALL_ACCOUNT = "440300200301090340"  # employed, 15.53 in the personal account
MID_ACCOUNT = "440300201212280323"  # employed, 272.73 in the personal account


def sale(certno: str, code: str, price: str, count: int, kind: TxKind) -> CheckoutRequest:
    line = BillLine(f"L-{code}", code, code, Money(price), Decimal(count))
    return CheckoutRequest(kind, Credential(CredentialKind.ID_NUMBER, certno), (line,))


class MeanwhileThenPay:
    """Pays by payment code; before the first payment, something else happens to the person's
    account (another terminal settles or cancels)."""

    channel = "paycode"

    def __init__(self, terminal, meanwhile: Callable[[], None]) -> None:
        self.pay = paycode(terminal)
        self.meanwhile: Callable[[], None] | None = meanwhile
        self.amounts: list[Money] = []

    def __call__(self, order_no: str, amount: Money, attempt: PaymentAttempt) -> PaymentResult:
        if self.meanwhile is not None:
            self.meanwhile, run = None, self.meanwhile
            run()
        self.amounts.append(amount)
        return self.pay(order_no, amount, attempt)


def test_shortfall_is_collected_before_the_sale_completes(make_terminal) -> None:
    pharmacy, hospital = make_terminal(kind="pharmacy"), make_terminal(kind="hospital")

    def spend_account_at_the_hospital() -> None:
        visit = sale(SMALL_ACCOUNT, "X1", "10.00", 1, TxKind.OUTPATIENT)
        assert hospital.saga.run(visit, paycode(hospital)).breakdown.acct_pay > Money(0)

    collector = MeanwhileThenPay(pharmacy, spend_account_at_the_hospital)
    outcome = pharmacy.saga.run(sale(SMALL_ACCOUNT, "D0009", "6.80", 3, TxKind.PHARMACY), collector)

    presettled_cash, shortfall = collector.amounts  # the shortfall was collected after
    assert shortfall > Money(0)
    assert presettled_cash + shortfall == outcome.breakdown.psn_cash_pay == outcome.collected
    assert outcome.transaction.state is TxState.COMPLETED
    assert pharmacy.journal.adjustments_of(outcome.transaction.tx_id) == []


def test_overpayment_is_refunded_before_the_sale_completes(make_terminal, gateway) -> None:
    pharmacy, hospital = make_terminal(kind="pharmacy"), make_terminal(kind="hospital")
    visit = hospital.saga.run(
        sale(MID_ACCOUNT, "X1", "300.00", 1, TxKind.OUTPATIENT), paycode(hospital)
    )
    spent = visit.breakdown
    assert spent.acct_pay > Money("68.00")  # leaves less than the sale below in the account

    def cancel_the_hospital_settlement() -> None:
        hospital.client.cancel_settlement(
            spent.setl_id, spent.mdtrt_id, spent.psn_no, insuplc_admdvs="440300"
        )

    collector = MeanwhileThenPay(pharmacy, cancel_the_hospital_settlement)
    outcome = pharmacy.saga.run(sale(MID_ACCOUNT, "D0009", "6.80", 10, TxKind.PHARMACY), collector)

    (paid,) = collector.amounts
    assert outcome.breakdown.acct_pay == Money("68.00")  # the restored account paid it all
    assert outcome.breakdown.psn_cash_pay == Money("0.00")
    (adjustment,) = pharmacy.journal.adjustments_of(outcome.transaction.tx_id)
    assert (adjustment.reason, adjustment.amount, adjustment.settled) == (
        DIFFERENCE_REASON,
        paid,
        True,
    )
    (payment,) = pharmacy.journal.payments_of(outcome.transaction.tx_id)
    assert gateway.orders()[payment.order_no]["refunded"] == str(paid)
