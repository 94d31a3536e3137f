"""The receipt printer driver over a pty against the printer simulator."""

from __future__ import annotations

import time

import pytest

from drivers.base import HealthLevel
from drivers.printer.errors import PaperOutError, PrinterNotAnsweringError
from drivers.printer.printer import PaperStatus, ReceiptPrinter, receipt_bytes
from drivers.printer.sample import sample_receipt
from simulators.devices.printer import PrinterSimulator

RECEIPT = sample_receipt()


def wait_for_bytes(sim: PrinterSimulator, count: int, timeout: float = 3.0) -> None:
    end = time.monotonic() + timeout
    while len(sim.received) < count and time.monotonic() < end:
        time.sleep(0.01)


def test_printed_bytes_are_exactly_the_receipt(
    printer: ReceiptPrinter, printer_sim: PrinterSimulator
) -> None:
    printer.print_receipt(RECEIPT)
    expected = receipt_bytes(RECEIPT)
    wait_for_bytes(printer_sim, len(expected))
    assert bytes(printer_sim.received) == expected


def test_paper_status_is_read_from_the_printer(
    printer: ReceiptPrinter, printer_sim: PrinterSimulator
) -> None:
    assert printer.paper_status() is PaperStatus.OK
    printer_sim.paper_out = True
    assert printer.paper_status() is PaperStatus.OUT


def test_no_paper_refuses_before_printing(
    printer: ReceiptPrinter, printer_sim: PrinterSimulator
) -> None:
    printer_sim.paper_out = True
    with pytest.raises(PaperOutError, match="nothing was printed"):
        printer.print_receipt(RECEIPT)
    assert printer_sim.received == b""


def test_paper_running_out_mid_receipt_says_reprint(
    printer: ReceiptPrinter, printer_sim: PrinterSimulator
) -> None:
    printer_sim.run_out_after = 100
    with pytest.raises(PaperOutError, match="reprint"):
        printer.print_receipt(RECEIPT)


def test_silent_printer_is_not_answering(
    printer: ReceiptPrinter, printer_sim: PrinterSimulator
) -> None:
    printer_sim.silent = True
    with pytest.raises(PrinterNotAnsweringError):
        printer.print_receipt(RECEIPT)
    assert printer.statistics().errors == 1


def test_health_external_reports_paper(
    printer: ReceiptPrinter, printer_sim: PrinterSimulator
) -> None:
    result = printer.check_health(HealthLevel.EXTERNAL)
    assert result.ok and result.details["paper"] == "ok"
    printer_sim.paper_out = True
    result = printer.check_health(HealthLevel.EXTERNAL)
    assert not result.ok and "out of paper" in result.text
