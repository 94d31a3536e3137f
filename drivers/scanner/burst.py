"""Telling a scanner's keystrokes from a person's, by timing alone (pure Python, no Qt).

Inside the UI a keyboard-wedge scanner is just a very fast typist. A scanner sends a whole code
with a few milliseconds between keys; people take 80 ms or more. `BurstDetector` collects the
keys of a line and, at Enter, says which it was: a burst of at least ``min_chars`` characters
whose every gap is at most ``max_gap_s`` is a scan; anything else is typing (the UI then lets
the text through to the focused widget).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Source(enum.Enum):
    SCANNER = "scanner"
    PERSON = "person"


@dataclass(frozen=True)
class Line:
    source: Source
    text: str


class BurstDetector:
    def __init__(self, *, max_gap_s: float = 0.03, min_chars: int = 4) -> None:
        self.max_gap_s = max_gap_s
        self.min_chars = min_chars
        self._chars: list[str] = []
        self._last: float | None = None
        self._slow = False

    def key(self, char: str, at: float) -> None:
        """A printable key at time ``at`` (seconds, monotonic)."""
        self._gap(at)
        self._chars.append(char)

    def enter(self, at: float) -> Line:
        """Enter at ``at``: the line so far and who typed it; the detector starts afresh."""
        self._gap(at)
        text = "".join(self._chars)
        scanner = not self._slow and len(text) >= self.min_chars
        self._chars, self._last, self._slow = [], None, False
        return Line(Source.SCANNER if scanner else Source.PERSON, text)

    def _gap(self, at: float) -> None:
        if self._last is not None and at - self._last > self.max_gap_s:
            self._slow = True
        self._last = at
