"""Visits and fee details: 2201 registration (2202 its cancellation), 2204 upload (with the
per-item split), 2205
cancel."""

from __future__ import annotations

import json

from simulators.central import fields as f
from simulators.central.checks import (
    MAX_LINES,
    Line,
    envelope_person,
    hospital_only,
    own_visit,
    read_line,
    same_insutype,
)
from simulators.central.fields import Rejected
from simulators.central.platform import Context, Output
from simulators.central.records import next_seq, not_settled
from terminal.policy.engine import (
    split_item,
)


def register(ctx: Context) -> Output:
    data = f.sub(ctx.request.input, "data", "input")
    where = "input.data"
    person = envelope_person(ctx, data)
    hospital_only(ctx)
    insutype = f.text(data, "insutype", where, max_len=3, choices=frozenset({"310", "390"}))
    same_insutype(person, insutype)
    f.moment(data, "begntime", where)
    f.text(data, "mdtrt_cert_type", where, max_len=2)
    f.text(data, "mdtrt_cert_no", where, max_len=64)
    ipt_otp_no = f.text(data, "ipt_otp_no", where, max_len=30)
    for key in ("atddr_no", "dr_name", "dept_code", "dept_name", "caty"):
        f.text(data, key, where, max_len=100, min_len=0, required=False)
    seq = next_seq(ctx.conn, "mdtrts")
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


def upload_fees(ctx: Context) -> Output:
    details = f.items(ctx.request.input, "feedetail", "input", max_len=MAX_LINES)
    if not details:
        raise f.bad("input.feedetail", "must not be empty")
    results = []
    seen: set[tuple[str, str, str]] = set()
    for n, raw in enumerate(details):
        where = f"input.feedetail[{n}]"
        detail = f.obj(raw, where)
        line = read_line(ctx, detail, where)
        mdtrt_id = f.text(detail, "mdtrt_id", where, max_len=30)
        chrg_bchno = f.text(detail, "chrg_bchno", where, max_len=30)
        psn_no = f.text(detail, "psn_no", where, max_len=30)
        for key in ("rxno", "rx_circ_flag", "medins_list_codg", "bilg_dept_codg", "bilg_dr_codg"):
            f.text(detail, key, where, max_len=50, min_len=0, required=False)
        f.text(detail, "hosp_appr_flag", where, max_len=3, min_len=0, required=False)
        f.moment(detail, "fee_ocur_time", where)
        own_visit(ctx, mdtrt_id, psn_no)
        not_settled(ctx.conn, mdtrt_id, chrg_bchno)
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
    own_visit(ctx, mdtrt_id, psn_no)
    not_settled(ctx.conn, mdtrt_id, chrg_bchno)
    ctx.conn.execute(
        "DELETE FROM fees WHERE mdtrt_id = ? AND chrg_bchno = ?", (mdtrt_id, chrg_bchno)
    )
    return {}


def cancel_registration(ctx: Context) -> Output:
    """2202: the visit is withdrawn, with any fee details still unsettled; a visit with a
    settlement in force cannot be (cancel the settlement first)."""
    data = f.sub(ctx.request.input, "data", "input")
    mdtrt_id = f.text(data, "mdtrt_id", "input.data", max_len=30)
    psn_no = f.text(data, "psn_no", "input.data", max_len=30)
    f.text(data, "ipt_otp_no", "input.data", max_len=30)
    own_visit(ctx, mdtrt_id, psn_no)
    settled = ctx.conn.execute(
        "SELECT setl_id FROM settlements WHERE mdtrt_id = ? AND kind = 'settlement' "
        "AND state = 'settled'",
        (mdtrt_id,),
    ).fetchone()
    if settled is not None:
        raise Rejected("该就诊已结算,不能撤销挂号", f"visit {mdtrt_id} is settled ({settled[0]})")
    ctx.conn.execute("DELETE FROM fees WHERE mdtrt_id = ?", (mdtrt_id,))
    ctx.conn.execute("DELETE FROM mdtrts WHERE mdtrt_id = ?", (mdtrt_id,))
    return {}


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
