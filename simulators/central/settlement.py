"""Outpatient (2206/2207) and pharmacy (2101/2102) settlement with `terminal.policy`.

Previews compute without recording; settlements record the breakdown, the person's yearly
state, a family member's account and the traceability codes in the one write transaction.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from kernel.breakdown import Breakdown
from kernel.fees import FeeItem
from kernel.money import Money
from simulators.central import fields as f
from simulators.central import persons
from simulators.central.checks import (
    MAX_LINES,
    PHARMACY,
    Line,
    catalogue_item,
    envelope_person,
    hospital_only,
    insutype_of,
    own_visit,
    read_line,
    same_insutype,
)
from simulators.central.fields import Rejected
from simulators.central.persons import Person
from simulators.central.platform import Context, Output
from simulators.central.records import code_holder, insert_settlement, next_seq, not_settled
from terminal.policy.engine import (
    Settlement,
    SettlementContext,
    settle,
    split_bill,
)

TRACE_CODE = re.compile(r"8[0-9]{19}")
SCOPE_AMOUNTS = ("fulamt_ownpay_amt", "overlmt_selfpay", "preselfpay_amt", "inscp_scp_amt")
FUND_TYPES = (
    ("hifp_pay", "310100", "基本医疗保险统筹基金"),
    ("maf_pay", "610100", "医疗救助基金"),
)


@dataclass(frozen=True)
class Computed:
    person: Person
    settlement: Settlement
    lines: Sequence[Line]
    med_type: str
    mdtrt_id: str
    chrg_bchno: str
    mulaid_psn_no: str


def outpatient_preview(ctx: Context) -> Output:
    computed = _outpatient(ctx, record=False)
    return {"setlinfo": _preview_setlinfo(ctx, computed)}


def outpatient_settle(ctx: Context) -> Output:
    return _record(ctx, _outpatient(ctx, record=True))


def pharmacy_preview(ctx: Context) -> Output:
    computed = _pharmacy(ctx, record=False)
    return {"setlinfo": _preview_setlinfo(ctx, computed)}


def pharmacy_settle(ctx: Context) -> Output:
    return _record(ctx, _pharmacy(ctx, record=True))


def _outpatient(ctx: Context, *, record: bool) -> Computed:
    data = f.sub(ctx.request.input, "data", "input")
    where = "input.data"
    hospital_only(ctx)
    med_type = f.text(data, "med_type", where, max_len=2, choices=frozenset({"11", "14"}))
    mdtrt_id = f.text(data, "mdtrt_id", where, max_len=30)
    chrg_bchno = f.text(data, "chrg_bchno", where, max_len=30)
    person = envelope_person(ctx, data)
    own_visit(ctx, mdtrt_id, person.psn_no)
    if record:
        not_settled(ctx.conn, mdtrt_id, chrg_bchno)
    rows = ctx.conn.execute(
        "SELECT feedetl_sn, med_list_codg, pric, cnt FROM fees "
        "WHERE mdtrt_id = ? AND chrg_bchno = ? ORDER BY feedetl_sn",
        (mdtrt_id, chrg_bchno),
    ).fetchall()
    if not rows:
        raise Rejected("未上传费用明细", f"no fee details uploaded for chrg_bchno {chrg_bchno}")
    lines = [
        Line(FeeItem(sn, code, Money(pric), Decimal(cnt)), catalogue_item(ctx, code))
        for sn, code, pric, cnt in rows
    ]
    level = ctx.world.institutions[ctx.request.fixmedins_code].level
    return _compute(ctx, data, person, lines, med_type, level, mdtrt_id, chrg_bchno, record)


def _pharmacy(ctx: Context, *, record: bool) -> Computed:
    data = f.sub(ctx.request.input, "data", "input")
    where = "input.data"
    if ctx.world.institutions[ctx.request.fixmedins_code].level != PHARMACY:
        raise Rejected("非定点药店", "2101/2102 are for designated pharmacies")
    med_type = f.text(data, "med_type", where, max_len=2, choices=frozenset({"41"}))
    person = envelope_person(ctx, data)
    details = f.items(ctx.request.input, "feedetail", "input", max_len=MAX_LINES)
    if not details:
        raise f.bad("input.feedetail", "must not be empty")
    lines = [
        read_line(ctx, f.obj(d, f"input.feedetail[{n}]"), f"input.feedetail[{n}]")
        for n, d in enumerate(details)
    ]
    if len({line.fee.feedetl_sn for line in lines}) != len(lines):
        raise Rejected("费用明细流水号重复", "input.feedetail has a repeated feedetl_sn")
    mdtrt_id = ""
    if record:
        seq = next_seq(ctx.conn, "mdtrts")
        mdtrt_id = f"M{ctx.world.region}{seq:013d}"
        ctx.conn.execute(
            "INSERT INTO mdtrts VALUES (?, ?, ?, ?, ?, '{}')",
            (
                seq,
                mdtrt_id,
                person.psn_no,
                ctx.request.fixmedins_code,
                insutype_of(person),
            ),
        )
    return _compute(ctx, data, person, lines, med_type, PHARMACY, mdtrt_id, "", record)


def _compute(
    ctx: Context,
    data: Mapping[str, Any],
    person: Person,
    lines: Sequence[Line],
    med_type: str,
    level: str,
    mdtrt_id: str,
    chrg_bchno: str,
    record: bool,
) -> Computed:
    where = "input.data"
    f.text(data, "mdtrt_cert_type", where, max_len=2)
    f.text(data, "mdtrt_cert_no", where, max_len=64)
    f.text(data, "psn_setlway", where, max_len=2, choices=frozenset({"01", "02"}))
    insutype = f.text(data, "insutype", where, max_len=3, choices=frozenset({"310", "390"}))
    same_insutype(person, insutype)
    acct_used = f.text(data, "acct_used_flag", where, max_len=1, choices=frozenset({"0", "1"}))
    mulaid_psn_no = f.text(data, "mulaid_psn_no", where, max_len=30, min_len=0, required=False)
    bill = split_bill([(line.fee, line.item) for line in lines])
    _claimed(data, "medfee_sumamt", bill.medfee_sumamt)
    if record:
        f.text(data, "invono", where, max_len=50, min_len=0, required=False)
        for name in SCOPE_AMOUNTS:
            _claimed(data, name, getattr(bill, name))
    mulaid_balc = None
    if mulaid_psn_no:
        if mulaid_psn_no not in person.mulaid_members():
            raise Rejected(
                "共济人员未授权", f"mulaid_psn_no {mulaid_psn_no} has not authorised family aid"
            )
        mulaid_balc = persons.balance(ctx.conn, mulaid_psn_no)
    year = ctx.now.year
    state = persons.year_state(ctx.conn, person, year)
    settlement = settle(
        ctx.world.book,
        person.engine_profile(),
        state,
        bill,
        SettlementContext(
            med_type=med_type,
            institution_level=level,
            treating_admdvs=ctx.world.region,
            settle_date=ctx.now.date(),
            acct_used=acct_used == "1",
            mulaid_balc=mulaid_balc,
        ),
    )
    return Computed(person, settlement, lines, med_type, mdtrt_id, chrg_bchno, mulaid_psn_no)


def _claimed(data: Mapping[str, Any], name: str, actual: Money) -> None:
    claimed = f.money(data, name, "input.data")
    if claimed != actual:
        raise Rejected(
            "结算金额与费用明细不符",
            f"input.data.{name} {claimed} differs from the fee details' {actual}",
        )


def _preview_setlinfo(ctx: Context, c: Computed) -> dict[str, str]:
    return _identified(ctx, c.settlement.breakdown, c, setl_id="")


def _identified(ctx: Context, b: Breakdown, c: Computed, *, setl_id: str) -> dict[str, str]:
    """The wire `setlinfo` of the engine's breakdown with the platform's identifiers (set on
    the dict: the amounts were checked when the engine built the breakdown)."""
    info = b.to_setlinfo()
    info.update(
        setl_id=setl_id,
        mdtrt_id=c.mdtrt_id,
        psn_no=c.person.psn_no,
        psn_name=c.person.name,
        setl_time=f"{ctx.now:%Y-%m-%d %H:%M:%S}",
        medins_setl_id=ctx.request.msgid,
    )
    return info


def _record(ctx: Context, c: Computed) -> Output:
    codes = _trace_codes(ctx, c.lines)
    seq = next_seq(ctx.conn, "settlements")
    setl_id = f"S{ctx.world.region}{seq:013d}"
    info = _identified(ctx, c.settlement.breakdown, c, setl_id=setl_id)
    year = ctx.now.year
    persons.save_state(ctx.conn, c.person.psn_no, year, c.settlement.state_after)
    if c.settlement.mulaid_balc_after is not None:
        persons.set_balance(ctx.conn, c.mulaid_psn_no, c.settlement.mulaid_balc_after)
    ctx.conn.executemany(
        "INSERT INTO trac_codes VALUES (?, ?, 1)", [(code, setl_id) for code in codes]
    )
    insert_settlement(ctx, seq, info, "settlement", "", c.chrg_bchno, c.mulaid_psn_no, year)
    return {"setlinfo": info, "setldetail": _fund_details(info)}


def _trace_codes(ctx: Context, lines: Sequence[Line]) -> list[str]:
    entries = (
        f.items(ctx.request.input, "drug_trac_info", "input", max_len=5000)
        if ("drug_trac_info" in ctx.request.input)
        else []
    )
    serials = {line.fee.feedetl_sn for line in lines}
    codes: list[str] = []
    for n, raw in enumerate(entries):
        where = f"input.drug_trac_info[{n}]"
        entry = f.obj(raw, where)
        sn = f.text(entry, "feedetl_sn", where, max_len=30)
        code = f.text(entry, "drug_trac_codg", where, max_len=20, min_len=20, pattern=TRACE_CODE)
        if sn not in serials:
            raise f.bad(f"{where}.feedetl_sn", f"{sn} is not a fee detail of this bill")
        if code in codes:
            raise Rejected("追溯码重复", f"traceability code {code} appears twice in this request")
        held = code_holder(ctx.conn, code)
        if held is not None:
            raise Rejected(
                "追溯码已被使用", f"traceability code {code} was already sold (settlement {held})"
            )
        codes.append(code)
    return codes


def _fund_details(info: Mapping[str, str]) -> list[dict[str, str]]:
    return [
        {
            "fund_pay_type": code,
            "fund_pay_type_name": name,
            "inscp_scp_amt": info["inscp_scp_amt"],
            "fund_payamt": info[field],
        }
        for field, code, name in FUND_TYPES
        if Money(info[field])
    ]
