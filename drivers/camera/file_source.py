"""A camera made of a file: a still image repeated, or a video (OpenCV), at a set frame rate.

The simulator, the demo and the tests use it wherever a real camera would be. Frames come out
at the configured resolution (scaled to fit, padded) and frame rate (video frames resampled by
time). With ``realtime`` the frames are paced by the wall clock on a producer thread and a slow
reader gets the newest frame (older ones are dropped, as with a real camera); without it each
`read` decodes the next frame at once with a timestamp of ``index / fps``, which makes tests
fast and deterministic.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import cv2
import numpy as np

from drivers.base import Device, DeviceErrorEvent, HealthLevel
from drivers.camera.errors import CameraFrameTimeoutError, CameraNoHardwareError, CameraSourceError
from drivers.camera.images import fit, read_rgb
from drivers.camera.source import CameraSettings, Frame
from kernel.errors import MedtermError

IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".bmp", ".webp"})


class FileCamera(Device):
    """`FrameSource` over an image or video file, with the UnifiedPOS life cycle of `Device`."""

    kind = "camera"

    def __init__(
        self, name: str, settings: CameraSettings, clock: Callable[[], float] = time.monotonic
    ) -> None:
        super().__init__(name)
        if settings.path is None:
            raise CameraSourceError("no file configured for the file camera")
        self.settings = settings
        self._clock = clock
        self._still: np.ndarray | None = None
        self._video: cv2.VideoCapture | None = None
        self._video_fps = 0.0
        self._video_index = -1  # index of the last decoded video frame
        self._video_frame: np.ndarray | None = None
        self._loops = 0
        self._frames_in_video = 0
        self._next_index = 0
        self._latest: Frame | None = None
        self._last_read = -1
        self._cond = threading.Condition()
        self._stop = threading.Event()

    # ---- FrameSource --------------------------------------------------------------------------

    def read(self, timeout: float) -> Frame:
        self._require_enabled("read")
        with self._operation():
            if not self.settings.realtime:
                return self.thread.call(self._next_frame, timeout=timeout)
            deadline = time.monotonic() + timeout
            with self._cond:
                while self._latest is None or self._latest.index <= self._last_read:
                    left = deadline - time.monotonic()
                    if left <= 0 or self._stop.is_set():
                        raise CameraFrameTimeoutError(f"{self.name}: no frame in {timeout:g} s")
                    self._cond.wait(left)
                frame = self._latest
                self._last_read = frame.index
                return frame

    # ---- life cycle hooks ---------------------------------------------------------------------

    def _on_claim(self) -> None:
        path = self.settings.path
        assert path is not None
        if not path.is_file():
            raise CameraNoHardwareError(f"{self.name}: no such file {path}")
        if path.suffix.lower() in IMAGE_SUFFIXES:
            self._still = fit(read_rgb(path), self.settings.width, self.settings.height)
            self._still.flags.writeable = False
            return
        video = cv2.VideoCapture(str(path))
        if not video.isOpened():
            raise CameraSourceError(f"{path.name}: OpenCV cannot decode it")
        self._video = video
        self._video_fps = video.get(cv2.CAP_PROP_FPS) or self.settings.fps
        self._rewind()

    def _on_enable(self) -> None:
        self._next_index = 0
        self._last_read = -1
        self._latest = None
        self._stop.clear()
        if self.settings.realtime:
            threading.Thread(target=self._produce, name=f"{self.name}-frames", daemon=True).start()

    def _on_disable(self) -> None:
        # Do not join here: the producer may be waiting for this very thread.
        self._stop.set()
        with self._cond:
            self._cond.notify_all()

    def _on_release(self) -> None:
        if self._video is not None:
            self._video.release()
        self._video = None
        self._still = None
        self._video_frame = None
        self._latest = None

    def _health(self, level: HealthLevel) -> tuple[bool, str, dict[str, str]]:
        s = self.settings
        details = {
            "file": str(s.path),
            "resolution": f"{s.width}x{s.height}",
            "fps": f"{s.fps:g}",
            "frames_delivered": str(self._next_index),
        }
        if level is HealthLevel.INTERNAL:
            return True, f"file camera {s.path.name if s.path else ''} ready", details
        probe = self._decode_probe()
        return True, f"decoded a {probe.shape[1]}x{probe.shape[0]} frame", details

    # ---- frames (device thread) ---------------------------------------------------------------

    def _next_frame(self) -> Frame:
        self.thread.assert_owner()
        index = self._next_index
        timestamp = index / self.settings.fps if not self.settings.realtime else self._clock()
        if self._still is not None:
            image = self._still
        else:
            image = self._video_at(index / self.settings.fps)
        self._next_index += 1
        return Frame(image, timestamp, index)

    def _video_at(self, seconds: float) -> np.ndarray:
        """The video frame showing at ``seconds`` from the start (looping if configured)."""
        video = self._video
        if video is None:
            raise CameraSourceError(f"{self.name}: released")
        wanted = int(seconds * self._video_fps) - self._loops * self._frames_in_video
        while self._video_index < wanted or self._video_frame is None:
            ok, bgr = video.read()
            if not ok:
                if not self.settings.loop or self._video_index < 0:
                    raise CameraFrameTimeoutError(f"{self.name}: end of video")
                self._loops += 1
                self._frames_in_video = self._video_index + 1
                wanted -= self._frames_in_video
                self._rewind(keep_loops=True)
                continue
            self._video_index += 1
            rgb = cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
            self._video_frame = fit(rgb, self.settings.width, self.settings.height)
            self._video_frame.flags.writeable = False
        return self._video_frame

    def _rewind(self, keep_loops: bool = False) -> None:
        assert self._video is not None
        self._video.set(cv2.CAP_PROP_POS_FRAMES, 0)
        self._video_index = -1
        self._video_frame = None
        if not keep_loops:
            self._loops = 0
            self._frames_in_video = 0

    def _decode_probe(self) -> np.ndarray:
        if self._still is not None:
            return self._still
        path = self.settings.path
        probe = cv2.VideoCapture(str(path))
        try:
            ok, bgr = probe.read()
        finally:
            probe.release()
        if not ok:
            raise CameraSourceError(f"{path}: no frame could be decoded")
        return bgr

    def _produce(self) -> None:
        """Realtime mode: one frame per 1/fps, published as the newest."""
        period = 1.0 / self.settings.fps
        next_tick = time.monotonic()
        while not self._stop.is_set():
            try:
                frame = self.thread.call(self._next_frame, timeout=5.0)
            except MedtermError as err:
                if not self._stop.is_set():
                    self._record_error(err)
                    self._emit(DeviceErrorEvent(self.name, err))
                break
            except RuntimeError:  # the device thread was shut down by close() meanwhile
                if self._stop.is_set():
                    break
                raise
            with self._cond:
                self._latest = frame
                self._cond.notify_all()
            next_tick += period
            self._stop.wait(max(0.0, next_tick - time.monotonic()))
        with self._cond:
            self._stop.set()
            self._cond.notify_all()


def file_camera(name: str, **options: Any) -> FileCamera:
    """The device registry's constructor: `[devices.<name>]` with `kind = "file"`."""
    return FileCamera(name, CameraSettings.from_mapping({"kind": "file", **options}))
