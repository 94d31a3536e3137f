"""Retention purge, the masked export and `journal verify`."""

from __future__ import annotations

import io
import json
import sqlite3
from pathlib import Path

from journal_helpers import CERTNO, NAME, PSN_NO, FakeClock, make_breakdown, make_identity

from kernel.money import Money
from kernel.states import PaymentStatus, TxKind, TxState
from offline_store import audit
from offline_store.journal import Journal
from offline_store.retention import purge
from offline_store.verify import verify_journal

DAY = 86_400.0


def _completed(journal: Journal, *, queued: bool = False) -> str:
    tx_id = journal.create(TxKind.OUTPATIENT).tx_id
    journal.identify(tx_id, make_identity())
    journal.bill(tx_id, [{"item": "1"}])
    journal.prepare_request(tx_id, "2207", f"M-{tx_id}", {"psn_no": PSN_NO}, forward=queued)
    journal.presettle(tx_id, make_breakdown())
    journal.collect(tx_id)
    journal.add_payment(tx_id, "cash", f"C-{tx_id}", Money("30.00"))
    journal.set_payment_status(f"C-{tx_id}", PaymentStatus.COLLECTED)
    journal.settle(tx_id, make_breakdown())
    journal.add_adjustment(tx_id, Money("1.50"), "rounding")
    return journal.complete(tx_id).tx_id


def test_purge_deletes_old_finished_transactions_and_keeps_audit_rows(
    journal: Journal, clock: FakeClock
) -> None:
    old = _completed(journal)
    clock.advance(91 * DAY)
    recent = _completed(journal)
    audit_rows = journal.database.db["audit_log"].count
    result = purge(journal, retention_days=90)
    assert result.transactions == 1
    assert [t.tx_id for t in journal.transactions()] == [recent]
    assert journal.requests_of(old) == [] and journal.payments_of(old) == []
    assert journal.database.db["audit_log"].count == audit_rows + 1
    assert audit.verify(journal.database).ok
    assert purge(journal, retention_days=90).transactions == 0


def test_purge_keeps_unfinished_and_still_queued_transactions(
    journal: Journal, clock: FakeClock
) -> None:
    unfinished = journal.create(TxKind.PHARMACY).tx_id
    queued = _completed(journal, queued=True)
    clock.advance(200 * DAY)
    assert purge(journal, retention_days=90).transactions == 0
    assert {t.tx_id for t in journal.transactions()} == {unfinished, queued}


def test_export_masks_personal_data_and_lists_everything(journal: Journal) -> None:
    tx_id = _completed(journal)
    out = io.StringIO()
    from offline_store.export import write_export

    assert write_export(journal, out) == 1
    text = out.getvalue()
    assert CERTNO not in text and NAME not in text and PSN_NO not in text
    record = json.loads(text)
    assert record["state"] == TxState.COMPLETED.value
    assert record["person"]["certno"] == "4403**********1234"
    assert record["person"]["name"] == "欧*华"
    assert record["requests"] == [
        {
            "msgid": f"M-{tx_id}",
            "infno": "2207",
            "status": "prepared",
            "error": "",
            "created_at": record["requests"][0]["created_at"],
        }
    ]
    assert record["estimated"]["psn_cash_pay"] == "30.00"
    assert record["actual"]["psn_name"] == "欧*华"
    assert record["payments"][0]["amount"] == "30.00"
    assert record["adjustments"] == [{"amount": "1.50", "reason": "rounding", "settled": False}]


def test_verify_passes_a_sound_journal(journal: Journal, journal_paths: tuple[Path, Path]) -> None:
    _completed(journal)
    report = verify_journal(*journal_paths)
    assert report.ok, report.lines()
    assert report.fields_checked >= 5


def test_verify_names_a_tampered_field_and_a_broken_chain(
    journal: Journal, journal_paths: tuple[Path, Path]
) -> None:
    tx_id = _completed(journal)
    raw = sqlite3.connect(journal_paths[0], isolation_level=None)
    raw.execute("UPDATE transactions SET bill = identity WHERE tx_id = ?", (tx_id,))
    raw.execute("DROP TRIGGER audit_log_no_delete")
    raw.execute("DELETE FROM audit_log WHERE seq = 2")
    raw.close()
    report = verify_journal(*journal_paths)
    assert not report.ok
    assert report.fields_failed == [f"transactions.bill of {tx_id}"]
    assert any("seq 3: deleted" in line for line in report.lines())


def test_verify_reports_a_damaged_file_without_raising(tmp_path: Path) -> None:
    bad = tmp_path / "j.db"
    bad.write_bytes(b"\x00" * 8192)
    report = verify_journal(bad, tmp_path / "k")
    assert not report.ok and "E502" in report.integrity[0]
