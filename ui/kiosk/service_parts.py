"""What the service screens (register, today's payments, my prescriptions, drug prices)
share: the notice of a service's problem in the patient's words, and rows rebuilt from the
view (each render replaces them whole, so the idle wipe's empty view leaves none behind)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QLabel, QLayout, QSizePolicy

from terminal.flows.kiosk_services import Notice
from terminal.rx.prices import Offer
from ui.widgets import identify


def notice_texts() -> dict[str, str]:
    translate = QCoreApplication.translate
    return {
        Notice.UNAVAILABLE: translate(
            "ServiceNotice", "此项服务暂时无法使用,请稍后再试或到人工窗口咨询。"
        ),
        Notice.QUERY_INVALID: translate(
            "ServiceNotice",
            "无法按此内容查询。请输入药品名称、拼音首字母(如 AMXL)或 8 位、13 位条形码。",
        ),
        Notice.FULL: translate("ServiceNotice", "该医生本时段的号已挂满,请选择其他时段或医生。"),
        Notice.PAPER_OUT: translate("ServiceNotice", "打印机缺纸,凭条未能补打。请到人工窗口补打。"),
        Notice.PRINTER: translate("ServiceNotice", "打印机故障,凭条未能补打。请到人工窗口补打。"),
    }


class ServiceNotice(QLabel):
    """The notice of the view (hidden when there is none)."""

    def __init__(self, ident: str) -> None:
        super().__init__()
        identify(self, ident)
        self.setWordWrap(True)
        self.setProperty("role", "error")
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        self.kind = ""
        self.setVisible(False)

    def show_notice(self, kind: str) -> None:
        self.kind = kind
        self.retranslate()

    def retranslate(self) -> None:
        text = notice_texts().get(self.kind, "") if self.kind else ""
        self.setText(text)
        self.setVisible(bool(text))


def level_name(offer: Offer) -> str:
    """The insurance class of a drug, in words (甲类 / 乙类 / 丙类 (自费))."""
    names = {
        "01": QCoreApplication.translate("ServiceNotice", "甲类"),
        "02": QCoreApplication.translate("ServiceNotice", "乙类"),
        "03": QCoreApplication.translate("ServiceNotice", "丙类(自费)"),
    }
    return names[offer.chrgitm_lv.value]


def clear(layout: QLayout) -> None:
    """Take every row out of ``layout`` at once (not at the next turn of the event loop)."""
    while layout.count():
        item = layout.takeAt(0)
        widget = item.widget()
        if widget is not None:
            widget.setParent(None)
            widget.deleteLater()
        elif item.layout() is not None:
            clear(item.layout())
            item.layout().deleteLater()
