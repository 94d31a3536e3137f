"""The person on screen, masked exactly as on receipts (`kernel.masking`): 张*, 4403****1010.

The unmasked values are never given to a widget, so nothing on screen (nor in the
accessibility tree) can show more than the mask.
"""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget

from kernel.masking import mask_id, mask_name
from ui.widgets import identify


class MaskedIdentity(QLabel):
    def __init__(self, ident: str = "identity", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        identify(self, ident)
        self.setProperty("role", "muted")

    def set_person(self, name: str, certno: str) -> None:
        self.setText(f"{mask_name(name)}  {mask_id(certno)}".strip())

    def clear_person(self) -> None:
        self.clear()
