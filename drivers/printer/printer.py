"""The receipt printer on a serial port, through python-escpos's `Serial` printer.

Before a receipt is sent the printer is asked for its paper sensor (``DLE EOT 4``, answered in
real time even while printing); no paper is `PaperOutError` before anything is printed, and
asking again afterwards catches a roll that ran out mid-receipt. Silence is not "plenty of
paper" (python-escpos's `paper_status()` reads it that way): it is `PrinterNotAnsweringError`.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from drivers.base import Device, HealthLevel, NoHardwareError
from drivers.printer.errors import PaperOutError, PrinterNotAnsweringError
from drivers.printer.receipt import Receipt, Slip, layout, layout_slip
from drivers.printer.sample import sample_receipt

INSTALL_HINT = "install the Python packages python-escpos and pyserial"
PAPER_END_BITS = 0x60  # DLE EOT 4: bits 5 and 6, roll end sensor
PAPER_LOW_BITS = 0x0C  # bits 2 and 3, roll near-end sensor


class PaperStatus(enum.Enum):
    OK = "ok"
    LOW = "low"
    OUT = "out"


def _escpos() -> Any:
    try:
        import escpos.constants
        import escpos.exceptions
        import escpos.printer
    except ImportError as err:  # pragma: no cover - depends on the installation
        raise NoHardwareError(f"python-escpos is missing ({err})", action=INSTALL_HINT) from None
    return escpos


def receipt_bytes(receipt: Receipt, width: int = 32) -> bytes:
    """The exact bytes a receipt is printed as (python-escpos `Dummy` records them)."""
    dummy = _escpos().printer.Dummy()
    layout(receipt, dummy, width)
    return bytes(dummy.output)


def slip_bytes(slip: Slip, width: int = 32) -> bytes:
    """The exact bytes a failure slip is printed as."""
    dummy = _escpos().printer.Dummy()
    layout_slip(slip, dummy, width)
    return bytes(dummy.output)


class ReceiptPrinter(Device):
    kind = "escpos-serial"

    def __init__(
        self,
        name: str,
        *,
        port: str,
        baudrate: int = 9600,
        width: int = 32,
        status_timeout: float = 0.5,
    ) -> None:
        super().__init__(name)
        self.port = port
        self.baudrate = baudrate
        self.width = width
        self.status_timeout = status_timeout
        self._printer: Any = None

    def _on_open(self) -> None:
        _escpos()

    def _on_claim(self) -> None:
        escpos = _escpos()
        printer = escpos.printer.Serial(
            devfile=self.port, baudrate=self.baudrate, timeout=self.status_timeout, dsrdtr=False
        )
        try:
            printer.open()
        except escpos.exceptions.DeviceNotFoundError as err:
            raise NoHardwareError(f"cannot open {self.port}: {err}") from None
        self._printer = printer

    def _on_release(self) -> None:
        if self._printer is not None:
            self._printer.close()
        self._printer = None

    def paper_status(self) -> PaperStatus:
        self._require_enabled("ask for paper")
        return self.thread.call(self._paper_status)

    def print_receipt(self, receipt: Receipt) -> None:
        self._require_enabled("print")
        data = receipt_bytes(receipt, self.width)
        self.thread.call(self._print, data)

    def print_slip(self, slip: Slip) -> None:
        """A failure slip for the staffed window (paper checked as for a receipt)."""
        self._require_enabled("print")
        self.thread.call(self._print, slip_bytes(slip, self.width))

    def _paper_status(self) -> PaperStatus:
        self.thread.assert_owner()
        escpos = _escpos()
        device = self._printer.device
        device.reset_input_buffer()
        # python-escpos's query_status reads 16 bytes, i.e. always waits for the full timeout;
        # the answer is one byte, so read exactly that.
        self._printer._raw(escpos.constants.RT_STATUS_PAPER)
        answer = device.read(1)
        if not answer:
            raise PrinterNotAnsweringError(f"no status from {self.port} in {self.status_timeout} s")
        status = answer[-1]
        if status & PAPER_END_BITS:
            return PaperStatus.OUT
        if status & PAPER_LOW_BITS:
            return PaperStatus.LOW
        return PaperStatus.OK

    def _print(self, data: bytes) -> None:
        self.thread.assert_owner()
        with self._operation():
            if self._paper_status() is PaperStatus.OUT:
                raise PaperOutError("nothing was printed")
            self._printer._raw(data)
            self._printer.device.flush()
            if self._paper_status() is PaperStatus.OUT:
                raise PaperOutError("the roll ran out during the receipt: reprint it")

    def _health(self, level: HealthLevel) -> tuple[bool, str, dict[str, str]]:
        details = {"port": self.port}
        if level is HealthLevel.INTERNAL:
            return True, f"port {self.port} open", details
        paper = self._paper_status()
        details["paper"] = paper.value
        if paper is PaperStatus.OUT:
            return False, "out of paper: load a new roll", details
        if level is HealthLevel.INTERACTIVE:
            self._printer._raw(receipt_bytes(sample_receipt(datetime.now()), self.width))
            return True, "a sample receipt was printed: check that it is legible", details
        return True, f"printer answers; paper {paper.value}", details
