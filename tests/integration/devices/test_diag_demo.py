"""`medterm diag devices` on a fresh clone, as a new developer runs it: no installed
configuration, so the demo kiosk's, whose `[devices]` are the device simulators' stable names."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from terminal.config import DEFAULT_PATH
from terminal.services import ServiceProcess, python_module_argv

REPO = Path(__file__).resolve().parents[3]


def fresh_clone(into: Path) -> Path:
    """What a clone of this working tree holds: the files git knows of, nothing generated
    (no journal, no links, no caches)."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO, capture_output=True, check=True,
    ).stdout.decode().split("\0")  # fmt: skip
    for name in filter(None, listed):
        source = REPO / name
        if source.is_file():
            target = into / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    return into


def environment(clone: Path) -> dict[str, str]:
    """No MEDTERM_* variables, and the clone's code, not this tree's."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MEDTERM")}
    return {**env, "PYTHONPATH": str(clone)}


def diag_devices(clone: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "terminal.cli", "diag", "devices", "--json"],
        cwd=cwd, env=environment(clone), capture_output=True, text=True, timeout=60,
    )  # fmt: skip


pytestmark = pytest.mark.skipif(
    DEFAULT_PATH.exists(), reason="an installed terminal's configuration would be used"
)


def test_diag_devices_finds_the_simulated_devices_with_the_demo_configuration(
    tmp_path: Path,
) -> None:
    clone = fresh_clone(tmp_path / "medterm")
    world = "simulators/worlds/default.json"
    argv = python_module_argv("simulators.devices", "--world", world, "--links", ".demo-devices")
    with ServiceProcess.start(argv, name="device simulators", cwd=clone, env=environment(clone)):
        result = diag_devices(clone, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "using the demo kiosk" in result.stderr  # said, so nobody mistakes it for theirs
    rows = {row["name"]: row for row in json.loads(result.stdout)}
    assert set(rows) == {"idcard", "scanner", "printer"}
    assert all(row["status"] == "online" and row["problem"] is None for row in rows.values())


def test_diag_devices_without_the_simulators_says_which_device_is_missing(
    tmp_path: Path,
) -> None:
    clone = fresh_clone(tmp_path / "medterm")
    result = diag_devices(clone, cwd=tmp_path)
    assert result.returncode == 1  # a check failed; not a configuration error (2)
    rows = json.loads(result.stdout)
    assert {row["status"] for row in rows} == {"no_hardware"}
    assert all(".demo-devices" in row["problem"] for row in rows)
