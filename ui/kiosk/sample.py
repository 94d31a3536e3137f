"""The sample patient the screenshots and the screen tests show: a person, their unpaid
orders from two visits, and a settlement split that adds up (kernel.breakdown checks it).

Plain data, no Qt: what the pages render in the screenshots of docs/screenshots/ and in the
window's warm-up at start; the names and numbers are invented.
"""

from __future__ import annotations

from decimal import Decimal

from kernel.breakdown import Breakdown
from kernel.fees import ChargeLevel
from kernel.money import Money
from terminal.central.results import PlanOffer, PlanPurchase
from terminal.flows.identify import CredentialKind, IdentifiedPerson
from terminal.flows.journey import PayMethod, View
from terminal.flows.kiosk_services import (
    DrugOffers,
    MyPrescription,
    PaidToday,
    PlanOutcome,
    PlanResult,
)
from terminal.his import Department, Doctor, HisItem, HisOrder, Slot
from terminal.rx.prices import Offer, PriceAnswer, PriceQuery, QueryKind
from terminal.rx.records import RxStatus, RxSummary, RxUse

PERSON = IdentifiedPerson(
    psn_no="44030000000000001010",
    certno="440301195503041010",
    name="张建国",
    insuplc_admdvs="440300",
    insutype="310",
    psn_type="11",
    psn_insu_stas="1",
    balc=Money("856.20"),
    mdtrt_cert_type="03",
    mdtrt_cert_no="A44030001",
)
CREDENTIAL_KIND = CredentialKind.CARD

ORDERS = (
    HisOrder(
        rxno="RX20250301001",
        dept_code="A03",
        dept_name="心血管内科",
        dr_code="D017",
        dr_name="李医生",
        items=(
            HisItem("XC01DAA001", "硝酸甘油片", Money("12.80"), Decimal(2)),
            HisItem("XC07ABB023", "美托洛尔缓释片", Money("46.50"), Decimal(1)),
        ),
    ),
    HisOrder(
        rxno="RX20250301002",
        dept_code="B01",
        dept_name="检验科",
        dr_code="D017",
        dr_name="李医生",
        items=(HisItem("250102001", "血常规", Money("25.00"), Decimal(1)),),
    ),
)


def breakdown() -> Breakdown:
    """98.10 of fees: 52.36 from the fund, 30.00 from the personal account, 15.74 to pay."""
    m = Money
    return Breakdown(
        medfee_sumamt=m("98.10"),
        fulamt_ownpay_amt=m("8.00"),
        overlmt_selfpay=m("2.10"),
        preselfpay_amt=m("4.65"),
        inscp_scp_amt=m("83.35"),
        act_pay_dedc=m("10.00"),
        hifp_pay=m("52.36"),
        pool_prop_selfpay=m("20.99"),
        cvlserv_pay=m("0"),
        hifes_pay=m("0"),
        hifmi_pay=m("0"),
        hifob_pay=m("0"),
        maf_pay=m("0"),
        oth_pay=m("0"),
        fund_pay_sumamt=m("52.36"),
        psn_part_amt=m("45.74"),
        acct_pay=m("30.00"),
        acct_mulaid_pay=m("0"),
        psn_cash_pay=m("15.74"),
        balc=m("826.20"),
        setl_id="S20250301000123",
        psn_name="张建国",
    )


QR_URL = "https://paygate.example/qr/ORDER-20250301-0001"

_SLOTS = (Slot("am", "08:00-12:00", 12), Slot("pm", "14:00-17:30", 0))
DEPARTMENTS = (
    Department("A01", "内科", (
        Doctor("D0101", "陈建国", "主任医师", Money("50.00"), _SLOTS),
        Doctor("D0102", "林小燕", "住院医师", Money("10.00"), _SLOTS),
    )),
    Department("A07", "儿科", (Doctor("D0701", "郑敏", "主治医师", Money("15.00"), _SLOTS),)),
)
REGISTRATION = HisOrder(
    rxno="REG2025030100000007", dept_code="A01", dept_name="内科", dr_code="D0101",
    dr_name="陈建国", items=(HisItem("REG03", "主任医师门诊诊察费", Money("50.00"), Decimal(1)),),
)
PAID_TODAY = (
    PaidToday("TX-20250301-0031", 1740806400.0, ("硝酸甘油片", "美托洛尔缓释片"),
              Money("72.10"), Money("30.00"), "S20250301000101"),
    PaidToday("TX-20250301-0017", 1740799200.0, ("普通门诊诊察费",), Money("10.00"),
              Money("0.00"), "S20250301000077"),
)


def _offer(pharmacy: str, price: str, level: ChargeLevel = ChargeLevel.CLASS_A) -> Offer:
    return Offer("XC01DAA001", "硝酸甘油片", "0.5mg*100片", "6901234567892", level,
                 "P4403" + price.replace(".", ""), pharmacy, Money(price), None)


OFFERS = (_offer("康民大药房(福田店)", "11.90"), _offer("益寿堂药店", "12.50"),
          _offer("仁和大药房", "13.20"))
PRICES = PriceAnswer(PriceQuery(QueryKind.INITIALS, "XSGYP"), 1, 3, OFFERS)
PRESCRIPTIONS = (
    MyPrescription(
        RxSummary("HRX2025030100012", "示例市第二人民医院", "李医生", "2025-03-01 09:12:00",
                  "2025-03-04 09:12:00", RxStatus.VALID, RxUse.UNUSED, ("硝酸甘油片",)),
        (DrugOffers("硝酸甘油片", OFFERS),),
    ),
)


PLAN_OFFER = PlanOffer(
    plan_code="SZHMB2025", plan_name="示例市惠民保2025", insurer="示例人寿保险股份有限公司",
    premium=Money("59.00"), deductible=Money("100.00"), ratio=Decimal("0.70"),
    covers=("fulamt_ownpay_amt", "overlmt_selfpay"), annual_cap=Money("1000.00"),
    begndate="2025-03-01", enddate="2025-12-31", renewal=False,
)
PLAN_BOUGHT = PlanResult(PlanOutcome.BOUGHT, PlanPurchase(
    policy_no="HMS20250000000001", plan_code="SZHMB2025", plan_name="示例市惠民保2025",
    begndate="2025-03-01", enddate="2025-12-31", premium=Money("59.00"),
    balc=Money("797.20"),
))


def view() -> View:
    """Every field a page may show filled in (the screenshots, the window's warm-up)."""
    b = breakdown()
    return View(
        person=PERSON, credential_kind=CREDENTIAL_KIND, orders=ORDERS, breakdown=b,
        due=b.psn_cash_pay, method=PayMethod.QR, qr_url=QR_URL, tries_left=2,
        reference="TX-20250301-0042", deadline_total=120.0,
        registration_offered=True, rx_offered=True, departments=DEPARTMENTS,
        paid_today=PAID_TODAY, prescriptions=PRESCRIPTIONS, price_query="XSGYP", prices=PRICES,
        plan_offered=True, plan_offers=(PLAN_OFFER,), plan_balance=PERSON.balc,
        plan_result=PLAN_BOUGHT,
    )


def service_words() -> tuple[str, ...]:
    """The services' data the sample view shows as given (names of departments, doctors,
    hospitals, pharmacies, drugs): what a check for untranslated words leaves out."""
    words: list[str] = []
    for dept in DEPARTMENTS:
        words.append(dept.dept_name)
        words += [w for d in dept.doctors for w in (d.dr_name, d.title)]
    words += [REGISTRATION.dept_name, REGISTRATION.dr_name]
    words += [name for paid in PAID_TODAY for name in paid.items]
    for rx in PRESCRIPTIONS:
        words += [rx.summary.fixmedins_name, rx.summary.dr_name, *rx.summary.drug_names]
    words += [w for o in OFFERS for w in (o.name, o.spec, o.fixmedins_name)]
    words += [PLAN_OFFER.plan_name, PLAN_OFFER.insurer]
    return tuple(sorted(set(words), key=len, reverse=True))  # longest first: no half-words
