"""Helpers of the forwarder unit tests: queued requests on a real journal."""

from __future__ import annotations

from kernel.records import PersonIdentity
from kernel.states import TxKind
from offline_store.journal import Journal

FIXMEDINS = "P44030000002"


def body(infno: str, msgid: str, psn_no: str = "P1") -> dict[str, object]:
    """A journalled request body, as `PreparedRequest.to_json()` gives it."""
    return {
        "infno": infno,
        "msgid": msgid,
        "inf_time": "2026-11-23 09:00:00",
        "insuplc_admdvs": "440300",
        "input": {"data": {"psn_no": psn_no}},
    }


def queue(journal: Journal, certno: str, *requests: tuple[str, str]) -> str:
    """A transaction for the person `certno` with `requests` (infno, msgid) queued in order."""
    tx = journal.create(TxKind.PHARMACY)
    journal.identify(tx.tx_id, PersonIdentity(cert_type="02", certno=certno, psn_no=certno))
    for infno, msgid in requests:
        journal.prepare_request(tx.tx_id, infno, msgid, body(infno, msgid, certno), forward=True)
    return tx.tx_id


def msgid(n: int) -> str:
    return f"{FIXMEDINS}20261123090000{n:04d}"
