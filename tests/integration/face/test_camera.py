"""The file camera: resolution, frame rate, life cycle and status, over real files."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest
from face_photos import FACES

from drivers.base import DeviceConfigError, DeviceStatus, HealthLevel
from drivers.camera.errors import CameraFrameTimeoutError, CameraNoHardwareError
from drivers.camera.file_source import FileCamera
from drivers.camera.source import CameraKind, CameraSettings


def _settings(**values: object) -> CameraSettings:
    return CameraSettings.from_mapping({"kind": "file", **values})


def test_a_still_image_becomes_frames_at_the_configured_size_and_rate() -> None:
    settings = _settings(
        path=str(FACES / "biden_1.jpg"), width=320, height=240, fps=10, realtime=False
    )
    with FileCamera("cam", settings) as camera:
        frames = [camera.read(1.0) for _ in range(3)]
    assert [f.image.shape for f in frames] == [(240, 320, 3)] * 3
    assert [f.timestamp for f in frames] == pytest.approx([0.0, 0.1, 0.2])
    assert frames[0].image.dtype == np.uint8


def test_a_video_is_resampled_to_the_configured_rate() -> None:
    settings = _settings(path=str(FACES / "hamilton_clip.mp4"), fps=5, realtime=False, loop=False)
    with FileCamera("cam", settings) as camera:
        frames = []
        with pytest.raises(CameraFrameTimeoutError):
            while True:
                frames.append(camera.read(1.0))
    # 275 frames at 29.97 fps last 9.2 s: 5 fps gives 46 frames
    assert len(frames) == 46
    assert not np.array_equal(frames[10].image, frames[11].image)


def test_a_looping_video_never_runs_out() -> None:
    settings = _settings(path=str(FACES / "hamilton_clip.mp4"), fps=5, realtime=False)
    with FileCamera("cam", settings) as camera:
        last = [camera.read(1.0) for _ in range(100)][-1]
    assert last.timestamp == pytest.approx(99 / 5)


def test_realtime_mode_hands_a_slow_reader_the_newest_frame() -> None:
    settings = _settings(path=str(FACES / "obama_480p.jpg"), fps=50)
    with FileCamera("cam", settings) as camera:
        first = camera.read(2.0)
        time.sleep(0.3)
        second = camera.read(2.0)
    assert second.index - first.index >= 10  # the frames in between were dropped
    assert second.timestamp - first.timestamp >= 0.25


def test_a_missing_file_is_no_hardware_with_the_life_cycle_status(tmp_path: Path) -> None:
    camera = FileCamera("cam", _settings(path=str(tmp_path / "absent.mp4")))
    with pytest.raises(CameraNoHardwareError) as info:
        camera.start()
    assert info.value.code == "E420"
    assert camera.status is DeviceStatus.NO_HARDWARE
    assert camera.statistics().errors == 1


def test_health_reports_resolution_and_decodes_a_frame_at_external_level() -> None:
    settings = _settings(path=str(FACES / "hamilton_clip.mp4"), realtime=False)
    with FileCamera("cam", settings) as camera:
        internal = camera.check_health(HealthLevel.INTERNAL)
        external = camera.check_health(HealthLevel.EXTERNAL)
    assert internal.ok and internal.details["resolution"] == "640x480"
    assert external.ok and "640x360" in external.text


@pytest.mark.parametrize(
    ("table", "key"),
    [
        ({"kind": "usb"}, "devices.camera.kind"),
        ({"kind": "file"}, "devices.camera.path"),
        ({"width": "wide"}, "devices.camera.width"),
        ({"fps": 0}, "devices.camera.fps"),
        ({"realtime": "maybe"}, "devices.camera.realtime"),
        ({"lens": "wide"}, "devices.camera.lens"),
    ],
)
def test_bad_camera_configuration_names_the_key(table: dict, key: str) -> None:
    with pytest.raises(DeviceConfigError, match=key.replace(".", r"\.")):
        CameraSettings.from_mapping(table)


def test_text_values_from_environment_overrides_are_accepted() -> None:
    settings = CameraSettings.from_mapping({"width": "800", "fps": "7.5", "realtime": "false"})
    assert (settings.kind, settings.width, settings.fps, settings.realtime) == (
        CameraKind.QT,
        800,
        7.5,
        False,
    )
