"""The look of every screen (kiosk, counter, diagnostics), decided in one table.

Colours: each role has a (normal, high-contrast) pair, so the two themes cannot drift apart,
and `CONTRAST_PAIRS` lists which role is drawn on which, so a test can hold every pair to the
4.5:1 of WCAG 2.1 AA (the number China's 适老化 guidance also uses). Sizes: one `Sizes` value,
scaled for elder mode to at least the guidance's floors (body 18 pt, main prompt 30 pt, touch
targets 60x60 px). This module is plain Python so that the numbers are tested without Qt;
`ui.app` turns them into a palette and a small style sheet.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

CJK_FONT = "Noto Sans CJK SC"  # Debian's fonts-noto-cjk; Latin glyphs come from the same face
MIN_CONTRAST = 4.5
ELDER_BODY_PT = 18
ELDER_PROMPT_PT = 30
MIN_TARGET_PX = 60


class Role(StrEnum):
    WINDOW = "window"
    TEXT = "text"
    MUTED = "muted"
    PRIMARY = "primary"  # the main action's button
    ON_PRIMARY = "on_primary"
    SECONDARY = "secondary"
    ON_SECONDARY = "on_secondary"
    WARNING = "warning"  # banners: offline, card pulled out, out of paper
    ON_WARNING = "on_warning"
    ERROR = "error"
    ON_ERROR = "on_error"
    FOCUS = "focus"
    FUND = "fund"  # the stacked bar's segments; each also has a pattern and a label
    ACCOUNT = "account"
    MULAID = "mulaid"
    COMMERCIAL = "commercial"
    CASH = "cash"
    ON_SEGMENT = "on_segment"


# role -> (normal, high contrast)
COLOURS: dict[Role, tuple[str, str]] = {
    Role.WINDOW: ("#f4f7fa", "#000000"),
    Role.TEXT: ("#1a2430", "#ffffff"),
    Role.MUTED: ("#4a5563", "#e0e0e0"),
    Role.PRIMARY: ("#0b5cab", "#ffff00"),
    Role.ON_PRIMARY: ("#ffffff", "#000000"),
    Role.SECONDARY: ("#dde5ee", "#000000"),
    Role.ON_SECONDARY: ("#1a2430", "#ffffff"),
    Role.WARNING: ("#fff1c2", "#ffff00"),
    Role.ON_WARNING: ("#5a3d00", "#000000"),
    Role.ERROR: ("#fde2e2", "#000000"),
    Role.ON_ERROR: ("#8a1010", "#ff8080"),
    Role.FOCUS: ("#e07b00", "#00ffff"),
    Role.FUND: ("#1d6b3a", "#00ff66"),
    Role.ACCOUNT: ("#0b5cab", "#66ccff"),
    Role.MULAID: ("#6a3d9a", "#ff99ff"),
    Role.COMMERCIAL: ("#00606b", "#99ffcc"),
    Role.CASH: ("#a33a00", "#ffcc00"),
    Role.ON_SEGMENT: ("#ffffff", "#000000"),
}

# (foreground, background): every pair the screens draw text with
CONTRAST_PAIRS: tuple[tuple[Role, Role], ...] = (
    (Role.TEXT, Role.WINDOW),
    (Role.MUTED, Role.WINDOW),
    (Role.ON_PRIMARY, Role.PRIMARY),
    (Role.ON_SECONDARY, Role.SECONDARY),
    (Role.ON_WARNING, Role.WARNING),
    (Role.ON_ERROR, Role.ERROR),
    (Role.ON_SEGMENT, Role.FUND),
    (Role.ON_SEGMENT, Role.ACCOUNT),
    (Role.ON_SEGMENT, Role.MULAID),
    (Role.ON_SEGMENT, Role.COMMERCIAL),
    (Role.ON_SEGMENT, Role.CASH),
)


def colour(role: Role, high_contrast: bool) -> str:
    return COLOURS[role][1 if high_contrast else 0]


def relative_luminance(hex_colour: str) -> float:
    """WCAG 2.1 relative luminance of ``#rrggbb``."""
    value = hex_colour.lstrip("#")
    channels = [int(value[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(foreground: str, background: str) -> float:
    """WCAG contrast ratio, 1 (none) to 21 (black on white)."""
    a, b = sorted((relative_luminance(foreground), relative_luminance(background)), reverse=True)
    return (a + 0.05) / (b + 0.05)


@dataclass(frozen=True)
class Sizes:
    """Type and target sizes of one mode; every widget takes its numbers from here."""

    body_pt: int
    prompt_pt: int
    small_pt: int
    amount_pt: int
    target_px: int
    keypad_px: int
    spacing_px: int


NORMAL = Sizes(
    body_pt=16, prompt_pt=26, small_pt=13, amount_pt=30, target_px=64, keypad_px=88, spacing_px=16
)
ELDER = Sizes(
    body_pt=22, prompt_pt=36, small_pt=18, amount_pt=40, target_px=84, keypad_px=104, spacing_px=20
)


def sizes(elder: bool) -> Sizes:
    return ELDER if elder else NORMAL


def stylesheet(size: Sizes, high_contrast: bool) -> str:
    """The application's style sheet: only what a palette cannot say (button shapes, banners,
    focus ring, minimum target sizes). Widgets choose a look by their ``role`` property."""

    def c(role: Role) -> str:
        return colour(role, high_contrast)

    border = "3px solid " + c(Role.TEXT) if high_contrast else "none"
    return f"""
QWidget {{ font-family: "{CJK_FONT}"; font-size: {size.body_pt}pt; color: {c(Role.TEXT)}; }}
QMainWindow, QStackedWidget, QWidget#kiosk-root {{ background: {c(Role.WINDOW)}; }}
QLabel[role="prompt"] {{ font-size: {size.prompt_pt}pt; font-weight: bold; }}
QLabel[role="amount"] {{ font-size: {size.amount_pt}pt; font-weight: bold; }}
QLabel[role="muted"] {{ color: {c(Role.MUTED)}; }}
QLabel[role="small"] {{ font-size: {size.small_pt}pt; color: {c(Role.MUTED)}; }}
QLabel[role="banner"] {{ background: {c(Role.WARNING)}; color: {c(Role.ON_WARNING)};
    padding: 8px; border: 2px solid {c(Role.ON_WARNING)}; }}
QLabel[role="error"] {{ background: {c(Role.ERROR)}; color: {c(Role.ON_ERROR)};
    padding: 8px; border: 2px solid {c(Role.ON_ERROR)}; }}
QPushButton {{ min-width: {size.target_px}px; min-height: {size.target_px}px;
    padding: 4px 20px; border-radius: 10px; border: {border};
    background: {c(Role.SECONDARY)}; color: {c(Role.ON_SECONDARY)}; }}
QPushButton[role="primary"] {{ background: {c(Role.PRIMARY)}; color: {c(Role.ON_PRIMARY)};
    font-weight: bold; }}
QPushButton[role="key"], QPushButton[role="key-primary"] {{ min-width: {size.keypad_px}px;
    min-height: {size.keypad_px}px; font-size: {size.prompt_pt}pt; }}
QPushButton[role="key-primary"] {{ background: {c(Role.PRIMARY)}; color: {c(Role.ON_PRIMARY)};
    font-weight: bold; }}
QPushButton:checked {{ background: {c(Role.PRIMARY)}; color: {c(Role.ON_PRIMARY)};
    font-weight: bold; }}
QPushButton:focus {{ outline: none; border: 4px solid {c(Role.FOCUS)}; }}
QPushButton:disabled, QPushButton[role="primary"]:disabled,
QPushButton[role="key-primary"]:disabled {{
    background: {c(Role.SECONDARY)}; color: {c(Role.MUTED)}; font-weight: normal; }}
QTableWidget {{ background: {c(Role.WINDOW)}; gridline-color: {c(Role.MUTED)}; }}
QHeaderView::section {{ background: {c(Role.SECONDARY)}; color: {c(Role.ON_SECONDARY)};
    padding: 6px; border: none; font-weight: bold; }}
QTableWidget::item:selected {{ background: {c(Role.PRIMARY)}; color: {c(Role.ON_PRIMARY)}; }}
QCheckBox::indicator {{ width: {size.target_px // 2}px; height: {size.target_px // 2}px; }}
QCheckBox {{ min-height: {size.target_px}px; }}
"""
