"""Fixtures for the journal's integration tests: small real filesystems (tmpfs) when the test
runs with the privilege to mount them, skipped otherwise."""

from __future__ import annotations

import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest


def _run(*command: str) -> bool:
    return subprocess.run(command, capture_output=True, timeout=30).returncode == 0


@pytest.fixture
def small_fs(tmp_path: Path) -> Iterator[Callable[[str], Path]]:
    """Mount a size-limited tmpfs (e.g. `small_fs("2m")`); unmounted after the test."""
    mounted: list[Path] = []

    def mount(size: str) -> Path:
        point = tmp_path / f"fs{len(mounted)}"
        point.mkdir()
        if not _run("mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs", str(point)):
            pytest.skip("cannot mount a tmpfs here (needs root or CAP_SYS_ADMIN)")
        mounted.append(point)
        return point

    yield mount
    for point in reversed(mounted):
        _run("umount", "-l", str(point))


@pytest.fixture
def remount_read_only() -> Callable[[Path], None]:
    """Remount a `small_fs` mount read-only (skips when not allowed)."""

    def remount(point: Path) -> None:
        if not _run("mount", "-o", "remount,ro", str(point)):
            pytest.skip("cannot remount read-only here")

    return remount
