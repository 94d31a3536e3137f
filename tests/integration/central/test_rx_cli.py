"""`medterm rx list|show` and `medterm price` as a technician runs them: a real subprocess
against the real simulator (prices generated into its database)."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator

import pytest

from simulators.central.testing import RunningSimulator, start_simulator
from simulators.worlds.prices import write_prices

PATIENT = "440300198503121010"


@pytest.fixture(scope="module")
def central(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningSimulator]:
    folder = tmp_path_factory.mktemp("rxcli")
    write_prices(folder / "central.db", pharmacies=20, drugs=100, stocked=40, seed=2)
    sim = start_simulator(folder, db=folder / "central.db")
    yield sim
    sim.stop()


@pytest.fixture(scope="module")
def issued(central: RunningSimulator) -> dict:
    return central.control(
        "POST",
        "/_sim/his/prescriptions",
        {
            "fixmedins_code": "H44030000001", "certno": PATIENT, "dr_code": "D1",
            "dr_name": "王医生", "dept_name": "内科", "diag_code": "J06.9", "diag_name": "感冒",
            "drugs": [{"med_list_codg": "X1", "name": "阿莫西林胶囊", "cnt": "2", "pric": "9.00"}],
        },
    )  # fmt: skip


def medterm(central: RunningSimulator, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "terminal.cli", *args, "--pharmacy", "--platform", central.url],
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_rx_list_shows_the_persons_prescriptions(central: RunningSimulator, issued: dict) -> None:
    result = medterm(central, "rx", "list", "--certno", PATIENT, "--json")
    assert result.returncode == 0, result.stderr
    listed = json.loads(result.stdout)
    assert [(p["hi_rxno"], p["status"], p["use"]) for p in listed] == [
        (issued["hi_rxno"], "valid", "unused")
    ]


def test_rx_show_by_code_and_by_number_with_the_persons_id(
    central: RunningSimulator, issued: dict
) -> None:
    by_code = medterm(central, "rx", "show", issued["rx_code"], "--json")
    by_number = medterm(central, "rx", "show", issued["hi_rxno"], "--certno", PATIENT, "--json")
    assert by_code.returncode == 0 and by_number.returncode == 0, by_code.stderr
    assert json.loads(by_code.stdout) == json.loads(by_number.stdout)
    assert json.loads(by_code.stdout)["drugs"][0]["cnt"] == "2"


def test_rx_show_masks_the_patient_in_text(central: RunningSimulator, issued: dict) -> None:
    result = medterm(central, "rx", "show", issued["rx_code"])
    assert result.returncode == 0, result.stderr
    assert PATIENT not in result.stdout and "王医生" in result.stdout


def test_price_lists_offers_cheapest_first(central: RunningSimulator) -> None:
    result = medterm(central, "price", "AMXL", "--near", "22.54,114.05", "--json")
    assert result.returncode == 0, result.stderr
    offers = json.loads(result.stdout)["offers"]
    assert offers and all(o["distance_km"] is not None for o in offers)
    prices = [float(o["price"]) for o in offers]
    assert prices == sorted(prices)


@pytest.mark.parametrize(
    ("argv", "named"),
    [
        (["rx", "list", "--certno", "12345"], "--certno"),
        (["rx", "show", "not-a-number!"], "RXNO"),
        (["rx", "show", "MTRX1.RX44030026120100000001.AAAA"], "truncated"),
        (["rx", "show", "RX44030026120100000001"], "--certno"),
        (["price", "<script>"], "QUERY"),
        (["price", "AMXL", "--near", "north"], "--near"),
        (["price", "AMXL", "--limit", "0"], "--limit"),
    ],
)
def test_a_bad_argument_is_refused_naming_it(
    central: RunningSimulator, argv: list[str], named: str
) -> None:
    result = medterm(central, *argv)
    assert result.returncode == 2
    assert named in result.stderr and "Traceback" not in result.stderr
