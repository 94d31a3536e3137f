"""Self-pay failures (E600-E699), each with what the cashier or the patient is told.

`PaymentAmbiguous` is the one that needs care: the request left the terminal and no answer came
back, so the money may or may not have moved. The caller resolves it with `query(order_no)`
using the same order number, never by charging again under a new one.
"""

from __future__ import annotations

from kernel.errors import MedtermError


class PaymentError(MedtermError):
    """A self-pay failure (base of the payment errors)."""

    code = "E600"
    message_zh = "支付失败"
    message_en = "payment failed"
    action = "Choose another way to pay, or ask the cashier."
    action_zh = "请选择其他支付方式，或咨询收费员。"


class PaymentDeclined(PaymentError):
    """The wallet or bank said no (insufficient balance, risk control, credit refused)."""

    code = "E601"
    message_zh = "支付被拒绝"
    message_en = "the payment was declined"
    action = "No money was taken. Try another payment method or another card/wallet."
    action_zh = "未扣款。请尝试其他支付方式或其他卡/钱包。"

    def __init__(self, detail: str = "", *, reason: str = "", action: str | None = None) -> None:
        self.reason = reason
        super().__init__(detail, action=action)


class PaymentTimeout(PaymentError):
    """The patient did not pay in time; the order was closed, so it can no longer be paid."""

    code = "E602"
    message_zh = "支付超时，订单已关闭"
    message_en = "payment timed out and the order was closed"
    action = "No money was taken. Start the payment again if the patient still wants to pay."
    action_zh = "未扣款。如患者仍要支付，请重新发起支付。"


class PaymentAmbiguous(PaymentError):
    """The request was sent and no usable answer came back: the outcome is unknown."""

    code = "E603"
    message_zh = "支付结果未知，正在查询"
    message_en = "payment outcome unknown"
    action = (
        "Do not charge again. The terminal checks the result with the same order number; "
        "if it keeps failing, call a technician before the patient leaves."
    )
    action_zh = (
        "请勿重复收款。终端会用同一订单号查询结果；如果一直失败，请在患者离开前联系技术人员。"
    )


class GatewayProtocolError(PaymentAmbiguous):
    """The gateway answered something that is not its API (garbage, wrong shape): treated as
    an unknown outcome, because the request may have been executed."""

    code = "E604"
    message_zh = "支付平台返回了无法识别的应答"
    message_en = "the payment gateway sent an unreadable answer"


class GatewayUnavailable(PaymentError):
    """The gateway could not be reached: the request never left, no money moved."""

    code = "E605"
    message_zh = "支付平台暂时无法连接"
    message_en = "the payment gateway is unreachable"
    action = "No money was taken. Pay in cash, or try again in a moment."
    action_zh = "未扣款。请用现金支付，或稍后重试。"


class PaymentRejected(PaymentError):
    """The gateway refused the request itself (conflicting order number, closed order...)."""

    code = "E606"
    message_zh = "支付平台拒绝了该请求"
    message_en = "the payment gateway refused the request"
    action = "No money was taken by this request. Call a technician and quote the detail."
    action_zh = "本次请求未扣款。请联系技术人员，并告知详情。"

    def __init__(
        self, detail: str = "", *, gateway_code: str = "", action: str | None = None
    ) -> None:
        self.gateway_code = gateway_code
        super().__init__(detail, action=action)


class InvalidPaymentCode(PaymentError):
    """Not an 18-digit WeChat Pay or Alipay payment code."""

    code = "E607"
    message_zh = "付款码无效"
    message_en = "not a valid payment code"
    action = "Ask the patient to refresh the payment code in WeChat or Alipay and scan again."
    action_zh = "请在微信或支付宝中刷新付款码，然后重新扫码。"


class RefundRefused(PaymentError):
    """A refund that would exceed what is left of the payment, or of an unpaid order."""

    code = "E608"
    message_zh = "退款金额超出可退金额"
    message_en = "the refund exceeds what can be refunded"
    action = "Check the amount against the payment; nothing was refunded."
    action_zh = "请对照原支付核对金额；本次未退款。"


class CashShort(PaymentError):
    """The cash tendered is less than the amount due."""

    code = "E609"
    message_zh = "收取现金不足"
    message_en = "the cash tendered is less than the amount due"
    action = "Collect at least the amount due, then confirm again."
    action_zh = "请至少收取应付金额，然后再次确认。"


class PaymentCancelled(PaymentError):
    """The patient or cashier gave up while waiting; the order was closed first."""

    code = "E610"
    message_zh = "支付已取消"
    message_en = "the payment was cancelled"
    action = "No money was taken. Choose a way to pay again."
    action_zh = "未扣款。请重新选择支付方式。"


class UnknownPayment(PaymentError):
    """A query or refund for an order this channel never saw."""

    code = "E611"
    message_zh = "找不到该支付记录"
    message_en = "no such payment"
    action = "Check the order number on the receipt; call a technician if the patient paid."
    action_zh = "请核对小票上的订单号；如患者已付款，请联系技术人员。"
