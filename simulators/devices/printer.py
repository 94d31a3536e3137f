"""A receipt printer on a pty: records the ESC/POS bytes it receives, answers status queries.

Real-time status requests (``DLE EOT n``) are answered at once and not recorded as print data.
On command it is out of paper, runs out after a number of bytes (mid-receipt), or stays silent.
"""

from __future__ import annotations

import threading

from simulators.devices.pty import PtyDevice

DLE_EOT = b"\x10\x04"
STATUS_BASE = 0x12  # the fixed bits every DLE EOT answer carries
PAPER_END = 0x60
ONLINE = 1
PAPER = 4


class PrinterSimulator:
    def __init__(self) -> None:
        self.received = bytearray()
        self.paper_out = False
        self.silent = False
        self.run_out_after: int | None = None
        self._pending = b""
        self._lock = threading.Lock()
        self._pty = PtyDevice("printer", self._on_data)
        self.path = self._pty.path
        self.printed = threading.Event()

    def close(self) -> None:
        self._pty.close()

    def _on_data(self, chunk: bytes) -> None:
        with self._lock:
            data = self._pending + chunk
            self._pending = b""
            while data:
                at = data.find(DLE_EOT)
                if at < 0:
                    keep = 1 if data.endswith(b"\x10") else 0
                    self._print(data[: len(data) - keep])
                    self._pending = data[len(data) - keep :]
                    return
                self._print(data[:at])
                if len(data) < at + 3:
                    self._pending = data[at:]
                    return
                self._status(data[at + 2])
                data = data[at + 3 :]

    def _print(self, data: bytes) -> None:
        if not data:
            return
        self.received += data
        if self.run_out_after is not None and len(self.received) >= self.run_out_after:
            self.paper_out = True
        self.printed.set()

    def _status(self, which: int) -> None:
        if self.silent:
            return
        status = STATUS_BASE
        if which == PAPER and self.paper_out:
            status |= PAPER_END
        self._pty.write(bytes([status]))
