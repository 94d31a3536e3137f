"""The on-screen keyboard of a search field: digits and the Latin letters (a barcode, or a
drug's pinyin initials), delete and clear. A Chinese name is typed on a real keyboard with an
input method, into the same field; the keys only edit the field they are given."""

from __future__ import annotations

from PySide6.QtWidgets import QGridLayout, QLineEdit, QWidget

from ui.widgets import Retranslating, identify
from ui.widgets.buttons import BigButton

ROWS = ("1234567890", "QWERTYUIOP", "ASDFGHJKL", "ZXCVBNM")


class SearchKeyboard(Retranslating):
    def __init__(self, ident: str, field: QLineEdit, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        identify(self, ident)
        self.field = field
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(6)
        self.keys: list[BigButton] = []
        for row, keys in enumerate(ROWS):
            for column, key in enumerate(keys):
                button = BigButton(f"{ident}-key-{key}")
                button.setStyleSheet("padding: 0px")  # ten to a row: the width is the key's
                button.set_label(key)
                button.clicked.connect(lambda _=False, k=key: self.field.insert(k))
                grid.addWidget(button, row, column)
                self.keys.append(button)
        self.delete = BigButton(f"{ident}-delete")
        self.delete.clicked.connect(self.field.backspace)
        grid.addWidget(self.delete, 3, 7, 1, 2)
        self.clear = BigButton(f"{ident}-clear")
        self.clear.clicked.connect(self.field.clear)
        grid.addWidget(self.clear, 2, 9)
        self.retranslate()

    def retranslate(self) -> None:
        self.delete.set_label(self.tr("删除"))
        self.clear.set_label(self.tr("清空"))
