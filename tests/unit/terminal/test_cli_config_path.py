"""Which terminal.toml a technician's command runs with."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from terminal import config
from terminal.cli.options import DEMO_CONFIGS, config_path


def _args(config: Path | None = None, *, pharmacy: bool = False) -> argparse.Namespace:
    return argparse.Namespace(config=config, pharmacy=pharmacy)


@pytest.fixture
def installed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "terminal.toml"
    path.write_text("", encoding="utf-8")
    monkeypatch.setattr(config, "DEFAULT_PATH", path)
    return path


def test_an_explicit_config_wins_over_everything(installed: Path, tmp_path: Path) -> None:
    chosen = tmp_path / "other.toml"
    assert config_path(_args(chosen), {"MEDTERM_CONFIG": "/x.toml"}) == chosen


def test_the_pharmacy_flag_picks_the_demo_pharmacy_counter(installed: Path) -> None:
    assert config_path(_args(pharmacy=True), {}) == DEMO_CONFIGS["pharmacy"]


def test_the_environment_names_the_config_before_the_installed_file(installed: Path) -> None:
    assert config_path(_args(), {"MEDTERM_CONFIG": "/x.toml"}) == Path("/x.toml")


def test_an_installed_terminal_uses_its_own_config_not_the_demo(installed: Path) -> None:
    assert config_path(_args(), {}) == installed


def test_without_any_config_the_demo_kiosk_is_used_and_said(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(config, "DEFAULT_PATH", tmp_path / "missing.toml")
    assert config_path(_args(), {}) == DEMO_CONFIGS["hospital"]
    assert "using the demo kiosk" in capsys.readouterr().err
