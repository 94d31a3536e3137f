"""Message ids: unique per request, across restarts, clock steps and terminals of one institution.

Layout (central-api.md): `fixmedins_code` (12) + `yyyyMMddHHmmss` (14) + sequence (4), where the
sequence is this terminal's slot (`k` digits, configured, unique within the institution) followed
by a persisted counter (`4 - k` digits). The counter lives behind `MsgidCounter` (the SQLite
implementation is `offline_store.sequence.SqliteMsgidCounter`), which never hands out a second
earlier than its last one, so a clock stepping back cannot repeat a msgid. When a second's
counter is used up the allocator waits for the next second: a value is never reused.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from datetime import datetime

from kernel.msgid import SECOND_FORMAT, SEQUENCE_DIGITS, MsgidCounter, SequenceExhausted
from terminal.central.errors import MsgidSpaceExhausted

_CODE = re.compile(r"[0-9A-Za-z]{12}")


class MsgidAllocator:
    """Hands out msgids for one terminal: `next()` is the only call."""

    def __init__(
        self,
        fixmedins_code: str,
        slot: int,
        slot_digits: int,
        counter: MsgidCounter,
        clock: Callable[[], datetime] = datetime.now,
        *,
        sleep: Callable[[float], None] = time.sleep,
        max_wait: float = 5.0,
    ) -> None:
        if not _CODE.fullmatch(fixmedins_code):
            raise ValueError("fixmedins_code must be 12 letters or digits")
        if not 0 <= slot_digits < SEQUENCE_DIGITS:
            raise ValueError(f"slot_digits must be 0..{SEQUENCE_DIGITS - 1}")
        if not 0 <= slot < 10**slot_digits:
            raise ValueError(f"slot must be 0..{10**slot_digits - 1} with {slot_digits} digit(s)")
        self._prefix = fixmedins_code
        self._slot = f"{slot:0{slot_digits}d}" if slot_digits else ""
        self._width = SEQUENCE_DIGITS - slot_digits
        self._counter = counter
        self._clock = clock
        self._sleep = sleep
        self._max_wait = max_wait

    @property
    def counter_width(self) -> int:
        """Digits left to the counter: 10**width msgids per second for this terminal."""
        return self._width

    def next(self) -> str:
        """A new msgid, never handed out before by this terminal (nor by another slot)."""
        waited = 0.0
        while True:
            now = self._clock()
            try:
                second, value = self._counter.allocate(now.strftime(SECOND_FORMAT), self._width)
            except SequenceExhausted as exhausted:
                if waited >= self._max_wait:
                    raise MsgidSpaceExhausted(
                        f"counter of {exhausted.second} used up; clock at "
                        f"{now.strftime(SECOND_FORMAT)}"
                    ) from None
                pause = 1.0 - now.microsecond / 1_000_000 + 0.001
                self._sleep(pause)
                waited += pause
                continue
            if not 0 <= value < 10**self._width or len(second) != 14 or not second.isdigit():
                raise ValueError(f"counter returned an impossible value {second!r}/{value}")
            return f"{self._prefix}{second}{self._slot}{value:0{self._width}d}"
