"""Reusable touch widgets. They show and emit; they never do I/O or hold domain rules."""

from ui.widgets.banner import ErrorBanner, MessageSlot, Notice
from ui.widgets.busy import BusyOverlay
from ui.widgets.buttons import BigButton
from ui.widgets.chips import ChipGroup, PickerGrid
from ui.widgets.flow import FlowLayout
from ui.widgets.header import ScreenHeader
from ui.widgets.keypad import NumericKeypad
from ui.widgets.qr import QrLabel
from ui.widgets.scroll import TouchScroll
from ui.widgets.stars import StarRating
from ui.widgets.tile import Tile

__all__ = [
    "BigButton",
    "BusyOverlay",
    "ChipGroup",
    "ErrorBanner",
    "FlowLayout",
    "MessageSlot",
    "Notice",
    "NumericKeypad",
    "PickerGrid",
    "QrLabel",
    "ScreenHeader",
    "StarRating",
    "Tile",
    "TouchScroll",
]
