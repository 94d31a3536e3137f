"""The hospital information system (HIS) under `/his/`: departments, doctors and fees, a
person's unpaid orders, and marking orders paid (idempotent by setl_id).

Answers are plain JSON (not the fsi envelope): `{"ok": true, ...}` with HTTP 200, or
`{"ok": false, "error": "..."}` with 400 (malformed), 404 (unknown) or 409 (conflict).
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from kernel.errors import MoneyError
from kernel.money import Money
from simulators.central.db import Database
from simulators.central.world import World

Reply = tuple[int, dict[str, Any]]
RXNO = re.compile(r"[A-Za-z0-9_-]{1,30}")


# today's visit numbers (号源) of every doctor: the session, its hours, how many patients
SLOTS = (("am", "08:00-12:00", 20), ("pm", "14:00-17:30", 15))


def departments(db: Database, world: World, now: datetime) -> Reply:
    """The departments and doctors with each doctor's registration fee and today's numbers
    left per session (a registration, paid or not, holds its number for the day)."""
    conn = db.conn()
    out = []
    for dept in world.departments:
        doctors = []
        for doctor in dept["doctors"]:
            slots = [
                {"period": period, "hours": hours,
                 "left": max(0, size - _booked(conn, doctor["dr_code"], period, now))}
                for period, hours, size in SLOTS
            ]
            doctors.append({**doctor, "slots": slots})
        out.append({**dept, "doctors": doctors})
    return 200, {"ok": True, "departments": out}


def register(db: Database, world: World, body: Any, now: datetime) -> Reply:
    """A registration (挂号) for today: an unpaid order of the doctor's registration fee, paid
    as any order is. The same person, doctor and session again answers the same order."""
    if not isinstance(body, Mapping):
        return 400, {"ok": False, "error": 'expected {"certno", "dr_code", "period"}'}
    certno, dr_code, period = body.get("certno"), body.get("dr_code"), body.get("period")
    if not isinstance(certno, str) or not 0 < len(certno) <= 18:
        return 400, {"ok": False, "error": "certno (18 characters) is required"}
    found = _doctor(world, dr_code)
    if found is None:
        return 404, {"ok": False, "error": f"unknown doctor {str(dr_code)[:20]}"}
    sizes = {p: size for p, _, size in SLOTS}
    if period not in sizes:
        return 400, {"ok": False, "error": "period must be am or pm"}
    dept, doctor = found
    with db.write() as conn:
        row = conn.execute("SELECT psn_no FROM persons WHERE certno = ?", (certno,)).fetchone()
        if row is None:
            return 404, {"ok": False, "error": "unknown person"}
        same = conn.execute(
            "SELECT body FROM his_orders WHERE certno = ? AND paid_setl_id IS NULL"
            " AND json_extract(body, '$.registration.dr_code') = ?"
            " AND json_extract(body, '$.registration.period') = ?"
            " AND json_extract(body, '$.registration.date') = ?",
            (certno, dr_code, period, f"{now:%Y-%m-%d}"),
        ).fetchone()
        if same is not None:
            return 200, {"ok": True, "order": json.loads(same[0])}
        if _booked(conn, dr_code, period, now) >= sizes[period]:
            return 409, {"ok": False, "error": f"no numbers left for {dr_code} ({period})"}
        seq = conn.execute("SELECT COALESCE(MAX(seq), 0) + 1 FROM his_orders").fetchone()[0]
        code = doctor["reg_med_list_codg"]
        order = {
            "rxno": f"REG{now:%Y%m%d}{seq:08d}",
            "dept_code": dept["dept_code"],
            "dept_name": dept["dept_name"],
            "dr_code": doctor["dr_code"],
            "dr_name": doctor["dr_name"],
            "created": f"{now:%Y-%m-%d %H:%M:%S}",
            "registration": {"dr_code": dr_code, "period": period, "date": f"{now:%Y-%m-%d}"},
            "items": [{"med_list_codg": code, "name": world.catalogue[code].name,
                       "pric": doctor["reg_fee"], "cnt": "1"}],
        }
        conn.execute(
            "INSERT INTO his_orders (rxno, psn_no, certno, body) VALUES (?, ?, ?, ?)",
            (order["rxno"], row[0], certno, json.dumps(order, ensure_ascii=False)),
        )
    return 200, {"ok": True, "order": order}


def _doctor(world: World, dr_code: Any) -> tuple[dict[str, Any], dict[str, Any]] | None:
    for dept in world.departments:
        for doctor in dept["doctors"]:
            if doctor["dr_code"] == dr_code:
                return dept, doctor
    return None


def _booked(conn: sqlite3.Connection, dr_code: str, period: str, now: datetime) -> int:
    return int(conn.execute(
        "SELECT COUNT(*) FROM his_orders WHERE json_extract(body, '$.registration.dr_code') = ?"
        " AND json_extract(body, '$.registration.period') = ?"
        " AND json_extract(body, '$.registration.date') = ?",
        (dr_code, period, f"{now:%Y-%m-%d}"),
    ).fetchone()[0])


def unpaid_orders(db: Database, certno: str) -> Reply:
    if not certno or len(certno) > 18:
        return 400, {"ok": False, "error": "query parameter certno (18 characters) is required"}
    rows = (
        db.conn()
        .execute(
            "SELECT body FROM his_orders WHERE certno = ? AND paid_setl_id IS NULL ORDER BY seq",
            (certno,),
        )
        .fetchall()
    )
    return 200, {"ok": True, "orders": [json.loads(r[0]) for r in rows]}


def mark_paid(db: Database, body: Any) -> Reply:
    if not isinstance(body, Mapping):
        return 400, {"ok": False, "error": 'expected {"rxnos": [...], "setl_id": "..."}'}
    rxnos, setl_id = body.get("rxnos"), body.get("setl_id")
    if (
        not isinstance(rxnos, list)
        or not rxnos
        or not all(isinstance(r, str) and RXNO.fullmatch(r) for r in rxnos)
        or not isinstance(setl_id, str)
        or not 0 < len(setl_id) <= 30
    ):
        return 400, {
            "ok": False,
            "error": "rxnos must be a non-empty list of order numbers, setl_id a settlement id",
        }
    with db.write() as conn:
        for rxno in rxnos:
            row = conn.execute(
                "SELECT paid_setl_id FROM his_orders WHERE rxno = ?", (rxno,)
            ).fetchone()
            if row is None:
                return 404, {"ok": False, "error": f"unknown order {rxno}"}
            if row[0] not in (None, setl_id):
                return 409, {"ok": False, "error": f"order {rxno} was paid by settlement {row[0]}"}
        conn.executemany(
            "UPDATE his_orders SET paid_setl_id = ? WHERE rxno = ?",
            [(setl_id, rxno) for rxno in rxnos],
        )
    return 200, {"ok": True, "rxnos": rxnos, "setl_id": setl_id}


def add_orders(db: Database, world: World, body: Any, now: datetime) -> Reply:
    """Control endpoint: add orders for a person (by psn_no or certno)."""
    if not isinstance(body, Mapping) or not isinstance(body.get("orders"), list):
        return 400, {"ok": False, "error": 'expected {"psn_no" or "certno", "orders": [...]}'}
    with db.write() as conn:
        person = _person(conn, body)
        if person is None:
            return 404, {"ok": False, "error": "unknown person"}
        psn_no, certno = person
        added = []
        for n, raw in enumerate(body["orders"]):
            try:
                order = _order(conn, world, raw, now)
            except ValueError as err:
                return 400, {"ok": False, "error": f"orders[{n}]: {err}"}
            conn.execute(
                "INSERT INTO his_orders (rxno, psn_no, certno, body) VALUES (?, ?, ?, ?)",
                (order["rxno"], psn_no, certno, json.dumps(order, ensure_ascii=False)),
            )
            added.append(order["rxno"])
    return 200, {"ok": True, "rxnos": added}


def _person(conn: sqlite3.Connection, body: Mapping[str, Any]) -> tuple[str, str] | None:
    if isinstance(body.get("psn_no"), str):
        row = conn.execute(
            "SELECT psn_no, certno FROM persons WHERE psn_no = ?", (body["psn_no"],)
        ).fetchone()
    elif isinstance(body.get("certno"), str):
        row = conn.execute(
            "SELECT psn_no, certno FROM persons WHERE certno = ?", (body["certno"],)
        ).fetchone()
    else:
        return None
    return None if row is None else (str(row[0]), str(row[1]))


def _order(conn: sqlite3.Connection, world: World, raw: Any, now: datetime) -> dict[str, Any]:
    if not isinstance(raw, Mapping) or not isinstance(raw.get("items"), list) or not raw["items"]:
        raise ValueError("an order is an object with a non-empty items list")
    rxno = raw.get("rxno")
    if rxno is None:
        seq = conn.execute("SELECT COALESCE(MAX(seq), 0) + 1 FROM his_orders").fetchone()[0]
        rxno = f"RX{now:%Y%m%d}{seq:08d}"
    if not isinstance(rxno, str) or not RXNO.fullmatch(rxno):
        raise ValueError("rxno must be 1-30 letters, digits, - or _")
    if conn.execute("SELECT 1 FROM his_orders WHERE rxno = ?", (rxno,)).fetchone():
        raise ValueError(f"order {rxno} already exists")
    items = []
    for item in raw["items"]:
        code = item.get("med_list_codg") if isinstance(item, Mapping) else None
        if code not in world.catalogue:
            raise ValueError(f"item {str(code)[:30]!r} is not in the catalogue")
        try:
            pric = Money.parse(item.get("pric"), field="pric")
            cnt = str(item.get("cnt", "1"))
            Money(1).times(cnt)
        except (MoneyError, ArithmeticError, ValueError) as err:
            raise ValueError(str(err)) from None
        items.append(
            {
                "med_list_codg": code,
                "name": world.catalogue[code].name,
                "pric": str(pric),
                "cnt": cnt,
            }
        )
    return {
        "rxno": rxno,
        "dept_code": str(raw.get("dept_code", "")),
        "dept_name": str(raw.get("dept_name", "")),
        "dr_code": str(raw.get("dr_code", "")),
        "dr_name": str(raw.get("dr_name", "")),
        "created": str(raw.get("created", f"{now:%Y-%m-%d %H:%M:%S}")),
        "items": items,
    }
