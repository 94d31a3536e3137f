"""Face work off the caller's thread: liveness, then one encoding, on a single worker.

The UI (later) and the flows call these methods from wherever they are and get a `Future`;
nothing here touches a GUI thread. One worker is enough and keeps dlib's memory use flat: a
face check is one person at a time, and while it runs the camera source drops the frames the
worker has no time for (it always hands out the newest). Models start loading when the service
is built, so the first check does not pay for them.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np

from drivers.camera.source import FrameSource
from drivers.face.engine import FaceEngine
from drivers.face.errors import (
    LivenessTimeoutError,
    MultipleFacesError,
    NoFaceError,
    PartialFaceError,
)
from drivers.face.liveness import READ_TIMEOUT, LivenessCheck, LivenessResult, Prompt
from drivers.face.settings import FaceSettings, LivenessMethod
from drivers.face.verifier import FaceVerifier, Reference, Verdict


@dataclass(frozen=True)
class LiveFace:
    """One live person's encoding (memory only, never in repr) and how liveness was judged."""

    encoding: np.ndarray = field(repr=False, compare=False)
    liveness: LivenessResult


@dataclass(frozen=True)
class LiveVerdict:
    verdict: Verdict
    liveness: LivenessResult


class FaceService:
    def __init__(self, engine: FaceEngine) -> None:
        self.engine = engine
        self.verifier = FaceVerifier(engine)
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="face")
        engine.models.start()

    @property
    def settings(self) -> FaceSettings:
        return self.engine.settings

    def capture_live(
        self,
        source: FrameSource,
        on_prompt: Callable[[Prompt], None] | None = None,
        cancel: threading.Event | None = None,
        method: LivenessMethod | None = None,
    ) -> Future[LiveFace]:
        """Liveness on ``source``, then the encoding of the open-eyed frame after the blink.
        ``method`` (default: `[face] liveness`, a turn's side drawn at random) is for tests
        whose footage shows one side only."""
        return self._executor.submit(self._capture, source, on_prompt, cancel, method)

    def verify_live(
        self,
        source: FrameSource,
        reference: Reference,
        on_prompt: Callable[[Prompt], None] | None = None,
        cancel: threading.Event | None = None,
        method: LivenessMethod | None = None,
    ) -> Future[LiveVerdict]:
        """`capture_live`, then the 1:1 comparison with ``reference``."""

        def work() -> LiveVerdict:
            live = self._capture(source, on_prompt, cancel, method)
            return LiveVerdict(self.verifier.compare(live.encoding, reference), live.liveness)

        return self._executor.submit(work)

    def capture_attested(
        self, source: FrameSource, timeout: float, cancel: threading.Event | None = None
    ) -> Future[LiveFace]:
        """One frame's face, for a person a staff member vouched is present and live (they
        cannot blink or turn when asked): the first frame with one whole face is encoded.
        The result says ``method="staff"``, so the platform knows who judged liveness."""
        return self._executor.submit(self._attested, source, timeout, cancel)

    def close(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)

    def _attested(
        self, source: FrameSource, timeout: float, cancel: threading.Event | None
    ) -> LiveFace:
        first: float | None = None
        frames = 0
        while cancel is None or not cancel.is_set():
            frame = source.read(READ_TIMEOUT)
            frames += 1
            first = frame.timestamp if first is None else first
            try:
                box = self.engine.select(frame.image)
            except (NoFaceError, PartialFaceError, MultipleFacesError):
                if frame.timestamp - first > timeout:
                    raise
                continue
            encoding = self.engine.encode(frame.image, box)
            seconds = frame.timestamp - first
            result = LivenessResult("staff", frames, seconds, frame, box, encoding)
            return LiveFace(encoding, result)
        raise LivenessTimeoutError("cancelled")

    def _capture(
        self,
        source: FrameSource,
        on_prompt: Callable[[Prompt], None] | None,
        cancel: threading.Event | None,
        method: LivenessMethod | None = None,
    ) -> LiveFace:
        check = LivenessCheck(self.engine, on_prompt=on_prompt, method=method)
        result = check.run(source, cancel)
        return LiveFace(result.encoding, result)
