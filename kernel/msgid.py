"""What the msgid allocator (terminal) and its persisted counter (offline_store) share.

Layout (central-api.md): `fixmedins_code` (12) + `yyyyMMddHHmmss` (14) + sequence (4).
"""

from __future__ import annotations

from typing import Protocol

SEQUENCE_DIGITS = 4
SECOND_FORMAT = "%Y%m%d%H%M%S"


class SequenceExhausted(Exception):
    """Raised by a `MsgidCounter` when the counter of `second` would reach 10**width."""

    def __init__(self, second: str) -> None:
        self.second = second
        super().__init__(f"msgid counter exhausted for {second}")


class MsgidCounter(Protocol):
    """A persisted per-second counter."""

    def allocate(self, second: str, width: int) -> tuple[str, int]:
        """Return the second to use (`second`, or the last one handed out if that is later)
        and the next counter value for it (0 for a new second), persisted before returning.
        Raise `SequenceExhausted` when that value would reach `10**width`."""
        ...
