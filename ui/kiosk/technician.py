"""The technician's way out of the kiosk: after the key sequence (docs/kiosk.md), a PIN on
the keypad; the PIN's SHA-256 is in the configuration (`kiosk.technician_pin_sha256`), never
the PIN itself. Not a journey step: the patient's journey is untouched while it is shown."""

from __future__ import annotations

import hashlib
import hmac

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QVBoxLayout, QWidget

from ui.widgets import Retranslating, identify, label
from ui.widgets.buttons import BigButton
from ui.widgets.keypad import PinKeypad


def pin_matches(pin: str, sha256_hex: str) -> bool:
    digest = hashlib.sha256(pin.encode()).hexdigest()
    return bool(sha256_hex) and hmac.compare_digest(digest, sha256_hex.lower())


class TechnicianPage(Retranslating):
    unlocked = Signal()
    dismissed = Signal()

    def __init__(self, pin_sha256: str) -> None:
        super().__init__()
        identify(self, "page-technician")
        self._pin_sha256 = pin_sha256
        self.prompt = label("technician-prompt", "prompt")
        self.prompt.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.error = label("technician-error", "error")
        self.error.hide()
        self.keypad = PinKeypad("technician-keypad")
        self.keypad.entered.connect(self._entered)
        self.back = BigButton("technician-back")
        self.back.clicked.connect(self.dismissed.emit)
        layout = QVBoxLayout(self)
        for widget in (self.prompt, self.error, self.keypad, self.back):
            layout.addWidget(widget)
        self.retranslate()

    def open(self) -> None:
        self.error.hide()
        self.keypad.clear()
        self.keypad.reshuffle()

    def _entered(self, pin: str) -> None:
        if pin_matches(pin, self._pin_sha256):
            self.unlocked.emit()
        else:
            self.error.show()

    def retranslate(self) -> None:
        self.prompt.setText(self.tr("维护人员:请输入维护密码"))
        self.error.setText(self.tr("密码不正确"))
        self.back.set_label(self.tr("返回"))

    def focus_target(self) -> QWidget:
        return self.keypad
