"""Errors a person can act on, and the one registry of their codes.

Every failure that can reach a screen, a log line or a technician's console is a subclass of
`MedtermError`: a stable code (so a log line leads to the docs), a message in Chinese and
English, and what to do next in both. A Python traceback never reaches a patient.

The registry. A subclass that sets its own `code` is registered when its class statement runs,
that is when its module is imported; a second class claiming a code already registered is
refused there and then with `InvalidErrorCode`, naming both classes, so a clash cannot ship.
A subclass that does not set `code` is the same error as its parent (a specialisation to catch
separately): it is not registered again and shows its parent's code and texts. `registry()`
and `lookup(code)` give the entries, so the screens' translations and docs/errors.md (generated
by `python -m tools.errors_doc`) cover every code there is.

A platform refusal carries the platform's own words (`platform_message`) for the person at the
screen; an error raised *because of* one (`raise X from refusal`) carries them too. They are
never part of `describe()`, which is what log lines use, because the platform may name the
patient in them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

CODE_PATTERN = re.compile(r"E\d{3}")
# A refusal's text is shown as one line of at most this many characters.
PLATFORM_MESSAGE_MAX = 300


class InvalidErrorCode(TypeError):
    """Two error classes claim one code, or a code is not `E` and three digits: a defect of the
    program, raised when the offending class is defined."""


@dataclass(frozen=True)
class ErrorText:
    """What a screen shows for an error, in one language."""

    code: str
    message: str
    action: str
    platform_message: str = ""


@dataclass(frozen=True)
class ErrorEntry:
    """One registered code: its texts in both languages and the class that raises it."""

    code: str
    message_zh: str
    message_en: str
    action_zh: str
    action_en: str
    error_class: type[MedtermError]

    def for_language(self, language: str) -> ErrorText:
        chinese = is_chinese(language)
        return ErrorText(
            self.code,
            self.message_zh if chinese else self.message_en,
            self.action_zh if chinese else self.action_en,
        )


_REGISTRY: dict[str, ErrorEntry] = {}


def _register(cls: type[MedtermError]) -> None:
    if not isinstance(cls.code, str) or not CODE_PATTERN.fullmatch(cls.code):
        raise InvalidErrorCode(f"{_name(cls)}: code {cls.code!r} is not E and three digits")
    taken = _REGISTRY.get(cls.code)
    if taken is not None:
        raise InvalidErrorCode(
            f"{cls.code} is already {_name(taken.error_class)}: {_name(cls)} needs its own code"
        )
    _REGISTRY[cls.code] = ErrorEntry(
        cls.code, cls.message_zh, cls.message_en, cls.action_zh, cls.action, cls
    )


def _name(cls: type) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


def registry() -> Mapping[str, ErrorEntry]:
    """Every code registered so far (that is, of every module imported so far), in order."""
    return MappingProxyType(dict(sorted(_REGISTRY.items())))


def lookup(code: str) -> ErrorEntry:
    """The entry of `code`; `UnknownErrorCode` if no imported module defines it."""
    try:
        return _REGISTRY[code]
    except KeyError:
        raise UnknownErrorCode(repr(code)[:20]) from None


def is_chinese(language: str) -> bool:
    """Whether `language` ("zh_CN", "zh-Hans", "en", "en_US"...) asks for the Chinese texts;
    any language other than Chinese or English is refused, not guessed."""
    primary = language.replace("-", "_").split("_", 1)[0].lower()
    if primary in ("zh", "en"):
        return primary == "zh"
    raise UnsupportedLanguage(repr(language)[:20])


def shown_text(text: str, limit: int = PLATFORM_MESSAGE_MAX) -> str:
    """Text from outside (the platform's `err_msg`) as it may be put on a screen or console:
    control and format characters (escape sequences, bidi overrides) become spaces, runs of
    whitespace one space, and it is cut to `limit` characters."""
    spaced = "".join(" " if unicodedata.category(ch).startswith("C") else ch for ch in text)
    line = " ".join(spaced.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


class MedtermError(Exception):
    """Base of every typed error in medterm.

    Subclasses set `code`, `message_zh`, `message_en`, `action` (English) and `action_zh`;
    call sites add the specifics in `detail` (never personal data: callers mask it first). An
    `action` given to one instance (a driver's install hint) replaces the English action only.
    """

    code: str = "E000"
    message_zh: str = "终端内部错误"
    message_en: str = "internal terminal error"
    action: str = "Call a technician and quote the error code."
    action_zh: str = "请联系技术人员，并告知错误代码。"

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        if "code" in cls.__dict__:
            _register(cls)

    def __init__(self, detail: str = "", *, action: str | None = None) -> None:
        self.detail = detail
        if action is not None:
            self.action = action
        super().__init__(self.describe())

    @property
    def platform_message(self) -> str:
        """The platform's own words for the person when this error is, or was raised because
        of, a platform refusal; "" otherwise."""
        cause = self.__cause__
        return cause.platform_message if isinstance(cause, MedtermError) else ""

    def describe(self) -> str:
        """One line for logs and the console: code, English message, detail (never the
        platform's message)."""
        text = f"[{self.code}] {self.message_en}"
        if self.detail:
            text += f": {self.detail}"
        return text

    def for_language(self, language: str) -> ErrorText:
        """Message, action and the platform's message, as a screen in `language` shows them."""
        chinese = is_chinese(language)
        return ErrorText(
            self.code,
            self.message_zh if chinese else self.message_en,
            self.action_zh if chinese else self.action,
            self.platform_message,
        )

    def as_dict(self) -> dict[str, str]:
        return {
            "code": self.code,
            "message_zh": self.message_zh,
            "message_en": self.message_en,
            "detail": self.detail,
            "action": self.action,
            "action_zh": self.action_zh,
            "platform_message": self.platform_message,
        }


_register(MedtermError)


class UnsupportedLanguage(MedtermError, ValueError):
    code = "E001"
    message_zh = "不支持的显示语言"
    message_en = "unsupported display language"
    action = "Use Chinese (zh_CN) or English (en)."
    action_zh = "请使用中文（zh_CN）或英文（en）。"


class UnknownErrorCode(MedtermError, LookupError):
    code = "E002"
    message_zh = "未知的错误代码"
    message_en = "unknown error code"
    action = "Check the code against docs/errors.md; a newer medterm may have written it."
    action_zh = "请对照错误代码表（docs/errors.md）核对；该代码可能由更新版本的程序产生。"


class ConfigError(MedtermError):
    code = "E010"
    message_zh = "终端配置错误"
    message_en = "terminal configuration is invalid"
    action = "Correct the named key in the terminal configuration file and restart."
    action_zh = "请在终端配置文件中改正提示的配置项，然后重启终端。"


class MoneyError(MedtermError, ValueError):
    code = "E020"
    message_zh = "金额格式错误"
    message_en = "invalid amount"
    action = (
        'Amounts are yuan written as text with digits, a point and exactly two decimals ("12.50"): '
        "no sign +, spaces, exponent, separators or full-width digits."
    )
    action_zh = (
        "金额以元为单位，用数字、小数点和两位小数书写（如“12.50”），"
        "不带正负号、空格、指数、分隔符或全角数字。"
    )


class BreakdownInvariantError(MedtermError, ValueError):
    """A settlement breakdown whose sums do not add up: never shown to a patient."""

    code = "E021"
    message_zh = "结算明细金额不平"
    message_en = "settlement breakdown does not add up"
    action = "Do not collect money for this breakdown; report the platform response to support."
    action_zh = "请勿按此结算明细收款；请将医保平台的返回内容报告给技术支持。"
