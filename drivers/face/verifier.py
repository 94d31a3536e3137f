"""1:1 verification: is the face in this frame the person of this reference?

The reference is either the platform's enrolled encoding (`face_ref` of 1101) or the photo
decoded from the ID card. The decision is one distance against the configured threshold; the
verdict carries the distance for diagnostics but never the encodings (they stay in memory).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import numpy as np

from drivers.face.engine import FaceEngine, check_encoding, encoding_distance
from drivers.face.errors import (
    FaceMismatchError,
    MultipleFacesError,
    NoFaceError,
    PartialFaceError,
    ReferenceUnusableError,
)

log = logging.getLogger(__name__)


class ReferenceSource(StrEnum):
    FACE_REF = "face_ref"  # enrolled encoding sent by the platform in 1101
    PHOTO = "photo"  # a decoded ID-card photo or another still image


@dataclass(frozen=True)
class Reference:
    """Whom to compare with. ``encoding`` is excluded from repr so it never reaches a log."""

    encoding: np.ndarray = field(repr=False, compare=False)
    source: ReferenceSource

    @classmethod
    def from_face_ref(cls, face_ref: Mapping[str, Any]) -> Reference:
        """From 1101's ``face_ref{kid, encoding[128]}`` as it is on the wire."""
        return cls.from_encoding(face_ref.get("encoding", ()))

    @classmethod
    def from_encoding(cls, encoding: Sequence[float]) -> Reference:
        """From an enrolled encoding, e.g. `PersonInfo.face_ref.encoding` of the client."""
        return cls(check_encoding(encoding), ReferenceSource.FACE_REF)

    @classmethod
    def from_photo(cls, engine: FaceEngine, image: np.ndarray) -> Reference:
        """From a photo holding exactly one whole face; otherwise `ReferenceUnusableError`."""
        try:
            encoding = engine.encode_single(image)
        except (NoFaceError, PartialFaceError, MultipleFacesError) as err:
            raise ReferenceUnusableError(f"reference photo: {err.message_en}") from None
        return cls(encoding, ReferenceSource.PHOTO)


@dataclass(frozen=True)
class Verdict:
    matched: bool
    distance: float
    threshold: float

    def raise_if_mismatch(self) -> None:
        if not self.matched:
            raise FaceMismatchError(f"distance {self.distance:.3f} > {self.threshold:.2f}")

    def as_dict(self) -> dict[str, Any]:
        return {
            "matched": self.matched,
            "distance": round(self.distance, 4),
            "threshold": self.threshold,
        }


class FaceVerifier:
    def __init__(self, engine: FaceEngine) -> None:
        self.engine = engine

    @property
    def threshold(self) -> float:
        return self.engine.settings.threshold

    def compare(self, encoding: np.ndarray, reference: Reference) -> Verdict:
        distance = encoding_distance(encoding, reference.encoding)
        verdict = Verdict(distance <= self.threshold, distance, self.threshold)
        log.info("face %s: %s", reference.source.value, verdict)  # distances only, never encodings
        return verdict

    def verify(self, image: np.ndarray, reference: Reference) -> Verdict:
        """Select the one face of ``image`` (typed refusals), encode it, compare."""
        return self.compare(self.engine.encode_single(image), reference)
