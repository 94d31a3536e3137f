"""Widgets shared by the kiosk, the counter and the diagnostic screens.

Every widget here gets a stable identifier (`identify`): its objectName and its accessible
identifier, which is what a test (pytest-qt, or AT-SPI from outside) looks it up by. Controls
also get an accessible name (what a screen reader says); labels do not, because in Qt an
accessible name on a label replaces its visible text for the screen reader.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QLabel, QWidget


def identify(widget: QWidget, ident: str, name: str | None = None) -> None:
    """Give ``widget`` its stable identifier and, for a control, its accessible name."""
    widget.setObjectName(ident)
    widget.setAccessibleIdentifier(ident)
    if name is not None:
        widget.setAccessibleName(name)


def label(ident: str, role: str = "", parent: QWidget | None = None) -> QLabel:
    """A label with an identifier and a style role ("prompt", "muted", "banner"...)."""
    widget = QLabel(parent)
    identify(widget, ident)
    widget.setWordWrap(True)
    if role:
        widget.setProperty("role", role)
    return widget


class Retranslating(QWidget):
    """A widget that re-reads its strings when the language changes (`retranslate`)."""

    def retranslate(self) -> None:
        """Set every visible string again through ``self.tr``."""

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
