"""What the terminal may do while the platform is unreachable (offline.md, "Offline policy").

Pure decisions: given the configured mode and limits, what is already outstanding, and the
bill, say how much the patient pays now and how much fund money the terminal assumes — or
refuse before any money moves, saying which limit and why.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from enum import StrEnum

from kernel.breakdown import Breakdown
from kernel.errors import MedtermError
from kernel.money import ZERO, Money
from terminal.policy.engine import (
    BenefitUsage,
    BillSplit,
    PersonProfile,
    PersonState,
    SettlementContext,
    benefit_for,
    settle,
)
from terminal.policy.rules import PolicyBook, PolicyError


class OfflineMode(StrEnum):
    REFUSE = "refuse"
    SELF_PAY = "self_pay"
    PROVISIONAL = "provisional"


class OfflineRefused(MedtermError):
    """A transaction refused offline: no money has moved."""

    code = "E201"
    message_zh = "医保平台暂时无法连接,本笔交易无法办理"
    message_en = "the insurance platform is unreachable: this transaction cannot be done now"
    action = "Try again when the platform is back, or pay the whole bill at the cashier."
    action_zh = "请在医保平台恢复后重试，或到收费窗口全额支付。"


@dataclass(frozen=True)
class OfflineLimits:
    max_tx_fund_amount: Money
    max_outstanding_fund_amount: Money
    max_outstanding_count: int
    max_age: timedelta


@dataclass(frozen=True)
class Outstanding:
    """Offline transactions not yet forwarded, as the journal counts them."""

    count: int
    fund_amount: Money
    oldest_age: timedelta | None


@dataclass(frozen=True)
class OfflineDecision:
    mode: OfflineMode
    cash_due: Money  # what the patient pays now, by a self-pay channel
    assumed_fund: Money  # what the terminal assumes the funds will pay once forwarded
    estimate: Breakdown | None  # the provisional split shown to the patient


def decide_offline(
    mode: OfflineMode,
    limits: OfflineLimits,
    outstanding: Outstanding,
    bill: BillSplit,
    *,
    book: PolicyBook,
    insured_region: str,
    med_type: str,
    institution_level: str,
    treating_region: str,
    today: date,
) -> OfflineDecision:
    """Decide one offline transaction; raises OfflineRefused with the reason."""
    if mode is OfflineMode.REFUSE:
        raise OfflineRefused("offline.mode is refuse: insurance needs the platform")
    if outstanding.count + 1 > limits.max_outstanding_count:
        raise OfflineRefused(
            f"{outstanding.count} offline transactions already wait to be forwarded "
            f"(limit {limits.max_outstanding_count})"
        )
    if outstanding.oldest_age is not None and outstanding.oldest_age > limits.max_age:
        hours = int(outstanding.oldest_age.total_seconds() // 3600)
        raise OfflineRefused(
            f"the oldest offline transaction has waited {hours} h "
            f"(limit {int(limits.max_age.total_seconds() // 3600)} h): forward the queue first"
        )
    if mode is OfflineMode.SELF_PAY:
        return OfflineDecision(mode, bill.medfee_sumamt, ZERO, None)

    estimate = conservative_estimate(
        bill,
        book=book,
        insured_region=insured_region,
        med_type=med_type,
        institution_level=institution_level,
        treating_region=treating_region,
        today=today,
    )
    fund = estimate.fund_pay_sumamt
    if fund > limits.max_tx_fund_amount:
        raise OfflineRefused(
            f"the fund part {fund} is above the offline limit {limits.max_tx_fund_amount} "
            "for one transaction"
        )
    if outstanding.fund_amount + fund > limits.max_outstanding_fund_amount:
        raise OfflineRefused(
            f"offline fund parts would reach {outstanding.fund_amount + fund}, above the limit "
            f"{limits.max_outstanding_fund_amount}"
        )
    return OfflineDecision(mode, estimate.psn_cash_pay, fund, estimate)


def conservative_estimate(
    bill: BillSplit,
    *,
    book: PolicyBook,
    insured_region: str,
    med_type: str,
    institution_level: str,
    treating_region: str,
    today: date,
) -> Breakdown:
    """The smallest fund part any scheme of the insured region could pay for this bill.

    Offline the terminal does not know the person's insurance type, person type, year-to-date
    use or assistance identities, so it assumes the least generous case: deductible unused,
    no assistance, no personal account (offline.md), and the scheme paying least. The patient
    is never asked for less than the platform will later settle, only possibly more, which
    comes back as a refund adjustment.
    """
    try:
        region = book.region(insured_region)
    except PolicyError as err:
        raise OfflineRefused(f"no cached policy for the insured region: {err.detail}") from None
    benefit = benefit_for(med_type)
    ctx = SettlementContext(med_type, institution_level, treating_region, today, acct_used=False)
    fresh = PersonState({benefit: BenefitUsage()})
    candidates = []
    for scheme in region.schemes:
        if scheme.benefit != benefit:
            continue
        for psn_type in sorted(scheme.psn_types):
            person = PersonProfile(scheme.insutype, psn_type, insured_region, "1")
            candidates.append(settle(book, person, fresh, bill, ctx).breakdown)
    if not candidates:
        raise OfflineRefused(f"no {benefit} scheme cached for region {insured_region}")
    least = min(candidates, key=lambda b: b.fund_pay_sumamt.amount)
    return replace(least, insutype="", psn_type="")
