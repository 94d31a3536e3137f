"""The states a patient is never lost in, each its own screen in words (no codes, no
tracebacks): card pulled out, blocked card, QR expired, payment not completed in time,
printer out of paper, settlement refused (the platform's own reason), outcome pending, and
the failure slip with its reference number."""

from __future__ import annotations

from PySide6.QtCore import Qt

from terminal.flows.journey import Event, Step, View
from ui.kiosk.pages import Page, page_for
from ui.widgets import label
from ui.widgets.countdown import Countdown

RETRY_STEPS = frozenset({Step.QR_EXPIRED, Step.PAY_TIMEOUT})
SLIP_STEPS = frozenset({Step.FAILED, Step.PENDING, Step.REFUSED, Step.PAPER_OUT})


@page_for(
    Step.CARD_REMOVED, Step.PIN_BLOCKED, Step.QR_EXPIRED, Step.PAY_TIMEOUT, Step.PAPER_OUT,
    Step.REFUSED, Step.PENDING, Step.FAILED,
)
class NoticePage(Page):
    ident = "notice"

    def build(self) -> None:
        self.text = label("notice-text", "")
        self.text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.reason = label("notice-reason", "error")
        self.slip = label("notice-slip", "banner")
        self.slip.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.countdown = Countdown("notice-countdown")
        self.body.addStretch(1)
        self.body.addWidget(self.text)
        self.body.addWidget(self.reason)
        self.body.addWidget(self.slip)
        self.body.addStretch(1)
        self.body.addWidget(self.countdown)
        self.finish = self.button("finish", Event.FINISH)
        self.retry = self.button("retry", Event.RETRY, "primary")

    def show_view(self, view: View) -> None:
        self.retry.setVisible(view.step in RETRY_STEPS)
        self.reason.setVisible(view.step is Step.REFUSED and bool(view.reason))
        self.slip.setVisible(view.step in SLIP_STEPS and bool(view.reference))

    def texts(self) -> dict[Step, tuple[str, str]]:
        return {
            Step.CARD_REMOVED: (
                self.tr("社保卡已拔出"),
                self.tr("本次缴费已取消,没有扣款。如需缴费,请重新插卡。"),
            ),
            Step.PIN_BLOCKED: (
                self.tr("社保卡密码已锁定"),
                self.tr("密码错误次数过多,卡片已自动锁定。请到社保服务窗口解锁;"
                        "今天也可以改用医保电子凭证或身份证缴费。"),
            ),
            Step.QR_EXPIRED: (
                self.tr("二维码已过期"),
                self.tr("没有扣款。请点击“重新支付”生成新的二维码。"),
            ),
            Step.PAY_TIMEOUT: (
                self.tr("支付未在规定时间内完成"),
                self.tr("订单已关闭,没有扣款。可以重新支付,或取消。"),
            ),
            Step.PAPER_OUT: (
                self.tr("缴费成功,但打印机缺纸"),
                self.tr("凭条未能打印。请持此参考号到人工窗口补打凭条,不要重复缴费。"),
            ),
            Step.REFUSED: (
                self.tr("医保结算未成功"),
                self.tr("您的付款已原路退回。医保平台给出的原因:"),
            ),
            Step.PENDING: (
                self.tr("结算结果待确认"),
                self.tr("您的付款已记录,系统会自动确认结算结果。请不要重复缴费。"),
            ),
            Step.FAILED: (
                self.tr("缴费未完成"),
                self.tr("终端暂时无法完成本次缴费。"),
            ),
        }

    def retranslate(self) -> None:
        title, text = self.texts().get(self.view.step, self.texts()[Step.FAILED])
        self.prompt.setText(title)
        self.text.setText(text)
        self.reason.setText(self.view.reason)
        if self.view.slip_printed is False or self.view.step is Step.PAPER_OUT:
            slip = self.tr("参考号:{reference}\n凭条未能打印,请记下参考号,"
                           "到人工窗口办理,不要重复缴费。")
        elif self.view.slip_printed:
            slip = self.tr("参考号:{reference}\n请取走打印的凭条,到人工窗口办理,不要重复缴费。")
        else:
            slip = self.tr("参考号:{reference}\n请持此凭条到人工窗口办理,不要重复缴费。")
        self.slip.setText(slip.format(reference=self.view.reference))
        self.finish.set_label(self.tr("返回首页"))
        self.retry.set_label(self.tr("重新支付"))
