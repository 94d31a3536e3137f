"""Visits, fee details and settlements: 2201, 2204, 2205, 2206-2208, 2101-2103.

Every settlement stores its full breakdown, so a cancellation (or a 2601 reversal) restores the
person's yearly accumulators, balance and a family member's account exactly, without
recomputing anything.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from simulators.central import fields as f
from simulators.central import persons
from simulators.central.fields import Rejected
from simulators.central.persons import Person
from simulators.central.platform import Context, Output
from terminal.domain.breakdown import Breakdown
from terminal.domain.fees import CatalogueItem, FeeItem
from terminal.domain.money import Money
from terminal.policy.engine import (
    Settlement,
    SettlementContext,
    apply_to_state,
    cancel_state,
    settle,
    split_bill,
    split_item,
)

TRACE_CODE = re.compile(r"8[0-9]{19}")
MAX_LINES = 500
PHARMACY = "pharmacy"
SCOPE_AMOUNTS = ("fulamt_ownpay_amt", "overlmt_selfpay", "preselfpay_amt", "inscp_scp_amt")
FUND_TYPES = (
    ("hifp_pay", "310100", "职工基本医疗保险统筹基金"),
    ("maf_pay", "610100", "医疗救助基金"),
)


# --- 2201 registration -------------------------------------------------------------------


def register(ctx: Context) -> Output:
    data = f.sub(ctx.request.input, "data", "input")
    where = "input.data"
    person = _person(ctx, data)
    _hospital(ctx)
    insutype = f.text(data, "insutype", where, max_len=3, choices=frozenset({"310", "390"}))
    _same_insutype(person, insutype)
    f.moment(data, "begntime", where)
    f.text(data, "mdtrt_cert_type", where, max_len=2)
    f.text(data, "mdtrt_cert_no", where, max_len=64)
    ipt_otp_no = f.text(data, "ipt_otp_no", where, max_len=30)
    for key in ("atddr_no", "dr_name", "dept_code", "dept_name", "caty"):
        f.text(data, key, where, max_len=100, min_len=0, required=False)
    seq = _next_seq(ctx.conn, "mdtrts")
    mdtrt_id = f"M{ctx.world.region}{seq:013d}"
    ctx.conn.execute(
        "INSERT INTO mdtrts VALUES (?, ?, ?, ?, ?, ?)",
        (
            seq,
            mdtrt_id,
            person.psn_no,
            ctx.request.fixmedins_code,
            insutype,
            json.dumps(data, ensure_ascii=False),
        ),
    )
    return {"data": {"mdtrt_id": mdtrt_id, "psn_no": person.psn_no, "ipt_otp_no": ipt_otp_no}}


# --- 2204 / 2205 fee details -------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    fee: FeeItem
    item: CatalogueItem


def upload_fees(ctx: Context) -> Output:
    details = f.items(ctx.request.input, "feedetail", "input", max_len=MAX_LINES)
    if not details:
        raise f.bad("input.feedetail", "must not be empty")
    results = []
    seen: set[tuple[str, str, str]] = set()
    for n, raw in enumerate(details):
        where = f"input.feedetail[{n}]"
        detail = f.obj(raw, where)
        line = _line(ctx, detail, where)
        mdtrt_id = f.text(detail, "mdtrt_id", where, max_len=30)
        chrg_bchno = f.text(detail, "chrg_bchno", where, max_len=30)
        psn_no = f.text(detail, "psn_no", where, max_len=30)
        for key in ("rxno", "rx_circ_flag", "medins_list_codg", "bilg_dept_codg", "bilg_dr_codg"):
            f.text(detail, key, where, max_len=50, min_len=0, required=False)
        f.text(detail, "hosp_appr_flag", where, max_len=3, min_len=0, required=False)
        f.moment(detail, "fee_ocur_time", where)
        _own_visit(ctx, mdtrt_id, psn_no)
        _not_settled(ctx.conn, mdtrt_id, chrg_bchno)
        key = (mdtrt_id, chrg_bchno, line.fee.feedetl_sn)
        exists = ctx.conn.execute(
            "SELECT 1 FROM fees WHERE mdtrt_id = ? AND chrg_bchno = ? AND feedetl_sn = ?", key
        ).fetchone()
        if key in seen or exists:
            raise Rejected("费用明细流水号重复", f"{where}.feedetl_sn {key[2]} already uploaded")
        seen.add(key)
        ctx.conn.execute(
            "INSERT INTO fees VALUES (?, ?, ?, ?, ?, ?, ?)",
            (*key, psn_no, line.fee.med_list_codg, str(line.fee.pric), str(line.fee.cnt)),
        )
        results.append(_item_result(ctx, line))
    return {"result": results}


def cancel_fees(ctx: Context) -> Output:
    data = f.sub(ctx.request.input, "data", "input")
    mdtrt_id = f.text(data, "mdtrt_id", "input.data", max_len=30)
    chrg_bchno = f.text(data, "chrg_bchno", "input.data", max_len=30)
    psn_no = f.text(data, "psn_no", "input.data", max_len=30)
    _own_visit(ctx, mdtrt_id, psn_no)
    _not_settled(ctx.conn, mdtrt_id, chrg_bchno)
    ctx.conn.execute(
        "DELETE FROM fees WHERE mdtrt_id = ? AND chrg_bchno = ?", (mdtrt_id, chrg_bchno)
    )
    return {}


def _line(ctx: Context, detail: Mapping[str, Any], where: str) -> Line:
    sn = f.text(detail, "feedetl_sn", where, max_len=30)
    code = f.text(detail, "med_list_codg", where, max_len=50)
    item = ctx.world.catalogue.get(code)
    if item is None:
        raise Rejected("目录中无此项目", f"{where}.med_list_codg {code} is not in the catalogue")
    pric = f.money(detail, "pric", where)
    cnt = f.count(detail, "cnt", where)
    total = f.money(detail, "det_item_fee_sumamt", where)
    if total != pric.times(cnt):
        raise Rejected(
            "明细金额不等于单价乘数量",
            f"{where}.det_item_fee_sumamt {total} != pric x cnt = {pric.times(cnt)}",
        )
    return Line(FeeItem(sn, code, pric, cnt), item)


def _item_result(ctx: Context, line: Line) -> dict[str, str]:
    split = split_item(line.fee.pric, line.fee.cnt, line.item)
    limit = line.item.pric_uplmt_amt
    return {
        "feedetl_sn": line.fee.feedetl_sn,
        "det_item_fee_sumamt": str(split.det),
        "cnt": str(line.fee.cnt),
        "pric": str(line.fee.pric),
        "pric_uplmt_amt": "" if limit is None else str(limit),
        "selfpay_prop": str(line.item.selfpay_prop),
        "fulamt_ownpay_amt": str(split.fulamt_ownpay),
        "overlmt_amt": str(split.overlmt),
        "preselfpay_amt": str(split.preselfpay),
        "inscp_scp_amt": str(split.inscp),
        "chrgitm_lv": line.item.chrgitm_lv.value,
        "med_chrgitm_type": ctx.world.chrgitm_types.get(line.fee.med_list_codg, ""),
    }


# --- 2206 / 2207 outpatient and 2101 / 2102 pharmacy settlement ---------------------------


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
    _hospital(ctx)
    med_type = f.text(data, "med_type", where, max_len=2, choices=frozenset({"11", "14"}))
    mdtrt_id = f.text(data, "mdtrt_id", where, max_len=30)
    chrg_bchno = f.text(data, "chrg_bchno", where, max_len=30)
    person = _person(ctx, data)
    _own_visit(ctx, mdtrt_id, person.psn_no)
    if record:
        _not_settled(ctx.conn, mdtrt_id, chrg_bchno)
    rows = ctx.conn.execute(
        "SELECT feedetl_sn, med_list_codg, pric, cnt FROM fees "
        "WHERE mdtrt_id = ? AND chrg_bchno = ? ORDER BY feedetl_sn",
        (mdtrt_id, chrg_bchno),
    ).fetchall()
    if not rows:
        raise Rejected("未上传费用明细", f"no fee details uploaded for chrg_bchno {chrg_bchno}")
    lines = [
        Line(FeeItem(sn, code, Money(pric), Decimal(cnt)), _item(ctx, code))
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
    person = _person(ctx, data)
    details = f.items(ctx.request.input, "feedetail", "input", max_len=MAX_LINES)
    if not details:
        raise f.bad("input.feedetail", "must not be empty")
    lines = [
        _line(ctx, f.obj(d, f"input.feedetail[{n}]"), f"input.feedetail[{n}]")
        for n, d in enumerate(details)
    ]
    if len({line.fee.feedetl_sn for line in lines}) != len(lines):
        raise Rejected("费用明细流水号重复", "input.feedetail has a repeated feedetl_sn")
    mdtrt_id = ""
    if record:
        seq = _next_seq(ctx.conn, "mdtrts")
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
    _same_insutype(person, insutype)
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
    seq = _next_seq(ctx.conn, "settlements")
    setl_id = f"S{ctx.world.region}{seq:013d}"
    info = _identified(ctx, c.settlement.breakdown, c, setl_id=setl_id)
    year = ctx.now.year
    persons.save_state(ctx.conn, c.person.psn_no, year, c.settlement.state_after)
    if c.settlement.mulaid_balc_after is not None:
        persons.set_balance(ctx.conn, c.mulaid_psn_no, c.settlement.mulaid_balc_after)
    ctx.conn.executemany(
        "INSERT INTO trac_codes VALUES (?, ?, 1)", [(code, setl_id) for code in codes]
    )
    _insert_settlement(ctx, seq, info, "settlement", "", c.chrg_bchno, c.mulaid_psn_no, year)
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
        held = _code_holder(ctx.conn, code)
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


def _insert_settlement(
    ctx: Context,
    seq: int,
    info: Mapping[str, str],
    kind: str,
    orig_setl_id: str,
    chrg_bchno: str,
    mulaid_psn_no: str,
    year: int,
) -> None:
    ctx.conn.execute(
        "INSERT INTO settlements VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            seq,
            info["setl_id"],
            ctx.request.msgid,
            ctx.request.infno,
            kind,
            orig_setl_id,
            info["psn_no"],
            ctx.request.fixmedins_code,
            info["mdtrt_id"],
            chrg_bchno,
            info["med_type"],
            year,
            info["setl_time"],
            info["insutype"],
            mulaid_psn_no,
            "settled" if kind == "settlement" else "cancelled",
            json.dumps(info),
        ),
    )


# --- 2208 / 2103 cancellation ------------------------------------------------------------


def outpatient_cancel(ctx: Context) -> Output:
    data = f.sub(ctx.request.input, "data", "input")
    setl_id = f.text(data, "setl_id", "input.data", max_len=30)
    mdtrt_id = f.text(data, "mdtrt_id", "input.data", max_len=30)
    psn_no = f.text(data, "psn_no", "input.data", max_len=30)
    return _cancel(ctx, setl_id, psn_no, "2207", mdtrt_id)


def pharmacy_cancel(ctx: Context) -> Output:
    data = f.sub(ctx.request.input, "data", "input")
    setl_id = f.text(data, "setl_id", "input.data", max_len=30)
    psn_no = f.text(data, "psn_no", "input.data", max_len=30)
    return _cancel(ctx, setl_id, psn_no, "2102", None)


@dataclass(frozen=True)
class Stored:
    """A settlement row: what cancelling or re-applying it needs."""

    setl_id: str
    psn_no: str
    fixmedins_code: str
    mdtrt_id: str
    chrg_bchno: str
    med_type: str
    year: int
    mulaid_psn_no: str
    state: str
    infno: str
    kind: str
    orig_setl_id: str
    breakdown: Breakdown


STORED_COLUMNS = (
    "setl_id, psn_no, fixmedins_code, mdtrt_id, chrg_bchno, med_type, year, mulaid_psn_no, "
    "state, infno, kind, orig_setl_id, setlinfo"
)


def stored(conn: sqlite3.Connection, where: str, value: str) -> Stored | None:
    row = conn.execute(f"SELECT {STORED_COLUMNS} FROM settlements WHERE {where} = ?", (value,))
    found = row.fetchone()
    if found is None:
        return None
    *head, setlinfo = found
    cancellation = head[10] == "cancellation"
    b = Breakdown.from_setlinfo(json.loads(setlinfo), cancellation=cancellation)
    return Stored(*head, breakdown=b)


def _cancel(ctx: Context, setl_id: str, psn_no: str, infno: str, mdtrt_id: str | None) -> Output:
    original = stored(ctx.conn, "setl_id", setl_id)
    if (
        original is None
        or original.kind != "settlement"
        or original.infno != infno
        or original.fixmedins_code != ctx.request.fixmedins_code
    ):
        raise Rejected("结算记录不存在", f"no {infno} settlement {setl_id} at this institution")
    if original.psn_no != psn_no or (mdtrt_id is not None and original.mdtrt_id != mdtrt_id):
        raise Rejected(
            "结算记录与人员不符", f"settlement {setl_id} belongs to another person/visit"
        )
    if original.state != "settled":
        raise Rejected("结算已撤销", f"settlement {setl_id} is already {original.state}")
    balc = undo(ctx.conn, original)
    seq = _next_seq(ctx.conn, "settlements")
    cancel = replace(
        original.breakdown.negated(),
        setl_id=f"S{ctx.world.region}{seq:013d}",
        setl_time=f"{ctx.now:%Y-%m-%d %H:%M:%S}",
        medins_setl_id=ctx.request.msgid,
        balc=balc,
    ).to_setlinfo()
    _insert_settlement(
        ctx,
        seq,
        cancel,
        "cancellation",
        setl_id,
        original.chrg_bchno,
        original.mulaid_psn_no,
        original.year,
    )
    set_state(ctx.conn, setl_id, "cancelled")
    return {"setlinfo": cancel}


def undo(conn: sqlite3.Connection, s: Stored) -> Money:
    """Restore what settlement `s` changed; returns the person's balance afterwards."""
    person = persons.find(conn, s.psn_no)
    state = cancel_state(persons.year_state(conn, person, s.year), s.breakdown, s.med_type)
    persons.save_state(conn, s.psn_no, s.year, state)
    if s.mulaid_psn_no and s.breakdown.acct_mulaid_pay:
        refunded = persons.balance(conn, s.mulaid_psn_no) + s.breakdown.acct_mulaid_pay
        persons.set_balance(conn, s.mulaid_psn_no, refunded)
    conn.execute("UPDATE trac_codes SET active = 0 WHERE setl_id = ?", (s.setl_id,))
    return state.balc


def redo(conn: sqlite3.Connection, s: Stored) -> None:
    """Re-apply settlement `s` (its cancellation was reversed), reclaiming its trace codes."""
    codes = [
        str(r[0])
        for r in conn.execute("SELECT codg FROM trac_codes WHERE setl_id = ?", (s.setl_id,))
    ]
    for code in codes:
        held = _code_holder(conn, code)
        if held is not None:
            raise Rejected(
                "追溯码已被再次使用", f"traceability code {code} was sold again ({held})"
            )
    person = persons.find(conn, s.psn_no)
    state = apply_to_state(persons.year_state(conn, person, s.year), s.breakdown, s.med_type)
    persons.save_state(conn, s.psn_no, s.year, state)
    if s.mulaid_psn_no and s.breakdown.acct_mulaid_pay:
        charged = persons.balance(conn, s.mulaid_psn_no) - s.breakdown.acct_mulaid_pay
        persons.set_balance(conn, s.mulaid_psn_no, charged)
    conn.execute("UPDATE trac_codes SET active = 1 WHERE setl_id = ?", (s.setl_id,))


def _code_holder(conn: sqlite3.Connection, code: str) -> str | None:
    """The settlement that currently holds a traceability code, if any."""
    row = conn.execute(
        "SELECT setl_id FROM trac_codes WHERE codg = ? AND active = 1", (code,)
    ).fetchone()
    return None if row is None else str(row[0])


def set_state(conn: sqlite3.Connection, setl_id: str, state: str) -> None:
    conn.execute("UPDATE settlements SET state = ? WHERE setl_id = ?", (state, setl_id))


# --- shared checks -----------------------------------------------------------------------


def _person(ctx: Context, data: Mapping[str, Any]) -> Person:
    psn_no = f.text(data, "psn_no", "input.data", max_len=30)
    person = persons.find(ctx.conn, psn_no)
    if person.insuplc_admdvs != ctx.request.insuplc_admdvs:
        raise Rejected(
            "参保地区划不符",
            f"envelope insuplc_admdvs {ctx.request.insuplc_admdvs} is not the person's "
            f"insured region {person.insuplc_admdvs}",
        )
    return person


def insutype_of(person: Person) -> str:
    return str(person.profile.get("insutype", ""))


def _same_insutype(person: Person, insutype: str) -> None:
    if insutype_of(person) != insutype:
        raise Rejected("险种类型不符", f"the person is not insured under insutype {insutype}")


def _hospital(ctx: Context) -> None:
    if ctx.world.institutions[ctx.request.fixmedins_code].level == PHARMACY:
        raise Rejected("药店不能办理门诊业务", "outpatient transactions are not for pharmacies")


def _own_visit(ctx: Context, mdtrt_id: str, psn_no: str) -> None:
    row = ctx.conn.execute(
        "SELECT psn_no, fixmedins_code FROM mdtrts WHERE mdtrt_id = ?", (mdtrt_id,)
    ).fetchone()
    if row is None or row[1] != ctx.request.fixmedins_code:
        raise Rejected("就诊记录不存在", f"no visit {mdtrt_id} at this institution (2201 first)")
    if row[0] != psn_no:
        raise Rejected("就诊记录与人员不符", f"visit {mdtrt_id} belongs to another person")


def _not_settled(conn: sqlite3.Connection, mdtrt_id: str, chrg_bchno: str) -> None:
    row = conn.execute(
        "SELECT setl_id FROM settlements WHERE mdtrt_id = ? AND chrg_bchno = ? "
        "AND kind = 'settlement' AND state = 'settled'",
        (mdtrt_id, chrg_bchno),
    ).fetchone()
    if row is not None:
        raise Rejected("该批次费用已结算", f"chrg_bchno {chrg_bchno} is already settled ({row[0]})")


def _item(ctx: Context, code: str) -> CatalogueItem:
    item = ctx.world.catalogue.get(code)
    if item is None:
        raise Rejected("目录中无此项目", f"{code} is no longer in the catalogue")
    return item


def _next_seq(conn: sqlite3.Connection, table: str) -> int:
    row = conn.execute(f"SELECT COALESCE(MAX(seq), 0) + 1 FROM {table}").fetchone()
    return int(row[0])
