"""The kiosk driven from outside its process, as a person with a screen reader would: the real
`medterm kiosk` under Xvfb, its controls found and pressed through the accessibility tree
(AT-SPI), keys typed as real X key events (xdotool), the simulators behind it as programs.

Skipped, with the reason, only where the machine cannot start the headless accessible desktop
(no Xvfb, D-Bus, AT-SPI bus or Debian's gi: packaging/devenv.sh installs them).
"""

from __future__ import annotations

import hashlib
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from simulators.stack import SimulatorStack
from terminal.cli.options import DEMO_CONFIGS
from ui.demo.a11y import AccessibleApp, DesktopUnavailable, HeadlessDesktop, press_key, type_keys
from ui.demo.journeys import JourneyPlayer, Patient
from ui.demo.main import end, start_kiosk

pytestmark = [pytest.mark.atspi, pytest.mark.timeout(120)]
TECHNICIAN_PIN = "246810"
GUO_XUE = "44030000000000000016"  # unpaid hospital orders, a 3.00 card behind PIN 123456


@pytest.fixture(scope="module")
def desktop() -> Iterator[HeadlessDesktop]:
    saved = {k: os.environ.get(k) for k in ("DISPLAY", "DBUS_SESSION_BUS_ADDRESS")}
    try:
        started = HeadlessDesktop.start()
    except DesktopUnavailable as why:
        pytest.skip(f"no headless accessible desktop on this machine: {why}")
    started.use_here()  # libatspi and xdotool in this process: one desktop per process
    try:
        yield started
    finally:
        started.stop()
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SimulatorStack]:
    workdir = tmp_path_factory.mktemp("sims")
    with SimulatorStack.start(workdir, links=workdir / "links") as running:
        yield running


@pytest.fixture
def config(tmp_path: Path) -> Path:
    """The demo kiosk with a technician's PIN (its devices come by the environment)."""
    digest = hashlib.sha256(TECHNICIAN_PIN.encode()).hexdigest()
    path = tmp_path / "terminal.toml"
    path.write_text(DEMO_CONFIGS["hospital"].read_text(encoding="utf-8")
                    + f'\n[kiosk]\ntechnician_pin_sha256 = "{digest}"\n', encoding="utf-8")
    return path


@pytest.fixture
def kiosk(desktop: HeadlessDesktop, stack: SimulatorStack, config: Path, tmp_path: Path
          ) -> Iterator[tuple[subprocess.Popen[bytes], AccessibleApp]]:
    process = start_kiosk(stack, desktop.env(), tmp_path / "journal", config=config)
    try:
        app = AccessibleApp(process.pid)
        app.wait_for("welcome-language", 30)  # 刷脸 is offered only with a camera
        yield process, app
    finally:
        end(process)


def test_the_welcome_screen_is_read_and_switched_to_english_through_the_tree(
    kiosk: tuple[subprocess.Popen[bytes], AccessibleApp],
) -> None:
    _, app = kiosk
    assert app.name("welcome-prompt") == "欢迎使用医保自助缴费"
    assert app.name("welcome-language") == "English"  # what the screen reader says
    app.press("welcome-language")
    app.wait_for_name("welcome-prompt", "Welcome to insurance self-service payment")
    assert "Insert your social security card (chip first)" in app.texts()


def test_the_technician_leaves_by_the_key_sequence_and_a_pin_typed_on_the_keyboard(
    kiosk: tuple[subprocess.Popen[bytes], AccessibleApp],
) -> None:
    process, app = kiosk
    type_keys("", window_pid=process.pid)  # the kiosk's window has the keyboard
    press_key("ctrl+shift+F12", "ctrl+shift+F12")
    app.wait_for("technician-keypad")
    type_keys(TECHNICIAN_PIN)
    press_key("Return")
    assert process.wait(timeout=15) == 0


def test_a_card_patient_types_the_pin_pays_the_qr_and_the_platform_settles(
    kiosk: tuple[subprocess.Popen[bytes], AccessibleApp], stack: SimulatorStack,
) -> None:
    process, app = kiosk
    controls = stack.controls()
    before = len(controls.settlements(GUO_XUE))
    player = JourneyPlayer(app, controls, None, kiosk_pid=process.pid)
    played = player.play(Patient("card", GUO_XUE, "郭雪", pin="123456"))
    assert played.completed, played.stopped_at
    settled = controls.settlements(GUO_XUE)
    assert len(settled) == before + 1 and settled[-1]["state"] == "settled"
