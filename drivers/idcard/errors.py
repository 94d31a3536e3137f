"""Typed errors of the resident ID card reader (E320-E329)."""

from __future__ import annotations

from drivers.base import DeviceError, DeviceTimeoutError


class IdReaderError(DeviceError):
    """The ID card reader failed (base of the ID card errors)."""

    code = "E320"
    message_zh = "身份证阅读器故障"
    message_en = "ID card reader failure"
    action = "Check the reader's cable, then run `medterm diag read-idcard`."
    action_zh = "请检查阅读器的连接线，然后运行 `medterm diag read-idcard`。"


class FrameError(IdReaderError):
    """A frame with a bad header, length or checksum (after the retries)."""

    code = "E321"
    message_zh = "身份证阅读器数据校验失败"
    message_en = "ID card reader sent a damaged frame"
    action = "Try again; if it keeps failing, replace the reader's cable."
    action_zh = "请重试；如果仍然失败，请更换阅读器的连接线。"


class NoIdCardError(IdReaderError):
    """Find card answered `80`."""

    code = "E322"
    message_zh = "未放置身份证"
    message_en = "no ID card on the reader"
    action = "Place the ID card flat on the reader and keep it still."
    action_zh = "请将身份证平放在阅读器上，并保持不动。"


class IdCardSelectError(IdReaderError):
    """Select card answered `81`."""

    code = "E323"
    message_zh = "身份证选卡失败"
    message_en = "the reader could not select the ID card"
    action = "Lift the ID card and place it flat on the reader again."
    action_zh = "请拿起身份证，再平放到阅读器上。"


class IdCardReadError(IdReaderError):
    """Read card answered `41`."""

    code = "E324"
    message_zh = "身份证读取失败"
    message_en = "the reader could not read the ID card"
    action = "Keep the ID card still on the reader and try again."
    action_zh = "请将身份证在阅读器上保持不动，然后重试。"


class ReaderReportedError(IdReaderError):
    """The reader answered with an error status (bad checksum/length seen, unknown command)."""

    code = "E325"
    message_zh = "身份证阅读器返回错误"
    message_en = "ID card reader reported an error"


class IdReaderTimeoutError(DeviceTimeoutError):
    """No complete answer in time (a silent reader, or the card lifted)."""

    code = "E326"
    message_zh = "身份证阅读器无响应"
    message_en = "ID card reader did not answer"
    action = "Check that the reader is connected and powered, then try again."
    action_zh = "请检查阅读器是否已连接并通电，然后重试。"


class IdCardDataError(IdReaderError):
    """The card's text block is not what the format says (encoding, dates, lengths)."""

    code = "E327"
    message_zh = "身份证数据格式错误"
    message_en = "ID card data is malformed"
    action = "Try again; if the same card keeps failing, identify the person another way."
    action_zh = "请重试；如果这张证件一直读取失败，请改用其他方式确认身份。"


class InvalidIdNumberError(IdCardDataError):
    """The ID number fails its GB 11643 check character."""

    code = "E328"
    message_zh = "身份证号码校验错误"
    message_en = "ID number fails its check digit"
    action = "The card data is damaged or forged: identify the person another way."
    action_zh = "证件数据已损坏或是伪造的：请改用其他方式确认身份。"
