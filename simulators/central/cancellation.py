"""Cancellation (2208/2103): restore exactly what a stored settlement changed.

`undo` and `redo` are also what 2601 reversal uses.
"""

from __future__ import annotations

import sqlite3
from dataclasses import replace

from kernel.money import Money
from simulators.central import fields as f
from simulators.central import persons
from simulators.central.commercial import refuse_if_claimed
from simulators.central.fields import Rejected
from simulators.central.platform import Context, Output
from simulators.central.records import (
    Stored,
    code_holder,
    insert_settlement,
    next_seq,
    set_state,
    stored,
)
from terminal.policy.engine import (
    apply_to_state,
    cancel_state,
)


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
    refuse_if_claimed(ctx.conn, setl_id)
    balc = undo(ctx.conn, original)
    seq = next_seq(ctx.conn, "settlements")
    cancel = replace(
        original.breakdown.negated(),
        setl_id=f"S{ctx.world.region}{seq:013d}",
        setl_time=f"{ctx.now:%Y-%m-%d %H:%M:%S}",
        medins_setl_id=ctx.request.msgid,
        balc=balc,
    ).to_setlinfo()
    insert_settlement(
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
        held = code_holder(conn, code)
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
