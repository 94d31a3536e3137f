"""Devices built from the terminal configuration's ``[devices]`` table.

Each entry is named for its role (``card``, ``idcard``, ``scanner``, ``printer``; or any name
with an explicit ``role`` key, for a second scanner) and says its ``kind``:

    [devices.card]     kind = "pcsc"           reader = "Virtual PCD"   # "" = first reader
    [devices.idcard]   kind = "serial"         port = "/dev/ttyUSB0"
    [devices.scanner]  kind = "serial"         port = "/dev/ttyACM0"  terminator = "CR"
    [devices.scanner]  kind = "evdev"          device_name = "Scanner"  # or path = "/dev/input/..."
    [devices.printer]  kind = "escpos-serial"  port = "/dev/ttyUSB1"  width = 32
    [devices.camera]   kind = "file"           path = "clip.mp4"  # or kind = "qt" (ui/)

There is no "simulated" kind: a simulated device is the real driver pointed at a simulator's
transport (the vpcd reader, a pty path), so the code under test is the code in the field.

Every mistake is a `DeviceConfigError` naming the key (``devices.idcard.port``); unknown keys
are refused too, so a typo does not silently fall back to a default. Checking an entry
(`parse_entry`, which the configuration does at start) imports no driver, so a command that
uses no device pays nothing for them; `DeviceEntry.build` imports the driver and makes the
device. A driver module that cannot be imported (its library missing) gives an
`UnavailableDevice` that reports no_hardware and what to install, so the terminal still starts.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from drivers.base import Device, DeviceConfigError, NoHardwareError


@dataclass(frozen=True)
class Option:
    type: type | tuple[type, ...]
    default: Any = None  # None: required
    choices: tuple[Any, ...] = ()
    is_path: bool = False  # a file or device path: the configuration resolves relative ones

    def from_text(self, text: str) -> Any:
        """An environment override's text as this option's type (left as text if it is not
        one, so the check that follows names the key)."""
        types = self.type if isinstance(self.type, tuple) else (self.type,)
        if int in types and re.fullmatch(r"\s*-?\d{1,18}\s*", text):
            return int(text)
        if float in types:
            try:
                return float(text)
            except ValueError:
                return text
        return text


@dataclass(frozen=True)
class DeviceKind:
    """One (role, kind) the registry can build: the driver class by dotted path, its options."""

    role: str
    kind: str
    driver: str  # "package.module:Class"
    options: Mapping[str, Option] = field(default_factory=dict)
    install_hint: str = ""


_NUMBER = (int, float)

DEVICE_KINDS: tuple[DeviceKind, ...] = (
    DeviceKind(
        "card",
        "pcsc",
        "drivers.smartcard.reader:SocialSecurityCardReader",
        {"reader": Option(str, "")},
        "pip install pyscard; apt-get install pcscd",
    ),
    DeviceKind(
        "idcard",
        "serial",
        "drivers.idcard.reader:IdCardReader",
        {
            "port": Option(str, is_path=True),
            "baudrate": Option(int, 115200),
            "timeout": Option(_NUMBER, 3.0),
        },
        "pip install pyserial",
    ),
    DeviceKind(
        "scanner",
        "serial",
        "drivers.scanner.serial_scanner:SerialScanner",
        {
            "port": Option(str, is_path=True),
            "baudrate": Option(int, 9600),
            "terminator": Option(str, "CR", ("CR", "LF", "CRLF")),
            "encoding": Option(str, "utf-8", ("utf-8", "gbk")),
        },
        "pip install pyserial",
    ),
    DeviceKind(
        "scanner",
        "evdev",
        "drivers.scanner.wedge:WedgeScanner",
        {"path": Option(str, "", is_path=True), "device_name": Option(str, "")},
        "pip install evdev",
    ),
    DeviceKind(
        "printer",
        "escpos-serial",
        "drivers.printer.printer:ReceiptPrinter",
        {
            "port": Option(str, is_path=True),
            "baudrate": Option(int, 9600),
            "width": Option(int, 32, (32, 48)),
            "status_timeout": Option(_NUMBER, 0.5),
        },
        "pip install python-escpos pyserial",
    ),
    DeviceKind(
        "camera",
        "file",
        "drivers.camera.file_source:file_camera",
        {
            "path": Option(str, is_path=True),
            "width": Option(int, 640),
            "height": Option(int, 480),
            "fps": Option(_NUMBER, 15.0),
        },
        "pip install opencv-python-headless numpy",
    ),
    # The Qt camera lives in ui/ (the core has no Qt): the screens open it, not the registry.
    DeviceKind(
        "camera",
        "qt",
        "drivers.registry:qt_camera_elsewhere",
        {"device": Option(str, "")},
        "start the kiosk screens, which open the Qt camera",
    ),
)


def qt_camera_elsewhere(name: str, device: str = "") -> Device:
    """A Qt camera entry seen outside the screens: listed, but opened only by the UI."""
    return UnavailableDevice(
        name,
        "qt",
        f"Qt camera {device or '(default)'} is opened by the screens",
        "use it from the screens",
    )


class UnavailableDevice(Device):
    """A configured device whose driver cannot be loaded: reports no_hardware, and why."""

    def __init__(self, name: str, kind: str, reason: str, install_hint: str) -> None:
        super().__init__(name)
        self.kind = kind
        self.install_hint = install_hint
        self._mark_no_hardware(f"{reason}; to fix: {install_hint}")

    def _on_claim(self) -> None:
        raise NoHardwareError(self.statistics().last_error or "", action=self.install_hint)


def _validate(name: str, entry: Mapping[str, Any], spec: DeviceKind) -> dict[str, Any]:
    known = {"kind", "role", *spec.options}
    for key in entry:
        if key not in known:
            raise DeviceConfigError(
                f"devices.{name}.{key}: unknown key for a {spec.kind} {spec.role} "
                f"(known: {', '.join(sorted(known))})"
            )
    values: dict[str, Any] = {}
    for key, option in spec.options.items():
        where = f"devices.{name}.{key}"
        if key not in entry:
            if option.default is None:
                raise DeviceConfigError(f"{where}: missing")
            values[key] = option.default
            continue
        value = entry[key]
        if isinstance(value, bool) or not isinstance(value, option.type):
            wanted = getattr(option.type, "__name__", "number")
            raise DeviceConfigError(f"{where}: expected {wanted}, got {value!r}")
        if option.choices and value not in option.choices:
            choices = ", ".join(map(str, option.choices))
            raise DeviceConfigError(f"{where}: {value!r} is not one of {choices}")
        values[key] = value
    return values


@dataclass(frozen=True)
class DeviceEntry:
    """One checked ``[devices.<name>]`` entry: which driver, with which options (all present,
    defaults filled in). A value: building it makes a new, unopened device each time."""

    name: str
    spec: DeviceKind
    options: Mapping[str, Any]

    @property
    def role(self) -> str:
        return self.spec.role

    @property
    def kind(self) -> str:
        return self.spec.kind

    def build(self) -> Device:
        """The device (not opened); the driver module is imported here, not before."""
        module_name, _, class_name = self.spec.driver.partition(":")
        try:
            driver = getattr(importlib.import_module(module_name), class_name)
        except ImportError as err:
            return UnavailableDevice(
                self.name, self.kind, f"driver not loadable ({err})", self.spec.install_hint
            )
        try:
            device: Device = driver(self.name, **self.options)
        except ValueError as err:
            raise DeviceConfigError(f"devices.{self.name}: {err}") from None
        return device


def spec_of(
    name: str, entry: Mapping[str, Any], kinds: tuple[DeviceKind, ...] = DEVICE_KINDS
) -> DeviceKind:
    """Which (role, kind) an entry asks for; `DeviceConfigError` naming the key if none."""
    if not isinstance(entry, Mapping):
        raise DeviceConfigError(f"devices.{name}: expected a table")
    role = entry.get("role", name)
    roles = sorted({k.role for k in kinds})
    if role not in roles:
        raise DeviceConfigError(
            f"devices.{name}: unknown device role {role!r} (known: {', '.join(roles)}; or set role)"
        )
    kind = entry.get("kind")
    if kind is None:
        raise DeviceConfigError(f"devices.{name}.kind: missing")
    matching = [k for k in kinds if k.role == role and k.kind == kind]
    if not matching:
        valid = ", ".join(k.kind for k in kinds if k.role == role)
        raise DeviceConfigError(f"devices.{name}.kind: {kind!r} is not a {role} kind ({valid})")
    return matching[0]


def parse_entry(
    name: str, entry: Mapping[str, Any], kinds: tuple[DeviceKind, ...] = DEVICE_KINDS
) -> DeviceEntry:
    """Check one ``[devices.<name>]`` entry without importing its driver."""
    spec = spec_of(name, entry, kinds)
    return DeviceEntry(name, spec, MappingProxyType(_validate(name, entry, spec)))


def build_device(
    name: str, entry: Mapping[str, Any], kinds: tuple[DeviceKind, ...] = DEVICE_KINDS
) -> Device:
    """One device from its ``[devices.<name>]`` entry (not opened)."""
    return parse_entry(name, entry, kinds).build()


def build_devices(
    table: Mapping[str, Any], kinds: tuple[DeviceKind, ...] = DEVICE_KINDS
) -> dict[str, Device]:
    """Every device of the ``[devices]`` table, by name, in the table's order (none opened)."""
    return {name: build_device(name, entry, kinds) for name, entry in table.items()}
