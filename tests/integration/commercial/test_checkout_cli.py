"""`medterm checkout` shows the commercial plan's line, through the real simulators."""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

import pytest
from terminals import PERSONS

from terminal.cli import main

INSURED = "44030000000000000038"


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One journal for the module, as one real terminal has: two fresh journals of the same
    terminal in the same second would make the same msgids, which the platform refuses."""
    return tmp_path_factory.mktemp("pharmacy")


def checkout(platform, gateway, data_dir: Path, *extra: str) -> tuple[int, str]:
    out = io.StringIO()
    argv = [
        "checkout", "--pharmacy", "--certno", PERSONS[INSURED]["certno"], "--item",
        "D0010:20.00:1", "--platform", platform.url, "--gateway", gateway.url,
        "--data-dir", str(data_dir), "--create-journal", *extra,
    ]  # fmt: skip
    with contextlib.redirect_stdout(out):
        status = main(argv)
    return status, out.getvalue()


def test_the_table_shows_what_the_plan_paid_and_what_was_collected(
    platform, gateway, data_dir
) -> None:
    status, shown = checkout(platform, gateway, data_dir)
    assert status == 0, shown
    assert "商保支付 commercial plan" in shown and "14.00" in shown
    assert "深圳惠民保2026 paid 14.00" in shown
    collected = next(line for line in shown.splitlines() if "collected now" in line)
    assert collected.split()[-1] == "6.00"  # 20.00 class C, 70% by the plan


def test_json_has_the_commercial_object_and_no_commercial_declines_it(
    platform, gateway, data_dir
) -> None:
    status, shown = checkout(platform, gateway, data_dir, "--json")
    assert status == 0, shown
    outcome = json.loads(shown)
    assert outcome["commercial"]["state"] == "paid"
    assert outcome["commercial"]["commercial_pay"] == outcome["breakdown"]["commercial_pay"]
    status, shown = checkout(platform, gateway, data_dir, "--json", "--no-commercial")
    declined = json.loads(shown)
    assert declined["commercial"]["state"] == "not_used"
    assert declined["collected"] == declined["breakdown"]["psn_cash_pay"] == "20.00"
