"""An amount is `-?[0-9]+\\.[0-9]{2}` on every interface (issue 11, class 6): the command line,
the gateway and the platform refuse "1_000.00" (which once collected 1000.00) and its kin, with
a message, before any money moves."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests
from outcome_cli import checkout

from simulators.central.testing import Patient, PlatformClient, RunningSimulator, outpatient_visit
from simulators.paygate.testing import PaygateHandle

ZHANG_WEI = Patient("44030000000000000001", "310")  # worked example 1 of the default world
KIND = ["1_000.00", "1e3", "+10.00", " 10.00", "１０.００", "10.5", "10"]


@pytest.mark.parametrize("price", KIND)
def test_the_command_line_refuses_a_kindly_written_price_and_takes_nothing(
    platform: RunningSimulator, gateway: PaygateHandle, data_dir: Path, price: str
) -> None:
    before = set(gateway.orders())

    ran = checkout(data_dir, platform, gateway, "--item", f"X1:{price}:1")

    assert ran.status == 2
    assert "[E050]" in ran.err and "--item price" in ran.err, ran.err  # the argument, named
    assert set(gateway.orders()) == before


@pytest.mark.parametrize("amount", KIND)
def test_the_gateway_refuses_a_kindly_written_amount(gateway: PaygateHandle, amount: str) -> None:
    order = {"out_trade_no": "STRICT0001", "amount": amount, "channel": "credit", "payer_ref": "x"}

    response = requests.post(gateway.url + "/pay/orders", json=order, timeout=10)

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "INVALID_AMOUNT"
    assert "STRICT0001" not in gateway.orders()


@pytest.mark.parametrize("amount", KIND)
def test_the_platform_refuses_a_kindly_written_fee(platform: RunningSimulator, amount: str) -> None:
    client = PlatformClient(platform.url, fixmedins_code="H44030000001")
    with pytest.raises(AssertionError, match=r"feedetail\[0\]\.pric"):
        outpatient_visit(client, ZHANG_WEI, [("X1", amount, "1")])  # raises the 2204 refusal
