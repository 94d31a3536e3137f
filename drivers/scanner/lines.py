"""Cutting a serial scanner's byte stream into scans: terminator and encoding are settings.

A scan is the bytes before the terminator (CR, LF or CRLF). With CRLF, a lone CR or LF inside
the text is kept as part of it. Bytes that do not decode, or a scan longer than `MAX_SCAN_BYTES`
without a terminator, become typed errors for that scan only: the next scan still works.
"""

from __future__ import annotations

import enum

from drivers.scanner.errors import ScanDecodeError, ScanError, ScanTooLongError

MAX_SCAN_BYTES = 4096  # a QR holds at most ~3 KB; an e-voucher at most 1,024 characters


class Terminator(enum.Enum):
    CR = b"\r"
    LF = b"\n"
    CRLF = b"\r\n"

    @classmethod
    def parse(cls, name: str) -> Terminator:
        return cls[name.upper()]


ENCODINGS = ("utf-8", "gbk")


class LineSplitter:
    def __init__(self, terminator: Terminator = Terminator.CR, encoding: str = "utf-8") -> None:
        if encoding.lower() not in ENCODINGS:
            raise ValueError(f"encoding must be one of {', '.join(ENCODINGS)}")
        self.terminator = terminator.value
        self.encoding = encoding.lower()
        self._buffer = bytearray()
        self._overflowed = False

    def feed(self, data: bytes) -> list[str | ScanError]:
        """Every scan (or scan error) completed by ``data``, in order."""
        self._buffer += data
        out: list[str | ScanError] = []
        while True:
            end = self._buffer.find(self.terminator)
            if end < 0:
                if len(self._buffer) > MAX_SCAN_BYTES:
                    if not self._overflowed:
                        out.append(ScanTooLongError(f"over {MAX_SCAN_BYTES} bytes"))
                    self._overflowed = True
                    self._buffer.clear()
                return out
            raw = bytes(self._buffer[:end])
            del self._buffer[: end + len(self.terminator)]
            if self._overflowed:  # the tail of an over-long scan: already reported
                self._overflowed = False
                continue
            if not raw:
                continue  # CR LF from a scanner set to CR, or an empty scan
            try:
                out.append(raw.decode(self.encoding))
            except UnicodeDecodeError:
                out.append(ScanDecodeError(f"{len(raw)} bytes are not {self.encoding}"))
