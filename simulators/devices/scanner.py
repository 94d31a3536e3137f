"""A serial QR/barcode scanner on a pty: "scans" strings on command.

`scan` sends a string the way the configured scanner would (encoding + terminator); `send_raw`
lets a test send anything (invalid bytes, a scan with no terminator); `unplug` closes the pty
so the driver sees the cable go.
"""

from __future__ import annotations

from simulators.devices.pty import PtyDevice

TERMINATORS = {"CR": b"\r", "LF": b"\n", "CRLF": b"\r\n"}


class ScannerSimulator:
    def __init__(self, *, terminator: str = "CR", encoding: str = "utf-8") -> None:
        self.terminator = TERMINATORS[terminator.upper()]
        self.encoding = encoding
        self._pty = PtyDevice("scanner")
        self.path = self._pty.path

    def scan(self, text: str) -> None:
        self._pty.write(text.encode(self.encoding) + self.terminator)

    def send_raw(self, data: bytes) -> None:
        self._pty.write(data)

    def unplug(self) -> None:
        self._pty.close()

    close = unplug
