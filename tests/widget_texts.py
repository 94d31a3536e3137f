"""What a person or a screen reader can read off a widget tree (the idle-wipe checks)."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget


def all_texts(root: QWidget) -> list[str]:
    """Every text a person or a screen reader could get from the widgets under ``root``."""
    texts = []
    for widget in [root, *root.findChildren(QWidget)]:
        for getter in ("text", "accessibleName", "accessibleDescription", "toolTip"):
            value = getattr(widget, getter, None)
            if callable(value):
                result = value()
                if isinstance(result, str) and result:
                    texts.append(result)
        table = getattr(widget, "item", None)
        if callable(table) and hasattr(widget, "rowCount"):
            for row in range(widget.rowCount()):
                for col in range(widget.columnCount()):
                    item = widget.item(row, col)
                    if item is not None:
                        texts.append(item.text())
    return texts
