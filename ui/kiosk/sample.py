"""The sample patient the screenshots and the screen tests show: a person, their unpaid
orders from two visits, and a settlement split that adds up (kernel.breakdown checks it).

Plain data, no Qt: what the pages render in the screenshots of docs/screenshots/ and in the
window's warm-up at start; the names and numbers are invented.
"""

from __future__ import annotations

from decimal import Decimal

from kernel.breakdown import Breakdown
from kernel.money import Money
from terminal.flows.identify import CredentialKind, IdentifiedPerson
from terminal.flows.journey import PayMethod, View
from terminal.his import HisItem, HisOrder

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


def view() -> View:
    """Every field a page may show filled in (the screenshots, the window's warm-up)."""
    b = breakdown()
    return View(
        person=PERSON, credential_kind=CREDENTIAL_KIND, orders=ORDERS, breakdown=b,
        due=b.psn_cash_pay, method=PayMethod.QR, qr_url=QR_URL, tries_left=2,
        reference="TX-20250301-0042", deadline_total=120.0,
    )
