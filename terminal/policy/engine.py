"""settlement-rules.md as pure functions: a bill and a person's state in, a breakdown out.

Fund payments are rounded half-up to the cent as they are computed; every person-side amount
is derived by subtraction, so the sums of central-api.md hold exactly and `Breakdown`'s
constructor can check them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from kernel.breakdown import Breakdown
from kernel.errors import MedtermError
from kernel.fees import CatalogueItem, ChargeLevel, FeeItem
from kernel.money import ZERO, Money, money_sum
from terminal.policy.rules import PolicyBook, PolicyError, RegionPolicy

# The benefit a medical type draws on (settlement-rules.md: outpatient is shared by general
# outpatient care and pharmacy purchases; chronic disease care has its own).
BENEFIT_BY_MED_TYPE: Mapping[str, str] = {"11": "outpatient", "41": "outpatient", "14": "chronic"}
ACTIVE_INSURANCE = "1"


class NotEligibleError(MedtermError):
    """The person's insurance is not active: no fund may pay (the platform answers -2)."""

    code = "E031"
    message_zh = "参保状态异常,医保基金不予支付"
    message_en = "insurance is not active: no fund payment"
    action = "The person may pay in full, or ask the insurance bureau about their status."
    action_zh = "您可以全额自费支付，或向医保经办机构咨询您的参保状态。"


@dataclass(frozen=True)
class ItemSplit:
    det: Money
    fulamt_ownpay: Money
    overlmt: Money
    preselfpay: Money
    inscp: Money


@dataclass(frozen=True)
class BillSplit:
    medfee_sumamt: Money
    fulamt_ownpay_amt: Money
    overlmt_selfpay: Money
    preselfpay_amt: Money
    inscp_scp_amt: Money
    items: tuple[ItemSplit, ...]


@dataclass(frozen=True)
class AssistanceIdentity:
    psn_idet_type: str
    begntime: date
    endtime: date | None = None

    def valid_on(self, day: date) -> bool:
        return self.begntime <= day and (self.endtime is None or day <= self.endtime)


@dataclass(frozen=True)
class PersonProfile:
    insutype: str
    psn_type: str
    insuplc_admdvs: str
    psn_insu_stas: str
    identities: tuple[AssistanceIdentity, ...] = ()


@dataclass(frozen=True)
class BenefitUsage:
    dedc_used: Money = ZERO
    hifp_paid: Money = ZERO


@dataclass(frozen=True)
class PersonState:
    """What the platform keeps per person and calendar year, plus the account balance."""

    usage: Mapping[str, BenefitUsage] = field(default_factory=dict)
    maf_paid: Money = ZERO
    balc: Money = ZERO

    def benefit(self, name: str) -> BenefitUsage:
        return self.usage.get(name, BenefitUsage())


@dataclass(frozen=True)
class SettlementContext:
    med_type: str
    institution_level: str
    treating_admdvs: str
    settle_date: date
    acct_used: bool
    mulaid_balc: Money | None = None  # set only when an authorised family member is named


@dataclass(frozen=True)
class Settlement:
    breakdown: Breakdown
    state_after: PersonState
    mulaid_balc_after: Money | None


def benefit_for(med_type: str) -> str:
    try:
        return BENEFIT_BY_MED_TYPE[med_type]
    except KeyError:
        raise PolicyError(f"med_type {med_type} has no benefit") from None


def split_item(pric: Money, cnt: Decimal, item: CatalogueItem) -> ItemSplit:
    det = pric.times(cnt)
    if item.chrgitm_lv is ChargeLevel.CLASS_C:
        return ItemSplit(det, det, ZERO, ZERO, ZERO)
    limit = item.pric_uplmt_amt
    overlmt = (pric - limit).times(cnt) if limit is not None and pric > limit else ZERO
    base = det - overlmt
    preselfpay = base.times(item.selfpay_prop) if item.chrgitm_lv is ChargeLevel.CLASS_B else ZERO
    return ItemSplit(det, ZERO, overlmt, preselfpay, base - preselfpay)


def split_bill(lines: Sequence[tuple[FeeItem, CatalogueItem]]) -> BillSplit:
    items = tuple(split_item(fee.pric, fee.cnt, entry) for fee, entry in lines)
    return BillSplit(
        medfee_sumamt=money_sum(i.det for i in items),
        fulamt_ownpay_amt=money_sum(i.fulamt_ownpay for i in items),
        overlmt_selfpay=money_sum(i.overlmt for i in items),
        preselfpay_amt=money_sum(i.preselfpay for i in items),
        inscp_scp_amt=money_sum(i.inscp for i in items),
        items=items,
    )


def settle(
    book: PolicyBook,
    person: PersonProfile,
    state: PersonState,
    bill: BillSplit,
    ctx: SettlementContext,
) -> Settlement:
    """Split one bill. Benefit parameters are the insured region's; the catalogue (already
    applied in `bill`) is the treating region's."""
    if person.psn_insu_stas != ACTIVE_INSURANCE:
        raise NotEligibleError(f"psn_insu_stas is {person.psn_insu_stas}")
    benefit = benefit_for(ctx.med_type)
    region = book.region(person.insuplc_admdvs)
    scheme = region.scheme(person.insutype, person.psn_type, benefit)
    try:
        ratio = scheme.ratios[ctx.institution_level]
    except KeyError:
        raise PolicyError(f"no ratio for institution level {ctx.institution_level}") from None
    used = state.benefit(benefit)

    remaining_dedc = _at_least_zero(scheme.deductible - used.dedc_used)
    act_pay_dedc = min(bill.inscp_scp_amt, remaining_dedc)
    eligible = bill.inscp_scp_amt - act_pay_dedc
    hifp_pay = min(eligible.times(ratio), _at_least_zero(scheme.cap - used.hifp_paid))
    pool_prop_selfpay = eligible - hifp_pay
    maf_pay = _assistance(region, person, state, ctx.settle_date, act_pay_dedc + pool_prop_selfpay)

    fund_pay_sumamt = hifp_pay + maf_pay
    psn_part_amt = bill.medfee_sumamt - fund_pay_sumamt
    covers_ownpay = ctx.med_type in scheme.account_covers_ownpay_med_types
    acct_base = psn_part_amt - (ZERO if covers_ownpay else bill.fulamt_ownpay_amt)
    accounts_usable = ctx.acct_used and scheme.account and _same_province(person, ctx)
    acct_pay = min(_at_least_zero(state.balc), acct_base) if accounts_usable else ZERO
    acct_mulaid_pay = ZERO
    if accounts_usable and ctx.mulaid_balc is not None:
        acct_mulaid_pay = min(_at_least_zero(ctx.mulaid_balc), acct_base - acct_pay)

    breakdown = Breakdown(
        medfee_sumamt=bill.medfee_sumamt,
        fulamt_ownpay_amt=bill.fulamt_ownpay_amt,
        overlmt_selfpay=bill.overlmt_selfpay,
        preselfpay_amt=bill.preselfpay_amt,
        inscp_scp_amt=bill.inscp_scp_amt,
        act_pay_dedc=act_pay_dedc,
        hifp_pay=hifp_pay,
        pool_prop_selfpay=pool_prop_selfpay,
        cvlserv_pay=ZERO,
        hifes_pay=ZERO,
        hifmi_pay=ZERO,
        hifob_pay=ZERO,
        maf_pay=maf_pay,
        oth_pay=ZERO,
        fund_pay_sumamt=fund_pay_sumamt,
        psn_part_amt=psn_part_amt,
        acct_pay=acct_pay,
        acct_mulaid_pay=acct_mulaid_pay,
        psn_cash_pay=psn_part_amt - acct_pay - acct_mulaid_pay,
        balc=state.balc - acct_pay,
        insutype=person.insutype,
        psn_type=person.psn_type,
        med_type=ctx.med_type,
    )
    mulaid_after = None if ctx.mulaid_balc is None else ctx.mulaid_balc - acct_mulaid_pay
    return Settlement(breakdown, apply_to_state(state, breakdown, ctx.med_type), mulaid_after)


def apply_to_state(state: PersonState, breakdown: Breakdown, med_type: str) -> PersonState:
    """The person's state after a settlement with this breakdown."""
    return _shift(state, breakdown, med_type, sign=1)


def cancel_state(state: PersonState, breakdown: Breakdown, med_type: str) -> PersonState:
    """The person's state after cancelling the settlement that produced `breakdown` (the
    original, positive one). The family member's account is refunded `acct_mulaid_pay`."""
    return _shift(state, breakdown, med_type, sign=-1)


def _shift(state: PersonState, breakdown: Breakdown, med_type: str, sign: int) -> PersonState:
    benefit = benefit_for(med_type)
    used = state.benefit(benefit)
    usage = dict(state.usage)
    usage[benefit] = BenefitUsage(
        dedc_used=used.dedc_used + breakdown.act_pay_dedc.times(sign),
        hifp_paid=used.hifp_paid + breakdown.hifp_pay.times(sign),
    )
    return PersonState(
        usage=usage,
        maf_paid=state.maf_paid + breakdown.maf_pay.times(sign),
        balc=state.balc - breakdown.acct_pay.times(sign),
    )


def _assistance(
    region: RegionPolicy, person: PersonProfile, state: PersonState, day: date, base: Money
) -> Money:
    """Medical assistance on the person's share of in-scope costs, by their best valid identity."""
    ratios = [
        region.assistance.ratios[i.psn_idet_type]
        for i in person.identities
        if i.valid_on(day) and i.psn_idet_type in region.assistance.ratios
    ]
    if not ratios:
        return ZERO
    return min(base.times(max(ratios)), _at_least_zero(region.assistance.cap - state.maf_paid))


def _same_province(person: PersonProfile, ctx: SettlementContext) -> bool:
    return person.insuplc_admdvs[:2] == ctx.treating_admdvs[:2]


def _at_least_zero(amount: Money) -> Money:
    return max(amount, ZERO)
