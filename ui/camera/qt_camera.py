"""A real camera through Qt Multimedia (`QCamera` -> `QMediaCaptureSession` -> `QVideoSink`),
seen by the face code as a plain `FrameSource`.

It lives in `ui/` because the core has no Qt. Qt objects belong to the thread that made them,
so `start` and `close` run on the GUI thread; each frame arriving on the sink is converted
there to an RGB numpy array (a copy: Qt reuses its buffers) at the configured resolution and
frame rate, and kept as "the newest frame". `read`, called from the face worker, waits for a
newer one; frames the worker had no time for are simply replaced (skipped). A machine with no
camera, or a Qt without a multimedia backend, reports ``no_hardware`` and raises
`CameraNoHardwareError` from `start`: the terminal runs on without face checks.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import numpy as np
from PySide6.QtGui import QImage
from PySide6.QtMultimedia import (
    QCamera,
    QCameraDevice,
    QCameraFormat,
    QMediaCaptureSession,
    QMediaDevices,
    QVideoFrame,
    QVideoSink,
)

from drivers.base import DeviceStatus, HealthLevel, HealthResult
from drivers.camera.errors import CameraFrameTimeoutError, CameraNoHardwareError
from drivers.camera.images import fit
from drivers.camera.source import CameraSettings, Frame


class QtCamera:
    """`FrameSource` over a Qt camera; create, `start` and `close` on the GUI thread."""

    kind = "camera"

    def __init__(
        self,
        settings: CameraSettings,
        name: str = "camera",
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.name = name
        self.settings = settings
        self._clock = clock
        self._status = DeviceStatus.OFFLINE
        self._last_error: str | None = None
        self._cond = threading.Condition()
        self._latest: Frame | None = None
        self._last_read = -1
        self._count = 0
        self._min_interval = 1.0 / settings.fps
        self._camera: QCamera | None = None
        self._session: QMediaCaptureSession | None = None
        self.video_sink = QVideoSink()
        """Where frames arrive; a preview widget may show the same sink's frames."""
        self.video_sink.videoFrameChanged.connect(self._on_frame)

    @property
    def status(self) -> DeviceStatus:
        return self._status

    def start(self) -> None:
        device = self._choose_device()
        camera = QCamera(device)
        camera_format = self._choose_format(device)
        if camera_format is not None:
            camera.setCameraFormat(camera_format)
        camera.errorOccurred.connect(self._on_error)
        session = QMediaCaptureSession()
        session.setCamera(camera)
        session.setVideoSink(self.video_sink)
        self._camera, self._session = camera, session
        camera.start()
        self._status = DeviceStatus.ONLINE

    def read(self, timeout: float) -> Frame:
        deadline = time.monotonic() + timeout
        with self._cond:
            while self._latest is None or self._latest.index <= self._last_read:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise CameraFrameTimeoutError(f"{self.name}: no frame in {timeout:g} s")
                self._cond.wait(left)
            self._last_read = self._latest.index
            return self._latest

    def close(self) -> None:
        if self._camera is not None:
            self._camera.stop()
        self._camera = None
        self._session = None
        with self._cond:
            self._latest = None
        if self._status is DeviceStatus.ONLINE:
            self._status = DeviceStatus.OFFLINE

    def check_health(self, level: HealthLevel = HealthLevel.INTERNAL) -> HealthResult:
        """Same answer shape as `drivers.base.Device.check_health`, for the diagnostics."""
        s = self.settings
        details = {"resolution": f"{s.width}x{s.height}", "fps": f"{s.fps:g}"}
        details["frames"] = str(self._count)
        if self._status is DeviceStatus.ONLINE:
            text, ok = f"camera running, {self._count} frames so far", True
        else:
            text, ok = self._last_error or f"camera {self._status.value}", False
        return HealthResult(self.name, self.kind, level, self._status, ok, text, details)

    # ---- GUI thread ---------------------------------------------------------------------------

    def _choose_device(self) -> QCameraDevice:
        devices = QMediaDevices.videoInputs()
        wanted = self.settings.device
        if wanted:
            devices = [
                d
                for d in devices
                if bytes(d.id().data()).decode(errors="replace") == wanted
                or wanted.lower() in d.description().lower()
            ]
        elif devices:
            devices = [QMediaDevices.defaultVideoInput()]
        if not devices or devices[0].isNull():
            reason = f"no camera matching {wanted!r}" if wanted else "no camera on this machine"
            self._no_hardware(reason)
        return devices[0]

    def _choose_format(self, device: QCameraDevice) -> QCameraFormat | None:
        """The format closest to the configured size that reaches the configured frame rate."""
        s = self.settings

        def cost(f: QCameraFormat) -> tuple[bool, int]:
            size = f.resolution()
            slow = f.maxFrameRate() < s.fps
            return slow, abs(size.width() - s.width) + abs(size.height() - s.height)

        formats = list(device.videoFormats())
        return min(formats, key=cost) if formats else None

    def _on_frame(self, frame: QVideoFrame) -> None:
        now = self._clock()
        with self._cond:
            latest = self._latest
        if latest is not None and now - latest.timestamp < self._min_interval * 0.9:
            return  # faster than the configured rate: drop before converting
        image = frame.toImage()
        if image.isNull():
            return
        rgb = fit(qimage_to_rgb(image), self.settings.width, self.settings.height)
        rgb.flags.writeable = False
        with self._cond:
            self._latest = Frame(rgb, now, self._count)
            self._count += 1
            self._cond.notify_all()

    def _on_error(self, error: QCamera.Error, text: str) -> None:
        self._last_error = f"{error.name}: {text}"
        self._status = DeviceStatus.ERROR

    def _no_hardware(self, reason: str) -> None:
        self._last_error = reason
        self._status = DeviceStatus.NO_HARDWARE
        raise CameraNoHardwareError(f"{self.name}: {reason}")


def qimage_to_rgb(image: QImage) -> np.ndarray:
    """A QImage as an H x W x 3 uint8 RGB array (copied: Qt may reuse the buffer)."""
    rgb = image.convertToFormat(QImage.Format.Format_RGB888)
    height, width, stride = rgb.height(), rgb.width(), rgb.bytesPerLine()
    rows = np.frombuffer(rgb.constBits(), dtype=np.uint8, count=height * stride)
    return rows.reshape(height, stride)[:, : width * 3].reshape(height, width, 3).copy()
