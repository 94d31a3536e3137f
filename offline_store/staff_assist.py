"""A staff member vouching for a patient at the kiosk's face check, as an audit row.

The face check could not be passed (an elderly patient, facial palsy, poor light) and a staff
member entered their PIN and chose a reason instead; the journey then goes on. The row says
who (the staff id from `[kiosk] staff_pins`, never the PIN), why (a reason code), whether the
face was to verify an identified person or to identify one, and how many checks had failed:
ids and codes only, nothing personal and nothing of the face.
"""

from __future__ import annotations

from typing import Any

from offline_store import audit
from offline_store.journal import Journal

EVENT = "face.staff_assisted"


def record_staff_assist(
    journal: Journal, *, tx_id: str | None, staff: str, reason: str, verifying: bool,
    failures: int,
) -> int:
    """Append the row (with the transaction when there is one: a verification); its seq."""
    details = {
        "staff": staff,
        "reason": reason,
        "purpose": "verify" if verifying else "identify",
        "failures": failures,
    }
    with journal.database.write() as conn:
        return audit.append(conn, EVENT, at=journal.clock(), tx_id=tx_id, details=details)


def staff_assists(journal: Journal) -> list[dict[str, Any]]:
    """Every vouching recorded, oldest first (for support and the tests)."""
    rows = journal.database.query(
        "SELECT seq, time, tx_id, details FROM audit_log WHERE event = ? ORDER BY seq", (EVENT,)
    )
    return [dict(row) for row in rows]
