"""Key codes to text for keyboard-wedge scanners (US layout, as scanners are shipped).

Codes are Linux input event codes (linux/input-event-codes.h, a stable kernel ABI), written
out here so the mapping is testable without evdev or a keyboard. `KeyDecoder` turns key-down
events into characters and hands back the text at Enter.
"""

from __future__ import annotations

KEY_ENTER = 28
KEY_KPENTER = 96
SHIFT_KEYS = frozenset({42, 54})  # KEY_LEFTSHIFT, KEY_RIGHTSHIFT
KEY_DOWN, KEY_UP, KEY_REPEAT = 1, 0, 2

_ROWS = {
    2: "1!", 3: "2@", 4: "3#", 5: "4$", 6: "5%", 7: "6^", 8: "7&", 9: "8*", 10: "9(", 11: "0)",
    12: "-_", 13: "=+", 16: "qQ", 17: "wW", 18: "eE", 19: "rR", 20: "tT", 21: "yY", 22: "uU",
    23: "iI", 24: "oO", 25: "pP", 26: "[{", 27: "]}", 30: "aA", 31: "sS", 32: "dD", 33: "fF",
    34: "gG", 35: "hH", 36: "jJ", 37: "kK", 38: "lL", 39: ";:", 40: "'\"", 41: "`~", 43: "\\|",
    44: "zZ", 45: "xX", 46: "cC", 47: "vV", 48: "bB", 49: "nN", 50: "mM", 51: ",<", 52: ".>",
    53: "/?", 57: "  ",
}  # fmt: skip
# (plain, shifted) per key code.
KEYMAP: dict[int, tuple[str, str]] = {code: (pair[0], pair[1]) for code, pair in _ROWS.items()}
CODE_OF: dict[str, tuple[int, bool]] = {
    char: (code, shifted)
    for code, pair in KEYMAP.items()
    for shifted, char in ((False, pair[0]), (True, pair[1]))
    if not (shifted and pair[0] == pair[1])
}


class KeyDecoder:
    """Feed (code, value) key events; `feed` returns the scanned text when Enter goes down."""

    def __init__(self) -> None:
        self._shift = 0
        self._chars: list[str] = []

    def feed(self, code: int, value: int) -> str | None:
        if code in SHIFT_KEYS:
            if value == KEY_DOWN:
                self._shift += 1
            elif value == KEY_UP:
                self._shift = max(0, self._shift - 1)
            return None
        if value != KEY_DOWN:
            return None
        if code in (KEY_ENTER, KEY_KPENTER):
            text, self._chars = "".join(self._chars), []
            return text
        pair = KEYMAP.get(code)
        if pair is not None:
            self._chars.append(pair[1] if self._shift else pair[0])
        return None


def key_events(text: str) -> list[tuple[int, int]]:
    """The key events a wedge scanner sends for ``text`` + Enter (simulators and tests)."""
    events: list[tuple[int, int]] = []
    for char in text:
        if char not in CODE_OF:
            raise ValueError(f"{char!r} cannot be typed on a US keyboard")
        code, shifted = CODE_OF[char]
        if shifted:
            events.append((42, KEY_DOWN))
        events += [(code, KEY_DOWN), (code, KEY_UP)]
        if shifted:
            events.append((42, KEY_UP))
    return [*events, (KEY_ENTER, KEY_DOWN), (KEY_ENTER, KEY_UP)]
