"""`medterm face ...` (and `medterm diag face-...`): check the face pipeline from a console.

    medterm face verify --reference ID_PHOTO --probe FRAME [--json]
    medterm face liveness --video FILE [--fps 15] [--method blink|turn_left|turn_right] [--json]
    medterm face threshold --folder DIR [--json]

A technician uses these to see why a face check fails at a kiosk: the distance against the
threshold, the liveness prompts as they change. Nothing is written anywhere; encodings are
never printed (only distances). The face engine is the terminal's (`Terminal.face`), with the
`[face]` settings of the configuration every command uses (`--config`, `$MEDTERM_CONFIG`, the
installed file, else the demo's defaults). The face stack (numpy, OpenCV, dlib) is imported
only when one of these commands runs, so the other commands do not pay for it at start.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from drivers.face.settings import LivenessMethod
from kernel.errors import MedtermError
from terminal.app import Terminal
from terminal.cli.options import ArgumentError, config_path, fps
from terminal.config import load_config

if TYPE_CHECKING:
    from drivers.face.engine import FaceEngine
    from drivers.face.liveness import Prompt

Handler = Callable[[argparse.Namespace], int]


def register(subparsers: argparse._SubParsersAction) -> None:
    """The top-level `face` group."""
    group = subparsers.add_parser("face", help="face verification and liveness checks")
    commands = group.add_subparsers(dest="face_command", required=True, metavar="SUBCOMMAND")
    _add_commands(commands, prefix="")


def register_diag(diag_subparsers: argparse._SubParsersAction) -> None:
    """The same commands as `diag face-verify`, `diag face-liveness`, `diag face-threshold`."""
    _add_commands(diag_subparsers, prefix="face-")


def _add_commands(commands: argparse._SubParsersAction, prefix: str) -> None:
    verify = commands.add_parser(prefix + "verify", help="1:1 match of a probe photo")
    verify.add_argument("--reference", type=Path, required=True, help="reference (ID) photo")
    verify.add_argument("--probe", type=Path, required=True, help="photo or camera frame")
    _common(verify, verify_command)

    liveness = commands.add_parser(prefix + "liveness", help="blink liveness over a video")
    liveness.add_argument("--video", type=Path, required=True, help="video or still image")
    liveness.add_argument(
        "--fps", type=fps, default=15.0, help="frames judged per second (1 to 120)"
    )
    liveness.add_argument(
        "--method",
        choices=[m.value for m in LivenessMethod],
        help="blink, turn_left or turn_right (default: [face] liveness; turn = random side)",
    )
    _common(liveness, liveness_command)

    threshold = commands.add_parser(
        prefix + "threshold", help="FAR/FRR per threshold over labelled photos"
    )
    threshold.add_argument("--folder", type=Path, required=True, help="<label>_<n>.jpg files")
    _common(threshold, threshold_command)


def _common(parser: argparse.ArgumentParser, handler: Handler) -> None:
    parser.add_argument("--json", action="store_true", help="one JSON object on stdout")
    parser.add_argument("--config", type=Path, help="terminal.toml whose [face] to use")
    parser.set_defaults(handler=handler)


@contextmanager
def _engine(args: argparse.Namespace) -> Iterator[FaceEngine]:
    """The terminal's face engine, with the chosen configuration's `[face]` settings."""
    with Terminal(load_config(config_path(args))) as terminal:
        yield terminal.face.engine


def _report(args: argparse.Namespace, run: Callable[[], dict[str, Any]], text: str) -> int:
    """Run; print the result as JSON or as ``text``; in JSON mode a typed error is JSON too."""
    try:
        result = run()
    except MedtermError as err:
        if not args.json:
            raise
        print(json.dumps({"ok": False, "error": err.as_dict()}, ensure_ascii=False))
        return 2
    if args.json:
        print(json.dumps({"ok": True, **result}, ensure_ascii=False))
    else:
        print(text.format(**result))
    return 0 if result.get("matched", True) else 1


def verify_command(args: argparse.Namespace) -> int:
    def run() -> dict[str, Any]:
        from drivers.camera.images import read_rgb
        from drivers.face.verifier import FaceVerifier, Reference

        with _engine(args) as engine:
            reference = Reference.from_photo(engine, read_rgb(args.reference))
            probe = read_rgb(args.probe)
            started = time.perf_counter()
            verdict = FaceVerifier(engine).verify(probe, reference)
        return {**verdict.as_dict(), "probe_ms": round((time.perf_counter() - started) * 1000)}

    return _report(
        args, run, "matched: {matched} (distance {distance:.3f}, threshold {threshold:.2f})"
    )


def liveness_command(args: argparse.Namespace) -> int:
    def run() -> dict[str, Any]:
        from drivers.camera.file_source import FileCamera
        from drivers.camera.source import CameraKind, CameraSettings
        from drivers.face.liveness import LivenessCheck

        settings = CameraSettings(
            kind=CameraKind.FILE, path=args.video, fps=args.fps, realtime=False, loop=False
        )
        with _engine(args) as engine:
            camera = FileCamera("cli-camera", settings)
            camera.start()
            try:
                method = LivenessMethod(args.method) if args.method else None
                check = LivenessCheck(engine, on_prompt=_print_prompt, method=method)
                result = check.run(camera)
            finally:
                camera.close()
        return {**result.as_wire(), "seconds": round(result.seconds, 2)}

    return _report(args, run, "passed: {method} after {frames} frames ({seconds} s)")


def threshold_command(args: argparse.Namespace) -> int:
    from drivers.face import calibrate

    if not args.folder.is_dir():
        raise ArgumentError(f"--folder {args.folder} is not a folder")
    with _engine(args) as engine:
        cal = calibrate.calibrate(args.folder, engine)
    if args.json:
        print(json.dumps({"table": cal.table(), "skipped": cal.skipped}, ensure_ascii=False))
    else:
        print(calibrate.render(cal))
    return 0


def _print_prompt(prompt: Prompt) -> None:
    print(f"prompt: {prompt}", file=sys.stderr)
