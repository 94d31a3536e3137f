"""Reconciliation: 3201 daily totals and 3202 detail lists.

Both count the records the platform holds for the sender's institution with `setl_time` in the
span: settlements and cancellations (cancellations carry negative amounts), excluding records
undone by 2601. 3201's `fixmedins_setl_cnt` is the number of such records.
"""

from __future__ import annotations

import json
from datetime import date, timedelta

from kernel.money import ZERO, Money
from simulators.central import fields as f
from simulators.central.platform import Context, Output


def _records(ctx: Context, begin: date, end: date, insutype: str | None) -> list[tuple[str, str]]:
    if end < begin:
        raise f.bad("input.data.stmt_enddate", "is before stmt_begndate")
    rows = ctx.conn.execute(
        "SELECT setl_id, setlinfo, insutype FROM settlements WHERE fixmedins_code = ? "
        "AND setl_time >= ? AND setl_time < ? AND state != 'reversed' ORDER BY seq",
        (ctx.request.fixmedins_code, begin.isoformat(), (end + timedelta(days=1)).isoformat()),
    ).fetchall()
    return [(r[0], r[1]) for r in rows if insutype is None or r[2] == insutype]


def totals(ctx: Context) -> Output:
    data = f.sub(ctx.request.input, "data", "input")
    where = "input.data"
    insutype = f.text(data, "insutype", where, max_len=3, choices=frozenset({"310", "390"}))
    f.text(data, "clr_type", where, max_len=6)
    f.text(data, "setl_optins", where, max_len=6, min_len=0, required=False)
    begin, end = f.day(data, "stmt_begndate", where), f.day(data, "stmt_enddate", where)
    claimed = {
        name: f.money_signed(data, name, where)
        for name in ("medfee_sumamt", "fund_pay_sumamt", "acct_pay")
    }
    count_text = f.text(data, "fixmedins_setl_cnt", where, max_len=9, pattern=f.DIGITS)
    held = {name: ZERO for name in claimed}
    records = _records(ctx, begin, end, insutype)
    for _, setlinfo in records:
        info = json.loads(setlinfo)
        for name in held:
            held[name] = held[name] + Money(info[name])
    differences = [
        f"{name} {claimed[name]} != {held[name]}" for name in held if claimed[name] != held[name]
    ]
    if int(count_text) != len(records):
        differences.append(f"fixmedins_setl_cnt {int(count_text)} != {len(records)}")
    return {
        "data": {
            "stmt_rslt": "1" if differences else "0",
            "stmt_rslt_dscr": "; ".join(differences) if differences else "对账一致 (balanced)",
        }
    }


def details(ctx: Context) -> Output:
    data = f.sub(ctx.request.input, "data", "input")
    where = "input.data"
    begin, end = f.day(data, "stmt_begndate", where), f.day(data, "stmt_enddate", where)
    listed = f.items(data, "setl_ids", where, max_len=100000)
    if not all(isinstance(s, str) and 0 < len(s) <= 30 for s in listed):
        raise f.bad(f"{where}.setl_ids", "must be a list of setl_id strings")
    held = [setl_id for setl_id, _ in _records(ctx, begin, end, None)]
    listed_set, held_set = set(listed), set(held)
    return {
        "data": {
            "platform_only": [s for s in held if s not in listed_set],
            "terminal_only": sorted(s for s in listed_set if s not in held_set),
        }
    }
