"""Reconciling a day with the real simulator: 3201 per insurance type, 3202 on a mismatch,
the CSV export."""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path

import pytest

from kernel.money import Money, money_sum
from offline_store.reconcile import day_report
from simulators.central.queued_purchases import BILL, PEOPLE, QueuingTerminal
from simulators.central.testing import (
    PHARMACY,
    Patient,
    PlatformClient,
    RunningSimulator,
    pharmacy_input,
)
from terminal.cli import main
from terminal.flows.forwarding import build_forwarder
from terminal.flows.offline_chain import OfflineChainHooks
from terminal.flows.reconcile import reconcile_day


@pytest.fixture
def forwarded(sim: RunningSimulator, terminal: QueuingTerminal) -> QueuingTerminal:
    """Four offline purchases (three 310, one 390) forwarded and landed."""
    for person in (PEOPLE[0], PEOPLE[1], PEOPLE[2], PEOPLE[10]):
        terminal.queue_purchase(person)
    hooks = OfflineChainHooks(terminal.journal)
    result = build_forwarder(terminal.config, terminal.journal, terminal.client, hooks).drain(60)
    assert (result.succeeded, result.remaining) == (8, 0)
    return terminal


def settle_behind_the_terminals_back(sim: RunningSimulator, terminal: QueuingTerminal) -> str:
    psn_no, _, insutype = PEOPLE[3]
    answer = PlatformClient(sim.url, fixmedins_code=PHARMACY).call(
        "2102", pharmacy_input(Patient(psn_no, insutype), BILL, terminal.scope), insuplc="440300"
    )
    assert answer["infcode"] == 0, answer["err_msg"]
    return str(answer["output"]["setlinfo"]["setl_id"])


def test_the_report_totals_the_journals_settlements_per_insurance_type(
    sim: RunningSimulator, forwarded: QueuingTerminal
) -> None:
    report = day_report(forwarded.journal, date.today())

    held = sim.control("GET", "/_sim/settlements")["settlements"]
    by_type = {t.insutype: t for t in report.insutypes}
    assert (by_type["310"].count, by_type["390"].count) == (3, 1)
    assert sorted(report.setl_ids) == sorted(s["setl_id"] for s in held)
    assert by_type["310"].fund_pay_sumamt == money_sum(
        Money(s["setlinfo"]["fund_pay_sumamt"]) for s in held if s["setlinfo"]["insutype"] == "310"
    )
    (cash,) = report.channels
    assert (cash.channel, cash.collected_count) == ("cash", 4)
    assert cash.collected == forwarded.estimate.psn_cash_pay.times(4)


def test_a_day_the_platform_agrees_with_balances_without_a_detail_check(
    forwarded: QueuingTerminal,
) -> None:
    _, result = reconcile_day(forwarded.journal, forwarded.client, forwarded.config, date.today())

    assert result.balanced and not result.detail_checked
    assert [c.insutype for c in result.checks] == ["310", "390"]


def test_a_settlement_the_terminal_never_made_is_reported_by_the_detail_check(
    sim: RunningSimulator, forwarded: QueuingTerminal
) -> None:
    stranger = settle_behind_the_terminals_back(sim, forwarded)

    _, result = reconcile_day(forwarded.journal, forwarded.client, forwarded.config, date.today())

    assert not result.balanced and result.detail_checked
    assert {c.insutype: c.balanced for c in result.checks} == {"310": False, "390": True}
    assert (result.platform_only, result.terminal_only) == ((stranger,), ())
    (recorded,) = forwarded.journal.database.query(
        "SELECT details FROM audit_log WHERE event = 'reconcile.result'"
    )
    assert json.loads(recorded["details"])["platform_only"] == [stranger]


def test_the_command_prints_the_table_and_writes_the_csv(
    sim: RunningSimulator,
    forwarded: QueuingTerminal,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    stranger = settle_behind_the_terminals_back(sim, forwarded)
    out = tmp_path / "day.csv"
    today = date.today().isoformat()
    data_dir = str(tmp_path / "data")

    status = main(
        [
            "reconcile",
            "--pharmacy",
            "--data-dir",
            data_dir,
            "--platform",
            sim.url,
            "--date",
            today,
            "--csv",
            str(out),
        ]
    )

    assert status == 1
    printed = capsys.readouterr().out
    assert "NOT balanced" in printed and stranger in printed
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    insutype = {r["item"]: r for r in rows if r["section"] == "insutype"}
    assert insutype["310"]["count"] == "3" and insutype["390"]["count"] == "1"
    assert [r["item"] for r in rows if r["section"] == "platform_only"] == [stranger]
    assert {r["status"] for r in rows if r["section"] == "platform_3201"} == {
        "balanced",
        "not_balanced",
    }
    (cash,) = [r for r in rows if r["section"] == "channel"]
    assert (cash["item"], cash["count"], cash["status"]) == ("cash", "4", "collected")
