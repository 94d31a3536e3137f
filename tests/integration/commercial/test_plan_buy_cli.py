"""`medterm plan buy` as a real process against the simulator: refused without consent
(nothing sent, nothing taken), bought with it from the personal account, journalled, and a
purchase whose answer was lost is finished by running it again, never bought twice."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from terminals import PERSONS

from kernel.money import Money
from offline_store.datadir import open_journal
from offline_store.plans import PlanPurchases

BUYER = "44030000000000000040"  # no plan, account 200.00
PLAN = "SZHMB2026"


def medterm(platform, data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    argv = [
        sys.executable, "-m", "terminal.cli", "plan", "buy", "--certno",
        PERSONS[BUYER]["certno"], "--plan", PLAN, "--platform", platform.url,
        "--data-dir", str(data_dir), "--create-journal", *args,
    ]  # fmt: skip
    return subprocess.run(argv, capture_output=True, text=True, timeout=60, check=False)


def holdings(platform) -> dict:
    return platform.control("GET", f"/_sim/commercial?psn_no={BUYER}")


def balance(platform) -> Money:
    return Money(platform.control("GET", f"/_sim/person?psn_no={BUYER}")["balc"])


def test_without_consent_nothing_is_sent_and_nothing_is_taken(platform, tmp_path) -> None:
    before = balance(platform)
    done = medterm(platform, tmp_path / "t")
    assert done.returncode == 2 and "E850" in done.stderr and "--yes" in done.stderr
    assert holdings(platform)["policies"] == [] and balance(platform) == before


def test_with_consent_the_premium_leaves_the_account_once_and_a_lost_answer_is_not_doubled(
    platform, tmp_path
) -> None:
    data_dir = tmp_path / "t"
    before = balance(platform)
    # the purchase lands, its answer is lost: the terminal does not know it bought
    rule = {"infno": "9804", "mode": "drop_after_commit", "count": 1}
    platform.control("POST", "/_sim/faults", {"rules": [rule]})
    lost = medterm(platform, data_dir, "--yes")
    platform.control("DELETE", "/_sim/faults")
    assert lost.returncode == 2 and "E852" in lost.stderr
    assert len(holdings(platform)["policies"]) == 1
    again = medterm(platform, data_dir, "--yes", "--json")  # the same msgid, its first answer
    assert again.returncode == 0, again.stderr
    bought = json.loads(again.stdout)
    policies = holdings(platform)["policies"]
    assert [p["policy_no"] for p in policies] == [bought["policy_no"]]
    assert balance(platform) == before - Money("59.00") == Money(bought["balc"])
    journal = open_journal(data_dir)
    try:
        purchases = PlanPurchases(journal)
        key = purchases.person_key(PERSONS[BUYER]["certno"])
        assert purchases.open_purchase(key, PLAN) is None
        events = [row["event"] for row in journal.database.query("SELECT event FROM audit_log")]
        assert events.count("plan.prepared") == 1 and events.count("plan.succeeded") == 1
    finally:
        journal.close()
    # renewing: the next plan year, paid again
    renewed = medterm(platform, data_dir, "--yes", "--json")
    assert renewed.returncode == 0, renewed.stderr
    assert json.loads(renewed.stdout)["begndate"] == "2027-01-01"
    refused = medterm(platform, data_dir, "--yes")  # held until 2027 already
    assert refused.returncode == 2 and "E851" in refused.stderr
    assert len(holdings(platform)["policies"]) == 2
