"""The Qt camera adapter offscreen: no camera here, so no_hardware; frames through its sink."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtGui import QImage
from PySide6.QtMultimedia import QMediaDevices, QVideoFrame
from pytestqt.qtbot import QtBot
from testdata import FACES

from drivers.base import DeviceStatus
from drivers.camera.errors import CameraFrameTimeoutError, CameraNoHardwareError
from drivers.camera.images import fit, read_rgb
from drivers.camera.source import CameraSettings
from ui.camera.qt_camera import QtCamera, qimage_to_rgb


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def _push(camera: QtCamera, image: QImage) -> None:
    camera.video_sink.setVideoFrame(QVideoFrame(image))


def test_without_a_camera_start_reports_no_hardware_cleanly(qtbot: QtBot) -> None:
    assert QMediaDevices.videoInputs() == []  # the CI machine has no camera
    camera = QtCamera(CameraSettings())
    with pytest.raises(CameraNoHardwareError) as info:
        camera.start()
    assert info.value.code == "E420"
    assert camera.status is DeviceStatus.NO_HARDWARE
    health = camera.check_health()
    assert not health.ok and "no camera" in health.text
    camera.close()
    assert camera.status is DeviceStatus.NO_HARDWARE


def test_a_named_device_that_is_absent_is_named_in_the_refusal(qtbot: QtBot) -> None:
    camera = QtCamera(CameraSettings(device="Logitech C920"))
    with pytest.raises(CameraNoHardwareError, match="Logitech C920"):
        camera.start()


def test_a_frame_on_the_sink_is_read_as_rgb_at_the_configured_size(qtbot: QtBot) -> None:
    photo = QImage(str(FACES / "obama_480p.jpg"))
    camera = QtCamera(CameraSettings(width=320, height=240))
    _push(camera, photo)
    frame = camera.read(1.0)
    expected = fit(read_rgb(FACES / "obama_480p.jpg"), 320, 240)
    assert frame.image.shape == (240, 320, 3) and frame.image.dtype == np.uint8
    # JPEG decoders differ by a grey level or two, not more
    assert float(np.abs(frame.image.astype(int) - expected.astype(int)).mean()) < 2.0


def test_frames_faster_than_the_frame_rate_are_dropped_and_the_newest_is_read(
    qtbot: QtBot,
) -> None:
    clock = Clock()
    camera = QtCamera(CameraSettings(width=64, height=48, fps=10), clock=clock)
    red, green, blue = (QImage(64, 48, QImage.Format.Format_RGB888) for _ in range(3))
    red.fill(0xFF0000)
    green.fill(0x00FF00)
    blue.fill(0x0000FF)
    _push(camera, red)
    clock.now += 0.01  # 100 fps: faster than the 10 fps asked, dropped
    _push(camera, green)
    clock.now += 0.1
    _push(camera, blue)
    frame = camera.read(1.0)
    assert tuple(frame.image[0, 0]) == (0, 0, 255)
    assert frame.index == 1  # red was 0; green never became a frame
    with pytest.raises(CameraFrameTimeoutError):
        camera.read(0.05)  # nothing newer than what was read


def test_qimage_rows_with_padding_convert_without_skew(qtbot: QtBot) -> None:
    image = QImage(3, 2, QImage.Format.Format_RGB888)  # 9 bytes per row, padded to 12
    image.fill(0x102030)
    image.setPixel(2, 1, 0xA0B0C0)
    rgb = qimage_to_rgb(image)
    assert rgb.shape == (2, 3, 3)
    assert tuple(rgb[1, 2]) == (0xA0, 0xB0, 0xC0) and tuple(rgb[0, 0]) == (0x10, 0x20, 0x30)
