"""The gateway's ledger: orders and refunds in its own SQLite file, so it survives a restart.

One connection guarded by a lock: the simulator's load is a few terminals, and serialising
every operation makes the money rules (a refund never exceeds what was paid) trivially safe.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
import uuid
from pathlib import Path
from typing import Any

from kernel.money import Money
from simulators.paygate.errors import conflict, not_found
from simulators.paygate.rules import Rule
from simulators.paygate.validate import CreateOrder, CreateRefund, payer_of

SCHEMA = """
CREATE TABLE IF NOT EXISTS orders (
    out_trade_no TEXT PRIMARY KEY,
    trade_no TEXT NOT NULL UNIQUE,
    channel TEXT NOT NULL,
    amount TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    description TEXT NOT NULL,
    auth_code TEXT,
    payer TEXT,
    payer_ref TEXT,
    state TEXT NOT NULL,
    fail_reason TEXT,
    due_at REAL,
    due_outcome TEXT,
    refunded TEXT NOT NULL DEFAULT '0.00',
    created_at REAL NOT NULL,
    paid_at REAL,
    closed_at REAL
);
CREATE TABLE IF NOT EXISTS refunds (
    out_refund_no TEXT PRIMARY KEY,
    refund_id TEXT NOT NULL UNIQUE,
    out_trade_no TEXT NOT NULL REFERENCES orders(out_trade_no),
    amount TEXT NOT NULL,
    reason TEXT NOT NULL,
    state TEXT NOT NULL,
    created_at REAL NOT NULL
);
"""

NOTPAY, USERPAYING, SUCCESS, PAYERROR, CLOSED = (
    "NOTPAY",
    "USERPAYING",
    "SUCCESS",
    "PAYERROR",
    "CLOSED",
)


def _fingerprint(request: CreateOrder) -> str:
    """What must match for a repeated create to be the same order (not the description)."""
    return json.dumps([request.channel, str(request.amount), request.auth_code, request.payer_ref])


def _iso(stamp: float | None) -> str | None:
    if stamp is None:
        return None
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(stamp))


class Ledger:
    def __init__(self, path: Path, base_url: str) -> None:
        self._lock = threading.Lock()
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.executescript(SCHEMA)
        self.base_url = base_url

    def close(self) -> None:
        with self._lock:
            self._db.close()

    # -- orders -------------------------------------------------------------------------

    def create(self, request: CreateOrder, rule: Rule | None) -> dict[str, Any]:
        """Create the order, or return the existing one when the request is a replay."""
        with self._lock, self._db:
            self._db.execute("BEGIN IMMEDIATE")
            row = self._row(request.out_trade_no)
            if row is not None:
                if row["fingerprint"] != _fingerprint(request):
                    raise conflict(
                        "ORDER_CONFLICT",
                        f"out_trade_no {request.out_trade_no} exists with another amount,"
                        " channel or payment code",
                    )
                return self._view(self._advance(row))
            now = time.time()
            state, reason, paid_at, due_at, due_outcome = self._first_state(request, rule, now)
            self._db.execute(
                "INSERT INTO orders (out_trade_no, trade_no, channel, amount, fingerprint,"
                " description, auth_code, payer, payer_ref, state, fail_reason, due_at,"
                " due_outcome, created_at, paid_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    request.out_trade_no,
                    "PG" + uuid.uuid4().hex[:24].upper(),
                    request.channel,
                    str(request.amount),
                    _fingerprint(request),
                    request.description,
                    request.auth_code,
                    payer_of(request.auth_code) if request.auth_code else None,
                    request.payer_ref,
                    state,
                    reason,
                    due_at,
                    due_outcome,
                    now,
                    paid_at,
                ),
            )
            return self._view(self._must(request.out_trade_no))

    @staticmethod
    def _first_state(
        request: CreateOrder, rule: Rule | None, now: float
    ) -> tuple[str, str | None, float | None, float | None, str | None]:
        """(state, fail_reason, paid_at, due_at, due_outcome) of a new order."""
        if rule is not None and rule.mode == "decline":
            return PAYERROR, rule.reason, None, None, None
        if request.channel == "qr":
            return NOTPAY, None, None, None, None
        if rule is not None and rule.mode == "userpaying" and request.channel == "paycode":
            return USERPAYING, None, None, now + rule.ms / 1000, rule.outcome
        return SUCCESS, None, now, None, None

    def get(self, out_trade_no: str) -> dict[str, Any]:
        with self._lock, self._db:
            self._db.execute("BEGIN IMMEDIATE")
            return self._view(self._advance(self._must(out_trade_no)))

    def channel_of(self, out_trade_no: str) -> str | None:
        with self._lock:
            row = self._row(out_trade_no)
        return None if row is None else str(row["channel"])

    def by_trade_no(self, trade_no: str) -> dict[str, Any]:
        with self._lock:
            row = self._db.execute(
                "SELECT * FROM orders WHERE trade_no = ?", (trade_no,)
            ).fetchone()
        if row is None:
            raise not_found("ORDER_NOT_FOUND", "no such order")
        return self._view(row)

    def close_order(self, out_trade_no: str) -> dict[str, Any]:
        """Close an unpaid order; closing a closed order again is a harmless replay."""
        with self._lock, self._db:
            self._db.execute("BEGIN IMMEDIATE")
            row = self._advance(self._must(out_trade_no))
            if row["state"] == SUCCESS:
                raise conflict("ORDER_PAID", f"order {out_trade_no} is paid: refund it instead")
            if row["state"] != CLOSED:
                self._db.execute(
                    "UPDATE orders SET state = ?, closed_at = ?, due_at = NULL"
                    " WHERE out_trade_no = ?",
                    (CLOSED, time.time(), out_trade_no),
                )
            return self._view(self._must(out_trade_no))

    def pay(self, out_trade_no: str, outcome: str) -> dict[str, Any]:
        """The patient's side: pay (or fail to pay) a QR order, or finish a USERPAYING one."""
        with self._lock, self._db:
            self._db.execute("BEGIN IMMEDIATE")
            row = self._advance(self._must(out_trade_no))
            state = row["state"]
            if state == SUCCESS:
                return self._view(row)
            if state == CLOSED:
                raise conflict("ORDER_CLOSED", f"order {out_trade_no} is closed")
            if state == PAYERROR:
                raise conflict("ORDER_FAILED", f"order {out_trade_no} already failed")
            if row["channel"] == "credit":
                raise conflict("NOT_PAYABLE", "a credit order is settled by the patient later")
            self._finish(out_trade_no, outcome, "USER_DECLINED")
            return self._view(self._must(out_trade_no))

    # -- refunds ------------------------------------------------------------------------

    def refund(self, out_trade_no: str, request: CreateRefund) -> dict[str, Any]:
        with self._lock, self._db:
            self._db.execute("BEGIN IMMEDIATE")
            order = self._advance(self._must(out_trade_no))
            existing = self._db.execute(
                "SELECT * FROM refunds WHERE out_refund_no = ?", (request.out_refund_no,)
            ).fetchone()
            if existing is not None:
                if existing["out_trade_no"] != out_trade_no or existing["amount"] != str(
                    request.amount
                ):
                    raise conflict(
                        "REFUND_CONFLICT",
                        f"out_refund_no {request.out_refund_no} exists for another order or amount",
                    )
                return self._refund_view(request.out_refund_no)
            if order["state"] != SUCCESS:
                raise conflict("ORDER_NOT_PAID", f"order {out_trade_no} is {order['state']}")
            refunded = Money(order["refunded"]) + request.amount
            if refunded > Money(order["amount"]):
                left = Money(order["amount"]) - Money(order["refunded"])
                raise conflict(
                    "REFUND_EXCEEDS",
                    f"refund {request.amount} exceeds the {left} still refundable",
                )
            self._db.execute(
                "INSERT INTO refunds (out_refund_no, refund_id, out_trade_no, amount, reason,"
                " state, created_at) VALUES (?,?,?,?,?,?,?)",
                (
                    request.out_refund_no,
                    "RF" + uuid.uuid4().hex[:24].upper(),
                    out_trade_no,
                    str(request.amount),
                    request.reason,
                    SUCCESS,
                    time.time(),
                ),
            )
            self._db.execute(
                "UPDATE orders SET refunded = ? WHERE out_trade_no = ?",
                (str(refunded), out_trade_no),
            )
            return self._refund_view(request.out_refund_no)

    def get_refund(self, out_refund_no: str) -> dict[str, Any]:
        with self._lock:
            return self._refund_view(out_refund_no)

    # -- for tests ----------------------------------------------------------------------

    def everything(self) -> dict[str, list[dict[str, Any]]]:
        with self._lock, self._db:
            self._db.execute("BEGIN IMMEDIATE")
            orders = [
                self._view(self._advance(row))
                for row in self._db.execute("SELECT * FROM orders ORDER BY created_at").fetchall()
            ]
            refunds = [
                self._refund_view(row["out_refund_no"])
                for row in self._db.execute("SELECT * FROM refunds ORDER BY created_at").fetchall()
            ]
        return {"orders": orders, "refunds": refunds}

    # -- internals (called with the lock held) ------------------------------------------

    def _row(self, out_trade_no: str) -> sqlite3.Row | None:
        return self._db.execute(
            "SELECT * FROM orders WHERE out_trade_no = ?", (out_trade_no,)
        ).fetchone()

    def _must(self, out_trade_no: str) -> sqlite3.Row:
        row = self._row(out_trade_no)
        if row is None:
            raise not_found("ORDER_NOT_FOUND", f"no order {out_trade_no}")
        return row

    def _advance(self, row: sqlite3.Row) -> sqlite3.Row:
        """Let time pass for a USERPAYING order: once its moment is due, it has an outcome."""
        due = row["state"] == USERPAYING and row["due_at"] is not None
        if due and time.time() >= row["due_at"]:
            self._finish(row["out_trade_no"], row["due_outcome"], "USER_DECLINED")
            return self._must(row["out_trade_no"])
        return row

    def _finish(self, out_trade_no: str, outcome: str, reason: str) -> None:
        if outcome == "success":
            self._db.execute(
                "UPDATE orders SET state = ?, paid_at = ?, due_at = NULL WHERE out_trade_no = ?",
                (SUCCESS, time.time(), out_trade_no),
            )
        else:
            self._db.execute(
                "UPDATE orders SET state = ?, fail_reason = ?, due_at = NULL"
                " WHERE out_trade_no = ?",
                (PAYERROR, reason, out_trade_no),
            )

    def _view(self, row: sqlite3.Row) -> dict[str, Any]:
        view: dict[str, Any] = {
            "out_trade_no": row["out_trade_no"],
            "trade_no": row["trade_no"],
            "channel": row["channel"],
            "amount": row["amount"],
            "state": row["state"],
            "refunded": row["refunded"],
            "description": row["description"],
            "created_at": _iso(row["created_at"]),
            "paid_at": _iso(row["paid_at"]),
            "closed_at": _iso(row["closed_at"]),
        }
        if row["channel"] == "qr":
            view["qr_url"] = f"{self.base_url}/pay/scan/{row['trade_no']}"
        if row["payer"]:
            view["payer"] = row["payer"]
        if row["payer_ref"]:
            view["payer_ref"] = row["payer_ref"]
        if row["fail_reason"]:
            view["fail_reason"] = row["fail_reason"]
        return view

    def _refund_view(self, out_refund_no: str) -> dict[str, Any]:
        row = self._db.execute(
            "SELECT * FROM refunds WHERE out_refund_no = ?", (out_refund_no,)
        ).fetchone()
        if row is None:
            raise not_found("REFUND_NOT_FOUND", f"no refund {out_refund_no}")
        return {
            "out_refund_no": row["out_refund_no"],
            "refund_id": row["refund_id"],
            "out_trade_no": row["out_trade_no"],
            "amount": row["amount"],
            "reason": row["reason"],
            "state": row["state"],
            "created_at": _iso(row["created_at"]),
        }
