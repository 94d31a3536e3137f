"""The device simulators' HTTP control API, as the control window, the demo or `curl` use it:
through the real `python -m simulators.devices` process, observed by the real drivers."""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from drivers.base import DeviceEvent
from drivers.idcard.errors import NoIdCardError
from drivers.idcard.reader import IdCardReader
from drivers.printer.printer import PaperStatus, ReceiptPrinter
from drivers.scanner.events import Scanned
from drivers.scanner.serial_scanner import SerialScanner
from terminal.services import ServiceProcess, python_module_argv

REPO = Path(__file__).parents[3]
WORLD = REPO / "simulators" / "worlds" / "default.json"
PERSONS = {p["psn_no"]: p for p in json.loads(WORLD.read_text(encoding="utf-8"))["persons"]}
HU_JUN = "44030000000000000015"
ZHANG_WEI = "44030000000000000001"


class Devices:
    def __init__(self, service: ServiceProcess, links: Path) -> None:
        self.url = service.url
        self.links = links

    def call(self, method: str, path: str, body: dict[str, Any] | None = None
             ) -> requests.Response:
        return requests.request(method, self.url + path, json=body, timeout=10)

    def ok(self, method: str, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        answer = self.call(method, path, body)
        assert answer.status_code == 200, answer.text
        return answer.json()


@pytest.fixture(scope="module")
def devices(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Devices]:
    links = tmp_path_factory.mktemp("links")
    service = ServiceProcess.start(
        python_module_argv("simulators.devices", "--world", str(WORLD), "--links", str(links),
                           "--card", "--control-port", "0"),
        name="device simulators", cwd=REPO,
    )
    try:
        yield Devices(service, links)
    finally:
        service.stop()


def test_the_control_api_listens_on_loopback_only(devices: Devices) -> None:
    assert devices.url.startswith("http://127.0.0.1:")


def test_the_kiosk_starts_empty_no_card_no_id_card_paper_in(devices: Devices) -> None:
    state = devices.ok("GET", "/_sim/devices")
    assert state["card"] == {"reader": True, "inserted": False, "psn_no": None,
                             "tries_left": None}
    assert state["idcard"]["placed"] is False
    assert state["printer"]["paper"] == "ok"


def test_a_chosen_persons_card_inserted_is_read_by_a_terminal_process(devices: Devices) -> None:
    state = devices.ok("POST", "/_sim/card", {"psn_no": HU_JUN})
    try:
        assert state["card"]["psn_no"] == HU_JUN
        card = PERSONS[HU_JUN]["cards"][0]
        result = subprocess.run(
            [sys.executable, "-m", "terminal.cli", "diag", "read-card", "--json", "--show-pii",
             "--reader", state["devices"]["card"]["reader"], "--pin", card["pin"],
             "--timeout", "10"],
            capture_output=True, text=True, timeout=60,
            env={**os.environ, **state["environment"]},
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        assert json.loads(result.stdout)["certno"] == PERSONS[HU_JUN]["certno"]
    finally:
        removed = devices.ok("DELETE", "/_sim/card")
    assert removed["card"]["inserted"] is False


def test_a_scanned_text_reaches_the_scanner_driver(devices: Devices) -> None:
    events: queue.Queue[DeviceEvent] = queue.Queue()
    scanner = SerialScanner("scanner", port=str(devices.links / "scanner"))
    scanner.subscribe(events.put)
    scanner.start()
    try:
        devices.ok("POST", "/_sim/scan", {"text": "6901234567892"})
        while not isinstance(event := events.get(timeout=5), Scanned):
            pass
        assert event.scan.text == "6901234567892"
    finally:
        scanner.close()


def test_an_id_card_placed_is_read_and_gone_when_taken_away(devices: Devices) -> None:
    reader = IdCardReader("idcard", port=str(devices.links / "idcard"))
    reader.start()
    try:
        devices.ok("POST", "/_sim/idcard", {"psn_no": ZHANG_WEI})
        assert reader.read_card().id_number == PERSONS[ZHANG_WEI]["certno"]
        devices.ok("DELETE", "/_sim/idcard")
        with pytest.raises(NoIdCardError):
            reader.read_card()
    finally:
        reader.close()


def test_the_printer_runs_out_of_paper_and_gets_it_back(devices: Devices) -> None:
    printer = ReceiptPrinter("printer", port=str(devices.links / "printer"))
    printer.start()
    try:
        devices.ok("POST", "/_sim/printer", {"paper": "out"})
        assert printer.paper_status() is PaperStatus.OUT
        devices.ok("POST", "/_sim/printer", {"paper": "in"})
        assert printer.paper_status() is PaperStatus.OK
    finally:
        printer.close()


def test_a_face_presented_is_the_test_photo_behind_the_camera_link(devices: Devices) -> None:
    assert "obama_1" in devices.ok("GET", "/_sim/faces")["faces"]
    devices.ok("POST", "/_sim/camera", {"face": "obama_1"})
    assert (devices.links / "camera").resolve() == REPO / "tests/data/faces/obama_1.jpg"
    devices.ok("POST", "/_sim/camera", {"face": None})
    assert not (devices.links / "camera").exists()


@pytest.mark.parametrize(
    ("method", "path", "body", "status"),
    [
        ("POST", "/_sim/card", {"psn_no": "44039999999999999999"}, 404),
        ("POST", "/_sim/card", {}, 400),
        ("POST", "/_sim/card", {"psn_no": HU_JUN, "card": 5}, 404),
        ("POST", "/_sim/scan", {"text": ""}, 400),
        ("POST", "/_sim/scan", {"text": "two\nlines"}, 400),
        ("POST", "/_sim/printer", {"paper": "maybe"}, 400),
        ("POST", "/_sim/camera", {"face": "../../etc/passwd"}, 404),
        ("GET", "/_sim/card", None, 405),
        ("GET", "/_sim/nothing", None, 404),
    ],
)
def test_a_request_that_cannot_be_done_is_refused_in_words(
    devices: Devices, method: str, path: str, body: dict[str, Any] | None, status: int
) -> None:
    answer = devices.call(method, path, body)
    assert answer.status_code == status
    assert answer.json()["ok"] is False and answer.json()["error"]


def test_a_body_that_is_not_a_json_object_is_refused(devices: Devices) -> None:
    answer = requests.post(devices.url + "/_sim/scan", data=b"[1, 2]", timeout=10)
    assert answer.status_code == 400
