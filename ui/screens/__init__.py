"""Every screen of the kiosk; the window builds ``ALL_SCREENS``.

UI-FRAME's screens are in ``FRAME_SCREENS``. UI-FLOWS registers each of its screens with one
import line in the FLOW block below and one entry in ``FLOW_SCREENS``.
"""

from __future__ import annotations

from ui.screen import Screen
from ui.screens.error import ErrorScreen
from ui.screens.home import HomeScreen
from ui.screens.staff_admin import STAFF_SCREENS
from ui.screens.staff_pin import StaffPinScreen

# --- FLOW block (UI-FLOWS): one import line per screen --------------------------------------

# --- end of FLOW block ---------------------------------------------------------------------

FRAME_SCREENS: list[type[Screen]] = [HomeScreen, ErrorScreen, StaffPinScreen, *STAFF_SCREENS]

FLOW_SCREENS: list[type[Screen]] = []

ALL_SCREENS: list[type[Screen]] = [*FRAME_SCREENS, *FLOW_SCREENS]
