"""Measure genuine and impostor distances over a folder of labelled photos; print FAR/FRR.

    python -m drivers.face.calibrate --folder DIR [--json]

The label of a photo is its file name before the first ``_`` (``obama_2.jpg`` -> ``obama``).
Every pair of usable photos is compared: same label = genuine, different = impostor. For each
candidate threshold the table gives FAR (impostor pairs accepted / impostor pairs) and FRR
(genuine pairs refused / genuine pairs). Photos without exactly one whole face are listed and
left out. The printout is the table docs/face.md keeps; the encodings are never written.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from drivers.camera.images import read_rgb
from drivers.face.engine import FaceEngine, encoding_distance
from drivers.face.errors import FaceError
from drivers.face.models import FaceModels
from drivers.face.settings import FaceSettings

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png")
CANDIDATES = tuple(round(0.40 + 0.02 * i, 2) for i in range(16))  # 0.40 .. 0.70


@dataclass(frozen=True)
class Pair:
    a: str
    b: str
    distance: float
    genuine: bool


@dataclass(frozen=True)
class Calibration:
    pairs: list[Pair]
    skipped: dict[str, str]  # file name -> why

    @property
    def genuine(self) -> list[float]:
        return [p.distance for p in self.pairs if p.genuine]

    @property
    def impostor(self) -> list[float]:
        return [p.distance for p in self.pairs if not p.genuine]

    def rates(self, threshold: float) -> tuple[float, float]:
        """(FAR, FRR) at ``threshold``: accepted impostors, refused genuines, as fractions."""
        genuine, impostor = self.genuine, self.impostor
        far = sum(d <= threshold for d in impostor) / len(impostor) if impostor else 0.0
        frr = sum(d > threshold for d in genuine) / len(genuine) if genuine else 0.0
        return far, frr

    def table(self, candidates: Sequence[float] = CANDIDATES) -> list[dict[str, float]]:
        return [
            {"threshold": t, "far": far, "frr": frr}
            for t in candidates
            for far, frr in [self.rates(t)]
        ]


def label_of(path: Path) -> str:
    return path.stem.split("_", 1)[0]


def calibrate(folder: Path, engine: FaceEngine) -> Calibration:
    encodings: dict[str, np.ndarray] = {}
    skipped: dict[str, str] = {}
    for path in sorted(p for p in folder.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES):
        try:
            encodings[path.name] = engine.encode_single(read_rgb(path))
        except FaceError as err:
            skipped[path.name] = f"{err.code} {err.message_en}"
    pairs = [
        Pair(
            a,
            b,
            encoding_distance(encodings[a], encodings[b]),
            label_of(Path(a)) == label_of(Path(b)),
        )
        for a, b in itertools.combinations(encodings, 2)
    ]
    return Calibration(pairs, skipped)


def render(cal: Calibration) -> str:
    genuine, impostor = cal.genuine, cal.impostor
    lines = [
        f"genuine pairs: {len(genuine)}, distance {_span(genuine)}",
        f"impostor pairs: {len(impostor)}, distance {_span(impostor)}",
    ]
    lines += [f"skipped {name}: {why}" for name, why in cal.skipped.items()]
    lines += ["", "| threshold | FAR | FRR |", "|---|---|---|"]
    lines += [
        f"| {row['threshold']:.2f} | {row['far']:.1%} | {row['frr']:.1%} |" for row in cal.table()
    ]
    return "\n".join(lines)


def _span(values: list[float]) -> str:
    return f"{min(values):.3f} to {max(values):.3f}" if values else "(none)"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m drivers.face.calibrate", description=__doc__)
    parser.add_argument("--folder", type=Path, required=True, help="folder of <label>_<n>.jpg")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    args = parser.parse_args(argv)
    if not args.folder.is_dir():
        parser.error(f"{args.folder} is not a folder")
    cal = calibrate(args.folder, FaceEngine(FaceModels(), FaceSettings()))
    if args.json:
        out = {
            "genuine": sorted(round(d, 4) for d in cal.genuine),
            "impostor": sorted(round(d, 4) for d in cal.impostor),
            "skipped": cal.skipped,
            "table": cal.table(),
        }
        print(json.dumps(out, indent=2))
    else:
        print(render(cal))
    return 0


if __name__ == "__main__":
    sys.exit(main())
