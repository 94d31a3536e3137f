"""Helpers of the journal's unit tests: a controllable clock, identities, breakdowns."""

from __future__ import annotations

from kernel.breakdown import Breakdown
from kernel.records import PersonIdentity

NAME = "欧阳明华"
CERTNO = "440301199001011234"
PSN_NO = "44000019900101123400"


class FakeClock:
    """Unix seconds that only move when told to."""

    def __init__(self, start: float = 1_795_000_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def make_breakdown(
    medfee: str = "100.00", fund: str = "60.00", acct: str = "10.00", psn_name: str = NAME
) -> Breakdown:
    """A breakdown that adds up: everything in scope, the fund pays `fund` via hifp."""
    from decimal import Decimal

    part = Decimal(medfee) - Decimal(fund)
    cash = part - Decimal(acct)
    zero = "0.00"
    return Breakdown.from_setlinfo(
        {
            "medfee_sumamt": medfee,
            "fulamt_ownpay_amt": zero,
            "overlmt_selfpay": zero,
            "preselfpay_amt": zero,
            "inscp_scp_amt": medfee,
            "act_pay_dedc": zero,
            "hifp_pay": fund,
            "pool_prop_selfpay": zero,
            "cvlserv_pay": zero,
            "hifes_pay": zero,
            "hifmi_pay": zero,
            "hifob_pay": zero,
            "maf_pay": zero,
            "oth_pay": zero,
            "fund_pay_sumamt": fund,
            "psn_part_amt": f"{part:.2f}",
            "acct_pay": acct,
            "acct_mulaid_pay": zero,
            "psn_cash_pay": f"{cash:.2f}",
            "psn_no": PSN_NO,
            "psn_name": psn_name,
            "insutype": "310",
        }
    )


def make_identity(certno: str = CERTNO, name: str = NAME) -> PersonIdentity:
    return PersonIdentity(
        cert_type="02", certno=certno, name=name, psn_no=PSN_NO, insuplc_admdvs="440300"
    )
