"""Typed errors of the receipt printer (E350-E359)."""

from __future__ import annotations

from drivers.base import DeviceError


class PrinterError(DeviceError):
    """The receipt printer failed (base of the printer errors)."""

    code = "E350"
    message_zh = "打印机故障"
    message_en = "receipt printer failure"
    action = "Check the printer's cable, power and cover, then run `medterm diag health`."
    action_zh = "请检查打印机的连接线、电源和机盖，然后运行 `medterm diag health`。"


class PaperOutError(PrinterError):
    """No paper before printing, or the roll ran out mid-receipt (reprint)."""

    code = "E351"
    message_zh = "打印纸已用完"
    message_en = "printer is out of paper"
    action = "Load a new paper roll; the receipt can be reprinted from the last transaction."
    action_zh = "请装入新的打印纸卷；可以从上一笔交易重新打印小票。"


class PrinterNotAnsweringError(PrinterError):
    """No answer to the status query `DLE EOT 4`."""

    code = "E352"
    message_zh = "打印机无响应"
    message_en = "printer does not answer its status query"
    action = "Check that the printer is on and its cable is in, then try again."
    action_zh = "请检查打印机是否已开机、连接线是否插好，然后重试。"


class ReceiptError(PrinterError):
    """A receipt that cannot be laid out (a line that does not fit, an unencodable character)."""

    code = "E353"
    message_zh = "小票内容无法打印"
    message_en = "receipt cannot be laid out"
    action = "Report this to support with the settlement id."
    action_zh = "请将结算编号报告给技术支持。"
