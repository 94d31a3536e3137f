"""A QR code painted square by square from `qrcode`'s matrix (`terminal.payment.qr`), so it
stays sharp at any size and needs no image file."""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from terminal.payment.qr import qr_matrix
from ui.widgets import identify


class QrCode(QWidget):
    def __init__(self, ident: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        identify(self, ident)
        self.payload = ""
        self._matrix: list[list[bool]] = []
        self.setMinimumSize(QSize(240, 240))
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)

    def set_payload(self, payload: str) -> None:
        self.payload = payload
        self._matrix = qr_matrix(payload) if payload else []
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(300, 300)

    def paintEvent(self, event: QPaintEvent) -> None:
        if not self._matrix:
            return
        painter = QPainter(self)
        side = min(self.width(), self.height())
        modules = len(self._matrix)
        cell = side / modules
        left, top = (self.width() - side) / 2, (self.height() - side) / 2
        painter.fillRect(QRectF(left, top, side, side), Qt.GlobalColor.white)  # quiet zone
        for y, row in enumerate(self._matrix):
            for x, dark in enumerate(row):
                if dark:
                    rect = QRectF(left + x * cell, top + y * cell, cell + 0.5, cell + 0.5)
                    painter.fillRect(rect, Qt.GlobalColor.black)
        painter.end()
