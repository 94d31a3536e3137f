"""How long a face check stalls a Qt event loop: the face service on a thread of the GUI's
process against the same service in its own process (`drivers/face/process.py`).

    QT_QPA_PLATFORM=offscreen .venv/bin/python -m bench.bench_face_gui [--runs 3]

A 10 ms `QTimer` on the GUI thread records the gap between its ticks while a liveness check
runs on the project's clip (hamilton_clip.mp4, frames decoded on read, the head turn the clip
shows; the check passes after 73 frames). **Baseline**: the same event loop, idle, for as long
as a check takes. The kiosk's limit is 100 ms (the screen tests' watchdog). Runs alternate;
each mode reports the median and worst of its runs' worst gaps, the p95 gap, and the check's
median duration.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from typing import Any

from PySide6.QtCore import QElapsedTimer, QEventLoop, QTimer
from PySide6.QtWidgets import QApplication

from drivers.camera.file_source import FileCamera
from drivers.camera.source import CameraKind, CameraSettings
from drivers.face.engine import FaceEngine
from drivers.face.models import FaceModels
from drivers.face.process import FaceProcess
from drivers.face.session import FaceService
from drivers.face.settings import FaceSettings, LivenessMethod

CLIP = Path(__file__).resolve().parents[1] / "tests" / "data" / "faces" / "hamilton_clip.mp4"


def gaps_while(start: Callable[[], Future[Any] | None], seconds: float) -> tuple[list[int], float]:
    """Tick gaps (ms) while ``start()``'s future runs (or for ``seconds`` when it is None)."""
    gaps: list[int] = []
    clock = QElapsedTimer()
    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(lambda: gaps.append(clock.restart()))
    loop = QEventLoop()
    began = time.perf_counter()
    clock.start()
    timer.start()
    future = start()
    if future is None:
        QTimer.singleShot(int(seconds * 1000), loop.quit)
    else:  # polled on the GUI thread (a done-callback runs on the worker, outside Qt)
        poll = QTimer()
        poll.setInterval(10)
        poll.timeout.connect(lambda: future.done() and loop.quit())
        poll.start()
    loop.exec()
    timer.stop()
    if future is not None:
        future.result()
    return gaps, time.perf_counter() - began


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    QApplication.instance() or QApplication(sys.argv[:1])
    settings = FaceSettings()
    models = FaceModels()
    models.get()
    in_thread = FaceService(FaceEngine(models, settings))
    in_process = FaceProcess(settings)
    in_process.wait_ready()
    camera_settings = CameraSettings(kind=CameraKind.FILE, path=CLIP, realtime=False)
    results: dict[str, list[tuple[list[int], float]]] = {"idle": [], "thread": [], "process": []}
    check_s = 5.0
    for _ in range(args.runs):
        for mode, service in (("thread", in_thread), ("process", in_process)):
            with FileCamera("camera", camera_settings) as camera:
                run = gaps_while(lambda s=service, c=camera: s.capture_live(
                    c, method=LivenessMethod.TURN_RIGHT), 0)
            results[mode].append(run)
            check_s = run[1]
        results["idle"].append(gaps_while(lambda: None, check_s))
    in_process.close()
    in_thread.close()
    print("| mode | worst gap, median of runs (ms) | worst gap, worst run (ms) | p95 gap (ms) | "
          "check (s) |")
    print("|---|---|---|---|---|")
    for mode, runs in results.items():
        worsts = [max(gaps) for gaps, _ in runs]
        every = sorted(g for gaps, _ in runs for g in gaps)
        p95 = every[int(0.95 * (len(every) - 1))]
        seconds = statistics.median(s for _, s in runs)
        print(f"| {mode} | {statistics.median(worsts):.0f} | {max(worsts)} | {p95} | "
              f"{seconds:.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
