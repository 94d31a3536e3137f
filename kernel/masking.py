"""The one masker of personal data: ID numbers, card numbers and names.

Used by logs, the CLI and the screens, so that "masked" means the same thing everywhere.

Rules (decided here, documented in docs/devices.md):

- An ID or card number keeps its first 4 and last 4 characters and stars everything between
  (`440301199001011234` -> `4403**********1234`). A number shorter than 16 keeps a quarter of
  its length at each end (`A12345678` -> `A1*****78`), so at least half of it is always hidden.
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
    keep = min(_KEEP, len(text) // 4)
    if keep == 0:
        return "*" * len(text)
    return text[:keep] + "*" * (len(text) - 2 * keep) + text[-keep:]


def mask_name(value: str) -> str:
    """Mask a person's name (Chinese or not)."""
    text = value.strip()
    if len(text) <= 1:
        return "*" if text else ""
    if len(text) == 2:
        return text[0] + "*"
    return text[0] + "*" + text[-1]
