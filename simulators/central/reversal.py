"""2601 reversal (冲正) of a settlement or cancellation whose outcome the sender does not know.

- never executed: a tombstone is stored, so the original arriving late is refused rather than
  executed after its reversal; the reversal succeeds;
- executed with -2 (nothing was done): marked reversed, nothing else;
- an executed settlement: restored exactly as a cancellation would (state `reversed`);
- an executed cancellation: the original settlement is re-applied (state `settled` again);
- already reversed: succeeds and does nothing.

A reversed msgid is never answered with its stored response again (a retry gets -2 naming the
reversal), so a sender cannot mistake a reversed settlement for a standing one.
"""

from __future__ import annotations

from kernel.protocol import REVERSIBLE_INFNOS
from simulators.central import fields as f
from simulators.central.cancellation import redo, undo
from simulators.central.commercial import refuse_if_claimed
from simulators.central.fields import Rejected
from simulators.central.platform import Context, Output
from simulators.central.records import set_state, stored


def reverse(ctx: Context) -> Output:
    data = f.sub(ctx.request.input, "data", "input")
    psn_no = f.text(data, "psn_no", "input.data", max_len=30)
    omsgid = f.text(data, "omsgid", "input.data", max_len=30, min_len=30)
    oinfno = f.text(data, "oinfno", "input.data", max_len=4, choices=REVERSIBLE_INFNOS)
    if omsgid[:12] != ctx.request.fixmedins_code:
        raise Rejected("原报文不属于本机构", f"omsgid {omsgid} is not this institution's")
    row = ctx.conn.execute(
        "SELECT infno, reversed_by FROM msgs WHERE msgid = ?", (omsgid,)
    ).fetchone()
    if row is None:
        ctx.conn.execute(
            "INSERT INTO msgs VALUES (?, ?, NULL, NULL, ?)", (omsgid, oinfno, ctx.request.msgid)
        )
        return {}
    infno, reversed_by = row
    if reversed_by:
        return {}
    if infno != oinfno:
        raise Rejected("原交易编号不符", f"omsgid {omsgid} was infno {infno}, not {oinfno}")
    target = stored(ctx.conn, "msgid", omsgid)
    if target is not None:
        if target.psn_no != psn_no:
            raise Rejected("原交易人员不符", f"omsgid {omsgid} settled another person")
        if target.kind == "settlement":
            if target.state == "cancelled":
                raise Rejected(
                    "原结算已被撤销",
                    f"settlement {target.setl_id} was cancelled; reverse that 2208/2103 first",
                )
            refuse_if_claimed(ctx.conn, target.setl_id)
            undo(ctx.conn, target)
            set_state(ctx.conn, target.setl_id, "reversed")
        else:
            original = stored(ctx.conn, "setl_id", target.orig_setl_id)
            if original is None:
                raise Rejected("原结算不存在", f"settlement {target.orig_setl_id} is unknown")
            redo(ctx.conn, original)
            set_state(ctx.conn, original.setl_id, "settled")
            set_state(ctx.conn, target.setl_id, "reversed")
    ctx.conn.execute("UPDATE msgs SET reversed_by = ? WHERE msgid = ?", (ctx.request.msgid, omsgid))
    return {}
