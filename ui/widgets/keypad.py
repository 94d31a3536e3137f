"""The on-screen PIN keypad: digits in a new random order each time it is shown, so that a
person watching over the shoulder (or finger marks on the glass) does not learn the PIN.

The digits typed on a physical keyboard are accepted too. The PIN lives in this widget only
until it is submitted: `entered` carries it once and the keypad forgets it at once.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QGridLayout, QVBoxLayout, QWidget

from ui.widgets import Retranslating, identify, label
from ui.widgets.buttons import BigButton

PIN_LENGTH = 6
_SYSTEM_RANDOM = random.SystemRandom()  # not the seeded module random: a PIN pad


class PinKeypad(Retranslating):
    entered = Signal(str)

    def __init__(
        self,
        ident: str = "pin-keypad",
        shuffle: Callable[[list[str]], None] = _SYSTEM_RANDOM.shuffle,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        identify(self, ident)
        self._shuffle = shuffle
        self._digits = ""
        self.display = label(f"{ident}-display", "prompt")
        self.display.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.keys = [BigButton(f"{ident}-key-{i}", "key") for i in range(10)]
        self.delete = BigButton(f"{ident}-delete", "key")
        self.ok = BigButton(f"{ident}-ok", "key-primary")  # a key's size, the main action's look
        grid = QGridLayout()
        for index, key in enumerate(self.keys[:9]):
            grid.addWidget(key, index // 3, index % 3)
        grid.addWidget(self.delete, 3, 0)
        grid.addWidget(self.keys[9], 3, 1)
        grid.addWidget(self.ok, 3, 2)
        for key in self.keys:
            key.clicked.connect(lambda _=False, k=key: self.press(k.text()))
        self.delete.clicked.connect(self.backspace)
        self.ok.clicked.connect(self.submit)
        layout = QVBoxLayout(self)
        layout.addWidget(self.display)
        layout.addLayout(grid)
        self.reshuffle()
        self.retranslate()

    def retranslate(self) -> None:
        self.delete.set_label(self.tr("删除"))
        self.ok.set_label(self.tr("确认"))
        for key in self.keys:
            key.setAccessibleName(self.tr("数字 {digit}").format(digit=key.text()))
        self._show()

    def reshuffle(self) -> None:
        """A new order of the digits (each time the PIN is asked for)."""
        digits = list("0123456789")
        self._shuffle(digits)
        for key, digit in zip(self.keys, digits, strict=True):
            key.setText(digit)
            key.setAccessibleName(self.tr("数字 {digit}").format(digit=digit))

    def press(self, digit: str) -> None:
        if len(self._digits) < PIN_LENGTH and digit.isdigit():
            self._digits += digit
            self._show()

    def backspace(self) -> None:
        self._digits = self._digits[:-1]
        self._show()

    def submit(self) -> None:
        if len(self._digits) == PIN_LENGTH:
            pin, self._digits = self._digits, ""
            self._show()
            self.entered.emit(pin)

    def clear(self) -> None:
        self._digits = ""
        self._show()

    @property
    def length(self) -> int:
        return len(self._digits)

    def _show(self) -> None:
        self.display.setText(" ".join("●" * self.length + "○" * (PIN_LENGTH - self.length)))
        self.ok.setEnabled(self.length == PIN_LENGTH)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        text = event.text()
        if text.isdigit():
            self.press(text)
        elif event.key() == Qt.Key.Key_Backspace:
            self.backspace()
        elif event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.submit()
        else:
            super().keyPressEvent(event)
