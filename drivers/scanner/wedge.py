"""A keyboard-wedge (USB HID) scanner read with evdev and grabbed.

Grabbing (EVIOCGRAB) makes the kernel deliver the scanner's keys to us only, so a scan never
leaks into whatever widget has focus. The device is found by its event path or by a substring
of its name (scanners announce themselves, e.g. "Honeywell Scanner"). Reading is a poll on the
device thread, like the serial scanner.
"""

from __future__ import annotations

import contextlib
import select
import time
from typing import Any

from drivers.base import Device, DeviceErrorEvent, DeviceStatus, HealthLevel, NoHardwareError
from drivers.scanner.classify import classify
from drivers.scanner.errors import WedgeGrabError
from drivers.scanner.events import Scanned
from drivers.scanner.keymap import KeyDecoder
from drivers.serialport import io_error

INSTALL_HINT = "install the Python package evdev (`pip install evdev`) on Linux"
POLL_S = 0.02
EV_KEY = 1


def _evdev() -> Any:
    try:
        import evdev
    except ImportError as err:  # pragma: no cover - depends on the installation
        raise NoHardwareError(f"evdev is missing ({err})", action=INSTALL_HINT) from None
    return evdev


def find_input_device(path: str, name: str) -> str:
    """The event path of the device: ``path`` itself, or the first whose name has ``name``."""
    if path:
        return path
    evdev = _evdev()
    for candidate in evdev.list_devices():
        device = evdev.InputDevice(candidate)
        try:
            if name.lower() in device.name.lower():
                return candidate
        finally:
            device.close()
    raise NoHardwareError(f"no input device named like {name!r}")


class WedgeScanner(Device):
    kind = "evdev"

    def __init__(self, name: str, *, path: str = "", device_name: str = "") -> None:
        super().__init__(name)
        if not path and not device_name:
            raise ValueError("a wedge scanner needs a path or a device name")
        self.path = path
        self.device_name = device_name
        self._device: Any = None
        self._decoder = KeyDecoder()
        self._reading = False

    def _on_open(self) -> None:
        _evdev()

    def _on_claim(self) -> None:
        evdev = _evdev()
        path = find_input_device(self.path, self.device_name)
        try:
            self._device = evdev.InputDevice(path)
        except OSError as err:
            raise NoHardwareError(f"cannot open {path}: {err}") from None
        try:
            self._device.grab()
        except OSError as err:
            self._device.close()
            self._device = None
            raise WedgeGrabError(f"{path}: {err}") from None

    def _on_enable(self) -> None:
        self._reading = True
        self.thread.submit(self._poll)

    def _on_disable(self) -> None:
        self._reading = False

    def _on_release(self) -> None:
        if self._device is not None:
            with contextlib.suppress(OSError):  # unplugged: nothing left to release
                self._device.ungrab()
            self._device.close()
        self._device = None

    def _poll(self) -> None:
        self.thread.assert_owner()
        if not self._reading or self._device is None:
            return
        try:
            ready, _, _ = select.select([self._device.fd], [], [], POLL_S)
            events = list(self._device.read()) if ready else []
        except OSError as err:
            self._reading = False
            error = io_error(self._device.path, err)
            self._record_error(error)
            self._set_status(DeviceStatus.ERROR)
            self._emit(DeviceErrorEvent(self.name, error))
            return
        for event in events:
            if event.type != EV_KEY:
                continue
            text = self._decoder.feed(event.code, event.value)
            if text:
                self._count_operation()
                self._emit(Scanned(self.name, classify(text), time.monotonic()))
        self.thread.submit(self._poll)

    def _health(self, level: HealthLevel) -> tuple[bool, str, dict[str, str]]:
        path = self._device.path if self._device is not None else self.path
        details = {"path": path, "grabbed": "true"}
        if level is HealthLevel.INTERACTIVE:
            return True, "scan any code now: it is shown as a scan event", details
        return True, f"{path} grabbed, reading", details
