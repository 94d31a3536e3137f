"""The face check's live preview: the newest camera frame, scaled to fit, with an oval guide
where the face should be. Frames come from the face check's own reads (relayed to the GUI
thread); the widget keeps only the last one, in memory, and `clear` drops it."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPainterPath, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from ui.theme import Role, colour
from ui.widgets import identify

GUIDE_HEIGHT = 0.78  # of the picture's height: a face at arm's length
GUIDE_ASPECT = 0.75  # width over height: a face is taller than wide


class FacePreview(QWidget):
    def __init__(self, ident: str, high_contrast: bool = False,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        identify(self, ident)
        self._image: QImage | None = None
        self._guide = QColor(colour(Role.FOCUS, high_contrast))
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(320, 240)

    @property
    def has_frame(self) -> bool:
        return self._image is not None

    def show_image(self, rgb: np.ndarray) -> None:
        """An H x W x 3 uint8 RGB picture (a camera `Frame.image`)."""
        height, width = rgb.shape[:2]
        data = np.ascontiguousarray(rgb)
        self._image = QImage(data.data, width, height, 3 * width,
                             QImage.Format.Format_RGB888).copy()  # owns its pixels
        self.update()

    def clear(self) -> None:
        self._image = None
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        area = self._picture_area()
        painter.fillRect(self.rect(), Qt.GlobalColor.black)
        if self._image is not None:
            painter.drawImage(area, self._image)
        height = area.height() * GUIDE_HEIGHT
        oval = QRectF(0, 0, height * GUIDE_ASPECT, height)
        oval.moveCenter(area.center())
        outside = QPainterPath()
        outside.addRect(area)
        inside = QPainterPath()
        inside.addEllipse(oval)
        painter.fillPath(outside.subtracted(inside), QColor(0, 0, 0, 110))  # the oval stands out
        painter.setPen(QPen(self._guide, 6, Qt.PenStyle.DashLine))
        painter.drawEllipse(oval)
        painter.end()

    def _picture_area(self) -> QRectF:
        """The frame's aspect (4:3 before the first frame), centred, as large as fits."""
        width, height = (self._image.width(), self._image.height()) if self._image else (4, 3)
        scale = min(self.width() / width, self.height() / height)
        area = QRectF(0, 0, width * scale, height * scale)
        area.moveCenter(QRectF(self.rect()).center())
        return area
