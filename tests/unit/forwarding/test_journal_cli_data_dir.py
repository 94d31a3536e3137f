"""`medterm journal export|verify --data-dir DIR`: the data directory's layout instead of
--db/--key (offline_store.datadir)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from forward_journal import msgid

from kernel.records import PersonIdentity
from kernel.states import TxKind
from offline_store.datadir import journal_path, open_journal
from terminal.cli import main

CERTNO = "440300198503121010"


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    directory = tmp_path / "data"
    journal = open_journal(directory, create=True)
    tx = journal.create(TxKind.PHARMACY)
    journal.identify(tx.tx_id, PersonIdentity(cert_type="02", certno=CERTNO, name="张伟"))
    journal.prepare_request(tx.tx_id, "1101", msgid(1), {"msgid": msgid(1)}, forward=True)
    journal.close()
    return directory


def test_export_from_the_data_dir_masks_personal_data(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["journal", "export", "--data-dir", str(data_dir)]) == 0
    out = capsys.readouterr().out
    (line,) = out.splitlines()
    exported = json.loads(line)
    assert msgid(1) in line and "4403**********1010" in line
    assert CERTNO not in out and "张伟" not in out
    assert exported["state"] == "identified"


def test_verify_from_the_data_dir_names_the_tampered_audit_row(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["journal", "verify", "--data-dir", str(data_dir)]) == 0
    capsys.readouterr()
    conn = sqlite3.connect(journal_path(data_dir))
    conn.execute("DROP TRIGGER audit_log_no_update")
    conn.execute("UPDATE audit_log SET details = '{}' WHERE seq = 2")
    conn.commit()
    conn.close()

    assert main(["journal", "verify", "--data-dir", str(data_dir)]) == 1
    assert "audit log seq 2: edited" in capsys.readouterr().out


def test_data_dir_and_db_together_are_refused(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status = main(["journal", "verify", "--data-dir", str(data_dir), "--db", "x.db"])
    assert status == 2
