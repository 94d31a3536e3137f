"""What every camera delivers: `Frame`s (RGB arrays with a timestamp) through `FrameSource`.

Two implementations: `drivers.camera.file_source.FileCamera` (an image or a video file, for the
simulator, tests and demos) and `ui.camera.qt_camera.QtCamera` (a real camera through Qt
Multimedia, in `ui/` because the core has no Qt). The face code only sees this protocol.
Frames stay in memory: no source writes a frame anywhere.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from drivers.base import DeviceConfigError, DeviceStatus


@dataclass(frozen=True)
class Frame:
    """One picture: H x W x 3 uint8 RGB, and when it was taken (seconds, source clock)."""

    image: np.ndarray = field(repr=False, compare=False)
    timestamp: float
    index: int


class FrameSource(Protocol):
    """A camera from the face code's point of view; `read` is called from a worker thread."""

    @property
    def status(self) -> DeviceStatus: ...

    def start(self) -> None:
        """Open the camera and begin delivering frames (raises `CameraNoHardwareError`)."""

    def read(self, timeout: float) -> Frame:
        """The newest frame not yet read (older ones are skipped: the reader was busy).

        Raises `CameraFrameTimeoutError` when none arrives within ``timeout`` seconds.
        """

    def close(self) -> None:
        """Stop delivering frames and free the camera (safe to call twice)."""


class CameraKind(StrEnum):
    QT = "qt"
    FILE = "file"


@dataclass(frozen=True)
class CameraSettings:
    """The ``[devices.camera]`` table: which camera, at what resolution and frame rate.

    ``kind`` follows the ``[devices]`` convention of `drivers.registry` (``role`` is accepted
    and ignored: the table is the camera's).
    """

    kind: CameraKind = CameraKind.QT
    device: str = ""
    """Qt camera id or a substring of its description; empty means the system default."""
    path: Path | None = None
    """Image or video file for ``kind = "file"`` (relative paths: to the config file)."""
    width: int = 640
    height: int = 480
    fps: float = 15.0
    realtime: bool = True
    """File source only: pace frames by the wall clock (false: as fast as they are read)."""
    loop: bool = True
    """File source only: start the video again at its end, like a camera that never stops."""

    @classmethod
    def from_mapping(cls, table: Mapping[str, Any], base_dir: Path = Path()) -> CameraSettings:
        """Validate ``[devices.camera]``; values may be text (environment overrides)."""
        known = {"kind", "role", "device", "path", "width", "height", "fps", "realtime", "loop"}
        for key in table:
            if key not in known:
                raise DeviceConfigError(f"devices.camera.{key} is not a known key")
        values: dict[str, Any] = {}
        if "kind" in table:
            try:
                values["kind"] = CameraKind(str(table["kind"]))
            except ValueError:
                raise DeviceConfigError("devices.camera.kind must be 'qt' or 'file'") from None
        if "device" in table:
            values["device"] = str(table["device"])
        if table.get("path"):
            path = Path(str(table["path"])).expanduser()
            values["path"] = path if path.is_absolute() else base_dir / path
        for key, low, high in (("width", 16, 8192), ("height", 16, 8192)):
            if key in table:
                values[key] = _bounded(f"devices.camera.{key}", table[key], int, low, high)
        if "fps" in table:
            values["fps"] = _bounded("devices.camera.fps", table["fps"], float, 1, 120)
        for key in ("realtime", "loop"):
            if key in table:
                values[key] = _flag(f"devices.camera.{key}", table[key])
        settings = cls(**values)
        if settings.kind is CameraKind.FILE and settings.path is None:
            raise DeviceConfigError("devices.camera.path is required when kind = 'file'")
        return settings


def _bounded(key: str, raw: Any, kind: type, low: float, high: float) -> Any:
    try:
        if isinstance(raw, bool):
            raise ValueError
        value = kind(raw)
    except (TypeError, ValueError):
        raise DeviceConfigError(f"{key} must be a number, not {raw!r}") from None
    if not low <= value <= high:
        raise DeviceConfigError(f"{key} must be between {low:g} and {high:g}")
    return value


def _flag(key: str, raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if text in ("true", "1", "yes"):
        return True
    if text in ("false", "0", "no"):
        return False
    raise DeviceConfigError(f"{key} must be true or false")
