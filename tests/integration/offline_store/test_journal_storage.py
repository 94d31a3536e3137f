"""The journal on real, misbehaving storage: a full disk, a read-only disk, a stolen file."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from kernel.breakdown import Breakdown
from kernel.records import PersonIdentity
from kernel.states import TxKind
from offline_store import audit
from offline_store.errors import JournalFullError, JournalReadOnlyError
from offline_store.journal import Journal

NAME = "司马光明"
CERTNO = "11010519491231002X"
PSN_NO = "11000019491231002400"
CARD_NO = "K12345678"


def _identity() -> PersonIdentity:
    return PersonIdentity(
        "02", CERTNO, NAME, psn_no=PSN_NO, insuplc_admdvs="110105", extra={"card_no": CARD_NO}
    )


def _breakdown() -> Breakdown:
    amounts = dict.fromkeys(
        [
            "fulamt_ownpay_amt",
            "overlmt_selfpay",
            "preselfpay_amt",
            "act_pay_dedc",
            "pool_prop_selfpay",
            "cvlserv_pay",
            "hifes_pay",
            "hifmi_pay",
            "hifob_pay",
            "maf_pay",
            "oth_pay",
            "acct_pay",
            "acct_mulaid_pay",
        ],
        "0.00",
    )
    amounts.update(
        medfee_sumamt="80.00",
        inscp_scp_amt="80.00",
        hifp_pay="50.00",
        fund_pay_sumamt="50.00",
        psn_part_amt="30.00",
        psn_cash_pay="30.00",
    )
    return Breakdown.from_setlinfo({**amounts, "psn_no": PSN_NO, "psn_name": NAME})


def _transaction(journal: Journal, n: int) -> str:
    tx_id = journal.create(TxKind.OUTPATIENT).tx_id
    journal.identify(tx_id, _identity())
    journal.bill(tx_id, [{"item": os.urandom(64).hex(), "psn_no": PSN_NO}])
    journal.estimate(tx_id, _breakdown())
    journal.prepare_request(
        tx_id,
        "2207",
        f"H1100000000120261123120000{n:04d}",
        {"psn_no": PSN_NO, "psn_name": NAME, "certno": CERTNO},
        forward=True,
    )
    return tx_id


def test_raw_files_hold_no_personal_data_in_plain_text(tmp_path: Path) -> None:
    journal = Journal.open(tmp_path / "j.db", tmp_path / "key")
    for n in range(20):
        _transaction(journal, n)
    [claim] = journal.outbox.claim()
    journal.outbox.ack(claim, {"output": {"setlinfo": {"psn_name": NAME, "certno": CERTNO}}})
    files = sorted(tmp_path.glob("j.db*"))
    assert len(files) >= 2  # the WAL is still there: check it too
    for path in files:
        raw = path.read_bytes()
        for secret in (NAME, CERTNO, PSN_NO, CARD_NO, CERTNO[:14]):
            assert secret.encode() not in raw, f"{secret!r} in plain text in {path.name}"
            assert secret.encode("utf-16-le") not in raw
    journal.close()
    raw = (tmp_path / "j.db").read_bytes()
    assert NAME.encode() not in raw and CERTNO.encode() not in raw


def test_full_disk_refuses_new_work_and_loses_nothing(small_fs: Callable[[str], Path]) -> None:
    disk = small_fs("3m")
    ballast = disk / "ballast"
    ballast.write_bytes(os.urandom(512 * 1024))
    journal = Journal.open(disk / "j.db", disk / "key")
    committed: list[str] = []
    with pytest.raises(JournalFullError):
        for n in range(100_000):
            committed.append(_transaction(journal, n))
    journal.close()
    reopened = Journal.open(disk / "j.db", disk / "key")
    complete = {t.tx_id for t in reopened.transactions()}
    assert set(committed) <= complete  # every step that returned is still there
    assert audit.verify(reopened.database).ok
    with pytest.raises(JournalFullError):
        _transaction(reopened, 99_999)
    ballast.unlink()  # the technician frees space: new work goes on
    _transaction(reopened, 99_998)
    reopened.close()


def test_read_only_disk_is_a_typed_error(
    small_fs: Callable[[str], Path], remount_read_only: Callable[[Path], None]
) -> None:
    disk = small_fs("4m")
    journal = Journal.open(disk / "j.db", disk / "key")
    _transaction(journal, 1)
    journal.close()
    remount_read_only(disk)
    with pytest.raises(JournalReadOnlyError) as caught:
        Journal.open(disk / "j.db", disk / "key")
    assert caught.value.code == "E504"
