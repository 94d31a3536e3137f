"""The layering rules of ARCHITECTURE.md, enforced: the core has no Qt and never imports the
simulators nor the developers' tools; the kernel imports no layer; drivers and the offline
store never import upwards."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

# package -> the top-level packages that importing every module of it must not pull in
FORBIDDEN = {
    "kernel": ("PySide6", "simulators", "ui", "tools", "terminal", "drivers", "offline_store"),
    "drivers": ("PySide6", "simulators", "ui", "tools", "terminal", "offline_store"),
    "offline_store": ("PySide6", "simulators", "ui", "tools", "terminal", "drivers"),
    "terminal": ("PySide6", "simulators", "ui", "tools"),
}

PROBE = textwrap.dedent(
    """
    import importlib, pkgutil, sys
    package = importlib.import_module({package!r})
    for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        if not info.name.endswith(".__main__"):  # a program, not a module to import
            importlib.import_module(info.name)
    bad = sorted(m for m in sys.modules if m.split(".")[0] in {forbidden!r})
    print(",".join(bad))
    """
)


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_package_imports_no_layer_above_it_nor_qt_nor_simulators(package: str) -> None:
    probe = PROBE.format(package=package, forbidden=FORBIDDEN[package])
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "", f"{package} pulled in: {result.stdout.strip()}"
