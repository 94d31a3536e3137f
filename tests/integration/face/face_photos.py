"""The project's face test photos (tests/data/faces, or $MEDTERM_FACES_DIR)."""

from __future__ import annotations

import numpy as np
from testdata import FACES

from drivers.camera.images import read_rgb

SINGLE_FACE_PHOTOS = (
    "biden_1.jpg",
    "biden_2.jpg",
    "lacamoire_1.jpg",
    "lacamoire_2.png",
    "leslie_1.jpg",
    "leslie_2.jpg",
    "miranda_1.png",
    "obama_1.jpg",
    "obama_2.jpg",
    "obama_3.jpg",
    "obama_480p.jpg",
)


def photo(name: str) -> np.ndarray:
    return read_rgb(FACES / name)


def label(name: str) -> str:
    return name.split("_", 1)[0]
