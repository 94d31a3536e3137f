"""`medterm demo --headless` end to end, as `make demo` runs it on a machine without a display:
its own simulators and headless accessible desktop, one scripted patient per credential
through the real kiosk, a screenshot of each screen, the platform's settlements printed.

Run as a program (its own process: libatspi reads one desktop's bus per process), twice in
the same folder, because the demo must be safe to run again. Skipped, with the reason, only
where the machine cannot start the headless accessible desktop."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from ui.demo.a11y import missing_tools

pytestmark = [pytest.mark.atspi, pytest.mark.timeout(300)]
REPO = Path(__file__).resolve().parents[2]
CREDENTIALS = ("voucher", "card", "idcard")


def play_demo(workdir: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "QT_QPA_PLATFORM")}
    env["PYTHONPATH"] = str(REPO)
    return subprocess.run(
        [sys.executable, "-m", "terminal.cli", "demo", "--headless", "--workdir", str(workdir)],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=240,
    )


def test_the_headless_demo_completes_a_journey_per_credential_and_prints_the_settlements(
    tmp_path: Path,
) -> None:
    if missing := missing_tools():
        pytest.skip(f"no headless accessible desktop on this machine: {', '.join(missing)}")
    for _ in range(2):  # the second run starts afresh in the same folder
        played = play_demo(tmp_path)
        assert played.returncode == 0, played.stdout + played.stderr
        for credential in CREDENTIALS:
            assert re.search(rf"^- {credential} +\S+: completed$", played.stdout, re.M)
        settled = re.findall(r"^  S\d+ +\d+ +settled ", played.stdout, re.M)
        assert "settlements on the platform: 3" in played.stdout and len(settled) == 3
        shots = {p.name for p in (tmp_path / "screenshots").glob("*.png")}
        assert {"card-pin.png", "card-done.png", "voucher-pay.png", "idcard-done.png"} <= shots
