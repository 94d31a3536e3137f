"""The outbox: platform requests still to forward, in per-person order, with leases.

The outbox is not a table of its own: a queued request is a `requests` row with `queued = 1`
(schema v2), so an enqueue, a claim and an ack each write one row.

Order (offline.md, promise 4): a person's requests reach the platform in the order they were
written; different people's go in parallel. Each queued row carries its person key and `seq`
(the order it was written in); exactly one row per person, the oldest, is the *head*
(`head = 1`), and only heads can be claimed. Acknowledging a head promotes the person's next
row. A request that ends in dead letters keeps its person blocked (a later settlement must not
overtake an earlier refused one: deductibles and caps accumulate) until a technician retries or
resolves it.

Leases: a claim sets the row's `next_attempt_at` to the end of its lease, so a claimed row is
simply not due until the lease runs out; a forwarder that crashed loses nothing but time, and
the next claim of that row gets a new token (the old holder's ack is refused, `LeaseLostError`).

Cost: claiming reads the partial index `requests_ready (next_attempt_at) WHERE head = 1`;
enqueueing and promotion read `requests_queue (person_key, seq) WHERE queued = 1`. Both
O(log n), whatever the depth of the queue.

Durability: enqueue (part of `Journal.prepare_request`), ack, reschedule and dead-lettering are
durable commits with their audit rows. A claim is committed without waiting for the disk and
without an audit row (the outcome's audit row carries the attempt number): losing it in a power
cut is the same as its lease expiring. So after a power cut a request may read `prepared`
although it was sent; the outbox only ever resends with the same msgid, which the platform
deduplicates.
"""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from kernel.records import PlatformRequest
from kernel.states import RequestStatus
from offline_store import audit
from offline_store.crypto import FieldCipher
from offline_store.db import JournalDatabase
from offline_store.errors import (
    DeadLetterClosedError,
    LeaseLostError,
    NotFoundError,
)

Clock = Callable[[], float]


@dataclass(frozen=True, repr=False)
class Claim:
    """A request handed to one forwarder until `lease_until`; `body` is decrypted."""

    req_id: int
    msgid: str
    tx_id: str
    infno: str
    person_key: str
    body: Mapping[str, Any]
    attempts: int
    token: str
    lease_until: float
    # the request's status before this claim: `sent` or `unknown` means an earlier attempt may
    # have reached the platform (the forwarder's reverse strategy reverses it first)
    previous_status: RequestStatus = RequestStatus.PREPARED

    def __repr__(self) -> str:
        return f"Claim({self.msgid}, {self.infno}, attempt {self.attempts})"


@dataclass(frozen=True)
class OutboxItem:
    """A queued request as the diagnostic mode lists it (no body)."""

    msgid: str
    tx_id: str
    infno: str
    person_key: str
    head: bool
    attempts: int
    next_attempt_at: float
    last_error: str
    enqueued_at: float


@dataclass(frozen=True)
class DeadLetter:
    """A request the platform refused for a business reason after its patient had left."""

    msgid: str
    tx_id: str
    infno: str
    person_key: str
    status: str  # open, retried, resolved
    message: str
    attempts: int
    dead_at: float
    resolution: str
    resolved_at: float | None
    retry_msgid: str | None


@dataclass(frozen=True)
class OutboxStatus:
    """For the status bar and `medterm queue status`."""

    pending: int
    oldest_enqueued_at: float | None
    next_attempt_at: float | None
    dead_letters_open: int


def decode_request(cipher: FieldCipher, row: Mapping[str, Any]) -> PlatformRequest:
    """A `requests` row, decrypted."""
    msgid = row["msgid"]
    response = row["response"]
    return PlatformRequest(
        req_id=row["req_id"],
        msgid=msgid,
        tx_id=row["tx_id"],
        infno=row["infno"],
        body=cipher.decrypt_json("requests", "body", msgid, row["body"]),
        status=RequestStatus(row["status"]),
        response=None
        if response is None
        else cipher.decrypt_json("requests", "response", msgid, response),
        error=row["error"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )


# One statement writes a request and, when `queued`, places it in its person's queue: it is the
# head unless the person has an earlier queued request or an open dead letter. Its req_id is
# chosen here (the write lock is held) so that `seq` can equal it.
INSERT_REQUEST = """
INSERT INTO requests (req_id, seq, msgid, tx_id, infno, body, status, created_at, updated_at,
                      person_key, queued, head, next_attempt_at, enqueued_at)
SELECT next.req_id, CASE WHEN :queued THEN next.req_id END, :msgid, t.tx_id, :infno, :body,
       'prepared', :now, :now, CASE WHEN :queued THEN t.person_key END, :queued,
       :queued AND NOT EXISTS (SELECT 1 FROM requests q
                               WHERE q.person_key = t.person_key AND q.queued = 1)
               AND NOT EXISTS (SELECT 1 FROM dead_letters d
                               WHERE d.person_key = t.person_key AND d.status = 'open'),
       CASE WHEN :queued THEN :now END, CASE WHEN :queued THEN :now END
FROM transactions t, (SELECT coalesce(max(req_id), 0) + 1 AS req_id FROM requests) next
WHERE t.tx_id = :tx_id AND (t.person_key IS NOT NULL OR NOT :queued)
"""

# Make the person's oldest queued row the head, unless it already is or a dead letter blocks
# the person.
PROMOTE = """
UPDATE requests SET head = 1
WHERE req_id = (SELECT req_id FROM requests WHERE person_key = :person_key AND queued = 1
                ORDER BY seq LIMIT 1)
  AND head = 0
  AND NOT EXISTS (SELECT 1 FROM dead_letters
                  WHERE person_key = :person_key AND status = 'open')
"""


def _promote(conn: sqlite3.Connection, person_key: str) -> None:
    conn.execute(PROMOTE, {"person_key": person_key})


def _dequeue(
    conn: sqlite3.Connection,
    claim: Claim,
    *,
    status: RequestStatus,
    now: float,
    response: bytes | None = None,
    error: str = "",
) -> bool:
    """Take a claimed request out of its queue with its final status (and response); False,
    and nothing changed, when the claim no longer holds the request's lease."""
    cursor = conn.execute(
        "UPDATE requests SET status = ?, response = coalesce(?, response), error = ?, "
        "queued = 0, head = 0, claim_token = NULL, updated_at = ? "
        "WHERE req_id = ? AND queued = 1 AND claim_token = ?",
        (status.value, response, error, now, claim.req_id, claim.token),
    )
    return cursor.rowcount == 1


def _requeue(
    conn: sqlite3.Connection,
    *,
    tx_id: str,
    infno: str,
    msgid: str,
    body: bytes,
    person_key: str,
    seq: int,
    head: bool,
    now: float,
) -> int:
    """Queue a request again under a new msgid at an old place (`seq`) of the person's queue;
    returns its req_id."""
    cursor = conn.execute(
        "INSERT INTO requests (msgid, tx_id, infno, body, status, created_at, updated_at, "
        "person_key, seq, queued, head, next_attempt_at, enqueued_at) "
        "VALUES (?, ?, ?, ?, 'prepared', ?, ?, ?, ?, 1, ?, ?, ?)",
        (msgid, tx_id, infno, body, now, now, person_key, seq, int(head), now, now),
    )
    return int(cursor.lastrowid or 0)


class Outbox:
    """Claims, acknowledges and reschedules queued requests; manages dead letters."""

    def __init__(self, database: JournalDatabase, cipher: FieldCipher, *, clock: Clock) -> None:
        self._database = database
        self._cipher = cipher
        self._clock = clock

    def decode_request(self, row: Mapping[str, Any]) -> PlatformRequest:
        return decode_request(self._cipher, row)

    def claim(self, *, limit: int = 1, lease: float = 60.0) -> list[Claim]:
        """Claim up to `limit` due heads (at most one per person), oldest due first.

        Each claimed request is marked `sent` and its attempt counted before this returns, so
        send it now; then `ack`, `reschedule` or `fail` it before `lease` seconds pass.
        """
        now = self._clock()
        until = now + lease
        claims: list[Claim] = []
        with self._database.write(durable=False) as conn:
            due = conn.execute(
                "SELECT req_id, person_key, attempts, msgid, tx_id, infno, body, status "
                "FROM requests WHERE head = 1 AND next_attempt_at <= ? "
                "ORDER BY next_attempt_at LIMIT ?",
                (now, limit),
            ).fetchall()
            tokens = [uuid.uuid4().hex for _ in due]
            conn.executemany(
                "UPDATE requests SET status = 'sent', attempts = attempts + 1, claim_token = ?, "
                "next_attempt_at = ?, updated_at = ? WHERE req_id = ?",
                [(token, until, now, row[0]) for token, row in zip(tokens, due, strict=True)],
            )
            for token, row in zip(tokens, due, strict=True):
                req_id, person_key, attempts, msgid, tx_id, infno, body, status = row
                claims.append(
                    Claim(
                        req_id=req_id,
                        msgid=msgid,
                        tx_id=tx_id,
                        infno=infno,
                        person_key=person_key,
                        body=self._cipher.decrypt_json("requests", "body", msgid, body),
                        attempts=attempts + 1,
                        token=token,
                        lease_until=until,
                        previous_status=RequestStatus(status),
                    )
                )
        return claims

    def ack(self, claim: Claim, response: Mapping[str, Any]) -> None:
        """The platform answered `infcode=0`: record the response, dequeue, promote the next.

        Raises `LeaseLostError` (and records nothing) if another forwarder took the claim over.
        """
        if self.ack_many([(claim, response)]):
            raise LeaseLostError(f"{claim.msgid}: claim {claim.token[:8]} no longer holds it")

    def ack_many(self, answered: Sequence[tuple[Claim, Mapping[str, Any]]]) -> list[Claim]:
        """`ack` several claims in one durable commit (one fsync for the batch).

        For a forwarder whose parallel requests answer together. Returns the claims whose lease
        was lost (not recorded here: their new holder records them); the others are acked.
        """
        now = self._clock()
        blobs = [
            self._cipher.encrypt_json("requests", "response", claim.msgid, dict(response))
            for claim, response in answered
        ]
        lost: list[Claim] = []
        entries: list[audit.Entry] = []
        with self._database.write() as conn:
            for (claim, _), blob in zip(answered, blobs, strict=True):
                done = RequestStatus.SUCCEEDED
                if not _dequeue(conn, claim, status=done, now=now, response=blob):
                    lost.append(claim)
                    continue
                _promote(conn, claim.person_key)
                details = {"msgid": claim.msgid, "attempt": claim.attempts}
                entries.append(audit.Entry("request.succeeded", claim.tx_id, details))
            if entries:
                audit.append_many(conn, entries, at=now)
        return lost

    def reschedule(self, claim: Claim, *, error: str, delay: float, sent: bool = True) -> None:
        """Try again after `delay` seconds (the forwarder's back-off), with the same msgid.

        `sent=True` (a timeout, `infcode=-1`, a broken answer) leaves the outcome `unknown`;
        `sent=False` (the connection never opened) puts it back to `prepared`. `error` is plain
        text without personal data.
        """
        now = self._clock()
        status = RequestStatus.UNKNOWN if sent else RequestStatus.PREPARED
        with self._database.write() as conn:
            self._check_lease(conn, claim)
            conn.execute(
                "UPDATE requests SET status = ?, error = ?, next_attempt_at = ?, "
                "claim_token = NULL, updated_at = ? WHERE req_id = ?",
                (status.value, error, now + max(delay, 0.0), now, claim.req_id),
            )
            audit.append(
                conn,
                f"request.{status.value}",
                at=now,
                tx_id=claim.tx_id,
                details={
                    "msgid": claim.msgid,
                    "attempt": claim.attempts,
                    "retry_in": round(delay, 3),
                },
            )

    def fail(
        self, claim: Claim, *, message: str, response: Mapping[str, Any] | None = None
    ) -> None:
        """The platform refused (`infcode=-2`): the request fails and becomes a dead letter.

        The person's later requests wait until the dead letter is retried or resolved.
        `message` is the platform's err_msg (shown to the technician; no personal data).
        """
        now = self._clock()
        blob = (
            None
            if response is None
            else self._cipher.encrypt_json("requests", "response", claim.msgid, dict(response))
        )
        with self._database.write() as conn:
            row = self._check_lease(conn, claim)
            _dequeue(
                conn, claim, status=RequestStatus.FAILED, now=now, response=blob, error=message
            )
            conn.execute(
                "INSERT INTO dead_letters (req_id, person_key, seq, status, message, attempts, "
                "dead_at) VALUES (?, ?, ?, 'open', ?, ?, ?)",
                (claim.req_id, claim.person_key, row["seq"], message, row["attempts"], now),
            )
            audit.append(
                conn,
                "request.dead_letter",
                at=now,
                tx_id=claim.tx_id,
                details={"msgid": claim.msgid, "attempt": claim.attempts},
            )

    def replace_msgid(self, claim: Claim, new_msgid: str, *, reason: str) -> PlatformRequest:
        """Supersede a claimed request by the same request under `new_msgid`, in its place.

        For the reverse strategy (central-api.md, "Ambiguous outcomes"): once a 2601 reversal of
        the claimed msgid succeeded, the request is sent again under a new msgid. The new row
        (status `prepared`, due now, the body's `msgid` key rewritten when it has one) takes
        the old one's place at the head of the person's queue; the old request ends `failed`
        with `reason`. Committed before anything is sent under the new msgid.
        """
        now = self._clock()
        with self._database.write() as conn:
            row = self._check_lease(conn, claim)
            body = dict(claim.body)
            if "msgid" in body:
                body["msgid"] = new_msgid
            blob = self._cipher.encrypt_json("requests", "body", new_msgid, body)
            _dequeue(conn, claim, status=RequestStatus.FAILED, now=now, error=reason)
            new_id = _requeue(
                conn,
                tx_id=claim.tx_id,
                infno=claim.infno,
                msgid=new_msgid,
                body=blob,
                person_key=claim.person_key,
                seq=row["seq"],
                head=True,
                now=now,
            )
            audit.append(
                conn,
                "request.superseded",
                at=now,
                tx_id=claim.tx_id,
                details={"msgid": claim.msgid, "new_msgid": new_msgid, "reason": reason},
            )
        rows = self._database.query("SELECT * FROM requests WHERE req_id = ?", (new_id,))
        return self.decode_request(rows[0])

    def _check_lease(self, conn: sqlite3.Connection, claim: Claim) -> Mapping[str, Any]:
        row = conn.execute(
            "SELECT claim_token, seq, attempts FROM requests WHERE req_id = ? AND queued = 1",
            (claim.req_id,),
        ).fetchone()
        if row is None or row[0] != claim.token:
            raise LeaseLostError(f"{claim.msgid}: claim {claim.token[:8]} no longer holds it")
        return {"seq": row[1], "attempts": row[2]}

    # -- dead letters -------------------------------------------------------------------------

    def dead_letters(self, *, include_closed: bool = False) -> list[DeadLetter]:
        """Dead letters, oldest first; only open ones unless `include_closed`."""
        where = "" if include_closed else "WHERE d.status = 'open'"
        rows = self._database.query(
            "SELECT d.*, r.msgid, r.tx_id, r.infno, n.msgid AS retry_msgid FROM dead_letters d "
            "JOIN requests r ON r.req_id = d.req_id "
            f"LEFT JOIN requests n ON n.req_id = d.retry_req_id {where} ORDER BY d.dead_at"
        )
        return [
            DeadLetter(
                msgid=row["msgid"],
                tx_id=row["tx_id"],
                infno=row["infno"],
                person_key=row["person_key"],
                status=row["status"],
                message=row["message"],
                attempts=row["attempts"],
                dead_at=row["dead_at"],
                resolution=row["resolution"],
                resolved_at=row["resolved_at"],
                retry_msgid=row["retry_msgid"],
            )
            for row in rows
        ]

    def retry_dead_letter(self, msgid: str, *, new_msgid: str) -> PlatformRequest:
        """Queue the refused request again, same body, under a new msgid, in its old place.

        A new msgid because the platform did nothing with the refused one and may answer a
        repeat of it with the same refusal; the old request stays `failed`.
        """
        now = self._clock()
        with self._database.write() as conn:
            dead = self._open_dead_letter(conn, msgid)
            body = self._cipher.decrypt_json("requests", "body", msgid, dead["body"])
            blob = self._cipher.encrypt_json("requests", "body", new_msgid, body)
            new_id = _requeue(
                conn,
                tx_id=dead["tx_id"],
                infno=dead["infno"],
                msgid=new_msgid,
                body=blob,
                person_key=dead["person_key"],
                seq=dead["seq"],
                head=False,
                now=now,
            )
            conn.execute(
                "UPDATE dead_letters SET status = 'retried', resolved_at = ?, retry_req_id = ? "
                "WHERE req_id = ?",
                (now, new_id, dead["req_id"]),
            )
            _promote(conn, dead["person_key"])
            audit.append(
                conn,
                "dead_letter.retried",
                at=now,
                tx_id=dead["tx_id"],
                details={"msgid": msgid, "new_msgid": new_msgid},
            )
        rows = self._database.query("SELECT * FROM requests WHERE req_id = ?", (new_id,))
        return self.decode_request(rows[0])

    def resolve_dead_letter(self, msgid: str, *, reason: str) -> None:
        """Close a dead letter without sending it (a technician's decision, with a reason in
        plain text); the person's later requests go on."""
        if not reason.strip():
            raise ValueError("resolving a dead letter needs a reason")
        now = self._clock()
        with self._database.write() as conn:
            dead = self._open_dead_letter(conn, msgid)
            conn.execute(
                "UPDATE dead_letters SET status = 'resolved', resolution = ?, resolved_at = ? "
                "WHERE req_id = ?",
                (reason, now, dead["req_id"]),
            )
            _promote(conn, dead["person_key"])
            audit.append(
                conn,
                "dead_letter.resolved",
                at=now,
                tx_id=dead["tx_id"],
                details={"msgid": msgid, "reason": reason},
            )

    @staticmethod
    def _open_dead_letter(conn: sqlite3.Connection, msgid: str) -> Mapping[str, Any]:
        row = conn.execute(
            "SELECT d.req_id, d.person_key, d.seq, d.status, r.tx_id, r.infno, r.body "
            "FROM dead_letters d JOIN requests r ON r.req_id = d.req_id WHERE r.msgid = ?",
            (msgid,),
        ).fetchone()
        if row is None:
            raise NotFoundError(f"dead letter {msgid}")
        if row[3] != "open":
            raise DeadLetterClosedError(f"dead letter {msgid} is already {row[3]}")
        keys = ("req_id", "person_key", "seq", "status", "tx_id", "infno", "body")
        return dict(zip(keys, row, strict=True))

    # -- inspection ---------------------------------------------------------------------------

    def status(self) -> OutboxStatus:
        conn = self._database.connection()
        pending, oldest = conn.execute(
            "SELECT count(*), min(enqueued_at) FROM requests WHERE queued = 1"
        ).fetchone()
        (next_due,) = conn.execute(
            "SELECT min(next_attempt_at) FROM requests WHERE head = 1"
        ).fetchone()
        (dead,) = conn.execute("SELECT count(*) FROM dead_letters WHERE status = 'open'").fetchone()
        return OutboxStatus(
            pending=pending,
            oldest_enqueued_at=oldest,
            next_attempt_at=next_due,
            dead_letters_open=dead,
        )

    def take_over(self) -> int:
        """Release every claim and make every queued request due now; returns how many.

        Only for the holder of the journal's `ForwarderLock`: with no other forwarder alive,
        claims left by a killed one are stale, and back-off earned while the platform was
        away need not be sat out now that a forwarder starts afresh.
        """
        now = self._clock()
        with self._database.write() as conn:
            cursor = conn.execute(
                "UPDATE requests SET claim_token = NULL, next_attempt_at = ? "
                "WHERE queued = 1 AND (claim_token IS NOT NULL OR next_attempt_at > ?)",
                (now, now),
            )
            changed = cursor.rowcount
            if changed:
                audit.append(conn, "outbox.taken_over", at=now, details={"requests": changed})
        return changed

    def in_flight(self) -> int:
        """Requests claimed by a forwarder whose lease has not run out (being sent now)."""
        conn = self._database.connection()
        (count,) = conn.execute(
            "SELECT count(*) FROM requests WHERE head = 1 AND claim_token IS NOT NULL "
            "AND next_attempt_at > ?",
            (self._clock(),),
        ).fetchone()
        return int(count)

    def items(self, *, limit: int = 100) -> list[OutboxItem]:
        """The oldest queued requests (diagnostic mode, `medterm queue status`)."""
        rows = self._database.query(
            "SELECT * FROM requests WHERE queued = 1 ORDER BY enqueued_at, seq LIMIT ?",
            (limit,),
        )
        return [
            OutboxItem(
                msgid=row["msgid"],
                tx_id=row["tx_id"],
                infno=row["infno"],
                person_key=row["person_key"],
                head=bool(row["head"]),
                attempts=row["attempts"],
                next_attempt_at=row["next_attempt_at"],
                last_error=row["error"],
                enqueued_at=row["enqueued_at"],
            )
            for row in rows
        ]
