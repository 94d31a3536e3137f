"""The journal: patient transactions, their platform requests, payments and adjustments.

Every method that changes something is one SQLite transaction that also appends its audit row,
so the journal and its audit log never disagree, and a crash leaves the step either fully done
or not at all. The saga calls a method *before* each side effect (the request is prepared, the
payment is pending) and again *after* it (succeeded, collected): recovery resumes from whatever
was last committed (offline.md).

Personal data (identity, bill, breakdowns, request bodies and responses) is encrypted per field
with `FieldCipher`; the rest (states, amounts of payments, msgids) stays plain for operations.
"""

from __future__ import annotations

import json
import sqlite3
import time
import uuid
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kernel.breakdown import Breakdown
from kernel.events import JournalChange
from kernel.money import ZERO, Money, money_sum
from kernel.records import (
    Adjustment,
    Payment,
    PersonIdentity,
    PlatformRequest,
    Transaction,
    breakdown_from_json,
    breakdown_to_json,
)
from kernel.states import (
    FINAL_STATES,
    HELD_PAYMENTS,
    NOT_FORWARDED,
    PAYMENT_TRANSITIONS,
    REQUEST_TRANSITIONS,
    TX_TRANSITIONS,
    PaymentStatus,
    RequestStatus,
    TxKind,
    TxState,
)
from offline_store import audit
from offline_store.crypto import FieldCipher, open_field_cipher
from offline_store.db import JournalDatabase, open_journal_database
from offline_store.errors import (
    IllegalTransitionError,
    NotFoundError,
    UnsettledPaymentsError,
)
from offline_store.outbox import INSERT_REQUEST, Outbox
from offline_store.sequence import SqliteMsgidCounter

Clock = Callable[[], float]


@dataclass(frozen=True)
class NewRequest:
    """A platform request about to be written: its transaction number, msgid and body."""

    infno: str
    msgid: str
    body: Mapping[str, Any]


@dataclass(frozen=True)
class OfflineExposure:
    """What the offline limits are checked against: transactions not yet forwarded."""

    count: int
    fund_total: Money
    oldest_created_at: float | None


class Journal:
    """The terminal's journal. Safe to share between threads (one connection per thread)."""

    def __init__(self, database: JournalDatabase, cipher: FieldCipher, *, clock: Clock) -> None:
        self.database = database
        self.cipher = cipher
        self._clock = clock
        self.outbox = Outbox(database, cipher, clock=clock)

    @classmethod
    def open(
        cls,
        path: Path,
        key_path: Path,
        *,
        clock: Clock = time.time,
        check_integrity: bool = True,
    ) -> Journal:
        """Open (or create) the journal at `path` with the key file at `key_path`.

        Raises the typed errors of `offline_store.errors` (damaged file, missing or wrong key,
        read-only file, newer schema); each carries what to do.
        """
        database = open_journal_database(path, check_integrity=check_integrity)
        try:
            cipher = open_field_cipher(key_path, database)
        except BaseException:
            database.close()
            raise
        return cls(database, cipher, clock=clock)

    def clock(self) -> float:
        """The journal's clock (Unix seconds): the one time source of its records."""
        return self._clock()

    def msgid_counter(self) -> SqliteMsgidCounter:
        """The persisted msgid counter, kept in this journal's file."""
        return SqliteMsgidCounter(self.database)

    def close(self) -> None:
        self.database.close()

    def subscribe(self, subscriber: Callable[[JournalChange], None]) -> Callable[[], None]:
        """Be told, after each commit, what it changed (one `JournalChange` per audit row, in
        order, on the committing thread). Returns the function that unsubscribes."""
        return self.database.changes.subscribe(subscriber)

    # -- transactions -------------------------------------------------------------------------

    def create(self, kind: TxKind, *, note: str = "") -> Transaction:
        """Start a transaction in state `created`. `note` is plain text: nothing personal."""
        tx_id = uuid.uuid4().hex
        now = self._clock()
        with self.database.write() as conn:
            conn.execute(
                "INSERT INTO transactions (tx_id, kind, state, note, created_at, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (tx_id, TxKind(kind).value, TxState.CREATED.value, note, now, now),
            )
            audit.append(conn, "tx.created", at=now, tx_id=tx_id, details={"kind": str(kind)})
        return self.get(tx_id)

    def identify(self, tx_id: str, identity: PersonIdentity) -> Transaction:
        """`created -> identified`: store who it is for (encrypted) and their person key."""
        person_key = self.cipher.person_key(identity.cert_type, identity.certno)
        blob = self.cipher.encrypt_json("transactions", "identity", tx_id, identity.to_json())
        return self._advance(
            tx_id, TxState.IDENTIFIED, {"person_key": person_key, "identity": blob}
        )

    def bill(self, tx_id: str, items: Sequence[Mapping[str, Any]]) -> Transaction:
        """`identified -> billed` with the fee items (JSON objects; amounts as strings)."""
        blob = self.cipher.encrypt_json("transactions", "bill", tx_id, [dict(i) for i in items])
        return self._advance(tx_id, TxState.BILLED, {"bill": blob}, {"items": len(items)})

    def presettle(
        self, tx_id: str, breakdown: Breakdown, *, identity: PersonIdentity | None = None
    ) -> Transaction:
        """`billed|presettled -> presettled` with the platform's pre-settlement split (the
        estimate). Presettled again when the person changes how the accounts are used; the
        choice travels in `identity.extra`, replaced in the same commit when given."""
        columns = {}
        if identity is not None:
            columns["identity"] = self.cipher.encrypt_json(
                "transactions", "identity", tx_id, identity.to_json()
            )
        return self._with_breakdown(tx_id, TxState.PRESETTLED, "estimated", breakdown, columns)

    def estimate(self, tx_id: str, breakdown: Breakdown) -> Transaction:
        """`billed|presettled -> estimated`: offline, with the terminal's own conservative split."""
        return self._with_breakdown(tx_id, TxState.ESTIMATED, "estimated", breakdown)

    def collect(self, tx_id: str) -> Transaction:
        """`presettled -> collecting` or `estimated -> collecting_offline`: about to take money."""
        current = self.get(tx_id).state
        target = TxState.COLLECTING_OFFLINE if current == TxState.ESTIMATED else TxState.COLLECTING
        return self._advance(tx_id, target, {})

    def settle(self, tx_id: str, actual: Breakdown) -> Transaction:
        """`collecting -> settled` with the split the platform actually settled."""
        return self._with_breakdown(tx_id, TxState.SETTLED, "actual", actual)

    def complete(self, tx_id: str) -> Transaction:
        """`settled -> completed` or `collecting_offline -> completed_offline`."""
        current = self.get(tx_id).state
        target = (
            TxState.COMPLETED_OFFLINE
            if current == TxState.COLLECTING_OFFLINE
            else TxState.COMPLETED
        )
        return self._advance(tx_id, target, {})

    def mark_forwarded(self, tx_id: str) -> Transaction:
        """`completed_offline -> forwarded`: its queued settlement reached the platform."""
        return self._advance(tx_id, TxState.FORWARDED, {})

    def reconcile(self, tx_id: str, actual: Breakdown) -> Transaction:
        """`forwarded -> reconciled` with the actual split (adjustments added separately)."""
        return self._with_breakdown(tx_id, TxState.RECONCILED, "actual", actual)

    def start_return(self, tx_id: str, kept: Sequence[Mapping[str, Any]]) -> Transaction:
        """`completed|forwarded|reconciled -> returning`: the lines the patient keeps (none
        for a full return) are journalled before the settlement is cancelled, so a crash
        resumes the same return."""
        blob = self.cipher.encrypt_json("transactions", "kept", tx_id, [dict(k) for k in kept])
        return self._advance(tx_id, TxState.RETURNING, {"kept": blob}, {"kept": len(kept)})

    def finish_return(self, tx_id: str, *, resale_tx_id: str = "") -> Transaction:
        """`returning -> returned`: cancelled at the platform, money given back; the kept
        lines (if any) were sold again in `resale_tx_id`."""
        note = f"returned; kept lines resold in {resale_tx_id}" if resale_tx_id else "returned"
        details = {"resale_tx_id": resale_tx_id} if resale_tx_id else {}
        return self._advance(tx_id, TxState.RETURNED, {"note": note}, details)

    def cancel(self, tx_id: str, reason: str) -> Transaction:
        """Any state before settled `-> cancelled`, once no payment is pending or collected.

        `reason` is plain text kept on the transaction and in the audit log: nothing personal.
        """

        def no_money_held(conn: sqlite3.Connection) -> None:
            # inside the cancelling transaction: no payment can slip in between check and cancel
            marks = ",".join("?" * len(HELD_PAYMENTS))
            held = conn.execute(
                f"SELECT channel, order_no, status FROM payments WHERE tx_id = ? "
                f"AND status IN ({marks}) ORDER BY payment_id",
                (tx_id, *sorted(HELD_PAYMENTS)),
            ).fetchall()
            if held:
                orders = ", ".join(f"{c}:{o}={s}" for c, o, s in held)
                raise UnsettledPaymentsError(f"{tx_id}: {orders}")

        return self._advance(
            tx_id, TxState.CANCELLED, {"note": reason}, {"reason": reason}, check=no_money_held
        )

    def get(self, tx_id: str) -> Transaction:
        rows = self.database.query("SELECT * FROM transactions WHERE tx_id = ?", (tx_id,))
        if not rows:
            raise NotFoundError(f"transaction {tx_id}")
        return self._transaction(rows[0])

    def transactions(self, states: Iterable[TxState] | None = None) -> list[Transaction]:
        """Transactions, oldest first; only those in `states` when given (recovery, export)."""
        if states is None:
            rows = self.database.query("SELECT * FROM transactions ORDER BY created_at")
        else:
            wanted = [TxState(s).value for s in states]
            marks = ",".join("?" * len(wanted))
            rows = self.database.query(
                f"SELECT * FROM transactions WHERE state IN ({marks}) ORDER BY created_at",
                tuple(wanted),
            )
        return [self._transaction(row) for row in rows]

    def state_of(self, tx_id: str) -> TxState:
        """Only the state of a transaction: what a step checks before it runs, without
        decrypting the whole record."""
        rows = self.database.query("SELECT state FROM transactions WHERE tx_id = ?", (tx_id,))
        if not rows:
            raise NotFoundError(f"transaction {tx_id}")
        return TxState(rows[0]["state"])

    def transactions_noted(
        self, note: str, states: Collection[TxState] | None = None
    ) -> list[Transaction]:
        """Transactions created with this note, oldest first (a return's resales); only
        those in `states` when given (filtered in SQL: the rest are not even read)."""
        sql, args = "SELECT * FROM transactions WHERE note = ?", [note]
        if states is not None:
            sql += f" AND state IN ({', '.join('?' * len(states))})"
            args += [s.value for s in states]
        rows = self.database.query(sql + " ORDER BY created_at, rowid", args)
        return [self._transaction(row) for row in rows]

    def finished_for_person(
        self, person_key: str, since: float, states: Iterable[TxState]
    ) -> list[Transaction]:
        """One person's transactions in `states` that finished (or, completed offline and not
        final yet, last changed) at or after `since`, newest first: a kiosk's "today's
        payments" (the person key, never the ID number, is asked)."""
        wanted = [TxState(s).value for s in states]
        marks = ",".join("?" * len(wanted))
        rows = self.database.query(
            f"SELECT * FROM transactions WHERE person_key = ?"
            f" AND COALESCE(finished_at, updated_at) >= ? AND state IN ({marks})"
            f" ORDER BY COALESCE(finished_at, updated_at) DESC",
            (person_key, since, *wanted),
        )
        return [self._transaction(row) for row in rows]

    def record_reprint(self, tx_id: str, *, by_tx_id: str, terminal_id: str) -> None:
        """Audit a receipt printed again as a copy: which transaction's, asked for in which
        session (`by_tx_id`, the patient identified again), at which terminal."""
        now = self._clock()
        details = {"by_tx_id": by_tx_id, "terminal_id": terminal_id}
        with self.database.write() as conn:
            _current_state(conn, tx_id)  # the transaction must exist
            audit.append(conn, "receipt.reprinted", at=now, tx_id=tx_id, details=details)

    def record_rx_review(
        self, tx_id: str, *, hi_rxno: str, accepted: bool, reason: str, phar_code: str
    ) -> None:
        """Audit a pharmacist's review of an e-prescription (it changes no table here: the
        decision is the centre's). Details are ids and a reason *code*, never free text."""
        now = self._clock()
        details = {
            "hi_rxno": hi_rxno,
            "accepted": accepted,
            "reason": reason,
            "phar_code": phar_code,
        }
        with self.database.write() as conn:
            _current_state(conn, tx_id)  # the transaction must exist
            audit.append(conn, "rx.reviewed", at=now, tx_id=tx_id, details=details)

    def offline_exposure(self) -> OfflineExposure:
        """Count, assumed fund total and oldest creation time of the not-yet-forwarded."""
        pending = self.transactions(NOT_FORWARDED)
        funds = money_sum(t.estimated.fund_pay_sumamt for t in pending if t.estimated)
        oldest = min((t.created_at for t in pending), default=None)
        return OfflineExposure(count=len(pending), fund_total=funds, oldest_created_at=oldest)

    def _with_breakdown(
        self,
        tx_id: str,
        target: TxState,
        column: str,
        breakdown: Breakdown,
        columns: Mapping[str, Any] | None = None,
    ) -> Transaction:
        blob = self.cipher.encrypt_json("transactions", column, tx_id, breakdown_to_json(breakdown))
        details = {
            column: {
                "medfee_sumamt": str(breakdown.medfee_sumamt),
                "fund_pay_sumamt": str(breakdown.fund_pay_sumamt),
                "psn_cash_pay": str(breakdown.psn_cash_pay),
            }
        }
        return self._advance(tx_id, target, {**(columns or {}), column: blob}, details)

    def _advance(
        self,
        tx_id: str,
        target: TxState,
        columns: Mapping[str, Any],
        details: Mapping[str, Any] | None = None,
        *,
        check: Callable[[sqlite3.Connection], None] | None = None,
    ) -> Transaction:
        """Check `current -> target` against the table (and `check`, in the same SQLite
        transaction) and write it with its audit row."""
        now = self._clock()
        with self.database.write() as conn:
            current = _current_state(conn, tx_id)
            if target not in TX_TRANSITIONS[current]:
                raise IllegalTransitionError(f"{tx_id}: {current} -> {target}")
            if check is not None:
                check(conn)
            values = {**columns, "state": target.value, "updated_at": now}
            if target in FINAL_STATES:
                values["finished_at"] = now
            assignments = ", ".join(f"{name} = :{name}" for name in values)
            conn.execute(
                f"UPDATE transactions SET {assignments} WHERE tx_id = :tx_id",
                {**values, "tx_id": tx_id},
            )
            audit.append(
                conn,
                f"tx.{target.value}",
                at=now,
                tx_id=tx_id,
                details={"from": current.value, **(details or {})},
            )
        return self.get(tx_id)

    def _transaction(self, row: Mapping[str, Any]) -> Transaction:
        tx_id = row["tx_id"]

        def field(column: str) -> Any:
            blob = row[column]
            return (
                None
                if blob is None
                else self.cipher.decrypt_json("transactions", column, tx_id, blob)
            )

        identity, bill, kept = field("identity"), field("bill"), field("kept")
        estimated, actual = field("estimated"), field("actual")
        return Transaction(
            tx_id=tx_id,
            kind=TxKind(row["kind"]),
            state=TxState(row["state"]),
            person_key=row["person_key"],
            identity=PersonIdentity.from_json(identity) if identity is not None else None,
            bill=tuple(bill) if bill is not None else None,
            estimated=breakdown_from_json(estimated) if estimated is not None else None,
            actual=breakdown_from_json(actual) if actual is not None else None,
            note=row["note"],
            created_at=row["created_at"],
            updated_at=row["updated_at"],
            finished_at=row["finished_at"],
            kept=tuple(kept) if kept is not None else None,
        )

    # -- platform requests --------------------------------------------------------------------

    def prepare_request(
        self,
        tx_id: str,
        infno: str,
        msgid: str,
        body: Mapping[str, Any],
        *,
        forward: bool = False,
    ) -> PlatformRequest:
        """Write a request (status `prepared`) before it is sent, with its msgid.

        `forward=True` also queues it in the outbox, in the same SQLite transaction, behind the
        person's earlier queued requests; the transaction must be identified then.
        """
        return self.prepare_requests(tx_id, [NewRequest(infno, msgid, body)], forward=forward)[0]

    def prepare_requests(
        self, tx_id: str, requests: Sequence[NewRequest], *, forward: bool = False
    ) -> list[PlatformRequest]:
        """`prepare_request` for several requests of one transaction, in one durable commit,
        queued (with `forward=True`) in the order given: e.g. 2201, 2204, 2207 of an offline
        transaction, written together when it completes offline."""
        now = self._clock()
        blobs = [
            self.cipher.encrypt_json("requests", "body", r.msgid, dict(r.body)) for r in requests
        ]
        written: list[PlatformRequest] = []
        with self.database.write() as conn:
            for request, blob in zip(requests, blobs, strict=True):
                cursor = conn.execute(
                    INSERT_REQUEST,
                    {
                        "msgid": request.msgid,
                        "infno": request.infno,
                        "body": blob,
                        "now": now,
                        "queued": forward,
                        "tx_id": tx_id,
                    },
                )
                if cursor.rowcount != 1:
                    _refuse_request(conn, tx_id)
                written.append(
                    PlatformRequest(
                        req_id=int(cursor.lastrowid or 0),
                        msgid=request.msgid,
                        tx_id=tx_id,
                        infno=request.infno,
                        body=json.loads(json.dumps(request.body)),  # as a read would return it
                        status=RequestStatus.PREPARED,
                        response=None,
                        error="",
                        created_at=now,
                        updated_at=now,
                    )
                )
            audit.append(  # one row for the step, however many requests it wrote
                conn,
                "request.prepared",
                at=now,
                tx_id=tx_id,
                details={
                    "requests": [{"msgid": r.msgid, "infno": r.infno} for r in requests],
                    "forward": forward,
                },
            )
        return written

    def update_request_body(self, msgid: str, body: Mapping[str, Any]) -> PlatformRequest:
        """Replace the body of a request never sent (e.g. fill in the `mdtrt_id` of an earlier
        queued request's response). Refused once it may have been sent: a msgid is never
        reused for a different body."""
        now = self._clock()
        blob = self.cipher.encrypt_json("requests", "body", msgid, dict(body))
        with self.database.write() as conn:
            row = conn.execute(
                "SELECT status, tx_id, attempts FROM requests WHERE msgid = ?",
                (msgid,),
            ).fetchone()
            if row is None:
                raise NotFoundError(f"request {msgid}")
            if row[0] != RequestStatus.PREPARED or row[2] > 0:
                raise IllegalTransitionError(f"{msgid}: body of a request that may have been sent")
            conn.execute(
                "UPDATE requests SET body = ?, updated_at = ? WHERE msgid = ?", (blob, now, msgid)
            )
            audit.append(
                conn, "request.body_updated", at=now, tx_id=row[1], details={"msgid": msgid}
            )
        return self.request(msgid)

    def mark_request(
        self,
        msgid: str,
        status: RequestStatus,
        *,
        response: Mapping[str, Any] | None = None,
        error: str = "",
    ) -> PlatformRequest:
        """Record a sent/succeeded/failed/unknown outcome of a request the saga sends itself.

        Queued requests belong to the outbox (`Outbox.ack/reschedule/fail`) and are refused
        here. `error` is plain text (the platform's err_msg or a transport error).
        """
        status = RequestStatus(status)
        now = self._clock()
        response_blob = (
            None
            if response is None
            else self.cipher.encrypt_json("requests", "response", msgid, dict(response))
        )
        with self.database.write() as conn:
            row = conn.execute(
                "SELECT req_id, status, tx_id, queued FROM requests WHERE msgid = ?",
                (msgid,),
            ).fetchone()
            if row is None:
                raise NotFoundError(f"request {msgid}")
            current = RequestStatus(row[1])
            if row[3]:
                raise IllegalTransitionError(f"{msgid} is queued: the outbox records its outcome")
            if status not in REQUEST_TRANSITIONS[current]:
                raise IllegalTransitionError(f"{msgid}: {current} -> {status}")
            conn.execute(
                "UPDATE requests SET status = ?, response = coalesce(?, response), error = ?, "
                "updated_at = ? WHERE req_id = ?",
                (status.value, response_blob, error, now, row[0]),
            )
            audit.append(
                conn,
                f"request.{status.value}",
                at=now,
                tx_id=row[2],
                details={"msgid": msgid, "from": current.value},
            )
        return self.request(msgid)

    def request(self, msgid: str) -> PlatformRequest:
        rows = self.database.query("SELECT * FROM requests WHERE msgid = ?", (msgid,))
        if not rows:
            raise NotFoundError(f"request {msgid}")
        return self.outbox.decode_request(rows[0])

    def requests_of(self, tx_id: str) -> list[PlatformRequest]:
        """A transaction's requests in the order they were written."""
        rows = self.database.query(
            "SELECT * FROM requests WHERE tx_id = ? ORDER BY req_id", (tx_id,)
        )
        return [self.outbox.decode_request(row) for row in rows]

    def unresolved_requests(self) -> list[PlatformRequest]:
        """Requests prepared, sent or unknown (recovery's starting point), oldest first."""
        rows = self.database.query(
            "SELECT * FROM requests WHERE status IN ('prepared', 'sent', 'unknown') ORDER BY req_id"
        )
        return [self.outbox.decode_request(row) for row in rows]

    # -- payments -----------------------------------------------------------------------------

    def add_payment(self, tx_id: str, channel: str, order_no: str, amount: Money) -> Payment:
        """Record a payment as `pending` before the channel is charged (`order_no` unique)."""
        if not isinstance(amount, Money):
            raise TypeError("amount must be Money")
        now = self._clock()
        with self.database.write() as conn:
            _current_state(conn, tx_id)
            conn.execute(
                "INSERT INTO payments (tx_id, channel, order_no, amount, status, created_at, "
                "updated_at) VALUES (?, ?, ?, ?, 'pending', ?, ?)",
                (tx_id, channel, order_no, str(amount), now, now),
            )
            audit.append(
                conn,
                "payment.pending",
                at=now,
                tx_id=tx_id,
                details={"channel": channel, "order_no": order_no, "amount": str(amount)},
            )
        return self.payment(order_no)

    def set_payment_status(self, order_no: str, status: PaymentStatus) -> Payment:
        """`pending -> collected|failed`, `collected -> refunded`."""
        status = PaymentStatus(status)
        now = self._clock()
        with self.database.write() as conn:
            row = conn.execute(
                "SELECT status, tx_id FROM payments WHERE order_no = ?", (order_no,)
            ).fetchone()
            if row is None:
                raise NotFoundError(f"payment {order_no}")
            current = PaymentStatus(row[0])
            if status not in PAYMENT_TRANSITIONS[current]:
                raise IllegalTransitionError(f"payment {order_no}: {current} -> {status}")
            conn.execute(
                "UPDATE payments SET status = ?, updated_at = ? WHERE order_no = ?",
                (status.value, now, order_no),
            )
            audit.append(
                conn,
                f"payment.{status.value}",
                at=now,
                tx_id=row[1],
                details={"order_no": order_no, "from": current.value},
            )
        return self.payment(order_no)

    def payment(self, order_no: str) -> Payment:
        rows = self.database.query("SELECT * FROM payments WHERE order_no = ?", (order_no,))
        if not rows:
            raise NotFoundError(f"payment {order_no}")
        return _payment(rows[0])

    def payments_of(self, tx_id: str) -> list[Payment]:
        rows = self.database.query(
            "SELECT * FROM payments WHERE tx_id = ? ORDER BY payment_id", (tx_id,)
        )
        return [_payment(row) for row in rows]

    def collected_total(self, tx_id: str) -> Money:
        """What the patient has paid and not been refunded, over every channel."""
        return money_sum(
            p.amount for p in self.payments_of(tx_id) if p.status == PaymentStatus.COLLECTED
        )

    # -- adjustments --------------------------------------------------------------------------

    def add_adjustment(self, tx_id: str, amount: Money, reason: str) -> Adjustment:
        """Record a difference owed: positive refunds the patient, negative is their shortfall."""
        if not isinstance(amount, Money) or amount == ZERO:
            raise ValueError("an adjustment is a non-zero Money")
        now = self._clock()
        with self.database.write() as conn:
            _current_state(conn, tx_id)
            cursor = conn.execute(
                "INSERT INTO adjustments (tx_id, amount, reason, created_at) VALUES (?, ?, ?, ?)",
                (tx_id, str(amount), reason, now),
            )
            adj_id = int(cursor.lastrowid or 0)
            audit.append(
                conn,
                "adjustment.added",
                at=now,
                tx_id=tx_id,
                details={"adj_id": adj_id, "amount": str(amount), "reason": reason},
            )
        return self.adjustment(adj_id)

    def settle_adjustment(self, adj_id: int) -> Adjustment:
        """Mark an adjustment paid out (or collected); settling twice is refused."""
        now = self._clock()
        with self.database.write() as conn:
            row = conn.execute(
                "SELECT settled, tx_id FROM adjustments WHERE adj_id = ?", (adj_id,)
            ).fetchone()
            if row is None:
                raise NotFoundError(f"adjustment {adj_id}")
            if row[0]:
                raise IllegalTransitionError(f"adjustment {adj_id} is already settled")
            conn.execute(
                "UPDATE adjustments SET settled = 1, settled_at = ? WHERE adj_id = ?", (now, adj_id)
            )
            audit.append(
                conn, "adjustment.settled", at=now, tx_id=row[1], details={"adj_id": adj_id}
            )
        return self.adjustment(adj_id)

    def adjustment(self, adj_id: int) -> Adjustment:
        rows = self.database.query("SELECT * FROM adjustments WHERE adj_id = ?", (adj_id,))
        if not rows:
            raise NotFoundError(f"adjustment {adj_id}")
        return _adjustment(rows[0])

    def adjustments_of(self, tx_id: str) -> list[Adjustment]:
        rows = self.database.query(
            "SELECT * FROM adjustments WHERE tx_id = ? ORDER BY adj_id", (tx_id,)
        )
        return [_adjustment(row) for row in rows]

    def open_adjustments(self) -> list[Adjustment]:
        """Adjustments not yet settled, for the cashier's list and the reconciliation report."""
        rows = self.database.query("SELECT * FROM adjustments WHERE settled = 0 ORDER BY adj_id")
        return [_adjustment(row) for row in rows]


def _refuse_request(conn: sqlite3.Connection, tx_id: str) -> None:
    """Why `INSERT_REQUEST` wrote nothing: no such transaction, or queued before identified."""
    row = conn.execute("SELECT 1 FROM transactions WHERE tx_id = ?", (tx_id,)).fetchone()
    if row is None:
        raise NotFoundError(f"transaction {tx_id}")
    raise IllegalTransitionError(f"{tx_id}: queued request before identification")


def _current_state(conn: sqlite3.Connection, tx_id: str) -> TxState:
    row = conn.execute("SELECT state FROM transactions WHERE tx_id = ?", (tx_id,)).fetchone()
    if row is None:
        raise NotFoundError(f"transaction {tx_id}")
    return TxState(row[0])


def _payment(row: Mapping[str, Any]) -> Payment:
    return Payment(
        payment_id=row["payment_id"],
        tx_id=row["tx_id"],
        channel=row["channel"],
        order_no=row["order_no"],
        amount=Money.parse(row["amount"]),
        status=PaymentStatus(row["status"]),
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )


def _adjustment(row: Mapping[str, Any]) -> Adjustment:
    return Adjustment(
        adj_id=row["adj_id"],
        tx_id=row["tx_id"],
        amount=Money.parse(row["amount"]),
        reason=row["reason"],
        settled=bool(row["settled"]),
        created_at=row["created_at"],
        settled_at=row["settled_at"],
    )
