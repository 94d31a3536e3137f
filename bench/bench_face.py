"""Face verification speed and memory: our pipeline against plain face_recognition, one run.

    .venv/bin/python -m bench.bench_face [--runs 25] [--faces DIR]

**Ours**: `FaceVerifier.verify(frame, reference)` on a 640x480 camera-like frame: detection on a
copy shrunk to 320 px (upsampled once only if nothing is found), landmarks and the 128-d
encoding at full resolution inside the scaled-up box, distance to a reference encoded once.
**Ours, in a session**: in a `FaceService` check the liveness loop has already found the face
on its final frame and encodes it there; what verification adds is that encoding + distance.
**Baseline**: what plain face_recognition code does, `face_locations(frame)` (HOG, one
upsampling, full frame) + `face_encodings(frame, locations)` + `face_distance`. Runs alternate
and each side reports its median. Then both pipelines decide every pair of the test photos at
the default threshold and the decisions are compared. RSS is read with the models loaded.
"""

from __future__ import annotations

import argparse
import itertools
import resource
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np

from drivers.camera.images import read_rgb
from drivers.face.calibrate import IMAGE_SUFFIXES, label_of
from drivers.face.engine import FaceEngine, encoding_distance
from drivers.face.errors import FaceError
from drivers.face.models import FaceModels
from drivers.face.settings import FaceSettings
from drivers.face.verifier import FaceVerifier, Reference

# The project's face photos (data files of the repository; `--faces` names another folder).
DEFAULT_FACES = Path(__file__).resolve().parents[1] / "tests" / "data" / "faces"


def camera_frame(faces: Path) -> np.ndarray:
    """obama_1 cropped to 4:3 from the top and scaled to 640x480: a face ~190 px wide, as a
    kiosk camera sees a person at arm's length."""
    image = read_rgb(faces / "obama_1.jpg")
    width = image.shape[1]
    crop = image[: width * 3 // 4]
    return np.ascontiguousarray(cv2.resize(crop, (640, 480), interpolation=cv2.INTER_AREA))


def timed(fn: Callable[[], object]) -> float:
    started = time.perf_counter()
    fn()
    return (time.perf_counter() - started) * 1000


def rss_mb() -> tuple[float, float]:
    """(current, peak) resident set size in MiB."""
    current = 0.0
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            current = int(line.split()[1]) / 1024
    return current, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def decisions(faces: Path, engine: FaceEngine, api: object) -> tuple[int, int, list[str]]:
    """Both pipelines decide every pair of single-face photos; (pairs, agreements, notes)."""
    ours: dict[str, np.ndarray] = {}
    plain: dict[str, np.ndarray] = {}
    notes: list[str] = []
    for path in sorted(p for p in faces.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES):
        image = read_rgb(path)
        try:
            ours[path.name] = engine.encode_single(image)
        except FaceError as err:
            notes.append(f"{path.name}: ours refuses ({err.code})")
        found = api.face_encodings(image, api.face_locations(image))  # type: ignore[attr-defined]
        if len(found) == 1:
            plain[path.name] = found[0]
        else:
            notes.append(f"{path.name}: plain finds {len(found)} faces")
    threshold = engine.settings.threshold
    names = sorted(set(ours) & set(plain))
    agree = 0
    pairs = list(itertools.combinations(names, 2))
    for a, b in pairs:
        mine = encoding_distance(ours[a], ours[b]) <= threshold
        theirs = encoding_distance(plain[a], plain[b]) <= threshold
        truth = label_of(Path(a)) == label_of(Path(b))
        agree += mine == theirs
        if mine != truth or theirs != truth:
            notes.append(f"{a}/{b}: ours {mine}, plain {theirs}, same person {truth}")
    return len(pairs), agree, notes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=25)
    parser.add_argument("--faces", type=Path, default=DEFAULT_FACES)
    args = parser.parse_args(argv)

    started = time.perf_counter()
    models = FaceModels()
    api = models.get()
    load_s = time.perf_counter() - started
    engine = FaceEngine(models, FaceSettings())
    verifier = FaceVerifier(engine)
    reference = Reference.from_photo(engine, read_rgb(args.faces / "obama_2.jpg"))
    frame = camera_frame(args.faces)

    def ours() -> bool:
        return verifier.verify(frame, reference).matched

    def baseline() -> bool:
        locations = api.face_locations(frame)
        encodings = api.face_encodings(frame, locations)
        return bool(
            api.face_distance(encodings, reference.encoding)[0] <= engine.settings.threshold
        )

    box = engine.select(frame)

    def in_session() -> bool:
        return verifier.compare(engine.encode(frame, box), reference).matched

    assert ours() and in_session() and baseline(), "all must accept the genuine frame"
    ours_ms: list[float] = []
    session_ms: list[float] = []
    base_ms: list[float] = []
    for _ in range(args.runs):
        ours_ms.append(timed(ours))
        session_ms.append(timed(in_session))
        base_ms.append(timed(baseline))
    detect_ms = statistics.median(timed(lambda: engine.detect(frame)) for _ in range(args.runs))
    current, peak = rss_mb()
    pairs, agree, notes = decisions(args.faces, engine, api)

    ours_median, base_median = statistics.median(ours_ms), statistics.median(base_ms)
    session_median = statistics.median(session_ms)
    print(f"models loaded in {load_s:.2f} s; frame 640x480; {args.runs} runs each, alternating")
    print(f"ours     median {ours_median:6.1f} ms  (detection alone {detect_ms:.1f} ms)")
    print(f"session  median {session_median:6.1f} ms  (box known from the liveness check)")
    print(f"baseline median {base_median:6.1f} ms")
    print(f"ratio    {base_median / ours_median:.2f}x faster (single frame)")
    print(f"ratio    {base_median / session_median:.2f}x faster (in a session)")
    print(f"RSS with models loaded: {current:.0f} MiB (peak {peak:.0f} MiB)")
    print(f"decisions on the test photos: {agree}/{pairs} pairs agree")
    for note in notes:
        print(f"  note: {note}")
    return 0 if agree == pairs else 1


if __name__ == "__main__":
    sys.exit(main())
