"""Crash safety of dispensing e-prescriptions (处方流转): the pharmacy counter is SIGKILLed at
random moments while it reviews, sells, settles and reports a batch of prescriptions, and the
platform misbehaves; after it restarts, finishes the batch and drains its queue, every
prescription is dispensed exactly once, by one settled sale, reported once to the centre, and
every other attempt at it is cancelled with its money back.

The kill count defaults to 30 and can be raised with MEDTERM_RX_CRASH_KILLS.
"""

from __future__ import annotations

import os
import random
import select
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from kernel.money import ZERO, money_sum
from kernel.states import PaymentStatus, RequestStatus, TxState
from offline_store.datadir import open_journal
from simulators.central.testing import RunningSimulator
from simulators.paygate.testing import PaygateHandle
from terminal.flows.bill import BillLine
from terminal.flows.dispense import NOTE, REPORT

KILLS = int(os.environ.get("MEDTERM_RX_CRASH_KILLS", "30"))
FIRST_BATCH = 6  # and one more before each round, so that every round has one to dispense
PHARMACY = "P44030000002"
PATIENTS = ("440300198503121010", "440300199007081026")  # persons 1 and 2 of the default world
FAULTS = (
    [],
    [{"infno": "rx.rxChkInfoUpld", "mode": "reset_before", "probability": 0.3}],
    [{"infno": "rx.rxSetlInfoUpld", "mode": "drop_after_commit", "probability": 0.5}],
    [{"infno": "2102", "mode": "drop_after_commit", "probability": 0.3}],
    [{"infno": "*", "mode": "http_503", "probability": 0.2}],
)


def issue(platform: RunningSimulator, n: int) -> str:
    answer = platform.control(
        "POST",
        "/_sim/his/prescriptions",
        {
            "fixmedins_code": "H44030000001", "certno": PATIENTS[n % 2],
            "dept_name": "呼吸内科", "dr_code": "D440300001", "dr_name": "王医生",
            "diag_code": "J06.900", "diag_name": "急性上呼吸道感染", "vali_days": 3,
            "drugs": [{"med_list_codg": "X1", "name": "阿莫西林胶囊", "cnt": "2", "pric": "12.50"}],
        },
    )  # fmt: skip
    assert answer["ok"], answer
    return answer["rx_code"]


@pytest.mark.slow
@pytest.mark.timeout(1800)
def test_random_kills_while_dispensing_dispense_each_prescription_once(
    tmp_path: Path, platform: RunningSimulator, gateway: PaygateHandle
) -> None:
    rng = random.Random(20261202)
    codes = tmp_path / "codes.txt"
    issued = [issue(platform, n) for n in range(FIRST_BATCH)]
    data_dir = tmp_path / "pharmacy"
    worker = [
        sys.executable, "-m", "tests.reliability.dispense_worker", str(codes),
        "--platform", platform.url, "--gateway", gateway.url, "--data-dir", str(data_dir),
    ]  # fmt: skip
    kills = 0
    while kills < KILLS:
        issued.append(issue(platform, len(issued)))
        codes.write_text("\n".join(reversed(issued)))  # the new one first
        platform.control("POST", "/_sim/faults", {"rules": rng.choice(FAULTS)})
        pipe = subprocess.PIPE
        process = subprocess.Popen(worker, stdout=pipe, stderr=pipe, text=True)
        assert process.stdout is not None
        select.select([process.stdout], [], [], 60)  # past start-up and recovery
        try:
            _, errors = process.communicate(timeout=rng.uniform(0.0, 0.8))
        except subprocess.TimeoutExpired:
            process.send_signal(signal.SIGKILL)
            process.communicate()
            kills += 1
        else:
            assert process.returncode == 0, errors
    platform.control("DELETE", "/_sim/faults")
    finished = subprocess.run(worker, capture_output=True, text=True, timeout=300, check=False)
    assert finished.returncode == 0, finished.stderr  # recovered, and the batch finished
    drained = subprocess.run(
        [
            sys.executable, "-m", "terminal.cli", "queue", "drain", "--timeout", "30",
            "--pharmacy", "--platform", platform.url, "--gateway", gateway.url,
            "--data-dir", str(data_dir),
        ],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert drained.returncode == 0, drained.stdout + drained.stderr
    # the reports queued on the way have reached the centre: it holds every one dispensed
    last = subprocess.run(worker, capture_output=True, text=True, timeout=300, check=False)
    assert last.returncode == 0, last.stderr
    assert_each_prescription_dispensed_once(data_dir, platform, gateway, last.stdout, len(issued))


def assert_each_prescription_dispensed_once(
    data_dir: Path,
    platform: RunningSimulator,
    gateway: PaygateHandle,
    last_run: str,
    prescriptions: int,
) -> None:
    held = [
        s
        for s in platform.control("GET", "/_sim/settlements")["settlements"]
        if s["fixmedins_code"] == PHARMACY and s["state"] == "settled"
    ]
    settled = {s["setl_id"] for s in held}
    assert len(settled) == len(held), "a settlement id twice"
    orders = gateway.orders()
    lines = [line.split() for line in last_run.splitlines()[1:]]
    assert all(word == "held" for word, *_ in lines), last_run
    hi_rxnos = [rxno for _, rxno in lines]
    assert len(set(hi_rxnos)) == prescriptions
    journal = open_journal(data_dir)
    try:
        sales: dict[str, list[str]] = {}  # hi_rxno -> settlement ids of its completed sales
        attempts = journal.transactions()  # a cancel replaces the note with its reason
        assert {tx.note for tx in attempts if tx.state is not TxState.CANCELLED} == {NOTE}
        for tx in attempts:
            rxno = BillLine.from_json(tx.bill[0]).rxno if tx.bill else None
            payments = journal.payments_of(tx.tx_id)
            assert all(p.status is not PaymentStatus.PENDING for p in payments), tx.tx_id
            for p in payments:  # the gateway agrees with the journal on every order
                order = orders.get(p.order_no)
                if p.status is PaymentStatus.COLLECTED:
                    assert order and order["state"] == "SUCCESS" and order["refunded"] == "0.00"
                elif p.status is PaymentStatus.REFUNDED:
                    assert order and order["refunded"] == order["amount"]
            if tx.state is TxState.CANCELLED:
                assert journal.collected_total(tx.tx_id) == ZERO, tx.tx_id
                continue
            assert tx.state is TxState.COMPLETED, f"{tx.tx_id} left in {tx.state}"
            assert tx.actual is not None and tx.actual.setl_id in settled, tx.tx_id
            actual = tx.actual
            owed = money_sum(a.amount for a in journal.adjustments_of(tx.tx_id))
            insurance = actual.fund_pay_sumamt + actual.acct_pay + actual.acct_mulaid_pay
            collected = journal.collected_total(tx.tx_id)
            assert collected - owed + insurance == actual.medfee_sumamt, tx.tx_id
            reports = [r for r in journal.requests_of(tx.tx_id) if r.infno == REPORT]
            assert [r.status for r in reports].count(RequestStatus.SUCCEEDED) == 1, tx.tx_id
            sales.setdefault(rxno, []).append(tx.actual.setl_id)
        # one sale per prescription, and every settlement of the pharmacy is one of them
        assert sorted(sales) == sorted(hi_rxnos)
        assert all(len(ids) == 1 for ids in sales.values()), sales
        assert sorted(settled) == sorted(ids[0] for ids in sales.values())
    finally:
        journal.close()
    print(f"{len(sales)} prescriptions, {len(attempts)} attempts, {len(settled)} settlements")
