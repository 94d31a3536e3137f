"""The bridge: work off the GUI thread, answers back on it, timeouts with their message."""

from __future__ import annotations

import gc
import sys
import threading

from PySide6.QtCore import QThread
from pytestqt.qtbot import QtBot

from ui.app import make_application
from ui.bridge import Bridge, WaitTimedOut, Worker


def test_a_result_comes_back_on_the_gui_thread(qtbot: QtBot) -> None:
    bridge = Bridge()
    seen: dict[str, object] = {}

    def work() -> str:
        seen["worker"] = threading.current_thread().name
        return "ok"

    def done(result: str) -> None:
        seen["result"] = result
        seen["gui"] = QThread.currentThread() is qtbot_thread

    qtbot_thread = QThread.currentThread()
    bridge.submit(work, on_done=done, on_error=seen.setdefault, timeout=5, waiting_for="x")
    qtbot.waitUntil(lambda: "result" in seen)
    assert seen == {"worker": seen["worker"], "result": "ok", "gui": True}
    assert str(seen["worker"]).startswith("saga")
    bridge.shutdown()


def test_the_saga_worker_runs_one_step_at_a_time_in_order(qtbot: QtBot) -> None:
    bridge = Bridge()
    order: list[int] = []
    for n in range(5):
        bridge.submit(lambda n=n: order.append(n), on_done=lambda _: None,
                      on_error=lambda e: None, timeout=5, waiting_for="x")
    qtbot.waitUntil(lambda: len(order) == 5)
    assert order == [0, 1, 2, 3, 4]
    bridge.shutdown()


def test_a_wait_past_its_timeout_is_cancelled_and_its_late_answer_dropped(qtbot: QtBot) -> None:
    bridge = Bridge()
    release = threading.Event()
    errors: list[Exception] = []
    results: list[object] = []
    task = bridge.submit(lambda: release.wait(5) and "late", on_done=results.append,
                         on_error=errors.append, timeout=0.05, waiting_for="presettle",
                         worker=Worker.IO)
    qtbot.waitUntil(lambda: bool(errors))
    assert isinstance(errors[0], WaitTimedOut) and errors[0].detail == "presettle"
    assert task.cancel_event.is_set()
    release.set()
    qtbot.wait(100)
    assert results == []
    bridge.shutdown()


def test_an_error_of_the_work_reaches_on_error(qtbot: QtBot) -> None:
    bridge = Bridge()
    errors: list[Exception] = []

    def fail() -> None:
        raise ValueError("broken")

    bridge.submit(fail, on_done=lambda _: None, on_error=errors.append, timeout=5,
                  waiting_for="x")
    qtbot.waitUntil(lambda: bool(errors))
    assert str(errors[0]) == "broken"
    bridge.shutdown()


def test_a_relayed_event_is_handled_on_the_gui_thread(qtbot: QtBot) -> None:
    bridge = Bridge()
    listeners: list = []
    seen: list[tuple[str, bool]] = []
    gui = QThread.currentThread()
    bridge.relay(lambda cb: listeners.append(cb) or (lambda: None),
                 lambda event: seen.append((event, QThread.currentThread() is gui)))
    worker = threading.Thread(target=lambda: listeners[0]("card inserted"))
    worker.start()
    worker.join()
    qtbot.waitUntil(lambda: bool(seen))
    assert seen == [("card inserted", True)]
    bridge.shutdown()


def test_pyside_process_events_still_gives_back_references_it_never_took() -> None:
    """Why tests/ui/conftest.py holds the references the screen tests lose: when this fails,
    PySide6 is fixed and `_pyside_process_events_refcount` can go."""
    app = make_application()
    gc.collect()
    before = sys.getrefcount(None)
    for _ in range(500):
        app.processEvents()
    gc.collect()
    assert before - sys.getrefcount(None) >= 400
