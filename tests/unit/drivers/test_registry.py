"""Devices from the [devices] table: the right driver, or an error naming the key."""

from __future__ import annotations

import pytest

from drivers.base import DeviceConfigError, DeviceStatus, NoHardwareError
from drivers.idcard.reader import IdCardReader
from drivers.printer.printer import ReceiptPrinter
from drivers.registry import DeviceKind, Option, UnavailableDevice, build_device, build_devices
from drivers.scanner.serial_scanner import SerialScanner
from drivers.scanner.wedge import WedgeScanner
from drivers.smartcard.reader import SocialSecurityCardReader
from kernel.errors import ConfigError


def test_full_table_builds_each_driver() -> None:
    devices = build_devices(
        {
            "card": {"kind": "pcsc", "reader": "Virtual PCD"},
            "idcard": {"kind": "serial", "port": "/dev/ttyUSB0"},
            "scanner": {"kind": "serial", "port": "/dev/ttyACM0", "terminator": "CRLF"},
            "wedge": {"role": "scanner", "kind": "evdev", "device_name": "Scanner"},
            "printer": {"kind": "escpos-serial", "port": "/dev/ttyUSB1", "width": 48},
        }
    )
    assert [type(d) for d in devices.values()] == [
        SocialSecurityCardReader,
        IdCardReader,
        SerialScanner,
        WedgeScanner,
        ReceiptPrinter,
    ]
    assert isinstance(devices["printer"], ReceiptPrinter) and devices["printer"].width == 48


@pytest.mark.parametrize(
    ("name", "entry", "message"),
    [
        ("idcard", {"kind": "serial"}, "devices.idcard.port: missing"),
        ("idcard", {"port": "/dev/x"}, "devices.idcard.kind: missing"),
        ("idcard", {"kind": "usb", "port": "/dev/x"}, "devices.idcard.kind: 'usb'"),
        ("fax", {"kind": "serial"}, "devices.fax: unknown device role 'fax'"),
        ("idcard", {"kind": "serial", "port": "/x", "baud": 9600}, "devices.idcard.baud: unknown"),
        ("idcard", {"kind": "serial", "port": "/x", "baudrate": "fast"}, "baudrate: expected int"),
        ("scanner", {"kind": "serial", "port": "/x", "terminator": "TAB"}, "terminator: 'TAB'"),
        ("scanner", {"kind": "evdev"}, "devices.scanner: a wedge scanner needs"),
        ("printer", "escpos", "devices.printer: expected a table"),
    ],
)
def test_config_mistakes_name_the_key(name: str, entry: object, message: str) -> None:
    with pytest.raises(DeviceConfigError, match=message) as caught:
        build_device(name, entry)  # type: ignore[arg-type]
    assert isinstance(caught.value, ConfigError)


def test_driver_that_cannot_be_imported_reports_no_hardware_and_what_to_install() -> None:
    kinds = (DeviceKind("camera", "usb", "drivers.no_such_module:Camera", {}, "pip install X"),)
    device = build_device("camera", {"kind": "usb"}, kinds)
    assert isinstance(device, UnavailableDevice)
    assert device.status is DeviceStatus.NO_HARDWARE
    health = device.check_health()
    assert not health.ok and "pip install X" in health.text
    device.open()
    try:
        with pytest.raises(NoHardwareError):
            device.claim()
    finally:
        device.close()


def test_options_take_their_defaults() -> None:
    kinds = (DeviceKind("idcard", "serial", "drivers.idcard.reader:IdCardReader",
                        {"port": Option(str), "baudrate": Option(int, 57600)}),)  # fmt: skip
    device = build_device("idcard", {"kind": "serial", "port": "/dev/ttyS1"}, kinds)
    assert isinstance(device, IdCardReader) and device.baudrate == 57600
