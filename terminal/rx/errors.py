"""What can go wrong with an e-prescription or a price query, each with what to do next.

Codes E800-E829 (docs/platform-wire.md, the prescription centre and the price query).
"""

from __future__ import annotations

from kernel.errors import MedtermError


class RxError(MedtermError):
    """Base of the prescription centre's failures."""

    code = "E800"
    message_zh = "处方流转平台调用失败"
    message_en = "the prescription centre call failed"
    action = "Try again; if it keeps failing, call a technician and quote the error code."
    action_zh = "请重试;如持续失败请联系技术人员并告知错误码。"


class RxUnreachable(RxError):
    """Nothing usable came back (connection refused, timeout, HTTP error): the centre may or
    may not have acted; every operation that changes something is idempotent, so resend."""

    code = "E801"
    message_zh = "处方流转平台暂时无法访问"
    message_en = "the prescription centre is unreachable"
    action = "Check the network; a dispensing already settled is reported later by itself."
    action_zh = "请检查网络;已结算的取药结果会由终端稍后自动上报。"


class RxRefused(RxError):
    """The centre refused (a nonzero `code`): expired, revoked, already dispensed, over the
    prescribed quantity, not this person's. `reason` is the centre's message for the screen."""

    code = "E802"
    message_zh = "处方流转平台拒绝了本次业务"
    message_en = "the prescription centre refused the request"
    action = "Show the reason to the patient; nothing was dispensed or charged."
    action_zh = "请向患者说明平台给出的原因;本次未发药也未收费。"

    def __init__(self, reason: str, *, centre_code: int = 0) -> None:
        self.reason = reason
        self.centre_code = centre_code
        super().__init__(f"code {centre_code}: {reason}")


class RxEnvelopeError(RxError, ValueError):
    """An envelope that cannot be opened: missing fields, not SM4/SM2, bad base64, a body
    that does not decrypt, or a signature that does not verify."""

    code = "E803"
    message_zh = "处方流转报文无法解析或验签失败"
    message_en = "the prescription centre's message is malformed or its signature is wrong"
    action = "Check the terminal's keys and the centre's address; quote the error code."
    action_zh = "请核对终端密钥和平台地址,并告知技术人员错误码。"


class RxCodeInvalid(RxError, ValueError):
    """A scanned prescription code that is not one: wrong prefix, truncated, bad encoding."""

    code = "E804"
    message_zh = "处方码格式错误"
    message_en = "this is not a valid prescription code"
    action = "Scan the prescription's QR code again, or find it by the patient's ID card."
    action_zh = "请重新扫描处方二维码,或读取患者身份证查找处方。"


class RxSignatureInvalid(RxError, ValueError):
    """A prescription (or its code) whose SM2 signature does not verify with the centre's
    keys: forged or altered, never dispensed."""

    code = "E805"
    message_zh = "处方签名验证失败"
    message_en = "the prescription's signature does not verify"
    action = "Do not dispense; ask the patient to have the hospital issue it again."
    action_zh = "请勿发药;请患者联系开方医院重新开具处方。"


class RxNotDispensable(RxError, ValueError):
    """Checked at the counter before anything is sent: expired, revoked, already dispensed,
    a drug that is not on it, or more than prescribed."""

    code = "E806"
    message_zh = "处方不可调剂"
    message_en = "this prescription cannot be dispensed as asked"
    action = "Read the reason; dispense only what is prescribed, while it is valid."
    action_zh = "请查看原因;只能在有效期内按处方数量调剂。"


class RxReviewInvalid(RxError, ValueError):
    """A pharmacist's review that is not complete: no pharmacist, or a rejection without one
    of the reasons."""

    code = "E807"
    message_zh = "审方信息不完整"
    message_en = "the pharmacist's review is incomplete"
    action = "Give the pharmacist's code and, to reject, one of the listed reasons."
    action_zh = "请填写药师编码;驳回时请选择驳回原因。"


class PriceQueryInvalid(MedtermError, ValueError):
    """A price query that cannot be asked: empty, too long, or characters that are neither a
    drug name, pinyin initials nor an EAN barcode."""

    code = "E820"
    message_zh = "药价查询条件无效"
    message_en = "the price query is not a drug name, pinyin initials or a barcode"
    action = "Type part of a drug's name (amoxicillin), its pinyin initials (AMXL) or its barcode."
    action_zh = "请输入药品名称(如 阿莫西林)、拼音首字母(如 AMXL)或条形码。"


class PriceServiceError(MedtermError):
    """The price service did not answer usably."""

    code = "E821"
    message_zh = "药价查询服务暂时无法访问"
    message_en = "the drug price service is unreachable or answered wrongly"
    action = "Try again in a minute; prices are informational and do not block a sale."
    action_zh = "请稍后重试;药价仅供参考,不影响结算。"
