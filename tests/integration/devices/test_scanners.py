"""Scanners through real transports: the serial scanner over a pty, the wedge over uinput."""

from __future__ import annotations

import os
import queue
from collections.abc import Iterator
from pathlib import Path

import pytest

from drivers.base import DeviceErrorEvent, DeviceEvent, DeviceIOError, DeviceStatus
from drivers.scanner.classify import ScanKind
from drivers.scanner.errors import ScanDecodeError
from drivers.scanner.events import Scanned
from drivers.scanner.serial_scanner import SerialScanner
from simulators.devices.scanner import ScannerSimulator
from terminal import voucher
from terminal.sm2 import SM2KeyPair


def next_of(events: queue.Queue[DeviceEvent], kind: type, timeout: float = 3.0) -> DeviceEvent:
    while True:
        event = events.get(timeout=timeout)
        if isinstance(event, kind):
            return event


def running(sim: ScannerSimulator, **config: str) -> tuple[SerialScanner, queue.Queue]:
    events: queue.Queue[DeviceEvent] = queue.Queue()
    scanner = SerialScanner("scanner", port=sim.path, **config)
    scanner.subscribe(events.put)
    scanner.start()
    return scanner, events


@pytest.fixture
def sims() -> Iterator[list[ScannerSimulator]]:
    made: list[ScannerSimulator] = []
    yield made
    for sim in made:
        sim.close()


@pytest.mark.parametrize(
    ("terminator", "encoding", "text"),
    [("CR", "utf-8", "6901234567892"), ("LF", "gbk", "药品追溯"), ("CRLF", "utf-8", "码上放心")],
)
def test_serial_scan_arrives_classified(
    sims: list[ScannerSimulator], terminator: str, encoding: str, text: str
) -> None:
    sim = ScannerSimulator(terminator=terminator, encoding=encoding)
    sims.append(sim)
    scanner, events = running(sim, terminator=terminator, encoding=encoding)
    try:
        sim.scan(text)
        event = next_of(events, Scanned)
        assert isinstance(event, Scanned)
        assert event.scan.text == text
    finally:
        scanner.close()


def test_garbage_is_a_decode_error_and_scanning_goes_on(sims: list[ScannerSimulator]) -> None:
    sim = ScannerSimulator()
    sims.append(sim)
    scanner, events = running(sim)
    try:
        sim.send_raw(b"\xff\xfe\xfd\r")
        error = next_of(events, DeviceErrorEvent)
        assert isinstance(error, DeviceErrorEvent)
        assert isinstance(error.error, ScanDecodeError)
        sim.scan("81234567890123456789")
        scanned = next_of(events, Scanned)
        assert isinstance(scanned, Scanned)
        assert scanned.scan.kind is ScanKind.TRACEABILITY
        assert scanner.statistics().errors == 1
    finally:
        scanner.close()


def test_unplugged_scanner_reports_an_io_error_and_its_status(
    sims: list[ScannerSimulator],
) -> None:
    sim = ScannerSimulator()
    scanner, events = running(sim)
    try:
        sim.unplug()
        error = next_of(events, DeviceErrorEvent)
        assert isinstance(error, DeviceErrorEvent)
        assert isinstance(error.error, DeviceIOError)
        assert scanner.status is DeviceStatus.ERROR
        assert not scanner.check_health().ok
    finally:
        scanner.close()


def test_scanned_voucher_verifies_offline_once(
    sims: list[ScannerSimulator], tmp_path: Path
) -> None:
    key = SM2KeyPair.generate()
    now = 1_800_000_000
    code = voucher.mint(
        "k1",
        key.private_key_hex,
        key.public_key_hex,
        {"tok": "x" * 40, "iat": now, "exp": now + 60, "insuOrg": "440300", "mask": "张*",
         "idx": "aWR4"},
    )  # fmt: skip
    verifier = voucher.VoucherVerifier(
        voucher.load_platform_keys([{"kid": "k1", "public_key_hex": key.public_key_hex}]),
        voucher.ReplayCache(tmp_path / "replay.db"),
        clock=lambda: now + 5,
    )
    sim = ScannerSimulator()
    sims.append(sim)
    scanner, events = running(sim)
    try:
        for _ in range(2):
            sim.scan(code)
        first, second = next_of(events, Scanned), next_of(events, Scanned)
        assert isinstance(first, Scanned) and isinstance(second, Scanned)
        assert first.scan.kind is ScanKind.E_VOUCHER
        assert verifier.verify(first.scan.text).mask == "张*"
        with pytest.raises(voucher.VoucherReplayed):
            verifier.verify(second.scan.text)
    finally:
        scanner.close()


@pytest.mark.skipif(not os.path.exists("/dev/uinput"), reason="no /dev/uinput in this sandbox")
def test_wedge_scanner_reads_a_grabbed_uinput_keyboard() -> None:
    import evdev

    from drivers.scanner.keymap import key_events
    from drivers.scanner.wedge import WedgeScanner

    keys = [code for code, _ in key_events("6901234567892")]
    with evdev.UInput({evdev.ecodes.EV_KEY: sorted(set(keys))}, name="medterm test wedge") as ui:
        events: queue.Queue[DeviceEvent] = queue.Queue()
        scanner = WedgeScanner("wedge", device_name="medterm test wedge")
        scanner.subscribe(events.put)
        scanner.start()
        try:
            for code, value in key_events("6901234567892"):
                ui.write(evdev.ecodes.EV_KEY, code, value)
                ui.syn()
            scanned = next_of(events, Scanned)
            assert isinstance(scanned, Scanned)
            assert scanned.scan.kind is ScanKind.EAN13
        finally:
            scanner.close()


def test_scan_without_terminator_is_too_long_then_scanning_goes_on(
    sims: list[ScannerSimulator],
) -> None:
    from drivers.scanner.errors import ScanTooLongError

    sim = ScannerSimulator()
    sims.append(sim)
    scanner, events = running(sim)
    try:
        sim.send_raw(b"9" * 5000)
        error = next_of(events, DeviceErrorEvent)
        assert isinstance(error, DeviceErrorEvent)
        assert isinstance(error.error, ScanTooLongError)
        sim.send_raw(b"\r")  # the end of the over-long scan: dropped
        sim.scan("6901234567892")
        scanned = next_of(events, Scanned)
        assert isinstance(scanned, Scanned) and scanned.scan.text == "6901234567892"
    finally:
        scanner.close()
