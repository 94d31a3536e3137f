"""The layering rules of ARCHITECTURE.md, enforced: the core has no Qt and never imports the
simulators."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

CORE_PACKAGES = ("terminal", "drivers", "offline_store")

PROBE = textwrap.dedent(
    """
    import importlib, pkgutil, sys
    package = importlib.import_module({package!r})
    for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        if not info.name.endswith(".__main__"):  # a program, not a module to import
            importlib.import_module(info.name)
    bad = sorted(m for m in sys.modules if m.split(".")[0] in ("PySide6", "simulators", "ui"))
    print(",".join(bad))
    """
)


@pytest.mark.parametrize("package", CORE_PACKAGES)
def test_core_package_imports_neither_qt_nor_simulators_nor_ui(package: str) -> None:
    result = subprocess.run(
        [sys.executable, "-c", PROBE.format(package=package)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "", f"{package} pulled in: {result.stdout.strip()}"
