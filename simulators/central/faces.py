"""The platform's enrolled faces: one encoding per person, searched for 1191, sent by 1101.

Encodings are computed with the terminal's own `drivers.face` engine (one way to encode a
face in the project), once per photo: they are cached in a JSON file keyed by the photo's
sha256, so a restarted simulator answers at once and a changed photo is re-encoded. The
platform, unlike the terminal, is allowed to keep encodings on disk: that is what enrolment is.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np

from drivers.camera.images import read_rgb
from drivers.face.engine import FaceEngine, check_encoding
from drivers.face.models import FaceModels
from drivers.face.settings import DEFAULT_THRESHOLD, FaceSettings

CACHE_VERSION = 1


class FaceIndex:
    """Enrolled encodings by psn_no, with a nearest-neighbour search under a threshold."""

    def __init__(self, encodings: dict[str, np.ndarray], threshold: float = DEFAULT_THRESHOLD):
        self._psn_nos = list(encodings)
        self._matrix = (
            np.stack([encodings[p] for p in self._psn_nos])
            if encodings
            else np.zeros((0, 128), dtype=np.float64)
        )
        self._by_psn = dict(encodings)
        self.threshold = threshold

    def __len__(self) -> int:
        return len(self._psn_nos)

    @classmethod
    def load(
        cls,
        world_path: Path,
        persons: Iterable[dict],
        cache_path: Path,
        threshold: float = DEFAULT_THRESHOLD,
    ) -> FaceIndex:
        """Encode each person's ``face_image`` (relative to the world file), via the cache.

        A photo without exactly one usable face fails loudly: an enrolment error should be
        fixed in the world, not silently skipped.
        """
        cache = _read_cache(cache_path)
        engine: FaceEngine | None = None
        encodings: dict[str, np.ndarray] = {}
        changed = False
        for person in persons:
            image_path = Path(world_path).parent / person["face_image"]
            digest = hashlib.sha256(image_path.read_bytes()).hexdigest()
            if digest not in cache:
                if engine is None:
                    engine = FaceEngine(FaceModels(), FaceSettings())
                encoding = engine.encode_single(read_rgb(image_path))
                cache[digest] = [float(x) for x in encoding]
                changed = True
            encodings[person["psn_no"]] = check_encoding(cache[digest])
        if changed:
            _write_cache(cache_path, cache)
        return cls(encodings, threshold)

    def search(self, encoding: Sequence[float]) -> tuple[str, float] | None:
        """The closest enrolled psn_no and its distance, if within the threshold."""
        if not self._psn_nos:
            return None
        probe = check_encoding(encoding)
        distances = np.linalg.norm(self._matrix - probe, axis=1)
        best = int(np.argmin(distances))
        distance = float(distances[best])
        return (self._psn_nos[best], distance) if distance <= self.threshold else None

    def reference(self, psn_no: str) -> list[float] | None:
        """The enrolled encoding of ``psn_no`` (1101's face_ref), or None if not enrolled."""
        encoding = self._by_psn.get(psn_no)
        return None if encoding is None else [float(x) for x in encoding]


def _read_cache(path: Path) -> dict[str, list[float]]:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("version") != CACHE_VERSION:
        return {}
    encodings = data.get("encodings")
    return dict(encodings) if isinstance(encodings, dict) else {}


def _write_cache(path: Path, encodings: dict[str, list[float]]) -> None:
    """Atomic replace, so a simulator killed mid-write leaves the old cache or none."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump({"version": CACHE_VERSION, "encodings": encodings}, out)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
