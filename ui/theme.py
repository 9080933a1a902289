"""The one theme: colours, sizes, the QSS and the palette, and icons.

Calm and spacious, dark text on a warm light background, one accent (中国红) for primary
actions. Every colour pair used for text clears 4.5:1 contrast (see tests/ui/test_frame).
Touch targets are at least ``TOUCH`` px; body text is 24 px, 32 px in large-text mode.
"""

from __future__ import annotations

import logging
from functools import lru_cache

from PySide6.QtCore import QByteArray, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPalette, QPixmap
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QApplication

from kiosk.paths import asset_path

log = logging.getLogger(__name__)

ACCENT = "#C8102E"  # 中国红: primary actions
ACCENT_DARK = "#9E0C24"  # pressed
TEXT = "#1F2937"
MUTED = "#4B5563"
BG = "#FAF7F2"
SURFACE = "#FFFFFF"
BORDER = "#857D70"  # button and card edges: 3.8:1 on the page, 4.1:1 on white (WCAG 1.4.11)
SUCCESS = "#166534"
WARNING = "#8A4B00"
DANGER = "#A4161A"
INFO_BG = "#FDF2F2"
ON_ACCENT = "#FFFFFF"
ICON_SOURCE_COLOUR = "#1F2937"
DISABLED_BG = "#ECEAE6"
DISABLED_TEXT = "#5C5C5C"
DISABLED_BORDER = "#9A948C"  # dashed: a greyed button never looks like a tappable one
PRESSED_BG = "#EFE9DF"
SCROLL_HANDLE = "#6F685E"
SCROLL_TRACK = "#ECEAE6"

# Every colour pair the theme draws, with the contrast it must clear: text 4.5:1
# (WCAG 2.1 1.4.3), the boundaries of buttons, cards and chips 3:1 (1.4.11).
# tests/ui/test_frame.py computes each ratio.
CONTRAST_PAIRS: list[tuple[str, str, float, str]] = [
    (TEXT, BG, 4.5, "body text on the page"),
    (TEXT, SURFACE, 4.5, "text on cards and buttons"),
    (MUTED, BG, 4.5, "muted text on the page"),
    (MUTED, SURFACE, 4.5, "muted text on cards"),
    (ON_ACCENT, ACCENT, 4.5, "primary button text"),
    (ON_ACCENT, ACCENT_DARK, 4.5, "pressed primary button text"),
    (ACCENT, BG, 4.5, "ticket number and pickup code"),
    (DANGER, INFO_BG, 4.5, "error message text"),
    (SUCCESS, BG, 4.5, "success text"),
    (WARNING, BG, 4.5, "warning text"),
    (TEXT, INFO_BG, 4.5, "chosen chip text"),
    (TEXT, PRESSED_BG, 4.5, "pressed button text"),
    (DISABLED_TEXT, DISABLED_BG, 4.5, "greyed button text"),
    (BORDER, BG, 3.0, "button and card edge on the page"),
    (BORDER, SURFACE, 3.0, "button edge on a card"),
    (ACCENT, BG, 3.0, "primary button edge on the page"),
    (ACCENT, SURFACE, 3.0, "chosen chip edge on a card"),
    (DANGER, BG, 3.0, "error box edge"),
    (DISABLED_BORDER, BG, 2.0, "greyed button's dashed edge (not essential: it is disabled)"),
    (SCROLL_HANDLE, SCROLL_TRACK, 3.0, "scroll bar handle on its track"),
    (SCROLL_HANDLE, BG, 3.0, "scroll bar handle on the page"),
]


def contrast(a: str, b: str) -> float:
    """WCAG 2.1 contrast ratio of two #RRGGBB colours."""

    def lum(colour: str) -> float:
        rgb = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    hi, lo = sorted((lum(a), lum(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


TOUCH = 80  # minimum touch target, px (WCAG 2.5.5 asks 44; elderly fingers need more)
# Scroll bars are the one exception (issue 13): 48 px wide, handle at least TOUCH tall, and
# no arrow buttons (a 48x20 px arrow is a target nobody can hit; a finger drags the page).
SCROLLBAR = 48
FONT_FAMILY = "Noto Sans SC Kiosk"  # replaced by the registered family at start


def sizes(large: bool) -> dict[str, int]:
    """Font pixel sizes for normal and large-text mode."""
    if large:
        return {"body": 32, "small": 32, "button": 36, "title": 48, "huge": 120, "tile": 44}
    return {"body": 24, "small": 24, "button": 28, "title": 40, "huge": 96, "tile": 40}


def stylesheet(large: bool = False, family: str | None = None) -> str:
    s = sizes(large)
    fam = family or FONT_FAMILY
    return f"""
* {{ font-family: "{fam}"; font-size: {s["body"]}px; color: {TEXT}; }}
QMainWindow, QWidget#kioskRoot, QStackedWidget#screens, Screen {{ background: {BG}; }}
QLabel {{ background: transparent; }}
QLabel[kind="title"] {{ font-size: {s["title"]}px; font-weight: bold; }}
QLabel[kind="tileTitle"] {{ font-size: {s["tile"]}px; font-weight: bold; }}
QLabel[kind="tileTitleSmall"] {{ font-size: {s["button"]}px; font-weight: bold; }}
QLabel[kind="subtitle"] {{ font-size: {s["button"]}px; color: {MUTED}; }}
QLabel[kind="muted"] {{ color: {MUTED}; font-size: {s["small"]}px; }}
QLabel[kind="huge"] {{ font-size: {s["huge"]}px; font-weight: bold; color: {ACCENT}; }}
QLabel[kind="display"] {{
    font-size: {s["title"]}px; font-weight: bold; letter-spacing: 4px;
    background: {SURFACE}; border: 2px solid {BORDER}; border-radius: 12px; padding: 0 20px;
    min-height: {TOUCH}px;
}}
QLabel[kind="display"][empty="true"] {{
    font-size: {s["body"]}px; font-weight: normal; letter-spacing: 0; color: {MUTED};
}}
QLabel[kind="success"] {{ color: {SUCCESS}; font-weight: bold; }}
QFrame[kind="card"] {{ background: {SURFACE}; border: 2px solid {BORDER}; border-radius: 16px; }}
QLabel#giftName {{ font-weight: bold; }}
QLabel#giftPoints {{ color: {ACCENT}; font-weight: bold; }}
QLabel#giftReason {{ color: {DANGER}; font-weight: bold; }}
QPushButton {{
    min-height: {TOUCH - 4}px; min-width: {TOUCH - 4}px; padding: 0 24px; border-radius: 14px;
    font-size: {s["button"]}px; font-weight: bold;
    background: {SURFACE}; border: 2px solid {BORDER}; color: {TEXT};
}}
QPushButton:pressed {{ background: {PRESSED_BG}; }}
QPushButton:disabled {{
    color: {DISABLED_TEXT}; background: {DISABLED_BG}; border: 2px dashed {DISABLED_BORDER};
}}
QPushButton[role="primary"] {{ background: {ACCENT}; border-color: {ACCENT}; color: {ON_ACCENT}; }}
QPushButton[role="primary"]:pressed {{ background: {ACCENT_DARK}; }}
QPushButton[role="primary"]:disabled {{
    background: {DISABLED_BG}; border: 2px dashed {DISABLED_BORDER}; color: {DISABLED_TEXT};
}}
QPushButton[role="danger"] {{ background: {SURFACE}; border: 3px solid {DANGER}; color: {DANGER}; }}
QPushButton[role="tile"] {{
    font-size: {s["tile"]}px; border-radius: 24px; padding: 24px; text-align: center;
    border: 2px solid {BORDER};
}}
QPushButton[role="tile"]:pressed {{ border: 3px solid {ACCENT}; background: {INFO_BG}; }}
QPushButton[role="key"] {{
    font-size: {s["title"]}px; min-height: 80px; min-width: 100px; padding: 0 8px;
}}
QPushButton#key_clear, QPushButton#key_back {{ font-size: {s["body"]}px; }}
QPushButton[role="chip"] {{
    border-radius: 40px; font-weight: normal; padding: 0 20px; font-size: {s["body"]}px;
}}
QPushButton[role="chip"]:checked {{
    background: {INFO_BG}; border: 3px solid {ACCENT}; font-weight: bold;
}}
QPushButton[role="pick"] {{ font-weight: normal; }}
QPushButton[role="pick"]:checked {{
    background: {INFO_BG}; border: 3px solid {ACCENT}; font-weight: bold;
}}
QPushButton[role="link"] {{ background: transparent; border: none; color: {TEXT}; }}
QPushButton#largeTextToggle:checked {{
    background: {INFO_BG}; border: 3px solid {ACCENT}; color: {TEXT};
}}
QFrame#statusStrip {{ background: {SURFACE}; border-bottom: 2px solid {BORDER}; }}
QFrame#statusStrip QLabel {{ font-size: {s["small"]}px; }}
QLabel#stationName {{ font-size: {s["button"]}px; font-weight: bold; }}
QFrame#errorBanner {{ background: {INFO_BG}; border: 2px solid {DANGER}; border-radius: 12px; }}
QFrame#errorBanner QLabel {{ color: {DANGER}; font-weight: bold; }}
QFrame#busyOverlay {{ background: rgba(250, 247, 242, 150); }}
QFrame#busyBox {{ background: {SURFACE}; border: 2px solid {BORDER}; border-radius: 20px; }}
QFrame#idleOverlay {{ background: rgba(31, 41, 55, 170); }}
QFrame#idleBox {{ background: {SURFACE}; border-radius: 24px; }}
QScrollArea, QScrollArea > QWidget > QWidget {{ background: transparent; border: none; }}
QScrollArea#screenFrame {{ background: {BG}; }}
QScrollBar:vertical {{
    width: {SCROLLBAR}px; background: {SCROLL_TRACK}; border-radius: 12px; margin: 0;
}}
QScrollBar::handle:vertical {{
    background: {SCROLL_HANDLE}; border-radius: 12px; min-height: {TOUCH}px;
}}
QScrollBar::add-line:vertical, QScrollBar::sub-line:vertical {{ height: 0; border: none; }}
QScrollBar::add-page:vertical, QScrollBar::sub-page:vertical {{ background: none; }}
QLineEdit {{
    min-height: {TOUCH}px; border: 2px solid {BORDER}; border-radius: 10px; padding: 0 12px;
    background: {SURFACE}; }}
QCheckBox {{ min-height: {TOUCH}px; spacing: 16px; }}
QCheckBox::indicator {{ width: 40px; height: 40px; }}
"""


def palette() -> QPalette:
    pal = QPalette()
    pal.setColor(QPalette.ColorRole.Window, QColor(BG))
    pal.setColor(QPalette.ColorRole.WindowText, QColor(TEXT))
    pal.setColor(QPalette.ColorRole.Base, QColor(SURFACE))
    pal.setColor(QPalette.ColorRole.Text, QColor(TEXT))
    pal.setColor(QPalette.ColorRole.Button, QColor(SURFACE))
    pal.setColor(QPalette.ColorRole.ButtonText, QColor(TEXT))
    pal.setColor(QPalette.ColorRole.Highlight, QColor(ACCENT))
    pal.setColor(QPalette.ColorRole.HighlightedText, QColor(ON_ACCENT))
    return pal


def apply(app: QApplication, large: bool = False, family: str | None = None) -> None:
    app.setPalette(palette())
    app.setStyleSheet(stylesheet(large, family))


@lru_cache(maxsize=256)
def _svg(name: str, colour: str) -> QByteArray:
    path = asset_path(f"icons/{name}.svg")
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        log.error("missing icon %s", path)
        text = asset_path("icons/warning.svg").read_text(encoding="utf-8")
    return QByteArray(text.replace(ICON_SOURCE_COLOUR, colour).encode("utf-8"))


def pixmap(name: str, size: int = 64, colour: str = TEXT, ratio: float = 2.0) -> QPixmap:
    """An icon from assets/icons/<name>.svg drawn at ``size`` px in ``colour``, with
    ``ratio`` device pixels per pixel (2: sharp on any screen; a widget that knows its
    screen passes that screen's ratio and draws a quarter of the pixels on a plain one).

    Drawn anew each call and not kept here: screens draw tiles' icons at every size a
    layout passes through, and a cache of all of them held ~7 MiB at home (figure 2). A
    widget that shows the same few icons again and again keeps its own (``IconText``)."""
    renderer = QSvgRenderer(_svg(name, colour))
    ratio = max(1.0, ratio)
    pm = QPixmap(int(size * ratio), int(size * ratio))
    pm.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pm)
    renderer.render(painter, QRectF(0, 0, size * ratio, size * ratio))
    painter.end()
    pm.setDevicePixelRatio(ratio)
    return pm


def icon(name: str, colour: str = TEXT, size: int = 64) -> QIcon:
    """``ui.theme.icon("order")``: a QIcon from assets/icons/order.svg."""
    return QIcon(pixmap(name, size, colour))


def icon_size(px: int) -> QSize:
    return QSize(px, px)
