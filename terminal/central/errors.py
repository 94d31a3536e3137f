"""What can go wrong talking to the platform, classified by what the caller must do next.

The one question every caller has after a failure is "may the platform have executed it?".
Each class answers it in `may_have_executed`:

- `TransportError`: no; the request never left (connect refused, connect timeout, TLS
  handshake). Resending, with the same msgid, is always safe.
- `BusinessError` (`infcode=-2`): no; the platform refused and did nothing. Show its
  `platform_message` (the platform's `err_msg`) to the person; never log it.
- `SignInRefused` (`infcode=-2` to the terminal's 9001): no; the request was not sent. Not an
  outage but a misconfiguration: it stops the terminal's selling until a sign-in succeeds.
- `PlatformSystemError` (`infcode=-1`), `AmbiguousOutcomeError` (request sent, no usable answer)
  and `ProtocolError` (an answer we cannot trust or use): maybe. For a settlement-type
  transaction the outcome is unknown and must be resolved (resend with the same msgid, or 2601)
  before anything else happens to that transaction. For a query, simply ask again.

Codes E100-E199 (docs/platform-client.md).
"""

from __future__ import annotations

from kernel.errors import MedtermError, shown_text


class PlatformError(MedtermError):
    """Base of every failure of a platform call; carries the transaction and its msgid."""

    code = "E100"
    message_zh = "医保平台调用失败"
    message_en = "the insurance platform call failed"
    action = "Try again; if it keeps failing, call a technician and quote the error code."
    action_zh = "请重试；如果仍然失败，请联系技术人员并告知错误代码。"
    may_have_executed = True

    def __init__(
        self, detail: str = "", *, infno: str = "", msgid: str = "", action: str | None = None
    ) -> None:
        self.infno = infno
        self.msgid = msgid
        where = " ".join(part for part in (infno, msgid) if part)
        super().__init__(
            f"{where}: {detail}" if where and detail else detail or where, action=action
        )


class BusinessError(PlatformError):
    """`infcode=-2`: the platform refused the request and did nothing.

    `err_msg` is the platform's own message, meant for the person at the screen (the reason
    is often the whole point: "e-voucher already used"): `platform_message` gives it, cleaned
    for display. It is kept out of `detail` (and so out of logs) because the platform may name
    the patient in it.
    """

    code = "E101"
    message_zh = "医保平台拒绝了本次业务"
    message_en = "the insurance platform refused the request"
    action = "Show the platform's message to the patient; nothing was charged to the insurance."
    action_zh = "请向患者出示医保平台的提示信息；本次未发生医保扣费。"
    may_have_executed = False

    def __init__(self, err_msg: str, *, infno: str = "", msgid: str = "") -> None:
        self.err_msg = err_msg
        super().__init__("infcode -2", infno=infno, msgid=msgid)

    @property
    def platform_message(self) -> str:
        return shown_text(self.err_msg)


class PlatformSystemError(PlatformError):
    """`infcode=-1`: a system-level failure; the platform's state may be inconsistent."""

    code = "E102"
    message_zh = "医保平台系统异常,交易结果未知"
    message_en = "the insurance platform reported a system error: the outcome is unknown"
    action = "Do not settle again under a new message id: resolve this one first (resend or 2601)."
    action_zh = "请勿用新的报文流水号重新结算：先处理本笔交易（重发或用 2601 冲正）。"

    def __init__(self, err_msg: str, *, infno: str = "", msgid: str = "") -> None:
        self.err_msg = err_msg
        super().__init__("infcode -1", infno=infno, msgid=msgid)


class TransportError(PlatformError):
    """The request never left the terminal: resending it with the same msgid is safe."""

    code = "E103"
    message_zh = "无法连接医保平台"
    message_en = "cannot reach the insurance platform"
    action = "Check the network cable and the platform address; the request was not sent."
    action_zh = "请检查网线和医保平台地址；本次请求未发出。"
    may_have_executed = False


class SignInFailed(TransportError):
    """The sign-in (9001) a request needed could not be made (the platform unreachable, or no
    usable answer), so that request was not sent. A sign-in the platform *refused* is
    `SignInRefused`, never this: a refusal is not an outage."""

    code = "E109"
    message_zh = "终端签到医保平台失败,业务未发送"
    message_en = "signing in to the insurance platform failed: the request was not sent"
    action = "Check the terminal's institution code and keys; the request can be sent later."
    action_zh = "请检查终端的机构编码和密钥；该请求可以稍后再发送。"


class SignInRefused(PlatformError):
    """The platform refused this terminal's sign-in (9001, `infcode=-2`): a wrong institution
    code, operator, device number or key, or a terminal the platform has not registered.

    Not an outage (not a `TransportError`), so never a reason to go offline and take the whole
    amount as self-pay; and not a refusal of the request that needed the sign-in (not a
    `BusinessError`), which was not sent, so nothing is refunded, dead-lettered or called "not
    enrolled" because of it. The terminal stops selling with the platform's own reason
    (`err_msg`, which names no patient and so is also in `detail`, shown and logged) until a
    sign-in succeeds (terminal/flows/selling.py). `infno`/`msgid` are those of the request
    that needed the sign-in, or of the 9001 itself when it was called directly.
    """

    code = "E110"
    message_zh = "医保平台拒绝本终端签到,已停止收费"
    message_en = "the insurance platform refused this terminal's sign-in: selling is stopped"
    action = (
        "A technician must correct the terminal's configuration (institution code, operator, "
        "device number, keys) as the platform's reason says, then run a checkout or "
        "`medterm queue drain`: selling resumes at the first successful sign-in."
    )
    may_have_executed = False
    action_zh = (
        "请技术人员按平台给出的原因修正终端配置(机构编码、操作员、设备号、密钥),"
        "然后发起一笔收费或执行 `medterm queue drain`:签到成功后即恢复收费。"
    )

    def __init__(self, err_msg: str, *, infno: str = "", msgid: str = "") -> None:
        self.err_msg = err_msg
        reason = f"9001 refused: {err_msg[:200] or 'no reason given'}"
        super().__init__(reason, infno=infno, msgid=msgid)


class AmbiguousOutcomeError(PlatformError):
    """The request (or part of it) was sent and no usable answer came back.

    Read timeout, connection reset or closed after sending, an HTTP status other than 200, or a
    body that is not JSON. The client cannot tell a 503 from a front proxy that never forwarded
    the request from one returned after the platform executed it, so every failure after the
    first request byte may have left is ambiguous.
    """

    code = "E104"
    message_zh = "医保平台未返回结果,交易结果未知"
    message_en = "no answer from the insurance platform: the outcome is unknown"
    action = "Do not settle again under a new message id: resolve this one first (resend or 2601)."
    action_zh = "请勿用新的报文流水号重新结算：先处理本笔交易（重发或用 2601 冲正）。"


class ProtocolError(PlatformError):
    """The platform answered, but the answer is wrong: bad types, missing fields, a breakdown
    that does not add up, an unknown infcode. Never shown to a patient, never acted on."""

    code = "E105"
    message_zh = "医保平台返回的数据不合规范"
    message_en = "the insurance platform's answer is malformed"
    action = (
        "Do not collect money on this answer; resolve the transaction (resend or 2601) "
        "and report the platform response to support."
    )
    action_zh = (
        "请勿按此应答收款；先处理本笔交易（重发或用 2601 冲正），并将平台返回内容报告给技术支持。"
    )


class ResponseSignatureError(ProtocolError):
    """The response's SM2 signature is missing or does not verify with the platform's keys."""

    code = "E106"
    message_zh = "医保平台返回数据签名校验失败"
    message_en = "the insurance platform's answer has an invalid signature"
    action = "Check platform.platform_public_keys; if they are right, report a possible attack."
    action_zh = "请检查配置项 platform.platform_public_keys；如配置无误，请报告可能的攻击。"


class RequestInvalid(PlatformError):
    """A request the terminal refuses to send because it is incomplete or malformed."""

    code = "E107"
    message_zh = "终端生成的请求不完整"
    message_en = "the request to the platform is incomplete"
    action = "Call a technician and quote the error code: this is a terminal defect."
    action_zh = "请联系技术人员并告知错误代码：这是终端程序的缺陷。"
    may_have_executed = False


class MsgidSpaceExhausted(PlatformError):
    """No msgid could be allocated: the counter of the current second is used up and the
    clock has not moved on (usually a clock set back far)."""

    code = "E108"
    message_zh = "报文流水号已用尽"
    message_en = "no message id available"
    action = "Check the terminal clock (NTP); requests resume once the clock moves forward."
    action_zh = "请检查终端时钟（NTP）；时钟恢复正常后请求会继续发送。"
    may_have_executed = False
