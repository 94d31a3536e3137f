"""The commercial plan settled alongside (docs/commercial.md), through the real simulators: the
plan pays its share of the class-C part and the patient the rest; a refused and an unreachable
claim leave the patient the rest to pay; a return withdraws the claim with the settlement;
offline, the claim is forwarded after the settlement, exactly once."""

from __future__ import annotations

from decimal import Decimal

import pytest
from terminals import PERSONS

from kernel.money import ZERO, Money
from kernel.protocol import CLAIM_CANCEL_INFNO, CLAIM_INFNO
from kernel.states import RequestStatus, TxKind, TxState
from terminal.flows.bill import BillLine
from terminal.flows.checkout import CheckoutRequest
from terminal.flows.commercial import ClaimState
from terminal.flows.identify import Credential, CredentialKind
from terminal.flows.offline_chain import CLAIM_LANDED_REASON
from terminal.flows.returns import ReturnRefused, Returns

from .conftest import paycode

INSURED = "44030000000000000038"  # city plan, its deductible used, an empty account
FRESH = "44030000000000000039"  # city plan, deductible not used, account 300
NO_PLAN = "44030000000000000040"
CLASS_A = BillLine("L-X1", "X1", "示例甲类项目X1", Money("28.50"), Decimal(2))
CLASS_C = BillLine("L-X3", "X3", "示例丙类项目X3", Money("12.00"), Decimal(1))
DRUG_C = BillLine("L-D0010", "D0010", "感冒灵颗粒", Money("20.00"), Decimal(1))
OFFLINE = {"rules": [{"infno": "*", "mode": "offline", "probability": 1}]}


def sale(psn_no: str, *lines: BillLine, kind: TxKind = TxKind.OUTPATIENT) -> CheckoutRequest:
    credential = Credential(CredentialKind.ID_NUMBER, PERSONS[psn_no]["certno"])
    return CheckoutRequest(kind, credential, lines or (CLASS_A, CLASS_C))


def claims(platform, psn_no: str, setl_id: str) -> list[dict]:
    held = platform.control("GET", f"/_sim/commercial?psn_no={psn_no}")["claims"]
    return [c for c in held if c["setl_id"] == setl_id]


def test_the_plan_pays_its_ratio_of_the_class_c_part_and_the_patient_the_rest(
    make_terminal, platform
) -> None:
    terminal = make_terminal()
    outcome = terminal.saga.run(sale(INSURED), paycode(terminal))
    b = outcome.breakdown
    assert b.fulamt_ownpay_amt == Money("12.00")
    assert b.commercial_pay == Money("8.40")  # 70% of the class-C item, deductible used
    assert outcome.collected == b.psn_cash_pay - Money("8.40") == b.cash_due
    assert outcome.claim.state is ClaimState.PAID and outcome.claim.amount == Money("8.40")
    assert b.fund_pay_sumamt + b.account_total + b.commercial_pay + outcome.collected == (
        b.medfee_sumamt
    )
    held = claims(platform, INSURED, b.setl_id)
    assert [(c["pay_amt"], c["state"]) for c in held] == [("8.40", "claimed")]


def test_a_person_without_a_plan_pays_the_cash_part_and_nothing_is_claimed(
    make_terminal, platform
) -> None:
    terminal = make_terminal()
    outcome = terminal.saga.run(sale(NO_PLAN), paycode(terminal))
    assert outcome.breakdown.commercial_pay == ZERO
    assert outcome.collected == outcome.breakdown.psn_cash_pay
    assert outcome.claim.state is ClaimState.NOT_USED
    infnos = {r.infno for r in terminal.journal.requests_of(outcome.transaction.tx_id)}
    assert CLAIM_INFNO not in infnos


def test_the_deductible_is_taken_before_the_plan_pays(make_terminal, platform) -> None:
    terminal = make_terminal()
    before = platform.control("GET", f"/_sim/commercial?psn_no={FRESH}")["policies"][0]
    outcome = terminal.saga.run(sale(FRESH, CLASS_A, CLASS_C), paycode(terminal))
    after = platform.control("GET", f"/_sim/commercial?psn_no={FRESH}")["policies"][0]
    assert outcome.breakdown.commercial_pay == ZERO  # 12.00 is within the 100.00 deductible
    assert Money(after["dedc_used"]) - Money(before["dedc_used"]) == Money("12.00")
    assert outcome.claim.state is ClaimState.PAID and outcome.claim.reason


def test_a_refused_claim_leaves_the_patient_the_rest_to_pay_and_says_so(
    make_terminal, platform
) -> None:
    terminal = make_terminal()
    policy = platform.control("GET", f"/_sim/commercial?psn_no={INSURED}")["policies"][0]
    session = terminal.saga.begin(TxKind.OUTPATIENT)
    session.identify(sale(INSURED).credential)
    session.bill((CLASS_A, CLASS_C))
    estimated = session.presettle()
    assert estimated.commercial_pay == Money("8.40")
    assert session.confirm() == estimated.cash_due
    # the insurer suspends the policy between the pre-claim and the claim
    suspend = {"policy_no": policy["policy_no"], "state": "suspended"}
    platform.control("POST", "/_sim/commercial/policy", suspend)
    try:
        collect = paycode(terminal)
        session.pay(collect)
        actual = session.settle(collect)
        outcome = session.complete()
    finally:
        platform.control("POST", "/_sim/commercial/policy", {**suspend, "state": "active"})
    assert actual.commercial_pay == ZERO
    assert outcome.collected == actual.psn_cash_pay  # the rest was collected as a shortfall
    assert outcome.claim.state is ClaimState.REFUSED and "保单已中止" in outcome.claim.reason
    assert "refused" in outcome.claim.describe() and "paid the rest" in outcome.claim.describe()
    assert claims(platform, INSURED, actual.setl_id) == []


def test_an_unreachable_claim_leaves_the_rest_to_the_patient_and_its_withdrawal_lands_once(
    make_terminal, platform
) -> None:
    terminal = make_terminal()
    # the claim lands but its answer never comes back: the terminal cannot know
    platform.control(
        "POST",
        "/_sim/faults",
        {"rules": [{"infno": CLAIM_INFNO, "mode": "drop_after_commit", "probability": 1}]},
    )
    outcome = terminal.saga.run(sale(INSURED), paycode(terminal))
    platform.control("DELETE", "/_sim/faults")
    b = outcome.breakdown
    assert b.commercial_pay == ZERO and outcome.collected == b.psn_cash_pay
    assert outcome.claim.state is ClaimState.UNREACHABLE
    assert "could not be reached" in outcome.claim.describe()
    assert [c["state"] for c in claims(platform, INSURED, b.setl_id)] == ["claimed"]
    with pytest.raises(ReturnRefused, match="commercial claim"):  # not while it may be live
        Returns(terminal.saga).start(outcome.transaction.tx_id)
    result = terminal.forwarder(base_delay=0.05).drain(timeout=30)
    assert result.remaining == 0 and result.dead == 0
    assert [c["state"] for c in claims(platform, INSURED, b.setl_id)] == ["cancelled"]
    withdrawals = [
        r
        for r in terminal.journal.requests_of(outcome.transaction.tx_id)
        if r.infno == CLAIM_CANCEL_INFNO
    ]
    assert [r.status for r in withdrawals] == [RequestStatus.SUCCEEDED]
    # withdrawn: the sale may now be returned, and nothing more is withdrawn
    returned = Returns(terminal.saga).start(outcome.transaction.tx_id)
    assert returned.original.state is TxState.RETURNED and returned.refunded == b.psn_cash_pay
    again = terminal.journal.requests_of(outcome.transaction.tx_id)
    assert [r.infno for r in again].count(CLAIM_CANCEL_INFNO) == 1


def test_a_return_withdraws_the_claim_then_cancels_the_settlement(make_terminal, platform) -> None:
    terminal = make_terminal()
    sold = terminal.saga.run(sale(INSURED), paycode(terminal))
    setl_id = sold.breakdown.setl_id
    policy_before = platform.control("GET", f"/_sim/commercial?psn_no={INSURED}")["policies"][0]
    returned = Returns(terminal.saga).start(sold.transaction.tx_id)
    assert returned.original.state is TxState.RETURNED
    assert returned.refunded == sold.collected  # the patient gets back what they paid
    assert [c["state"] for c in claims(platform, INSURED, setl_id)] == ["cancelled"]
    policy = platform.control("GET", f"/_sim/commercial?psn_no={INSURED}")["policies"][0]
    assert Money(policy_before["paid"]) - Money(policy["paid"]) == sold.breakdown.commercial_pay
    held = platform.control("GET", f"/_sim/settlements?psn_no={INSURED}")["settlements"]
    assert [s["state"] for s in held if s["setl_id"] == setl_id] == ["cancelled"]
    infnos = [r.infno for r in terminal.journal.requests_of(sold.transaction.tx_id)]
    assert infnos.index(CLAIM_CANCEL_INFNO) < infnos.index("2208")


def test_offline_the_claim_is_forwarded_after_the_settlement_exactly_once(
    make_terminal, platform
) -> None:
    terminal = make_terminal(kind="pharmacy", offline_mode="self_pay")
    platform.control("POST", "/_sim/faults", OFFLINE)
    outcome = terminal.saga.run(
        sale(INSURED, DRUG_C, kind=TxKind.PHARMACY), paycode(terminal)
    )
    platform.control("DELETE", "/_sim/faults")
    assert outcome.offline and outcome.collected == Money("20.00")
    assert outcome.claim.state is ClaimState.QUEUED
    result = terminal.forwarder(base_delay=0.05).drain(timeout=30)
    assert result.remaining == 0 and result.dead == 0
    tx_id = outcome.transaction.tx_id
    tx = terminal.journal.get(tx_id)
    assert tx.state is TxState.RECONCILED and tx.actual is not None
    requests = terminal.journal.requests_of(tx_id)
    order = [r.infno for r in requests]
    assert order.index("2102") < order.index(CLAIM_INFNO)
    assert [r.status for r in requests if r.infno == CLAIM_INFNO] == [RequestStatus.SUCCEEDED]
    held = claims(platform, INSURED, tx.actual.setl_id)
    assert [c["pay_amt"] for c in held] == ["14.00"]  # 70% of the class-C drug
    # the patient paid everything offline: the plan's share is owed back, once
    owed = [a for a in terminal.journal.adjustments_of(tx_id) if a.reason == CLAIM_LANDED_REASON]
    assert [a.amount for a in owed] == [Money("14.00")]
    terminal.forwarder(base_delay=0.05).drain(timeout=10)
    assert len(claims(platform, INSURED, tx.actual.setl_id)) == 1


def test_a_person_without_a_plan_costs_no_pre_claim(make_terminal, platform) -> None:
    terminal = make_terminal()
    session = terminal.saga.begin(TxKind.OUTPATIENT)
    person = session.identify(sale(NO_PLAN).credential)
    assert person is not None and not person.holds_commercial_plan
    insured = terminal.saga.begin(TxKind.OUTPATIENT)
    holder = insured.identify(sale(INSURED).credential)
    assert holder is not None and holder.holds_commercial_plan  # 1101 lists the policy
    for opened in (session, insured):
        opened.cancel("test")
    # the pre-claim is skipped for the one without a plan: a fault on 9801 cannot touch it
    platform.control(
        "POST", "/_sim/faults", {"rules": [{"infno": "9801", "mode": "http_503", "count": 1}]}
    )
    outcome = terminal.saga.run(sale(NO_PLAN), paycode(terminal))
    assert outcome.transaction.state is TxState.COMPLETED
    rules = platform.control("GET", "/_sim/faults")["rules"]
    assert [r["fired"] for r in rules] == [0]
