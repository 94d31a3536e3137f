"""Typed builders of each transaction's `input` (where fields sit: docs/platform-wire.md).

Pure functions from typed values to the JSON the platform expects: money as two-decimal
strings, counts as decimal strings, flags as "0"/"1". A journal stores what these return, so a
retry sends exactly the same input.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from decimal import Decimal
from typing import Any

from kernel.breakdown import Breakdown
from kernel.money import Money
from kernel.protocol import REVERSIBLE_INFNOS

Input = dict[str, Any]


@dataclass(frozen=True)
class PersonQuery:
    """1101: who is this? By credential (e-voucher token, ID number, card) or face auth."""

    mdtrt_cert_type: str
    mdtrt_cert_no: str = field(repr=False)
    begntime: str
    card_sn: str = ""
    psn_cert_type: str = "01"
    certno: str = field(default="", repr=False)
    psn_name: str = field(default="", repr=False)


@dataclass(frozen=True)
class RegistrationRequest:
    """2201: an outpatient visit."""

    psn_no: str
    insutype: str
    begntime: str
    mdtrt_cert_type: str
    mdtrt_cert_no: str = field(repr=False)
    ipt_otp_no: str
    atddr_no: str
    dr_name: str
    dept_code: str
    dept_name: str
    caty: str


@dataclass(frozen=True)
class FeeLine:
    """One fee detail line of 2204 (and of 2101/2102 inline)."""

    feedetl_sn: str
    mdtrt_id: str
    psn_no: str
    chrg_bchno: str
    rxno: str
    fee_ocur_time: str
    med_list_codg: str
    medins_list_codg: str
    det_item_fee_sumamt: Money
    cnt: Decimal
    pric: Money
    bilg_dept_codg: str
    bilg_dr_codg: str
    rx_circ_flag: str = "0"
    hosp_appr_flag: str = "1"

    def to_wire(self) -> Input:
        return {
            "feedetl_sn": self.feedetl_sn,
            "mdtrt_id": self.mdtrt_id,
            "psn_no": self.psn_no,
            "chrg_bchno": self.chrg_bchno,
            "rxno": self.rxno,
            "rx_circ_flag": self.rx_circ_flag,
            "fee_ocur_time": self.fee_ocur_time,
            "med_list_codg": self.med_list_codg,
            "medins_list_codg": self.medins_list_codg,
            "det_item_fee_sumamt": str(self.det_item_fee_sumamt),
            "cnt": _count(self.cnt),
            "pric": str(self.pric),
            "bilg_dept_codg": self.bilg_dept_codg,
            "bilg_dr_codg": self.bilg_dr_codg,
            "hosp_appr_flag": self.hosp_appr_flag,
        }


@dataclass(frozen=True)
class DrugTrace:
    """The traceability code of one dispensed unit (追溯码)."""

    feedetl_sn: str
    drug_trac_codg: str


@dataclass(frozen=True)
class SettlementRequest:
    """What pre-settlement and settlement share (2206/2207, 2101/2102)."""

    psn_no: str
    mdtrt_cert_type: str
    mdtrt_cert_no: str = field(repr=False)
    med_type: str
    medfee_sumamt: Money
    psn_setlway: str
    mdtrt_id: str
    chrg_bchno: str
    acct_used_flag: bool
    insutype: str

    def to_wire(self) -> Input:
        return {
            "psn_no": self.psn_no,
            "mdtrt_cert_type": self.mdtrt_cert_type,
            "mdtrt_cert_no": self.mdtrt_cert_no,
            "med_type": self.med_type,
            "medfee_sumamt": str(self.medfee_sumamt),
            "psn_setlway": self.psn_setlway,
            "mdtrt_id": self.mdtrt_id,
            "chrg_bchno": self.chrg_bchno,
            "acct_used_flag": "1" if self.acct_used_flag else "0",
            "insutype": self.insutype,
        }


def sign_in(opter_no: str, mac: str, ip: str) -> Input:
    """9001."""
    return {"signIn": {"opter_no": opter_no, "mac": mac, "ip": ip}}


def decode_voucher(
    ec_qr_code: str,
    business_type: str,
    *,
    device_type: str,
    term_id: str,
    org_id: str,
    operator_id: str,
) -> Input:
    """1162: `business_type` 01101 registration, 01301 outpatient settlement, 02121 pharmacy."""
    return {
        "data": {
            "ecQrCode": ec_qr_code,
            "businessType": business_type,
            "deviceType": device_type,
            "termId": term_id,
            "orgId": org_id,
            "operatorId": operator_id,
        }
    }


def authorize_face(
    encoding: Sequence[float], *, term_id: str, liveness_passed: bool, liveness_method: str
) -> Input:
    """1191: one live face encoding (128 numbers) and what the liveness check saw."""
    if len(encoding) != 128:
        raise ValueError("a face encoding has 128 numbers")
    return {
        "data": {
            "encoding": [float(x) for x in encoding],
            "termId": term_id,
            "liveness": {"passed": liveness_passed, "method": liveness_method},
        }
    }


def query_person(query: PersonQuery) -> Input:
    """1101."""
    return {
        "data": {
            "mdtrt_cert_type": query.mdtrt_cert_type,
            "mdtrt_cert_no": query.mdtrt_cert_no,
            "card_sn": query.card_sn,
            "psn_cert_type": query.psn_cert_type,
            "certno": query.certno,
            "psn_name": query.psn_name,
            "begntime": query.begntime,
        }
    }


def register(request: RegistrationRequest) -> Input:
    """2201."""
    return {"data": {name: getattr(request, name) for name in _fields(request)}}


def upload_fees(lines: Sequence[FeeLine]) -> Input:
    """2204."""
    return {"feedetail": [line.to_wire() for line in lines]}


def cancel_fees(mdtrt_id: str, chrg_bchno: str, psn_no: str) -> Input:
    """2205."""
    return {"data": {"mdtrt_id": mdtrt_id, "chrg_bchno": chrg_bchno, "psn_no": psn_no}}


def cancel_registration(mdtrt_id: str, ipt_otp_no: str, psn_no: str) -> Input:
    """2202: withdraw a visit that was never settled."""
    return {"data": {"mdtrt_id": mdtrt_id, "ipt_otp_no": ipt_otp_no, "psn_no": psn_no}}


def pre_settle(request: SettlementRequest, *, mulaid_psn_no: str = "") -> Input:
    """2206. A family member's account (共济) accepted by the person goes with it, so the
    split shown, and paid, is the one the settlement makes (the platform applies it to both)."""
    return {"data": _with_mulaid(request.to_wire(), mulaid_psn_no)}


def settle(
    request: SettlementRequest,
    presettled: Breakdown,
    *,
    invono: str = "",
    mulaid_psn_no: str = "",
    drug_trace: Sequence[DrugTrace] = (),
) -> Input:
    """2207: the pre-settlement's scope figures travel with the settlement."""
    return {
        "data": _settle_data(request, presettled, invono, mulaid_psn_no),
        "drug_trac_info": _traces(drug_trace),
    }


def cancel_settlement(setl_id: str, mdtrt_id: str, psn_no: str) -> Input:
    """2208."""
    return {"data": {"setl_id": setl_id, "mdtrt_id": mdtrt_id, "psn_no": psn_no}}


def pharmacy_pre_settle(
    request: SettlementRequest, lines: Sequence[FeeLine], *, mulaid_psn_no: str = ""
) -> Input:
    """2101: med_type 41, fee details inline; 共济 as for 2206."""
    return {
        "data": _with_mulaid(request.to_wire(), mulaid_psn_no),
        "feedetail": [line.to_wire() for line in lines],
    }


def pharmacy_settle(
    request: SettlementRequest,
    lines: Sequence[FeeLine],
    presettled: Breakdown,
    *,
    invono: str = "",
    mulaid_psn_no: str = "",
    drug_trace: Sequence[DrugTrace] = (),
) -> Input:
    """2102: as 2101, plus every dispensed unit's traceability code."""
    return {
        "data": _settle_data(request, presettled, invono, mulaid_psn_no),
        "feedetail": [line.to_wire() for line in lines],
        "drug_trac_info": _traces(drug_trace),
    }


def cancel_pharmacy_settlement(setl_id: str, psn_no: str) -> Input:
    """2103."""
    return {"data": {"setl_id": setl_id, "psn_no": psn_no}}


def pre_claim(psn_no: str, split: Breakdown) -> Input:
    """9801 (extension): what the person's commercial plan would pay of this split."""
    amounts = ("medfee_sumamt", "fulamt_ownpay_amt", "overlmt_selfpay", "preselfpay_amt")
    data = {name: str(getattr(split, name)) for name in (*amounts, "psn_cash_pay")}
    return {"data": {"psn_no": psn_no, **data}}


def claim(psn_no: str, setl_id: str) -> Input:
    """9802 (extension): claim on settlement `setl_id`; the platform reads its own amounts."""
    return {"data": {"psn_no": psn_no, "setl_id": setl_id}}


def cancel_claim(psn_no: str, setl_id: str) -> Input:
    """9803 (extension): withdraw whatever claim settlement `setl_id` has (none: harmless)."""
    return {"data": {"psn_no": psn_no, "setl_id": setl_id}}


def buy_plan(psn_no: str, plan_code: str) -> Input:
    """9804 (extension): the person consented to pay the premium from the account."""
    return {"data": {"psn_no": psn_no, "plan_code": plan_code, "consent_flag": "1"}}


def plan_offers(psn_no: str) -> Input:
    """9805 (extension): the plans the person may buy or renew now."""
    return {"data": {"psn_no": psn_no}}


def reverse(psn_no: str, omsgid: str, oinfno: str) -> Input:
    """2601: undo the request `omsgid` (harmless when it never executed, or twice)."""
    if oinfno not in REVERSIBLE_INFNOS:
        raise ValueError(f"{oinfno} cannot be reversed by 2601")
    return {"data": {"psn_no": psn_no, "omsgid": omsgid, "oinfno": oinfno}}


@dataclass(frozen=True)
class DailyTotals:
    """3201: the terminal's totals of one insurance type over a span."""

    insutype: str
    clr_type: str
    setl_optins: str
    stmt_begndate: str
    stmt_enddate: str
    medfee_sumamt: Money
    fund_pay_sumamt: Money
    acct_pay: Money
    fixmedins_setl_cnt: int


def reconcile_totals(totals: DailyTotals) -> Input:
    """3201."""
    data = {name: getattr(totals, name) for name in _fields(totals)}
    for name in ("medfee_sumamt", "fund_pay_sumamt", "acct_pay"):
        data[name] = str(data[name])
    data["fixmedins_setl_cnt"] = str(totals.fixmedins_setl_cnt)
    return {"data": data}


def reconcile_detail(stmt_begndate: str, stmt_enddate: str, setl_ids: Sequence[str]) -> Input:
    """3202."""
    return {
        "data": {
            "stmt_begndate": stmt_begndate,
            "stmt_enddate": stmt_enddate,
            "setl_ids": list(setl_ids),
        }
    }


def _settle_data(
    request: SettlementRequest, presettled: Breakdown, invono: str, mulaid_psn_no: str
) -> Input:
    data = request.to_wire()
    data.update(
        invono=invono,
        fulamt_ownpay_amt=str(presettled.fulamt_ownpay_amt),
        overlmt_selfpay=str(presettled.overlmt_selfpay),
        preselfpay_amt=str(presettled.preselfpay_amt),
        inscp_scp_amt=str(presettled.inscp_scp_amt),
        mulaid_psn_no=mulaid_psn_no,
    )
    return data


def _with_mulaid(data: Input, mulaid_psn_no: str) -> Input:
    """A pre-settlement without 共济 keeps the contract's fields only."""
    return {**data, "mulaid_psn_no": mulaid_psn_no} if mulaid_psn_no else data


def _traces(traces: Sequence[DrugTrace]) -> list[Input]:
    return [{"feedetl_sn": t.feedetl_sn, "drug_trac_codg": t.drug_trac_codg} for t in traces]


def _count(value: Decimal) -> str:
    """A count as the platform writes it: plain decimal, no exponent, no trailing zeros."""
    return format(value.normalize(), "f")


def _fields(instance: Any) -> list[str]:
    return [f.name for f in fields(instance)]
