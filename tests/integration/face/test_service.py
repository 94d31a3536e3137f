"""`FaceService` does its work on its own worker thread and hands refusals back in the Future."""

from __future__ import annotations

import sys
import threading

import pytest
from face_photos import FACES, photo

from drivers.camera.file_source import FileCamera
from drivers.camera.source import CameraKind, CameraSettings
from drivers.face.engine import FaceEngine
from drivers.face.errors import FaceModelsUnavailable, StillImageError
from drivers.face.liveness import Prompt
from drivers.face.models import FaceModels
from drivers.face.session import FaceService
from drivers.face.verifier import Reference


def test_a_still_photo_is_refused_through_the_future_off_the_callers_thread(
    engine: FaceEngine,
) -> None:
    service = FaceService(engine)
    seen: list[tuple[Prompt, str]] = []
    settings = CameraSettings(kind=CameraKind.FILE, path=FACES / "obama_480p.jpg", fps=30)
    reference = Reference.from_photo(engine, photo("obama_1.jpg"))
    try:
        with FileCamera("cam", settings) as camera:  # realtime: frames paced by the clock
            future = service.verify_live(
                camera,
                reference,
                on_prompt=lambda p: seen.append((p, threading.current_thread().name)),
            )
            with pytest.raises(StillImageError):
                future.result(timeout=30)
    finally:
        service.close()
    assert [p for p, _ in seen] == [Prompt.BLINK]
    assert all(name.startswith("face") for _, name in seen)
    assert threading.current_thread().name not in {name for _, name in seen}


def test_missing_face_recognition_is_e401_not_a_crash(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "face_recognition.api", None)  # import now fails
    models = FaceModels()
    models.start()
    with pytest.raises(FaceModelsUnavailable) as info:
        models.get(timeout=10)
    assert info.value.code == "E401" and "face_recognition" in info.value.detail
    assert not models.ready
