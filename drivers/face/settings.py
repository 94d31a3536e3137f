"""The ``[face]`` configuration section, validated here because the face driver owns it.

`terminal.config` hands ``[face]`` here at start (environment overrides arrive as text), so
every key is converted and checked here, and an unknown or bad key is a `ConfigError` naming
it. This module imports no face library, so checking the section costs nothing. Defaults and
their reasons: docs/face.md.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, fields
from enum import StrEnum
from typing import Any

from kernel.errors import ConfigError

# Chosen from the genuine/impostor table measured by `python -m drivers.face.calibrate` on
# the project's test photos (docs/face.md): every genuine pair <= 0.53, every impostor
# >= 0.69; 0.60 sits in the middle of the error-free range.
DEFAULT_THRESHOLD = 0.60
LIVENESS_METHODS = ("blink", "turn")


class LivenessMethod(StrEnum):
    """What one liveness check asks of the person (``turn`` in `[face]` picks a side)."""

    BLINK = "blink"
    TURN_LEFT = "turn_left"
    TURN_RIGHT = "turn_right"


@dataclass(frozen=True)
class FaceSettings:
    """What the face check needs to know; every number has a unit in its name or docstring."""

    threshold: float = DEFAULT_THRESHOLD
    """Largest encoding distance accepted as the same person."""
    detect_width: int = 320
    """Frames are shrunk to this width for detection; encoding uses the full frame."""
    dominant_ratio: float = 2.0
    """With several faces, the largest is used only if its area is this many times the next."""
    liveness_timeout: float = 8.0
    """Seconds the person has to blink once a face is seen (and to show a face at all)."""
    blink_ear: float = 0.21
    """Eye aspect ratio below which the eyes count as shut (open eyes measure 0.25-0.45)."""
    blink_drop: float = 0.75
    """...and below this fraction of the person's own open-eye ratio (both must hold)."""
    still_seconds: float = 1.0
    """Frames unchanged for this long are a still picture, refused at once."""
    liveness: str = "blink"
    """``"blink"``, or ``"turn"``: a head turn to a side chosen at random for each check."""
    turn_yaw: float = 0.25
    """A head turn counts from this `head_yaw` (nose offset in eye widths) on."""

    @classmethod
    def from_mapping(cls, section: Mapping[str, Any]) -> FaceSettings:
        """Build from the ``[face]`` table; numbers may arrive as text (env overrides)."""
        known = {f.name: f for f in fields(cls)}
        values: dict[str, Any] = {}
        for key, raw in section.items():
            if key not in known:
                raise ConfigError(f"face.{key} is not a known key")
            if key == "liveness":
                if raw not in LIVENESS_METHODS:
                    raise ConfigError("face.liveness must be 'blink' or 'turn'")
                values[key] = raw
                continue
            values[key] = _number(f"face.{key}", raw, int if key == "detect_width" else float)
        settings = cls(**values)
        settings._check()
        return settings

    def _check(self) -> None:
        if not 0.0 < self.threshold < 1.5:
            raise ConfigError("face.threshold must be between 0 and 1.5")
        if self.detect_width < 80:
            raise ConfigError("face.detect_width must be at least 80 pixels")
        if self.dominant_ratio < 1.0:
            raise ConfigError("face.dominant_ratio must be at least 1")
        if self.liveness_timeout <= 0 or self.still_seconds <= 0:
            raise ConfigError("face.liveness_timeout and face.still_seconds must be positive")
        if not 0.0 < self.blink_drop < 1.0 or not 0.0 < self.blink_ear < 1.0:
            raise ConfigError("face.blink_drop and face.blink_ear must be between 0 and 1")
        if not 0.1 <= self.turn_yaw <= 1.0:
            raise ConfigError("face.turn_yaw must be between 0.1 and 1")


def _number(key: str, raw: Any, kind: type[int] | type[float]) -> int | float:
    if isinstance(raw, bool):
        raise ConfigError(f"{key} must be a number")
    try:
        value = kind(raw)
    except (TypeError, ValueError, OverflowError):  # OverflowError: float(10**400)
        raise ConfigError(f"{key} must be a number, not {raw!r}") from None
    if not math.isfinite(value):
        raise ConfigError(f"{key} must be a finite number")
    return value
