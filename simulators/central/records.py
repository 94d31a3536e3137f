"""Settlement records: insertion, lookup, state changes and traceability-code holders.

Every settlement and cancellation is one row with its full `setlinfo`, so a cancellation or a
2601 reversal restores state from what was stored, never by recomputing.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass

from kernel.breakdown import Breakdown
from simulators.central.fields import Rejected
from simulators.central.platform import Context


def next_seq(conn: sqlite3.Connection, table: str) -> int:
    row = conn.execute(f"SELECT COALESCE(MAX(seq), 0) + 1 FROM {table}").fetchone()
    return int(row[0])


def insert_settlement(
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


def set_state(conn: sqlite3.Connection, setl_id: str, state: str) -> None:
    conn.execute("UPDATE settlements SET state = ? WHERE setl_id = ?", (state, setl_id))


def code_holder(conn: sqlite3.Connection, code: str) -> str | None:
    """The settlement that currently holds a traceability code, if any."""
    row = conn.execute(
        "SELECT setl_id FROM trac_codes WHERE codg = ? AND active = 1", (code,)
    ).fetchone()
    return None if row is None else str(row[0])


def not_settled(conn: sqlite3.Connection, mdtrt_id: str, chrg_bchno: str) -> None:
    row = conn.execute(
        "SELECT setl_id FROM settlements WHERE mdtrt_id = ? AND chrg_bchno = ? "
        "AND kind = 'settlement' AND state = 'settled'",
        (mdtrt_id, chrg_bchno),
    ).fetchone()
    if row is not None:
        raise Rejected("该批次费用已结算", f"chrg_bchno {chrg_bchno} is already settled ({row[0]})")
