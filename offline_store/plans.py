"""The journal's record of commercial plan purchases (docs/commercial.md): written before the
request is sent and after its outcome, each change audited in the same SQLite transaction.

A purchase moves money out of the person's account, so it is a side effect like a settlement:
an interrupted one is found here (`open_purchase`) and resent under its msgid, which the
platform answers with the first outcome instead of selling a second policy.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from offline_store import audit
from offline_store.journal import Journal

TABLE = "plan_purchases"


@dataclass(frozen=True)
class PlanPurchaseRecord:
    msgid: str
    plan_code: str
    status: str  # prepared, succeeded, failed
    body: Mapping[str, Any] = field(repr=False)
    response: Mapping[str, Any] | None = field(repr=False)
    error: str


class PlanPurchases:
    """The purchases of one journal."""

    def __init__(self, journal: Journal) -> None:
        self.journal = journal

    def person_key(self, certno: str) -> str:
        return self.journal.cipher.person_key("01", certno)

    def prepare(
        self, msgid: str, person_key: str, plan_code: str, body: Mapping[str, Any]
    ) -> PlanPurchaseRecord:
        """Record a purchase about to be sent (before any money moves)."""
        now = self.journal.clock()
        blob = self.journal.cipher.encrypt_json(TABLE, "body", msgid, dict(body))
        with self.journal.database.write() as conn:
            conn.execute(
                f"INSERT INTO {TABLE} (msgid, person_key, plan_code, body, status, created_at, "
                "updated_at) VALUES (?, ?, ?, ?, 'prepared', ?, ?)",
                (msgid, person_key, plan_code, blob, now, now),
            )
            audit.append(
                conn, "plan.prepared", at=now, details={"msgid": msgid, "plan_code": plan_code}
            )
        return self.get(msgid)

    def finish(
        self, msgid: str, *, response: Mapping[str, Any] | None = None, error: str = ""
    ) -> PlanPurchaseRecord:
        """Record the outcome: succeeded with the platform's output, or failed (refused)."""
        status = "failed" if error else "succeeded"
        now = self.journal.clock()
        blob = (
            None
            if response is None
            else self.journal.cipher.encrypt_json(TABLE, "response", msgid, dict(response))
        )
        with self.journal.database.write() as conn:
            updated = conn.execute(
                f"UPDATE {TABLE} SET status = ?, response = ?, error = ?, updated_at = ? "
                "WHERE msgid = ? AND status = 'prepared'",
                (status, blob, error, now, msgid),
            ).rowcount
            if updated:
                audit.append(conn, f"plan.{status}", at=now, details={"msgid": msgid})
        return self.get(msgid)

    def open_purchase(self, person_key: str, plan_code: str) -> PlanPurchaseRecord | None:
        """An interrupted purchase of this plan by this person, if any."""
        rows = self.journal.database.query(
            f"SELECT msgid FROM {TABLE} WHERE person_key = ? AND plan_code = ? "
            "AND status = 'prepared' ORDER BY created_at LIMIT 1",
            (person_key, plan_code),
        )
        return self.get(rows[0]["msgid"]) if rows else None

    def get(self, msgid: str) -> PlanPurchaseRecord:
        row = self.journal.database.query(f"SELECT * FROM {TABLE} WHERE msgid = ?", (msgid,))[0]
        cipher = self.journal.cipher
        response = row["response"]
        return PlanPurchaseRecord(
            msgid=row["msgid"],
            plan_code=row["plan_code"],
            status=row["status"],
            body=cipher.decrypt_json(TABLE, "body", msgid, row["body"]),
            response=None
            if response is None
            else cipher.decrypt_json(TABLE, "response", msgid, response),
            error=row["error"],
        )
