"""Reading a still image into the frame format every camera source delivers (RGB uint8)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from drivers.face.errors import CameraSourceError


def read_rgb(path: Path) -> np.ndarray:
    """An H x W x 3 uint8 RGB array: EXIF rotation applied, alpha and palettes flattened."""
    try:
        with Image.open(path) as image:
            upright = ImageOps.exif_transpose(image)
            return np.ascontiguousarray(np.asarray(upright.convert("RGB"), dtype=np.uint8))
    except (OSError, UnidentifiedImageError) as err:
        raise CameraSourceError(f"{path.name}: {err}") from None


def as_rgb_frame(image: np.ndarray) -> np.ndarray:
    """Check and normalise an array handed in as a frame (contiguous H x W x 3 uint8)."""
    if image.ndim != 3 or image.shape[2] != 3 or image.dtype != np.uint8:
        raise CameraSourceError(
            f"frame must be H x W x 3 uint8 RGB, got {image.shape} {image.dtype}"
        )
    return np.ascontiguousarray(image)
