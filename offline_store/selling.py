"""Whether the terminal may sell: a stop recorded in the journal when the platform refuses the
terminal itself (its sign-in), with the platform's reason, until a sign-in succeeds.

Kept in the journal's `meta` table, beside the transactions it protects, so that every process
on the data directory (the kiosk, `medterm checkout`, `medterm load`, `medterm queue ...`) sees
it, and it survives a restart: a refused terminal must not start selling offline, on a wrong
institution code, because it was restarted or the platform became unreachable meanwhile. Each
change is also an audit row. The rules (who stops, who resumes) are terminal/flows/selling.py.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from offline_store import audit
from offline_store.journal import Journal

STOP_META_KEY = "selling_stopped"
REASON_LIMIT = 300  # the platform's message is short; a longer one is cut, not stored whole


@dataclass(frozen=True)
class SellingStop:
    """Why selling stopped (the platform's words), the error code, and since when (Unix s)."""

    reason: str
    code: str
    since: float


def selling_stop(journal: Journal) -> SellingStop | None:
    """The recorded stop, or None while the terminal may sell."""
    rows = journal.database.query("SELECT value FROM meta WHERE key = ?", (STOP_META_KEY,))
    if not rows:
        return None
    data = json.loads(rows[0]["value"])
    return SellingStop(str(data["reason"]), str(data["code"]), float(data["since"]))


def stop_selling(journal: Journal, reason: str, code: str) -> SellingStop:
    """Record (or update the reason of) the stop; `since` stays the first refusal's time."""
    now = journal.clock()
    reason = reason[:REASON_LIMIT]
    with journal.database.write() as conn:
        row = conn.execute("SELECT value FROM meta WHERE key = ?", (STOP_META_KEY,)).fetchone()
        earlier = json.loads(row[0]) if row else None
        stop = SellingStop(reason, code, float(earlier["since"]) if earlier else now)
        value = json.dumps(
            {"reason": stop.reason, "code": stop.code, "since": stop.since}, ensure_ascii=False
        )
        conn.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (STOP_META_KEY, value),
        )
        if earlier is None or earlier["reason"] != reason:
            audit.append(conn, "selling.stopped", at=now, details={"code": code, "reason": reason})
    return stop


def resume_selling(journal: Journal, why: str) -> bool:
    """Remove the stop (audited with `why`); False when there was none."""
    now = journal.clock()
    with journal.database.write() as conn:
        gone = conn.execute("DELETE FROM meta WHERE key = ?", (STOP_META_KEY,)).rowcount
        if gone:
            audit.append(conn, "selling.resumed", at=now, details={"why": why})
    return bool(gone)
