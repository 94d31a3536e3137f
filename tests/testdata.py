"""Where the tests' data files are: in the repository, so a fresh clone can run every test."""

from __future__ import annotations

import os
from pathlib import Path

# Real photos and a video clip of real faces (tests/data/faces/README.md); another folder of
# `<label>_<n>` photos can stand in through $MEDTERM_FACES_DIR.
FACES = Path(os.environ.get("MEDTERM_FACES_DIR") or Path(__file__).parent / "data" / "faces")
