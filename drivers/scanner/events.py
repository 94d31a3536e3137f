"""What scanners report to their subscribers."""

from __future__ import annotations

from dataclasses import dataclass

from drivers.base import DeviceEvent
from drivers.scanner.classify import Scan


@dataclass(frozen=True)
class Scanned(DeviceEvent):
    """One complete scan, already classified; ``at`` is time.monotonic() when it ended."""

    scan: Scan
    at: float
