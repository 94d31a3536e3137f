"""Errors a person can act on.

Every failure that can reach a screen, a log line or a technician's console is a subclass of
`MedtermError`: a stable code (so a log line leads to the docs), a message in Chinese and
English, and what to do next. A Python traceback never reaches a patient.
"""

from __future__ import annotations


class MedtermError(Exception):
    """Base of every typed error in medterm.

    Subclasses set `code` and usually `message_zh`/`action`; call sites add the specifics in
    `detail` (never personal data: callers mask it first).
    """

    code: str = "E000"
    message_zh: str = "终端内部错误"
    message_en: str = "internal terminal error"
    action: str = "Call a technician and quote the error code."

    def __init__(self, detail: str = "", *, action: str | None = None) -> None:
        self.detail = detail
        if action is not None:
            self.action = action
        super().__init__(self.describe())

    def describe(self) -> str:
        """One line for logs and the console: code, English message, detail."""
        text = f"[{self.code}] {self.message_en}"
        if self.detail:
            text += f": {self.detail}"
        return text

    def as_dict(self) -> dict[str, str]:
        return {
            "code": self.code,
            "message_zh": self.message_zh,
            "message_en": self.message_en,
            "detail": self.detail,
            "action": self.action,
        }


class ConfigError(MedtermError):
    code = "E010"
    message_zh = "终端配置错误"
    message_en = "terminal configuration is invalid"
    action = "Correct the named key in the terminal configuration file and restart."


class MoneyError(MedtermError, ValueError):
    code = "E020"
    message_zh = "金额格式错误"
    message_en = "invalid amount"
    action = (
        'Amounts are yuan written as text with digits, a point and exactly two decimals ("12.50"): '
        "no sign +, spaces, exponent, separators or full-width digits."
    )


class BreakdownInvariantError(MedtermError, ValueError):
    """A settlement breakdown whose sums do not add up: never shown to a patient."""

    code = "E021"
    message_zh = "结算明细金额不平"
    message_en = "settlement breakdown does not add up"
    action = "Do not collect money for this breakdown; report the platform response to support."
