"""The application every screen runs in (kiosk, pharmacy counter, diagnostics).

One `QApplication` with the Fusion style (the same look on every machine, and the only
built-in style that honours a palette fully), the theme of `ui.theme` turned into a palette
and a style sheet, the CJK font, and the translator. `Look.apply` can be called again at run
time (elder mode, high contrast), and `Translations.switch` changes the language; both make Qt
send the change events the pages react to.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, replace

from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication

from ui import theme
from ui.i18n import Language, Translations


@dataclass(frozen=True)
class Look:
    """Elder mode and high contrast: the two switches of how the screens look."""

    elder: bool = False
    high_contrast: bool = False

    @property
    def sizes(self) -> theme.Sizes:
        return theme.sizes(self.elder)

    def with_elder(self, elder: bool) -> Look:
        return replace(self, elder=elder)

    def apply(self, app: QApplication) -> None:
        """Palette, font and style sheet for this look (re-polishes every widget)."""

        def c(role: theme.Role) -> QColor:
            return QColor(theme.colour(role, self.high_contrast))

        palette = QPalette()
        palette.setColor(QPalette.ColorRole.Window, c(theme.Role.WINDOW))
        palette.setColor(QPalette.ColorRole.Base, c(theme.Role.WINDOW))
        palette.setColor(QPalette.ColorRole.WindowText, c(theme.Role.TEXT))
        palette.setColor(QPalette.ColorRole.Text, c(theme.Role.TEXT))
        palette.setColor(QPalette.ColorRole.Button, c(theme.Role.SECONDARY))
        palette.setColor(QPalette.ColorRole.ButtonText, c(theme.Role.ON_SECONDARY))
        palette.setColor(QPalette.ColorRole.Highlight, c(theme.Role.PRIMARY))
        palette.setColor(QPalette.ColorRole.HighlightedText, c(theme.Role.ON_PRIMARY))
        app.setPalette(palette)
        font = QFont(theme.CJK_FONT)
        font.setPointSize(self.sizes.body_pt)
        app.setFont(font)
        app.setStyleSheet(theme.stylesheet(self.sizes, self.high_contrast))


def make_application(argv: list[str] | None = None) -> QApplication:
    """The QApplication (the existing one in tests, where pytest-qt made it)."""
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        app = existing
    else:
        app = QApplication(argv if argv is not None else sys.argv[:1])
    app.setStyle("Fusion")
    app.setApplicationName("medterm")
    return app


def start(look: Look, language: Language) -> tuple[QApplication, Translations]:
    """What every screen's entry point does first."""
    app = make_application()
    look.apply(app)
    translations = Translations(app)
    translations.switch(language)
    return app, translations
