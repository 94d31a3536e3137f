"""A countdown in words and as a bar: every timed step shows how long is left.

The widget only displays; the time itself belongs to the journey (which fires the timeout),
so the number on screen and the deadline that acts can never disagree.
"""

from __future__ import annotations

import math

from PySide6.QtWidgets import QProgressBar, QVBoxLayout, QWidget

from ui.widgets import Retranslating, identify, label


class Countdown(Retranslating):
    def __init__(self, ident: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        identify(self, ident)
        self.text = label(f"{ident}-text", "prompt")
        self.bar = QProgressBar()
        identify(self.bar, f"{ident}-bar", "")
        self.bar.setTextVisible(False)
        self.bar.setMaximumHeight(16)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.text)
        layout.addWidget(self.bar)
        self._left, self._total = 0.0, 1.0
        self.retranslate()

    def show_remaining(self, left: float, total: float) -> None:
        self._left, self._total = max(0.0, left), max(total, 0.001)
        self.retranslate()

    @property
    def seconds(self) -> int:
        return math.ceil(self._left)

    def retranslate(self) -> None:
        self.text.setText(self.tr("剩余 {seconds} 秒").format(seconds=self.seconds))
        self.bar.setRange(0, 1000)
        self.bar.setValue(int(1000 * self._left / self._total))
        self.bar.setAccessibleName(self.text.text())
