"""Liveness over real frames: still photos, replays, faceless frames and the hamilton clip."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from face_photos import FACES, photo
from PIL import Image

from drivers.camera.errors import CameraFrameTimeoutError
from drivers.camera.file_source import FileCamera
from drivers.camera.source import CameraKind, CameraSettings, Frame
from drivers.face.engine import FaceEngine
from drivers.face.errors import FaceNotSeenTimeoutError, LivenessTimeoutError, StillImageError
from drivers.face.liveness import LivenessCheck, Prompt
from drivers.face.settings import FaceSettings


def _camera(path: Path, fps: float = 15.0, loop: bool = False) -> FileCamera:
    settings = CameraSettings(kind=CameraKind.FILE, path=path, fps=fps, realtime=False, loop=loop)
    camera = FileCamera("test-camera", settings)
    camera.start()
    return camera


@pytest.fixture
def prompts() -> list[Prompt]:
    return []


@pytest.fixture(scope="module")
def clip_frames() -> Iterator[list[Frame]]:
    """The hamilton clip at 15 fps, decoded once for the module."""
    camera = _camera(FACES / "hamilton_clip.mp4")
    frames: list[Frame] = []
    try:
        while True:
            frames.append(camera.read(1.0))
    except CameraFrameTimeoutError:  # E421 at the end of the video
        pass
    finally:
        camera.close()
    yield frames


def test_a_still_photo_fed_as_video_fails_as_a_still_picture(
    engine: FaceEngine, prompts: list[Prompt]
) -> None:
    camera = _camera(FACES / "obama_480p.jpg")
    try:
        with pytest.raises(StillImageError) as info:
            LivenessCheck(engine, on_prompt=prompts.append).run(camera)
    finally:
        camera.close()
    assert info.value.code == "E411"
    assert prompts == [Prompt.BLINK]


def test_frames_without_a_face_time_out_asking_to_look_at_the_camera(
    engine: FaceEngine, prompts: list[Prompt], tmp_path: Path
) -> None:
    faceless = tmp_path / "jacket.png"
    Image.fromarray(photo("biden_1.jpg")[1200:, :]).save(faceless)
    settings = FaceSettings(liveness_timeout=3.0)
    camera = _camera(faceless)
    try:
        with pytest.raises(FaceNotSeenTimeoutError) as info:
            LivenessCheck(engine, settings, on_prompt=prompts.append).run(camera)
    finally:
        camera.close()
    assert info.value.code == "E412"
    assert prompts == [Prompt.FACE_CAMERA]
    assert "请正对摄像头" in info.value.message_zh and "请正对摄像头" in info.value.detail


def test_the_hamilton_clip_shows_faces_but_no_blink_so_it_times_out(
    engine: FaceEngine, clip_frames: list[Frame], prompts: list[Prompt]
) -> None:
    check = LivenessCheck(engine, on_prompt=prompts.append)
    with pytest.raises(LivenessTimeoutError) as info:
        for frame in clip_frames:
            check.feed(frame)
    assert info.value.code == "E410"
    assert "请眨眼" in info.value.detail
    assert prompts[:2] == [Prompt.FACE_CAMERA, Prompt.BLINK]


def test_a_replayed_frame_is_refused(engine: FaceEngine, clip_frames: list[Frame]) -> None:
    with_face = clip_frames[46:54]  # about 3.1 s into the clip: one face, eyes open
    check = LivenessCheck(engine)
    for frame in with_face:
        assert check.feed(frame) is None
    replay = Frame(with_face[2].image, with_face[-1].timestamp + 0.07, with_face[-1].index + 1)
    with pytest.raises(StillImageError, match="replayed"):
        check.feed(replay)
