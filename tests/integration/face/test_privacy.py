"""Nothing face-related leaves memory: no file written, no encoding number in any log line."""

from __future__ import annotations

import io
import logging
import os
import tempfile
from pathlib import Path

import numpy as np
import pytest
from face_photos import FACES, photo

from drivers.camera.file_source import FileCamera
from drivers.camera.source import CameraKind, CameraSettings
from drivers.face.engine import FaceEngine
from drivers.face.errors import LivenessTimeoutError
from drivers.face.liveness import LivenessCheck
from drivers.face.verifier import FaceVerifier, Reference
from terminal.cli import main


def _files_under(*roots: Path) -> list[Path]:
    return [p for root in roots for p in root.rglob("*") if p.is_file()]


def _number_texts(encoding: np.ndarray) -> set[str]:
    """How an encoding's numbers would look if printed: repr, and 4 to 6 decimals."""
    texts = set()
    for x in encoding[:32]:
        texts.add(repr(float(x))[:8])
        texts.update(f"{x:.{n}f}" for n in (4, 5, 6))
    return {t for t in texts if len(t.lstrip("-0.")) >= 3}


def test_verification_and_liveness_write_nothing_and_log_no_encoding(
    engine: FaceEngine,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    home, cwd, data, tmp = (tmp_path / d for d in ("home", "cwd", "data", "tmp"))
    for folder in (home, cwd, data, tmp):
        folder.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("MEDTERM__STORE__DATA_DIR", str(data))
    monkeypatch.setenv("TMPDIR", str(tmp))
    monkeypatch.setattr(tempfile, "tempdir", str(tmp))
    monkeypatch.chdir(cwd)
    log_text = io.StringIO()
    handler = logging.StreamHandler(log_text)
    root = logging.getLogger()
    root.addHandler(handler)
    level = root.level
    root.setLevel(logging.DEBUG)  # setLevel, not the attribute: it clears loggers' caches
    try:
        reference = Reference.from_photo(engine, photo("obama_1.jpg"))
        verdict = FaceVerifier(engine).verify(photo("obama_2.jpg"), reference)
        camera = FileCamera(
            "cam",
            CameraSettings(kind=CameraKind.FILE, path=FACES / "hamilton_clip.mp4", realtime=False),
        )
        with camera, pytest.raises(LivenessTimeoutError):
            LivenessCheck(engine).run(camera)
        assert (
            main(
                [
                    "face",
                    "verify",
                    "--reference",
                    str(FACES / "obama_1.jpg"),
                    "--probe",
                    str(FACES / "obama_2.jpg"),
                    "--json",
                ]
            )
            == 0
        )
    finally:
        root.removeHandler(handler)
        root.setLevel(level)
    output = log_text.getvalue() + "".join(capsys.readouterr())
    assert verdict.matched
    assert "distance" in output and "liveness prompt" in output  # the log did run at DEBUG
    leaked = {t for t in _number_texts(reference.encoding) if t in output}
    assert leaked == set()
    assert _files_under(home, cwd, data, tmp) == []
    assert not os.listdir(cwd)
