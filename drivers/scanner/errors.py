"""Typed errors of the scanners (E330-E339)."""

from __future__ import annotations

from drivers.base import DeviceError


class ScanError(DeviceError):
    """A scan failed (base of the scanner errors)."""

    code = "E330"
    message_zh = "扫码失败"
    message_en = "scan failed"
    action = "Scan the code again."
    action_zh = "请重新扫码。"


class ScanDecodeError(ScanError):
    """Bytes that are not text in the configured encoding (wrong setting or line noise)."""

    code = "E331"
    message_zh = "扫码内容无法识别为文字"
    message_en = "scanned bytes are not text in the configured encoding"
    action = "Scan again; if it keeps failing, check the scanner's encoding setting (UTF-8/GBK)."
    action_zh = "请重新扫码；如果仍然失败，请检查扫码枪的编码设置（UTF-8/GBK）。"


class ScanTooLongError(ScanError):
    """Over 4,096 bytes without a terminator."""

    code = "E332"
    message_zh = "扫码内容过长"
    message_en = "scan too long (no terminator)"
    action = "Check the scanner's terminator setting (CR, LF or CRLF), then scan again."
    action_zh = "请检查扫码枪的结束符设置（CR、LF 或 CRLF），然后重新扫码。"


class WedgeGrabError(ScanError):
    """Another program holds the keyboard-wedge scanner."""

    code = "E333"
    message_zh = "无法独占扫码枪"
    message_en = "cannot grab the keyboard-wedge scanner"
    action = "Another program holds the scanner: stop it, or check the udev rule for the device."
    action_zh = "另一个程序占用了扫码枪：请关闭该程序，或检查该设备的 udev 规则。"
