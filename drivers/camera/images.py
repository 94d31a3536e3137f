"""Reading a still image into the frame format every camera source delivers (RGB uint8)."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from drivers.camera.errors import CameraSourceError


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


def fit(image: np.ndarray, width: int, height: int) -> np.ndarray:
    """Scale ``image`` to fit inside width x height and pad with black, like a camera frame.

    Padding rather than cropping keeps a face near a tall photo's top edge inside the frame.
    """
    h, w = image.shape[:2]
    if (w, h) == (width, height):
        return image
    scale = min(width / w, height / h)
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    interpolation = cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR
    scaled = cv2.resize(image, size, interpolation=interpolation)
    out = np.zeros((height, width, 3), dtype=np.uint8)
    top, left = (height - size[1]) // 2, (width - size[0]) // 2
    out[top : top + size[1], left : left + size[0]] = scaled
    return out
