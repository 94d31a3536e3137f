"""A scanner on a serial port (USB-CDC): scans arrive as text plus a terminator.

The device thread polls the port in short reads and requeues itself while enabled, so other
calls (health checks, disable) interleave with reading on the one owning thread.
"""

from __future__ import annotations

import time
from typing import Any

from drivers.base import Device, DeviceErrorEvent, DeviceStatus, HealthLevel
from drivers.scanner.classify import classify
from drivers.scanner.errors import ScanError
from drivers.scanner.events import Scanned
from drivers.scanner.lines import LineSplitter, Terminator
from drivers.serialport import io_error, open_serial, serial_module

POLL_S = 0.02


class SerialScanner(Device):
    kind = "serial"

    def __init__(
        self,
        name: str,
        *,
        port: str,
        baudrate: int = 9600,
        terminator: str = "CR",
        encoding: str = "utf-8",
    ) -> None:
        super().__init__(name)
        self.port = port
        self.baudrate = baudrate
        self._splitter = LineSplitter(Terminator.parse(terminator), encoding)
        self._serial: Any = None
        self._reading = False

    def _on_open(self) -> None:
        serial_module()

    def _on_claim(self) -> None:
        self._serial = open_serial(self.port, self.baudrate, timeout=POLL_S)

    def _on_enable(self) -> None:
        self._reading = True
        self.thread.submit(self._poll)

    def _on_disable(self) -> None:
        self._reading = False

    def _on_release(self) -> None:
        if self._serial is not None:
            self._serial.close()
        self._serial = None

    def _poll(self) -> None:
        self.thread.assert_owner()
        if not self._reading or self._serial is None:
            return
        serial = serial_module()
        try:
            chunk = self._serial.read(max(1, self._serial.in_waiting))
        except (serial.SerialException, OSError) as err:
            self._reading = False
            error = io_error(self.port, err)
            self._record_error(error)
            self._set_status(DeviceStatus.ERROR)
            self._emit(DeviceErrorEvent(self.name, error))
            return
        if chunk:
            self._deliver(chunk)
        self.thread.submit(self._poll)

    def _deliver(self, chunk: bytes) -> None:
        ended = time.monotonic()
        for item in self._splitter.feed(chunk):
            self._count_operation()
            if isinstance(item, ScanError):
                self._record_error(item)
                self._emit(DeviceErrorEvent(self.name, item))
            else:
                self._emit(Scanned(self.name, classify(item), ended))

    def _health(self, level: HealthLevel) -> tuple[bool, str, dict[str, str]]:
        details = {"port": self.port, "reading": str(self._reading).lower()}
        if not self._reading and self.status is DeviceStatus.ERROR:
            return False, f"port {self.port} failed: {self.statistics().last_error}", details
        if level is HealthLevel.INTERACTIVE:
            return True, "scan any code now: it is shown as a scan event", details
        return True, f"port {self.port} open, reading", details
