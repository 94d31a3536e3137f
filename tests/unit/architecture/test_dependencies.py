"""The declared dependencies are the ones that run: each is imported by the project's code (or
is named here with what uses it otherwise), so none is declared and unused."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
INSTALLED = ("kernel", "terminal", "drivers", "offline_store", "simulators", "ui")  # the wheel's
CODE = (*INSTALLED, "bench", "tests")

# distribution -> the module the project imports
IMPORTED_AS = {
    "requests": "requests",
    "sqlite-utils": "sqlite_utils",
    "cryptography": "cryptography",
    "gmssl": "gmssl",
    "pyserial": "serial",
    "pyscard": "smartcard",
    "python-escpos": "escpos",
    "qrcode": "qrcode",
    "PySide6-Essentials": "PySide6",
    "PySide6-Addons": "PySide6.QtMultimedia",
    "tenacity": "tenacity",
    "evdev": "evdev",
    "numpy": "numpy",
    "Pillow": "PIL",
    "opencv-python-headless": "cv2",
    "dlib-bin": "dlib",
    "pytest": "pytest",
    "hypothesis": "hypothesis",
    "persist-queue": "persistqueue",
    "atheris": "atheris",
}
# distribution -> why it is needed though the project never imports it
USED_OTHERWISE = {
    "face_recognition_models": "imported by face_recognition.api (installed --no-deps)",
    "pytest-qt": "the qtbot fixture of tests/ui",
    "pytest-timeout": "the timeout of [tool.pytest.ini_options]",
    "ruff": "the linter CI runs",
}


def declared(*, extras: tuple[str, ...] | None = None) -> list[str]:
    """The distributions pyproject.toml names: the runtime ones and every extra's, or only
    the given extras'."""
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    requirements = [*project["dependencies"]] if extras is None else []
    for name, extra in project["optional-dependencies"].items():
        if extras is None or name in extras:
            requirements += extra
    return [re.match(r"[A-Za-z0-9_.\-]+", r).group(0) for r in requirements]  # type: ignore[union-attr]


def imports_anywhere(module: str, folders: tuple[str, ...] = CODE) -> bool:
    pattern = re.compile(rf"^\s*(import|from) {re.escape(module)}(\s|\.|$)", re.MULTILINE)
    for folder in folders:
        for path in (REPO / folder).rglob("*.py"):
            if pattern.search(path.read_text(encoding="utf-8")):
                return True
    return False


def test_every_declared_dependency_is_accounted_for() -> None:
    unexplained = [d for d in declared() if d not in IMPORTED_AS and d not in USED_OTHERWISE]
    assert unexplained == []


def test_every_declared_dependency_is_imported() -> None:
    unused = [d for d in declared() if d in IMPORTED_AS and not imports_anywhere(IMPORTED_AS[d])]
    assert unused == []


def test_no_installed_module_imports_a_development_dependency() -> None:
    """gmssl (the SM2 reference), pytest, hypothesis...: a terminal installed without the dev
    extra must not need them."""
    dev_only = [d for d in declared(extras=("dev",)) if d in IMPORTED_AS]
    assert "gmssl" in dev_only
    used = [d for d in dev_only if imports_anywhere(IMPORTED_AS[d], INSTALLED)]
    assert used == []
