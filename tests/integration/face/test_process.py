"""The face service in its own process (what the kiosk runs): the same answers as in-process,
typed refusals rebuilt on this side, the camera read here, and nothing written by the child."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from face_photos import FACES, photo

from drivers.camera.file_source import FileCamera
from drivers.camera.source import CameraKind, CameraSettings
from drivers.face.engine import FaceEngine
from drivers.face.errors import StillImageError
from drivers.face.process import FaceProcess
from drivers.face.settings import FaceSettings, LivenessMethod
from drivers.face.verifier import Reference


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("face-process-home")


@pytest.fixture(scope="module")
def process(home: Path) -> Iterator[FaceProcess]:
    """The child starts with HOME, TMPDIR and its working directory in an empty folder."""
    saved = {k: os.environ.get(k) for k in ("HOME", "TMPDIR")}
    cwd = Path.cwd()
    os.environ.update(HOME=str(home), TMPDIR=str(home))
    os.chdir(home)
    try:
        face = FaceProcess(FaceSettings())
        face.wait_ready()
    finally:
        os.chdir(cwd)
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    yield face
    face.close()


def camera(name: str) -> FileCamera:
    settings = CameraSettings(kind=CameraKind.FILE, path=FACES / name, realtime=False)
    return FileCamera("cam", settings)  # opened by `with`


def test_the_clips_head_turn_passes_and_matches_its_person_across_the_process(
    process: FaceProcess, engine: FaceEngine
) -> None:
    reference = Reference.from_photo(engine, photo("miranda_1.png"))
    prompts = []
    with camera("hamilton_clip.mp4") as source:
        live = process.verify_live(source, reference, prompts.append,
                                   method=LivenessMethod.TURN_RIGHT).result(60)
    assert live.verdict.matched and live.liveness.method == "turn_right"
    assert [p.name for p in prompts][-2:] == ["LOOK_BACK", "DONE"]


def test_a_still_photo_is_refused_with_the_same_typed_error(process: FaceProcess) -> None:
    with camera("obama_480p.jpg") as source, pytest.raises(StillImageError):
        process.capture_live(source).result(60)


def test_a_staff_attested_capture_encodes_one_frame(process: FaceProcess) -> None:
    with camera("obama_480p.jpg") as source:
        live = process.capture_attested(source, 5.0).result(60)
    assert live.liveness.method == "staff" and live.encoding.shape == (128,)


def test_the_child_wrote_no_file(process: FaceProcess, home: Path) -> None:
    assert [p for p in home.rglob("*") if p.is_file()] == []
