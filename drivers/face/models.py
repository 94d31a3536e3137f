"""The dlib models behind face_recognition, loaded once per process off the caller's thread.

Importing `face_recognition` loads three dlib models (about a second and 100 MB), so the
terminal starts that import on a background thread at start-up (`FaceModels.start`) and the
first face check only waits for what is left of it. Python caches the import, so every
`FaceModels` shares the same loaded models.
"""

from __future__ import annotations

import importlib
import threading
import warnings
from types import ModuleType

from drivers.face.errors import FaceModelsUnavailable


class FaceModels:
    """Handle on the face_recognition API; `get` returns it once loaded."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._done = threading.Event()
        self._thread: threading.Thread | None = None
        self._api: ModuleType | None = None
        self._error: str | None = None

    def start(self) -> None:
        """Begin loading in the background (idempotent, never blocks)."""
        with self._lock:
            if self._thread is not None:
                return
            self._thread = threading.Thread(target=self._load, name="face-models", daemon=True)
            self._thread.start()

    def get(self, timeout: float = 60.0) -> ModuleType:
        """The loaded `face_recognition.api`; raises `FaceModelsUnavailable` if it cannot be."""
        self.start()
        if not self._done.wait(timeout):
            raise FaceModelsUnavailable(f"models still loading after {timeout:g} s")
        if self._api is None:
            raise FaceModelsUnavailable(self._error or "unknown failure")
        return self._api

    @property
    def ready(self) -> bool:
        return self._done.is_set() and self._api is not None

    def _load(self) -> None:
        try:
            with warnings.catch_warnings():
                # face_recognition_models still imports pkg_resources; harmless, noisy.
                warnings.simplefilter("ignore", UserWarning)
                self._api = importlib.import_module("face_recognition.api")
        except Exception as err:  # ImportError, or dlib failing on a model file
            self._error = f"{type(err).__name__}: {err}"
        finally:
            self._done.set()
