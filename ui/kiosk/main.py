"""Starting the kiosk: configuration, the terminal's core, the window, the event loop."""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

from kernel.errors import ConfigError
from terminal.app import Terminal
from terminal.config import TerminalConfig
from terminal.flows.journey import Journey, JourneySettings
from ui.app import Look, start
from ui.bridge import Bridge, BridgeRunner
from ui.i18n import Language
from ui.kiosk.window import KioskWindow

UI_KEYS = ("technician_pin_sha256", "high_contrast")


def split_settings(table: Mapping[str, Any]) -> tuple[JourneySettings, str, bool]:
    """The `[kiosk]` section: the journey's times, and the screen's own two keys."""
    pin = table.get("technician_pin_sha256", "")
    contrast = table.get("high_contrast", False)
    if not isinstance(pin, str) or (pin and len(pin) != 64):
        raise ConfigError("kiosk.technician_pin_sha256 must be the 64 hex digits of a SHA-256")
    if not isinstance(contrast, bool):
        raise ConfigError("kiosk.high_contrast must be true or false")
    journey = {k: v for k, v in table.items() if k not in UI_KEYS}
    return JourneySettings.from_mapping(journey), pin, contrast


def run_kiosk(config: TerminalConfig, *, language: str, elder: bool, windowed: bool) -> int:
    settings, pin, contrast = split_settings(config.kiosk)
    look = Look(elder=elder, high_contrast=contrast)
    app, translations = start(look, Language(language))
    terminal = Terminal.open(config)
    bridge = Bridge()
    try:
        terminal.recover()
        # The steppable checkout (saga.begin) is the journey's CheckoutPort.
        journey = Journey(terminal.saga, BridgeRunner(bridge), settings.scaled(elder),  # type: ignore[arg-type]
                          clock=time.monotonic)
        window = KioskWindow(journey, look, translations, settings,
                             technician_pin_sha256=pin, clock=time.monotonic)
        if windowed:
            window.resize(1280, 1024)
            window.show()
        else:
            window.lock_down()
        return app.exec()
    finally:
        bridge.shutdown()
        terminal.close()
