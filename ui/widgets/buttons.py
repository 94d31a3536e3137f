"""The touch button: at least the theme's target size, pressed by touch, Space or Enter."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QPushButton, QSizePolicy, QWidget

from ui.widgets import identify


class BigButton(QPushButton):
    """``role`` is "primary" for the screen's main action, "secondary" otherwise."""

    def __init__(self, ident: str, role: str = "secondary", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        identify(self, ident)
        self.setProperty("role", role)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def set_label(self, text: str) -> None:
        """The visible text, and the same words as the accessible name."""
        self.setText(text)
        self.setAccessibleName(text.replace("\n", " "))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.click()
            return
        super().keyPressEvent(event)
