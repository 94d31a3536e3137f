"""Opening a serial port (pyserial) the same way for every serial device.

A missing pyserial or a port that is not there is `NoHardwareError` naming the port and what to
install, so the terminal starts without the device and says why. Paths work for real ports
(/dev/ttyUSB0) and for the simulators' pseudo-terminals alike.
"""

from __future__ import annotations

from typing import Any

from drivers.base import DeviceIOError, NoHardwareError

INSTALL_HINT = "install the Python package pyserial (`pip install pyserial`)"


def serial_module() -> Any:
    try:
        import serial
    except ImportError as err:  # pragma: no cover - depends on the installation
        raise NoHardwareError(f"pyserial is missing ({err})", action=INSTALL_HINT) from None
    return serial


def open_serial(port: str, baudrate: int, timeout: float) -> Any:
    """An open `serial.Serial` in 8N1, or `NoHardwareError` if the port is not there."""
    serial = serial_module()
    try:
        return serial.Serial(port=port, baudrate=baudrate, timeout=timeout, exclusive=True)
    except serial.SerialException as err:
        raise NoHardwareError(f"cannot open {port}: {err}") from None


def io_error(port: str, err: Exception) -> DeviceIOError:
    """A transport failure in the middle of use (cable pulled, pty closed)."""
    return DeviceIOError(f"{port}: {err}")
