"""Welcome: present any credential and it is detected without pressing anything (the card
reader's monitor, the scanner, the ID card reader send their events to the journey); or
choose face (刷脸), or look up drug prices (no identification needed). Language and elder
mode are switched here."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from terminal.flows.journey import Event, Step, View
from ui.kiosk.pages import Page, page_for
from ui.widgets import label


@page_for(Step.WELCOME)
class WelcomePage(Page):
    ident = "welcome"

    def build(self) -> None:
        self.ways = [label(f"welcome-way-{i}", "") for i in range(3)]
        self.body.addStretch(1)
        for way in self.ways:
            way.setAlignment(Qt.AlignmentFlag.AlignCenter)
            self.body.addWidget(way)
        self.body.addStretch(1)
        self.face = self.button("face", Event.FACE_CHOSEN, "primary")
        self.prices = self.button("prices", Event.PRICES_CHOSEN)
        self.language = self.button("language", None)
        self.elder = self.button("elder", None)

    def show_view(self, view: View) -> None:
        self.face.setVisible(view.face_offered)

    def retranslate(self) -> None:
        self.prompt.setText(self.tr("欢迎使用医保自助缴费"))
        self.ways[0].setText(self.tr("请插入社保卡(芯片朝里)"))
        self.ways[1].setText(self.tr("或将医保电子凭证二维码对准扫描口"))
        self.ways[2].setText(self.tr("或将身份证放在感应区"))
        self.face.set_label(self.tr("刷脸识别"))
        self.prices.set_label(self.tr("药价查询"))
        self.language.set_label(self.tr("English"))
        self.elder.set_label(self.tr("标准模式") if self.look.elder else self.tr("长辈模式(大字)"))

    def first_focus(self) -> QWidget:
        return self.face if self.view.face_offered else self.language
