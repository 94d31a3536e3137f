"""`medterm journal export|verify|purge` through the real argument parser."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from journal_helpers import CERTNO, make_identity

from kernel.states import TxKind
from offline_store.journal import Journal
from terminal.cli import main


@pytest.fixture
def paths(journal_paths: tuple[Path, Path]) -> list[str]:
    journal = Journal.open(*journal_paths)
    tx_id = journal.create(TxKind.PHARMACY).tx_id
    journal.identify(tx_id, make_identity())
    journal.cancel(tx_id, "patient left")
    journal.close()
    return ["--db", str(journal_paths[0]), "--key", str(journal_paths[1])]


def test_export_writes_masked_jsonl(
    paths: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "exports").mkdir()  # not beside the journal: that folder is the store's
    out = tmp_path / "exports" / "export.jsonl"
    assert main(["journal", "export", *paths, "--out", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert CERTNO not in text
    assert json.loads(text)["state"] == "cancelled"
    assert "exported 1 transactions" in capsys.readouterr().err


def test_verify_exits_zero_when_sound_and_one_when_tampered(
    paths: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["journal", "verify", *paths]) == 0
    assert capsys.readouterr().out.splitlines()[-1].startswith("OK:")
    raw = sqlite3.connect(paths[1], isolation_level=None)
    raw.execute("DROP TRIGGER audit_log_no_update")
    raw.execute("UPDATE audit_log SET event = 'tx.completed' WHERE seq = 3")
    raw.close()
    assert main(["journal", "verify", *paths]) == 1
    assert "audit log seq 3: edited" in capsys.readouterr().out


def test_purge_reports_its_count(paths: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["journal", "purge", *paths, "--days", "0"]) == 0
    assert "purged 1 transactions" in capsys.readouterr().out


def test_missing_key_is_a_typed_error_with_an_action(
    paths: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    Path(paths[3]).unlink()
    assert main(["journal", "export", *paths]) == 2
    err = capsys.readouterr().err
    assert "[E510]" in err and "what to do" in err
