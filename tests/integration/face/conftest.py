"""Shared, expensive things of the face tests: the loaded models and the photos' encodings.

Loading dlib's models and encoding a photo take time, so both happen once per session.
"""

from __future__ import annotations

import numpy as np
import pytest
from face_photos import SINGLE_FACE_PHOTOS, photo

from drivers.face.engine import FaceEngine
from drivers.face.models import FaceModels
from drivers.face.settings import FaceSettings


@pytest.fixture(scope="session")
def engine() -> FaceEngine:
    models = FaceModels()
    models.get()
    return FaceEngine(models, FaceSettings())


@pytest.fixture(scope="session")
def encodings(engine: FaceEngine) -> dict[str, np.ndarray]:
    return {name: engine.encode_single(photo(name)) for name in SINGLE_FACE_PHOTOS}
