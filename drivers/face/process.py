"""The face service in its own process, for a caller whose own threads must stay responsive
(the kiosk's GUI thread).

Measured in the kiosk's face journey (tests/ui/kiosk/test_face_journeys.py): with
`FaceService` on a thread of the kiosk's process, dlib holds the interpreter's lock through a
detection or an encoding, and the GUI thread stalled 243 ms (an upsampled detection on a frame
without a face) and 111 ms (an encoding): over the 100 ms the screens allow. In a child
process the interpreter is another one, and the kiosk's GUI thread stalls no more than
without face work.

The child (started with "spawn": forking a process with Qt and threads in it is unsafe) loads
the models and runs the real `FaceService`. The camera stays in the parent: the child asks for
each frame over the pipe, so a Qt camera (which lives on the GUI thread) works as well as a
file, and the kiosk's preview sees exactly the frames judged. Prompts come back as they
change, then the result or the typed refusal. Frames and encodings cross the pipe in memory
only; nothing is written anywhere.
"""

from __future__ import annotations

import importlib
import logging
import multiprocessing
import os
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from multiprocessing.connection import Connection
from typing import Any

import numpy as np

from drivers.camera.source import Frame, FrameSource
from drivers.face.errors import FaceError, FaceModelsUnavailable, LivenessTimeoutError
from drivers.face.liveness import Prompt
from drivers.face.session import LiveFace, LiveVerdict
from drivers.face.settings import FaceSettings, LivenessMethod
from drivers.face.verifier import Reference
from kernel.errors import MedtermError

log = logging.getLogger(__name__)
READY_TIMEOUT = 60.0  # seconds for the child to import dlib and load its models
CHILD_NICENESS = 10  # the face process yields the CPU to the kiosk's own (the GUI thread)


class FaceProcess:
    """`FaceService`'s capture_live / verify_live / capture_attested, in a child process."""

    def __init__(self, settings: FaceSettings) -> None:
        self.settings = settings
        context = multiprocessing.get_context("spawn")
        self._conn, child = context.Pipe()
        self._process = context.Process(
            target=_serve, args=(child, settings), name="medterm-face", daemon=True
        )
        self._process.start()
        child.close()
        self._ready = threading.Event()
        self._ready_error: MedtermError | None = None
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="face-process")
        self._executor.submit(self._await_ready)

    def wait_ready(self, timeout: float = READY_TIMEOUT) -> None:
        """Block until the child has its models (start-up; a check waits for it anyway)."""
        if not self._ready.wait(timeout):
            raise FaceModelsUnavailable(f"face process not ready after {timeout:g} s")
        if self._ready_error is not None:
            raise self._ready_error

    def capture_live(
        self, source: FrameSource, on_prompt: Callable[[Prompt], None] | None = None,
        cancel: threading.Event | None = None, method: LivenessMethod | None = None,
    ) -> Future[LiveFace]:
        return self._executor.submit(self._call, ("capture", method), source, on_prompt, cancel)

    def verify_live(
        self, source: FrameSource, reference: Reference,
        on_prompt: Callable[[Prompt], None] | None = None,
        cancel: threading.Event | None = None, method: LivenessMethod | None = None,
    ) -> Future[LiveVerdict]:
        request = ("verify", method, reference.encoding)
        return self._executor.submit(self._call, request, source, on_prompt, cancel)

    def capture_attested(
        self, source: FrameSource, timeout: float, cancel: threading.Event | None = None
    ) -> Future[LiveFace]:
        return self._executor.submit(self._call, ("attested", timeout), source, None, cancel)

    def close(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)
        self._conn.close()  # the child sees the end of the pipe and returns
        self._process.join(5.0)
        if self._process.is_alive():
            self._process.kill()
            self._process.join()

    # ---- the parent's side of the pipe (on this object's one worker thread) ---------------

    def _await_ready(self) -> None:
        try:
            kind, value = self._conn.recv()
            if kind != "ready":
                self._ready_error = _rebuilt(value)
        except (EOFError, OSError) as err:
            self._ready_error = FaceModelsUnavailable(f"face process ended: {err}")
        finally:
            self._ready.set()

    def _call(self, request: tuple[Any, ...], source: FrameSource,
              on_prompt: Callable[[Prompt], None] | None,
              cancel: threading.Event | None) -> Any:
        self.wait_ready()
        self._conn.send(request)
        failure: BaseException | None = None  # the camera's, raised here once the child stops
        while True:
            kind, value = self._conn.recv()
            if kind == "read":
                if failure is not None or (cancel is not None and cancel.is_set()):
                    self._conn.send(("stop", None))
                    continue
                try:
                    frame = source.read(value)
                except Exception as err:
                    failure = err
                    self._conn.send(("stop", None))
                    continue
                self._conn.send(("frame", frame))
            elif kind == "prompt":
                if on_prompt is not None:
                    on_prompt(Prompt[value])
            elif kind == "done":
                return value
            elif failure is not None:
                raise failure
            else:
                raise _rebuilt(value)


class _PipeSource:
    """The child's camera: each frame asked of the parent."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def read(self, timeout: float) -> Frame:
        self._conn.send(("read", timeout))
        kind, frame = self._conn.recv()
        if kind != "frame":
            raise LivenessTimeoutError("stopped")  # cancelled, or the camera failed
        return frame


def _serve(conn: Connection, settings: FaceSettings) -> None:
    """The child: load the models, then answer requests until the pipe closes. It runs
    below the kiosk's priority: on a 2-core terminal its dlib work must never take a core
    from the screen (a GUI stall of 185 ms was seen in CI while it ran at the same one)."""
    os.nice(CHILD_NICENESS)
    from drivers.face.engine import FaceEngine
    from drivers.face.models import FaceModels
    from drivers.face.session import FaceService

    models = FaceModels()
    try:
        models.get(READY_TIMEOUT)
    except MedtermError as err:
        conn.send(("failed", _portable(err)))
        return
    service = FaceService(FaceEngine(models, settings))
    conn.send(("ready", None))
    source = _PipeSource(conn)

    def prompt(p: Prompt) -> None:
        conn.send(("prompt", p.name))

    while True:
        try:
            request = conn.recv()
        except (EOFError, OSError):
            service.close()
            return
        try:
            kind = request[0]
            if kind == "capture":
                result: Any = service.capture_live(source, prompt, None, request[1]).result()
            elif kind == "verify":
                reference = Reference.from_encoding(np.asarray(request[2]))
                result = service.verify_live(source, reference, prompt, None, request[1]).result()
            else:
                result = service.capture_attested(source, request[1]).result()
            conn.send(("done", result))
        except Exception as err:
            conn.send(("failed", _portable(err)))


def _portable(err: Exception) -> tuple[str, str, str]:
    """A typed error as (module, class, detail): rebuilt on the other side as the same type."""
    if isinstance(err, MedtermError):
        return type(err).__module__, type(err).__qualname__, err.detail
    return FaceError.__module__, FaceError.__qualname__, f"{type(err).__name__}: {err}"


def _rebuilt(value: tuple[str, str, str]) -> MedtermError:
    module, name, detail = value
    cls = getattr(importlib.import_module(module), name, FaceError)
    return cls(detail)
