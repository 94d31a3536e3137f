"""The device bench: simulators configured through the registry exactly like hardware."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from drivers.idcard.reader import IdCardReader
from drivers.printer.printer import PaperStatus, ReceiptPrinter
from drivers.registry import build_devices
from simulators.devices.bench import DeviceBench

WORLD = Path(__file__).parents[3] / "simulators" / "worlds" / "default.json"
PERSON = json.loads(WORLD.read_text(encoding="utf-8"))["persons"][0]


def test_registry_drivers_reach_the_simulators_through_stable_links(tmp_path: Path) -> None:
    with DeviceBench(PERSON, link_dir=tmp_path / "dev") as bench:
        table = bench.devices_table()
        assert table["idcard"]["port"] == str(tmp_path / "dev" / "idcard")
        devices = build_devices(table)
        for device in devices.values():
            device.start()
        try:
            idcard, printer = devices["idcard"], devices["printer"]
            assert isinstance(idcard, IdCardReader) and isinstance(printer, ReceiptPrinter)
            assert idcard.read_card().id_number == PERSON["certno"]
            assert printer.paper_status() is PaperStatus.OK
        finally:
            for device in devices.values():
                device.close()


def test_command_prints_the_devices_table_then_its_readiness_line(tmp_path: Path) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "simulators.devices", "--world", str(WORLD)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        table = json.loads(process.stdout.readline())["devices"]
        assert process.stdout.readline().strip() == "listening on devices"
        assert Path(table["scanner"]["port"]).exists()
    finally:
        process.terminate()
        process.wait(timeout=10)
    assert process.returncode == 0


def test_card_on_the_bench_is_read_by_a_separate_process(tmp_path: Path) -> None:
    import os

    with DeviceBench(PERSON, card=True) as bench:
        assert bench.card is not None
        bench.card.insert()
        table = bench.devices_table()
        env = {**os.environ, **bench.environment()}
        result = subprocess.run(
            [sys.executable, "-m", "terminal.cli", "diag", "read-card", "--json", "--reader",
             table["card"]["reader"], "--pin", PERSON["cards"][0]["pin"], "--timeout", "10"],
            capture_output=True, text=True, timeout=60, env=env,
        )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["region"] == PERSON["cards"][0]["card_sn"][:6]
