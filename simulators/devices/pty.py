"""A pseudo-terminal pair standing in for a USB-serial device.

The driver opens `PtyDevice.path` (the slave side) exactly as it would open /dev/ttyUSB0; the
simulator reads and writes the master side in its own thread. ptys do not pace bytes at a baud
rate: a simulator that wants realistic timing must sleep itself.
"""

from __future__ import annotations

import contextlib
import os
import select
import threading
import tty
from collections.abc import Callable


class PtyDevice:
    """Owns a pty pair; calls ``on_data`` with every chunk the driver writes."""

    def __init__(self, name: str, on_data: Callable[[bytes], None] | None = None) -> None:
        self.name = name
        self._on_data = on_data
        self._master, self._slave = os.openpty()
        tty.setraw(self._slave)  # no echo, no CR/LF translation before the driver opens it
        self.path = os.ttyname(self._slave)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._pump, name=f"sim-{name}", daemon=True)
        self._thread.start()

    def write(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            written = os.write(self._master, view)
            view = view[written:]

    def _pump(self) -> None:
        while not self._stop.is_set():
            ready, _, _ = select.select([self._master], [], [], 0.05)
            if not ready:
                continue
            try:
                chunk = os.read(self._master, 4096)
            except OSError:  # the slave side is being reopened: try again
                continue
            if chunk and self._on_data is not None:
                self._on_data(chunk)

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        for fd in (self._master, self._slave):
            with contextlib.suppress(OSError):
                os.close(fd)
