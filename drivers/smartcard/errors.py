"""Typed errors of the social security card reader (E310-E319)."""

from __future__ import annotations

from drivers.base import DeviceError


class CardError(DeviceError):
    """The social security card could not be read (base of the card errors)."""

    code = "E310"
    message_zh = "社保卡读取失败"
    message_en = "social security card could not be read"
    action = "Take the card out, insert it again chip first, and try again."
    action_zh = "请取出社保卡，芯片朝前重新插入，然后重试。"


class CardRemovedError(CardError):
    """The card was pulled out mid-read; the next insertion is awaited."""

    code = "E311"
    message_zh = "读卡过程中社保卡被拔出"
    message_en = "card removed"
    action = "Insert the card again and leave it in until the terminal says it is done."
    action_zh = "请重新插入社保卡，并在终端提示完成前不要拔出。"


class NotSocialSecurityCardError(CardError):
    """SELECT of the social security application answered `6A 82`."""

    code = "E312"
    message_zh = "不是社保卡"
    message_en = "this is not a social security card"
    action = "Insert the social security card, chip first."
    action_zh = "请插入社保卡，芯片朝前。"


class WrongPinError(CardError):
    """The card answered `63 Cx`: a wrong PIN, `tries_left` carried."""

    code = "E313"
    message_zh = "密码错误"
    message_en = "wrong PIN"
    action = "Enter the card's PIN again; the card locks itself after the last try."
    action_zh = "请重新输入社保卡密码；最后一次输错后卡片将被锁定。"

    def __init__(self, tries_left: int) -> None:
        self.tries_left = tries_left
        super().__init__(f"{tries_left} tries left")


class PinBlockedError(CardError):
    """The card answered `69 83` or `63 C0`: no PIN try left."""

    code = "E314"
    message_zh = "社保卡密码已锁定"
    message_en = "card PIN is blocked"
    action = (
        "The card locked itself after too many wrong PINs: "
        "the holder must unlock it at a social security office."
    )
    action_zh = "密码输错次数过多，卡片已锁定：持卡人需到社保经办网点解锁。"


class PinRequiredError(CardError):
    """EF06 answered `69 82` and no PIN was given; `tries_left` is what the card said when
    asked (None: it could not say)."""

    code = "E315"
    message_zh = "需要输入社保卡密码"
    message_en = "this card needs its PIN to read the holder's data"
    action = "Ask the card holder to enter the card's PIN on the keypad."
    action_zh = "请持卡人在密码键盘上输入社保卡密码。"

    def __init__(self, detail: str = "", *, tries_left: int | None = None) -> None:
        self.tries_left = tries_left
        super().__init__(detail)


class CardExpiredError(CardError):
    """The expiry date (EF05 06) is before today."""

    code = "E316"
    message_zh = "社保卡已过有效期"
    message_en = "card expired"
    action = "The card can no longer be used: use the e-voucher or ID card, and renew the card."
    action_zh = "此卡已不能使用：请改用医保电子凭证或身份证，并尽快补换社保卡。"


class MalformedRecordError(CardError):
    """A record that is short, over-long, has the wrong tag or an impossible value."""

    code = "E317"
    message_zh = "社保卡数据格式错误"
    message_en = "card record is malformed"
    action = "Try the card again; if it keeps failing, the card is damaged and must be replaced."
    action_zh = "请再试一次；如果仍然失败，说明卡片已损坏，需要补换。"


class CardStatusError(CardError):
    """The card answered a status word the protocol does not expect."""

    code = "E318"
    message_zh = "社保卡返回异常状态"
    message_en = "card refused a command"


class NoCardError(CardError):
    """No card in the reader, or none inserted in time."""

    code = "E319"
    message_zh = "未插入社保卡"
    message_en = "no card in the reader"
    action = "Insert the social security card chip first."
    action_zh = "请插入社保卡，芯片朝前。"
