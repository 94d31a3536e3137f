"""The one bridge from the core (blocking, thread-owning) to Qt (one GUI thread).

The pattern of Anki's ``aqt/taskman.py``: blocking work goes to an executor, and what comes
back (a result, an error, a device or journal event) is handed to the GUI thread as a closure
through a queued signal (`run_on_main`), never touched from the worker. Two executors:

- ``saga``: ONE worker for the journal and the checkout, so one patient's steps run one at a
  time and in order (the journal is a single SQLite writer);
- ``io``: a small pool for network and device work that must not queue behind the saga
  (a health check, a receipt print, a HIS look-up).

Every wait has a timeout and the sentence that says what was being waited for; when it passes,
the task's cancel event is set (the core's cancellable calls take it) and `on_error` receives
`WaitTimedOut`. A late result after a timeout or a cancel is dropped, so a page never receives
the answer of a step the patient has already left.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, TypeVar

from PySide6.QtCore import QObject, Qt, QTimer, Signal, Slot

from kernel.errors import MedtermError

log = logging.getLogger("ui.bridge")
T = TypeVar("T")


class WaitTimedOut(MedtermError):
    code = "E901"
    message_zh = "等待超时"
    message_en = "a step of the terminal did not finish in time"
    action = "Try again; if it keeps happening, call a technician and quote the error code."
    action_zh = "请重试;如果反复出现,请联系工作人员并告知错误代码。"


class Worker(StrEnum):
    SAGA = "saga"  # the journal and the checkout: one at a time, in order
    IO = "io"  # network and devices beside it


@dataclass
class Task:
    """One submitted piece of work; `cancel` gives up on it (its result is then dropped)."""

    waiting_for: str
    cancel_event: threading.Event = field(default_factory=threading.Event)
    future: Future[Any] | None = None
    done: bool = False
    _timer: QTimer | None = None

    def cancel(self) -> None:
        self.cancel_event.set()
        self._finish()

    def _finish(self) -> None:
        self.done = True
        if self._timer is not None:
            self._timer.stop()
            self._timer = None


class Bridge(QObject):
    """Create on the GUI thread; `shutdown` when the screen closes."""

    _closure = Signal(object)

    def __init__(self, io_workers: int = 4, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._executors = {
            Worker.SAGA: ThreadPoolExecutor(max_workers=1, thread_name_prefix="saga"),
            Worker.IO: ThreadPoolExecutor(max_workers=io_workers, thread_name_prefix="io"),
        }
        self._closure.connect(self._run, Qt.ConnectionType.QueuedConnection)

    def run_on_main(self, fn: Callable[[], None]) -> None:
        """Run ``fn`` on the GUI thread at its next turn of the event loop (from any thread)."""
        self._closure.emit(fn)

    @Slot(object)
    def _run(self, fn: Callable[[], None]) -> None:
        try:
            fn()
        except Exception:  # one broken callback must not take the screen down
            log.exception("callback on the GUI thread failed")

    def submit(
        self,
        fn: Callable[[], T],
        *,
        on_done: Callable[[T], None],
        on_error: Callable[[Exception], None],
        timeout: float,
        waiting_for: str,
        worker: Worker = Worker.SAGA,
        cancel_event: threading.Event | None = None,
    ) -> Task:
        """Run ``fn`` on ``worker``; its result or error comes back on the GUI thread.

        ``cancel_event`` is the event ``fn`` itself watches (pass the one given to the core's
        cancellable call); the task sets it on cancel and on timeout.
        """
        task = Task(waiting_for, cancel_event or threading.Event())

        def deliver(future: Future[T]) -> None:
            def on_main() -> None:
                if task.done:
                    return  # cancelled or timed out meanwhile: nobody waits for this
                task._finish()
                error = future.exception()
                if error is None:
                    on_done(future.result())
                elif isinstance(error, Exception):
                    on_error(error)
                else:  # pragma: no cover - a BaseException in a worker: let it be seen
                    raise error

            self.run_on_main(on_main)

        def expire() -> None:
            if task.done:
                return
            task.cancel()
            on_error(WaitTimedOut(waiting_for))

        timer = QTimer(self)
        timer.setSingleShot(True)
        timer.timeout.connect(expire)
        timer.start(max(0, int(timeout * 1000)))
        task._timer = timer
        task.future = self._executors[worker].submit(fn)
        task.future.add_done_callback(deliver)
        return task

    def relay(
        self, subscribe: Callable[[Callable[[Any], None]], Callable[[], None]],
        callback: Callable[[Any], None],
    ) -> Callable[[], None]:
        """Subscribe ``callback`` to a core or device event source (`Device.subscribe`,
        `Journal.subscribe`...): the source's thread only queues, the GUI thread handles.
        Returns the unsubscribe function."""
        return subscribe(lambda event: self.run_on_main(lambda: callback(event)))

    def shutdown(self) -> None:
        """Stop taking work. The saga worker finishes what it was given (a cancel under way
        must reach the journal before the journal closes: the caller closes it after this);
        the io pool's queued work is dropped."""
        self._executors[Worker.IO].shutdown(wait=False, cancel_futures=True)
        self._executors[Worker.SAGA].shutdown(wait=True)


class BridgeRunner:
    """The journey's `Runner` (terminal.flows.journey) over the bridge: blocking steps on the
    saga worker, answers and progress back on the GUI thread."""

    def __init__(self, bridge: Bridge, worker: Worker = Worker.SAGA) -> None:
        self._bridge = bridge
        self._worker = worker

    def run(
        self,
        fn: Callable[[], Any],
        *,
        on_done: Callable[[Any], None],
        on_error: Callable[[Exception], None],
        timeout: float,
        waiting_for: str,
        cancel_event: threading.Event | None = None,
    ) -> Task:
        return self._bridge.submit(
            fn, on_done=on_done, on_error=on_error, timeout=timeout, waiting_for=waiting_for,
            worker=self._worker, cancel_event=cancel_event,
        )

    def post(self, fn: Callable[[], None]) -> None:
        self._bridge.run_on_main(fn)
