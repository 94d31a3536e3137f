"""Every simulator of one world as child programs: the platform with its HIS, the payment
gateway, and the devices with their control API (the demo, the black-box tests).

Each is started as a program and announces itself with `listening on URL`
(`terminal.services`); the devices also print the `[devices]` table and the environment a
terminal needs to reach their private pcscd, which `environment` hands on. Everything binds
127.0.0.1. `stop` ends them newest first, each even if another fails.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from simulators.controls import SimulatorControls, SimulatorUrls
from terminal.services import ServiceProcess, python_module_argv

REPO = Path(__file__).resolve().parents[1]
DEFAULT_WORLD = REPO / "simulators" / "worlds" / "default.json"


@dataclass
class SimulatorStack:
    platform: ServiceProcess
    gateway: ServiceProcess
    devices: ServiceProcess
    devices_table: dict[str, Any]
    device_environment: dict[str, str]

    @classmethod
    def start(
        cls, workdir: Path, *, world: Path = DEFAULT_WORLD, links: Path, card: bool = True
    ) -> SimulatorStack:
        """Start all three in ``workdir`` (their databases), device links in ``links``."""
        workdir.mkdir(parents=True, exist_ok=True)
        started: list[ServiceProcess] = []
        try:
            started.append(ServiceProcess.start(
                python_module_argv("simulators.central", "--world", str(world),
                                   "--db", str(workdir / "central.db"),
                                   "--host", "127.0.0.1", "--port", "0"),
                name="platform simulator", cwd=REPO,
            ))
            started.append(ServiceProcess.start(
                python_module_argv("simulators.paygate", "--db", str(workdir / "pay.db"),
                                   "--host", "127.0.0.1", "--port", "0"),
                name="payment gateway simulator", cwd=REPO,
            ))
            devices, document = _start_devices(world, links, card)
            started.append(devices)
        except BaseException:
            for service in reversed(started):
                service.stop()
            raise
        return cls(started[0], started[1], devices, document["devices"],
                   document["environment"])

    @property
    def urls(self) -> SimulatorUrls:
        return SimulatorUrls(self.platform.url, self.gateway.url, self.devices.url)

    def controls(self) -> SimulatorControls:
        return SimulatorControls(self.urls)

    def stop(self) -> None:
        for service in (self.devices, self.gateway, self.platform):
            with contextlib.suppress(Exception):
                service.stop()

    def __enter__(self) -> SimulatorStack:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _start_devices(world: Path, links: Path, card: bool) -> tuple[ServiceProcess, Any]:
    """The devices print their table on the line before `listening on`: read it back from the
    control API, which serves the same table (one source, not a second parser of stdout)."""
    argv = python_module_argv("simulators.devices", "--world", str(world), "--links", str(links),
                              "--control-port", "0", *(["--card"] if card else []))
    service = ServiceProcess.start(argv, name="device simulators", cwd=REPO)
    try:
        state = SimulatorControls(SimulatorUrls("", "", service.url)).devices_state()
    except BaseException:
        service.stop()
        raise
    return service, state
