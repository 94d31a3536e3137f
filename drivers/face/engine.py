"""Detection, landmarks and 128-d encodings: face_recognition's models, used faster.

Plain `face_recognition.face_locations` runs the HOG detector on the full frame upsampled
twice over; on a kiosk camera the face fills a good part of the picture, so we detect on a copy
shrunk to ``detect_width`` pixels (falling back to one upsampling of that copy, which finds
faces down to about 80 px in a 640 px frame) and scale the box back up. Landmarks and the
encoding are then computed on the full-resolution frame inside that box, so the encoding is
as good as the plain pipeline's. Nothing here is stored or logged: arrays stay in memory.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np

from drivers.camera.images import as_rgb_frame
from drivers.face.errors import (
    MultipleFacesError,
    NoFaceError,
    PartialFaceError,
    ReferenceUnusableError,
)
from drivers.face.models import FaceModels
from drivers.face.settings import FaceSettings

log = logging.getLogger(__name__)

ENCODING_SIZE = 128
# A box may stick out of the frame by this fraction of its size (dlib's boxes are loose).
PARTIAL_TOLERANCE = 0.10
# 68-point landmark indices of the eyes (iBUG 300-W numbering).
LEFT_EYE = slice(36, 42)
RIGHT_EYE = slice(42, 48)
OUTER_EYE_CORNERS = [36, 45]
NOSE_TIP = 30


@dataclass(frozen=True)
class FaceBox:
    """A face's box in full-frame pixels; it may extend past the frame's edges."""

    left: int
    top: int
    right: int
    bottom: int

    @property
    def area(self) -> int:
        return max(0, self.right - self.left) * max(0, self.bottom - self.top)

    def outside_fraction(self, width: int, height: int) -> float:
        """How far the box sticks out of a width x height frame, relative to its size."""
        w = max(1, self.right - self.left)
        h = max(1, self.bottom - self.top)
        horizontal = max(0, -self.left) + max(0, self.right - width)
        vertical = max(0, -self.top) + max(0, self.bottom - height)
        return max(horizontal / w, vertical / h)


def encoding_distance(a: Sequence[float] | np.ndarray, b: Sequence[float] | np.ndarray) -> float:
    """Euclidean distance between two encodings (face_recognition's measure)."""
    return float(np.linalg.norm(np.asarray(a, dtype=np.float64) - np.asarray(b, dtype=np.float64)))


def check_encoding(values: Sequence[float] | np.ndarray) -> np.ndarray:
    """A 128-float encoding from the wire or a cache; refuses anything else."""
    try:
        array = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise ReferenceUnusableError("encoding is not a list of numbers") from None
    if array.shape != (ENCODING_SIZE,) or not np.all(np.isfinite(array)):
        raise ReferenceUnusableError(f"encoding must be {ENCODING_SIZE} finite numbers")
    return array


class FaceEngine:
    """The face models with the project's policies (one face, whole face) applied."""

    def __init__(self, models: FaceModels, settings: FaceSettings) -> None:
        self.models = models
        self.settings = settings

    def detect(self, image: np.ndarray) -> list[FaceBox]:
        """Every face box in ``image`` (RGB), largest first, in full-frame pixels."""
        api = self.models.get()
        frame = as_rgb_frame(image)
        height, width = frame.shape[:2]
        scale = min(1.0, self.settings.detect_width / width)
        small = frame
        if scale < 1.0:
            size = (round(width * scale), round(height * scale))
            small = cv2.resize(frame, size, interpolation=cv2.INTER_AREA)
        started = time.perf_counter()
        rects = api.face_detector(small, 0)
        if len(rects) == 0:
            rects = api.face_detector(small, 1)
        log.debug(
            "detect: %d face(s) in %dx%d at %.2f scale, %.0f ms",
            len(rects),
            width,
            height,
            scale,
            (time.perf_counter() - started) * 1000,
        )
        boxes = [
            FaceBox(
                left=math.floor(r.left() / scale),
                top=math.floor(r.top() / scale),
                right=math.ceil(r.right() / scale),
                bottom=math.ceil(r.bottom() / scale),
            )
            for r in rects
        ]
        return sorted(boxes, key=lambda b: b.area, reverse=True)

    def select(self, image: np.ndarray) -> FaceBox:
        """The one face to use, or the refusal a person understands.

        Several faces: the largest is used only when it clearly dominates (area at least
        ``dominant_ratio`` times the next), i.e. the person at the kiosk with someone further
        back; two faces of similar size are refused, because we cannot tell who is served.
        """
        boxes = self.detect(image)
        if not boxes:
            raise NoFaceError()
        if len(boxes) > 1 and boxes[0].area < self.settings.dominant_ratio * boxes[1].area:
            raise MultipleFacesError(f"{len(boxes)} faces of similar size")
        box = boxes[0]
        height, width = image.shape[:2]
        if box.outside_fraction(width, height) > PARTIAL_TOLERANCE:
            raise PartialFaceError()
        return box

    def encode(self, image: np.ndarray, box: FaceBox) -> np.ndarray:
        """The 128-d encoding of the face in ``box``, computed at full resolution."""
        api = self.models.get()
        frame = as_rgb_frame(image)
        rect = _rect(box)
        shape = api.pose_predictor_5_point(frame, rect)
        return np.asarray(api.face_encoder.compute_face_descriptor(frame, shape, 1))

    def encode_single(self, image: np.ndarray) -> np.ndarray:
        """Select the one face of ``image`` and encode it (raises the typed refusals)."""
        return self.encode(image, self.select(image))

    def landmarks(self, image: np.ndarray, box: FaceBox) -> np.ndarray:
        """The 68 iBUG landmarks of the face in ``box`` as a (68, 2) array of pixels."""
        api = self.models.get()
        shape = api.pose_predictor_68_point(as_rgb_frame(image), _rect(box))
        return np.array([(p.x, p.y) for p in shape.parts()], dtype=np.float64)


def eye_aspect_ratio(points: np.ndarray) -> float:
    """Mean eye aspect ratio (Soukupová & Čech 2016) of both eyes: ~0.3 open, <0.2 shut."""
    return (_ear(points[LEFT_EYE]) + _ear(points[RIGHT_EYE])) / 2.0


def head_yaw(points: np.ndarray) -> float:
    """How far the head is turned: nose tip offset from the eyes' midpoint, in eye widths.

    About 0 facing the camera; positive when the person turns to their own left (on a camera
    that does not mirror), negative to their right; +-0.25 is a clear turn.
    """
    outer = points[OUTER_EYE_CORNERS]
    width = float(np.linalg.norm(outer[1] - outer[0]))
    if width == 0:
        return 0.0
    return float((points[NOSE_TIP][0] - outer.mean(axis=0)[0]) / width)


def _rect(box: FaceBox) -> object:
    import dlib  # a dependency of face_recognition; imported here once the models loaded

    return dlib.rectangle(box.left, box.top, box.right, box.bottom)


def _ear(eye: np.ndarray) -> float:
    vertical = np.linalg.norm(eye[1] - eye[5]) + np.linalg.norm(eye[2] - eye[4])
    horizontal = np.linalg.norm(eye[0] - eye[3])
    return float(vertical / (2.0 * horizontal)) if horizontal > 0 else 0.0
