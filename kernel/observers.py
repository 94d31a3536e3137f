"""Plain, Qt-free observers: the one way the core tells whoever listens that something changed.

A device's events, the journal's committed changes, the forwarder's link state and a payment's
progress all go through an `Observers`: subscribe returns the function that unsubscribes, and
delivery is on the thread that caused the change. A screen's adapter is one subscriber among
others; it re-emits each event as a queued Qt signal (never touching a widget from here).
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable
from typing import Generic, TypeVar

log = logging.getLogger("kernel.observers")

Event = TypeVar("Event")


class Observers(Generic[Event]):
    """Subscribers of one kind of event. Thread-safe; a subscriber that raises is logged and
    skipped, so one broken listener stops neither the emitter nor the other listeners."""

    def __init__(self, name: str) -> None:
        self._name = name
        self._lock = threading.Lock()
        self._subscribers: list[Callable[[Event], None]] = []

    def subscribe(self, subscriber: Callable[[Event], None]) -> Callable[[], None]:
        """Add a subscriber; returns the function that removes it."""
        with self._lock:
            self._subscribers.append(subscriber)

        def unsubscribe() -> None:
            with self._lock, contextlib.suppress(ValueError):
                self._subscribers.remove(subscriber)

        return unsubscribe

    def __bool__(self) -> bool:
        """Whether anyone listens: emitters skip the work of building events otherwise."""
        return bool(self._subscribers)

    def emit(self, event: Event) -> None:
        with self._lock:
            subscribers = list(self._subscribers)
        for subscriber in subscribers:
            try:
                subscriber(event)
            except Exception:
                log.exception("subscriber of %s failed on %s", self._name, type(event).__name__)
