"""`Terminal`, the composition root, builds the devices, the face service and the forwarder
from the configuration, and closes all of them: here against the device simulators, a real
journal and the real face models."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from types import MappingProxyType

import pytest

from drivers.base import Device, DeviceError, LifeCycle
from drivers.idcard.reader import IdCardReader
from drivers.printer.printer import ReceiptPrinter
from drivers.registry import DeviceEntry, DeviceKind
from offline_store.ownership import ForwarderBusy
from simulators.devices.bench import DeviceBench
from terminal.app import Terminal
from terminal.config import TerminalConfig, load_config

REPO = Path(__file__).resolve().parents[3]
WORLD = REPO / "simulators" / "worlds" / "default.json"
PERSON = json.loads(WORLD.read_text(encoding="utf-8"))["persons"][0]


@pytest.fixture
def bench(tmp_path: Path) -> Iterator[DeviceBench]:
    with DeviceBench(PERSON, link_dir=tmp_path / "dev") as running:
        yield running


@pytest.fixture
def config(tmp_path: Path, bench: DeviceBench) -> TerminalConfig:
    """The demo kiosk, its journal in `tmp_path`, its devices the bench's simulators."""
    overrides = {("store", "data_dir"): str(tmp_path / "data")}
    for name, entry in bench.devices_table().items():
        overrides[("devices", name, "port")] = entry["port"]
    return load_config(REPO / "packaging" / "terminal.demo.toml", env={}, overrides=overrides)


def test_nothing_is_built_before_it_is_used(config: TerminalConfig) -> None:
    with Terminal.open(config):
        pass
    assert not config.store.data_dir.exists()  # not even the journal was opened


def test_the_configured_devices_are_built_by_the_registry(config: TerminalConfig) -> None:
    with Terminal.open(config, devices=True) as terminal:
        devices = terminal.devices
        assert list(devices) == ["idcard", "scanner", "printer"]
        idcard, printer = devices["idcard"], devices["printer"]
        assert isinstance(idcard, IdCardReader) and isinstance(printer, ReceiptPrinter)
        idcard.start()
        assert idcard.read_card().id_number == PERSON["certno"]


def test_closing_the_terminal_closes_its_started_devices(config: TerminalConfig) -> None:
    terminal = Terminal.open(config, devices=True)
    for device in terminal.devices.values():
        device.start()
    assert {d.state for d in terminal.devices.values()} == {LifeCycle.ENABLED}
    terminal.close()
    assert {d.state for d in terminal.devices.values()} == {LifeCycle.CLOSED}


def test_the_running_forwarder_is_stopped_with_the_terminal(config: TerminalConfig) -> None:
    with Terminal.open(config, forwarder=True) as first:
        assert first.running_forwarder is not None
        with Terminal.open(config) as second, pytest.raises(ForwarderBusy):
            second.start_forwarder()  # one forwarder per journal: the first still runs
    with Terminal.open(config, forwarder=True) as third:  # the first one let go of it
        assert third.running_forwarder is not None


def test_the_face_service_is_built_with_the_face_section_and_shut_down_on_close(
    config: TerminalConfig,
) -> None:
    config = replace(config, face=replace(config.face, threshold=0.5))
    with Terminal.open(config, face=True) as terminal:
        service = terminal.face
        assert service.engine.settings.threshold == 0.5
        assert service.engine.models.get(timeout=120) is not None  # the real models load
    with pytest.raises(RuntimeError):  # its worker is gone
        service.capture_live(source=None)  # type: ignore[arg-type]


class _StuckPrinter(Device):
    """A device whose close fails, as a driver whose port hangs up badly would."""

    kind = "stuck"

    def _on_close(self) -> None:
        raise DeviceError("the port would not close")


def test_a_part_that_fails_to_close_does_not_keep_the_others_open(
    config: TerminalConfig,
) -> None:
    stuck = DeviceEntry(
        "stuck",
        DeviceKind("printer", "stuck", f"{__name__}:_StuckPrinter"),
        MappingProxyType({}),
    )
    config = replace(config, devices=MappingProxyType({**config.devices, "stuck": stuck}))
    terminal = Terminal.open(config, devices=True, forwarder=True)
    for device in terminal.devices.values():
        device.start()
    with pytest.raises(DeviceError, match="would not close"):
        terminal.close()
    assert {d.state for d in terminal.devices.values()} == {LifeCycle.CLOSED}
    with Terminal.open(config, forwarder=True):  # the forwarder stopped and let go too
        pass
