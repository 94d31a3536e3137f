"""Cameras in the device registry: a file camera is built like any device; a Qt camera is
listed but left to the screens (the core has no Qt)."""

from __future__ import annotations

import pytest
from testdata import FACES

from drivers.base import DeviceConfigError, DeviceStatus
from drivers.camera.file_source import FileCamera
from drivers.registry import build_devices

PHOTO = FACES / "obama_1.jpg"


def test_file_camera_is_built_from_its_devices_table() -> None:
    devices = build_devices({"camera": {"kind": "file", "path": str(PHOTO), "fps": 10}})
    assert isinstance(devices["camera"], FileCamera)
    assert devices["camera"].settings.fps == 10


def test_qt_camera_is_listed_as_opened_by_the_screens() -> None:
    camera = build_devices({"camera": {"kind": "qt"}})["camera"]
    assert camera.status is DeviceStatus.NO_HARDWARE
    assert "opened by the screens" in (camera.statistics().last_error or "")


def test_file_camera_without_a_path_names_the_key() -> None:
    with pytest.raises(DeviceConfigError, match="devices.camera.path"):
        build_devices({"camera": {"kind": "file"}})
