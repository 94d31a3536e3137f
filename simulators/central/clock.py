"""The platform's simulated clock: real time shifted by an offset that tests set.

`POST /_sim/clock` moves "now" (year rollover, voucher expiry); time keeps running from there.
The offset is saved in the database so that a restart keeps the simulated date.
"""

from __future__ import annotations

import threading
import time
from datetime import datetime

from simulators.central.db import Database


class Clock:
    def __init__(self, db: Database) -> None:
        self._db = db
        self._lock = threading.Lock()
        self._offset = float(db.meta("clock_offset") or 0.0)

    def timestamp(self) -> float:
        """Simulated Unix time in seconds."""
        return time.time() + self._offset

    def now(self) -> datetime:
        return datetime.fromtimestamp(self.timestamp())

    def set(self, moment: datetime | None) -> None:
        """Make `moment` the current simulated time (None: back to real time)."""
        offset = 0.0 if moment is None else moment.timestamp() - time.time()
        with self._lock, self._db.write() as conn:
            conn.execute("INSERT OR REPLACE INTO meta VALUES ('clock_offset', ?)", (repr(offset),))
            self._offset = offset
