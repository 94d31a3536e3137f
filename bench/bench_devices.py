"""Device latency: card through pcscd + vpcd, ID card over a pty, scan to classified event.

    .venv/bin/python -m bench.bench_devices [--rounds N]

Each measurement runs against a baseline in the same run, medians reported:

- card: `read_identity` (select, EF05, VERIFY, EF06 through the driver, its thread and codec)
  against raw pyscard transmits of the same APDUs on one connection; plus the time from the
  virtual card connecting to vpcd until the driver's `CardInserted` (pcscd's and vpcd's
  polling, not our code) and the total insertion -> identity.
- ID card: `read_card` (find, select, read; frame parsing and validation) against raw pyserial
  writes of the same requests and reads of the same answer byte counts. ptys do not pace at a
  baud rate, so the 115200-baud line time is computed: bytes x 10 bits / 115200.
- scan: simulator write -> `Scanned` event at a subscriber, against a raw pyserial read of the
  same bytes up to the terminator; line time at 9600 and 115200 baud computed the same way.
"""

from __future__ import annotations

import argparse
import queue
import statistics
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

import serial

from drivers.base import DeviceEvent
from drivers.idcard import frames
from drivers.idcard.reader import IdCardReader
from drivers.scanner.events import Scanned
from drivers.scanner.serial_scanner import SerialScanner
from drivers.smartcard import codec
from drivers.smartcard.reader import CardInserted, SocialSecurityCardReader
from simulators.devices.card import CardData, VirtualCard, VpcdCard
from simulators.devices.idreader import IdCardFace, IdReaderSimulator
from simulators.devices.pcscd import Pcscd
from simulators.devices.scanner import ScannerSimulator

CARD = CardData(
    card_no="A12345678",
    card_sn="44030000000000000000000000000001",
    version="3.00",
    pin="123456",
    expires=date(2030, 12, 31),
    certno="440301199001011234",
    name="张三丰",
    sex="1",
    birth_date=date(1990, 1, 1),
)


def ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def timed(fn: Callable[[], object], rounds: int) -> list[float]:
    out = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


# ---------------------------------------------------------------------------- card


def bench_card(rounds: int) -> dict[str, float]:
    from smartcard.System import readers

    with tempfile.TemporaryDirectory() as workdir:
        daemon = Pcscd(Path(workdir))
        try:
            reader = SocialSecurityCardReader("card", reader=daemon.reader_name)
            inserted: queue.Queue[float] = queue.Queue()

            def on_event(event: DeviceEvent) -> None:
                if isinstance(event, CardInserted):
                    inserted.put(time.perf_counter())

            reader.subscribe(on_event)
            reader.start()
            card = VpcdCard(VirtualCard(CARD), port=daemon.port)
            detect, total = [], []
            for _ in range(max(5, rounds // 10)):
                start = time.perf_counter()
                card.insert()
                seen = inserted.get(timeout=5)
                reader.read_identity(pin=CARD.pin)
                done = time.perf_counter()
                detect.append(seen - start)
                total.append(done - start)
                card.remove()
                daemon.wait_empty()
            card.insert()
            reader.wait_for_card(5)
            driver = timed(lambda: reader.read_identity(pin=CARD.pin), rounds)
            reader.close()

            apdus = [codec.select_application()]
            apdus += [codec.read_record(codec.SFI_EF05, tag) for tag in codec.Ef05]
            apdus += [codec.verify_pin(CARD.pin)]
            apdus += [codec.read_record(codec.SFI_EF06, tag) for tag in codec.Ef06]
            raw_reader = next(r for r in readers() if str(r) == daemon.reader_name)

            def raw() -> None:
                connection = raw_reader.createConnection()
                connection.connect()
                for apdu in apdus:
                    connection.transmit(list(apdu))
                connection.disconnect()

            baseline = timed(raw, rounds)
            card.remove()
        finally:
            daemon.stop()
    return {
        "detect_ms": ms(detect),
        "insert_to_identity_ms": ms(total),
        "read_ms": ms(driver),
        "raw_ms": ms(baseline),
        "apdus": float(len(apdus)),
    }


# ---------------------------------------------------------------------------- ID card


def bench_idcard(rounds: int) -> dict[str, float]:
    sim = IdReaderSimulator(
        IdCardFace(name="张三丰", sex="1", id_number="11010519491231002X", birth_date="19491231")
    )
    commands = [
        frames.Command.FIND_CARD,
        frames.Command.SELECT_CARD,
        frames.Command.READ_TEXT_PHOTO,
    ]
    requests = [frames.build_request(c) for c in commands]
    answer_sizes = [len(frames.build_response(0x9F)), len(frames.build_response(0x90))]
    answer_sizes.append(len(frames.build_response(0x90, sim.card.encode())))  # type: ignore[union-attr]
    try:
        reader = IdCardReader("idcard", port=sim.path)
        reader.start()
        driver = timed(reader.read_card, rounds)
        reader.close()
        port = serial.Serial(sim.path, 115200, timeout=1)

        def raw() -> None:
            for request, size in zip(requests, answer_sizes, strict=True):
                port.write(request)
                port.read(size)

        baseline = timed(raw, rounds)
        port.close()
    finally:
        sim.close()
    line_bytes = sum(len(r) for r in requests) + sum(answer_sizes)
    return {
        "read_ms": ms(driver),
        "raw_ms": ms(baseline),
        "line_bytes": float(line_bytes),
        "line_ms": line_bytes * 10 / 115200 * 1000,
    }


# ---------------------------------------------------------------------------- scanner


def bench_scan(rounds: int, text: str) -> dict[str, float]:
    """Each round scans ``text`` with a distinct 4-digit suffix, so every event is matched to
    the write that caused it."""
    sim = ScannerSimulator()
    try:
        scanner = SerialScanner("scanner", port=sim.path)
        got: queue.Queue[tuple[float, str]] = queue.Queue()

        def on_event(event: DeviceEvent) -> None:
            if isinstance(event, Scanned):
                got.put((time.perf_counter(), event.scan.text))

        scanner.subscribe(on_event)
        scanner.start()
        driver = []
        for i in range(rounds):
            code = f"{text}{i:04d}"
            start = time.perf_counter()
            sim.scan(code)
            seen, scanned = got.get(timeout=2)
            assert scanned == code, "events out of step"
            driver.append(seen - start)
        scanner.close()
        port = serial.Serial(sim.path, 9600, timeout=1)
        baseline = []
        for i in range(rounds):
            code = f"{text}{i:04d}"
            start = time.perf_counter()
            sim.scan(code)
            line = port.read_until(b"\r")
            baseline.append(time.perf_counter() - start)
            assert line == code.encode() + b"\r"
        port.close()
    finally:
        sim.close()
    size = len(text.encode()) + 5
    return {
        "event_ms": ms(driver),
        "raw_ms": ms(baseline),
        "bytes": float(size),
        "line_9600_ms": size * 10 / 9600 * 1000,
        "line_115200_ms": size * 10 / 115200 * 1000,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=200)
    args = parser.parse_args()
    threading.current_thread().name = "bench"

    card = bench_card(args.rounds)
    print(
        f"card: insert->CardInserted {card['detect_ms']:.1f} ms, insert->identity "
        f"{card['insert_to_identity_ms']:.1f} ms; read_identity {card['read_ms']:.2f} ms vs raw "
        f"pyscard {card['raw_ms']:.2f} ms ({int(card['apdus'])} APDUs), "
        f"ratio {card['read_ms'] / card['raw_ms']:.2f}"
    )
    idcard = bench_idcard(args.rounds)
    print(
        f"idcard: read_card {idcard['read_ms']:.2f} ms vs raw pty {idcard['raw_ms']:.2f} ms, "
        f"ratio {idcard['read_ms'] / idcard['raw_ms']:.2f}; line time at 115200 "
        f"{idcard['line_ms']:.1f} ms for {int(idcard['line_bytes'])} bytes -> line share of a "
        f"real read {idcard['line_ms'] / (idcard['line_ms'] + idcard['read_ms']):.1%}"
    )
    for label, text in (("EAN-13-sized", "690123456"), ("voucher-sized", "E" * 400)):
        scan = bench_scan(args.rounds, text)
        print(
            f"scan {label}: event {scan['event_ms']:.2f} ms vs raw {scan['raw_ms']:.2f} ms "
            f"(beyond raw {scan['event_ms'] - scan['raw_ms']:.2f} ms); line time "
            f"{scan['line_9600_ms']:.1f} ms at 9600, {scan['line_115200_ms']:.1f} ms at 115200"
        )


if __name__ == "__main__":
    main()
