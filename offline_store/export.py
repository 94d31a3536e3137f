"""`medterm journal export`: every transaction as one JSON line, personal data masked.

For support and auditors: state, each request's msgid and infno and outcome, the estimated and
actual breakdowns, payments and adjustments. ID numbers and names go through the one masker
(`kernel.masking`), so the export can be mailed; the bill's items and request bodies are left
out (they are the platform's business and hold personal data).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, TextIO

from kernel.breakdown import Breakdown
from kernel.masking import mask_id, mask_name
from kernel.records import Transaction
from offline_store.audit import iso_time
from offline_store.journal import Journal


def _when(at: float | None) -> str | None:
    return None if at is None else iso_time(at)


def _breakdown(breakdown: Breakdown | None) -> dict[str, str] | None:
    if breakdown is None:
        return None
    setlinfo = breakdown.to_setlinfo()
    setlinfo["psn_no"] = mask_id(setlinfo["psn_no"])
    setlinfo["psn_name"] = mask_name(setlinfo["psn_name"])
    return setlinfo


def export_transaction(journal: Journal, tx: Transaction) -> dict[str, Any]:
    """One transaction as a JSON-ready dict with personal data masked."""
    person = None
    if tx.identity is not None:
        person = {
            "cert_type": tx.identity.cert_type,
            "certno": mask_id(tx.identity.certno),
            "name": mask_name(tx.identity.name),
            "psn_no": mask_id(tx.identity.psn_no),
            "insuplc_admdvs": tx.identity.insuplc_admdvs,
        }
    return {
        "tx_id": tx.tx_id,
        "kind": tx.kind.value,
        "state": tx.state.value,
        "note": tx.note,
        "created_at": _when(tx.created_at),
        "updated_at": _when(tx.updated_at),
        "finished_at": _when(tx.finished_at),
        "person": person,
        "bill_items": len(tx.bill) if tx.bill is not None else None,
        "estimated": _breakdown(tx.estimated),
        "actual": _breakdown(tx.actual),
        "requests": [
            {
                "msgid": r.msgid,
                "infno": r.infno,
                "status": r.status.value,
                "error": r.error,
                "created_at": _when(r.created_at),
            }
            for r in journal.requests_of(tx.tx_id)
        ],
        "payments": [
            {
                "channel": p.channel,
                "order_no": p.order_no,
                "amount": str(p.amount),
                "status": p.status.value,
            }
            for p in journal.payments_of(tx.tx_id)
        ],
        "adjustments": [
            {"amount": str(a.amount), "reason": a.reason, "settled": a.settled}
            for a in journal.adjustments_of(tx.tx_id)
        ],
    }


def iter_export(journal: Journal) -> Iterator[dict[str, Any]]:
    for tx in journal.transactions():
        yield export_transaction(journal, tx)


def write_export(journal: Journal, out: TextIO) -> int:
    """Write the export as JSON lines; returns the number of transactions written."""
    count = 0
    for record in iter_export(journal):
        out.write(json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n")
        count += 1
    return count
