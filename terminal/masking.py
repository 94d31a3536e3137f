"""The one masker of personal data: ID numbers, card numbers and names.

Used by logs, the CLI and the screens, so that "masked" means the same thing everywhere.

Rules (decided here, documented in docs/devices.md):

- An ID or card number keeps its first 4 and last 4 characters and stars everything between
  (`440301199001011234` -> `4403**********1234`). Eight characters or fewer: only the last
  quarter is kept (`A1234567` -> `******67`), so a short number is never shown whole.
- A name keeps its first and last character and stars the middle (`张三丰` -> `张*丰`, one star
  whatever the length, so the mask does not reveal the length of a long name). A two-character
  name keeps only the first (`张三` -> `张*`); a one-character name becomes `*`.
- Surrounding whitespace is dropped; an empty value stays empty.
"""

from __future__ import annotations

_KEEP = 4


def mask_id(value: str) -> str:
    """Mask an ID number, card number or card identifier."""
    text = value.strip()
    if not text:
        return ""
    if len(text) <= 2 * _KEEP:
        keep = len(text) // 4
        return "*" * (len(text) - keep) + (text[-keep:] if keep else "")
    return text[:_KEEP] + "*" * (len(text) - 2 * _KEEP) + text[-_KEEP:]


def mask_name(value: str) -> str:
    """Mask a person's name (Chinese or not)."""
    text = value.strip()
    if len(text) <= 1:
        return "*" if text else ""
    if len(text) == 2:
        return text[0] + "*"
    return text[0] + "*" + text[-1]
