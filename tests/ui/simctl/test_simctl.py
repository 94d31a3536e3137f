"""The simulator control window presses reach the simulators through their control APIs (real
processes: the platform, the gateway, the devices), and a refusal is shown in words."""

from __future__ import annotations

import queue
from collections.abc import Iterator

import pytest
import requests
from pytestqt.qtbot import QtBot

from drivers.base import DeviceEvent
from drivers.scanner.classify import ScanKind
from drivers.scanner.events import Scanned
from drivers.scanner.serial_scanner import SerialScanner
from simulators.stack import SimulatorStack
from ui.bridge import Bridge
from ui.simctl.window import SimulatorControlWindow

HU_JUN = "44030000000000000015"


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SimulatorStack]:
    workdir = tmp_path_factory.mktemp("sims")
    with SimulatorStack.start(workdir, links=workdir / "links") as running:
        yield running


@pytest.fixture
def window(qtbot: QtBot, stack: SimulatorStack) -> Iterator[SimulatorControlWindow]:
    bridge = Bridge()
    made = SimulatorControlWindow(stack.controls(), bridge)
    qtbot.addWidget(made)
    made.show()
    qtbot.waitUntil(lambda: made.person.count() > 0, timeout=10_000)
    made.person.setCurrentIndex(made.person.findData(HU_JUN))
    yield made
    bridge.shutdown()


def press(qtbot: QtBot, window: SimulatorControlWindow, ident: str) -> str:
    window.buttons[ident].click()
    qtbot.waitUntil(lambda: not window.result.text().endswith("…"), timeout=10_000)
    return window.result.text()


def test_insert_card_puts_the_chosen_persons_card_in_the_reader(
    qtbot: QtBot, window: SimulatorControlWindow, stack: SimulatorStack
) -> None:
    assert press(qtbot, window, "insert-card").endswith("done")
    assert stack.controls().devices_state()["card"]["psn_no"] == HU_JUN
    press(qtbot, window, "pull-card")
    assert stack.controls().devices_state()["card"]["inserted"] is False


def test_show_voucher_scans_a_fresh_e_voucher_into_the_scanner(
    qtbot: QtBot, window: SimulatorControlWindow, stack: SimulatorStack
) -> None:
    events: queue.Queue[DeviceEvent] = queue.Queue()
    scanner = SerialScanner("scanner", port=stack.devices_table["scanner"]["port"])
    scanner.subscribe(events.put)
    scanner.start()
    try:
        press(qtbot, window, "show-voucher")
        while not isinstance(event := events.get(timeout=5), Scanned):
            pass
    finally:
        scanner.close()
    assert event.scan.kind is ScanKind.E_VOUCHER


def test_the_network_cable_pulled_is_the_platforms_offline_fault_and_back(
    qtbot: QtBot, window: SimulatorControlWindow, stack: SimulatorStack
) -> None:
    press(qtbot, window, "cable-out")
    rules = requests.get(stack.platform.url + "/_sim/faults", timeout=10).json()["rules"]
    assert [r["mode"] for r in rules] == ["offline"]
    press(qtbot, window, "cable-in")
    assert requests.get(stack.platform.url + "/_sim/faults", timeout=10).json()["rules"] == []


def test_the_phone_pays_the_qr_order_waiting_on_the_gateway(
    qtbot: QtBot, window: SimulatorControlWindow, stack: SimulatorStack
) -> None:
    order = requests.post(stack.gateway.url + "/pay/orders", timeout=10, json={
        "out_trade_no": "SIMCTL0001", "amount": "12.50", "channel": "qr"}).json()
    assert order["state"] == "NOTPAY"
    assert "SIMCTL0001 12.50 SUCCESS" in press(qtbot, window, "pay-qr")


def test_paying_with_no_qr_code_waiting_says_so(
    qtbot: QtBot, window: SimulatorControlWindow
) -> None:
    assert press(qtbot, window, "pay-qr").endswith("no QR code is waiting to be paid")


def test_paper_out_and_in_reach_the_printer_simulator(
    qtbot: QtBot, window: SimulatorControlWindow, stack: SimulatorStack
) -> None:
    press(qtbot, window, "paper-out")
    assert stack.controls().devices_state()["printer"]["paper"] == "out"
    press(qtbot, window, "paper-in")
    assert stack.controls().devices_state()["printer"]["paper"] == "ok"


def test_refuse_the_next_settlement_is_the_platforms_refuse_fault_for_one_2207(
    qtbot: QtBot, window: SimulatorControlWindow, stack: SimulatorStack
) -> None:
    press(qtbot, window, "refuse-settlement")
    rules = requests.get(stack.platform.url + "/_sim/faults", timeout=10).json()["rules"]
    assert [(r["infno"], r["mode"], r["count"]) for r in rules] == [("2207", "refuse", 1)]
    assert rules[0]["err_msg"].startswith("结算失败:本次就诊已结算")
    press(qtbot, window, "cable-in")  # every fault cleared
