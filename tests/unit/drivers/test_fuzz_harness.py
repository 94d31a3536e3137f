"""A short, bounded atheris campaign over the device and voucher parsers (full runs: by hand)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

HARNESS = Path(__file__).parents[2] / "fuzz" / "fuzz_device_parsers.py"


def test_parsers_survive_a_short_fuzz_campaign(tmp_path: Path) -> None:
    pytest.importorskip("atheris")
    result = subprocess.run(
        [sys.executable, str(HARNESS), "-runs=20000", "-seed=1", f"-artifact_prefix={tmp_path}/"],
        capture_output=True,
        text=True,
        timeout=240,
        cwd=Path(__file__).parents[3],
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Done 20000 runs" in result.stderr
