"""Typed errors of the receipt printer (E350-E359)."""

from __future__ import annotations

from drivers.base import DeviceError


class PrinterError(DeviceError):
    code = "E350"
    message_zh = "打印机故障"
    message_en = "receipt printer failure"
    action = "Check the printer's cable, power and cover, then run `medterm diag health`."


class PaperOutError(PrinterError):
    code = "E351"
    message_zh = "打印纸已用完"
    message_en = "printer is out of paper"
    action = "Load a new paper roll; the receipt can be reprinted from the last transaction."


class PrinterNotAnsweringError(PrinterError):
    code = "E352"
    message_zh = "打印机无响应"
    message_en = "printer does not answer its status query"
    action = "Check that the printer is on and its cable is in, then try again."


class ReceiptError(PrinterError):
    """A receipt that cannot be laid out (a line that does not fit, an unencodable character)."""

    code = "E353"
    message_zh = "小票内容无法打印"
    message_en = "receipt cannot be laid out"
    action = "Report this to support with the settlement id."
