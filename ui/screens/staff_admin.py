"""The staff admin screens, in menu order (registered by ui/screens/__init__.py)."""

from __future__ import annotations

from ui.screen import Screen
from ui.screens.staff_lists import ExceptionsScreen, LowStockScreen
from ui.screens.staff_menu import StaffMenuScreen
from ui.screens.staff_print import PrinterTestScreen, ReprintScreen
from ui.screens.staff_settings import SettingsScreen
from ui.screens.staff_stock import CorrectStockScreen, RestockScreen
from ui.screens.staff_sync import SyncScreen
from ui.screens.staff_today import TodayScreen

STAFF_SCREENS: list[type[Screen]] = [
    StaffMenuScreen,
    RestockScreen,
    CorrectStockScreen,
    LowStockScreen,
    TodayScreen,
    SyncScreen,
    ReprintScreen,
    PrinterTestScreen,
    ExceptionsScreen,
    SettingsScreen,
]
