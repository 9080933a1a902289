"""Every screen of the kiosk, by route; the window registers ``SCREENS``.

A screen's module is imported the first time its route is needed (``Navigator.screen``):
importing all ~35 of them pulls the domain modules and SQLAlchemy in before the first
paint of home, which needs none of them. UI-FLOWS registers each of its screens with one
line in the FLOW block below. ``ALL_SCREENS`` (the classes) is still there for code that
wants them all; asking for it imports every screen.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ui.screen import Screen

FRAME_SCREENS_BY_ROUTE: dict[str, str] = {
    "home": "ui.screens.home:HomeScreen",
    "error": "ui.screens.error:ErrorScreen",
    "staff.pin": "ui.screens.staff_pin:StaffPinScreen",
    # the staff admin screens, in menu order
    "staff.menu": "ui.screens.staff_menu:StaffMenuScreen",
    "staff.restock": "ui.screens.staff_stock:RestockScreen",
    "staff.correct": "ui.screens.staff_stock:CorrectStockScreen",
    "staff.low": "ui.screens.staff_lists:LowStockScreen",
    "staff.today": "ui.screens.staff_today:TodayScreen",
    "staff.sync": "ui.screens.staff_sync:SyncScreen",
    "staff.reprint": "ui.screens.staff_print:ReprintScreen",
    "staff.printer": "ui.screens.staff_print:PrinterTestScreen",
    "staff.exceptions": "ui.screens.staff_lists:ExceptionsScreen",
    "staff.settings": "ui.screens.staff_settings:SettingsScreen",
    "staff.attendance": "ui.screens.staff_attendance:StaffAttendanceScreen",
}

FLOW_SCREENS_BY_ROUTE: dict[str, str] = {
    # --- FLOW block (UI-FLOWS): one line per screen --------------------------------------
    "order.categories": "ui.screens.order_categories:OrderCategoriesScreen",
    "order.services": "ui.screens.order_services:OrderServicesScreen",
    "order.phone": "ui.screens.order_phone:OrderPhoneScreen",
    "order.name": "ui.screens.order_name:OrderNameScreen",
    "order.address": "ui.screens.order_address:OrderAddressScreen",
    "order.slot": "ui.screens.order_slot:OrderSlotScreen",
    "order.confirm": "ui.screens.order_confirm:OrderConfirmScreen",
    "order.done": "ui.screens.order_done:OrderDoneScreen",
    "track.lookup": "ui.screens.track_lookup:TrackLookupScreen",
    "track.status": "ui.screens.track_status:TrackStatusScreen",
    "track.rate": "ui.screens.track_rate:TrackRateScreen",
    "track.thanks": "ui.screens.track_thanks:TrackThanksScreen",
    "redeem.scan": "ui.screens.redeem_scan:RedeemScanScreen",
    "redeem.card": "ui.screens.redeem_card:RedeemCardScreen",
    "redeem.gifts": "ui.screens.redeem_gifts:RedeemGiftsScreen",
    "redeem.cart": "ui.screens.redeem_cart:RedeemCartScreen",
    "redeem.done": "ui.screens.redeem_done:RedeemDoneScreen",
    "attend.activities": "ui.screens.attend_activities:AttendActivitiesScreen",
    "attend.scan": "ui.screens.attend_scan:AttendScanScreen",
    "attend.done": "ui.screens.attend_done:AttendDoneScreen",
    # --- end of FLOW block ---------------------------------------------------------------
}

SCREENS: dict[str, str] = {**FRAME_SCREENS_BY_ROUTE, **FLOW_SCREENS_BY_ROUTE}


def load_screen(path: str) -> type[Screen]:
    """The class a ``"module:Class"`` entry names (importing its module)."""
    module, _, name = path.partition(":")
    cls: type[Screen] = getattr(import_module(module), name)
    return cls


def __getattr__(name: str) -> Any:
    lists = {
        "FRAME_SCREENS": FRAME_SCREENS_BY_ROUTE,
        "FLOW_SCREENS": FLOW_SCREENS_BY_ROUTE,
        "ALL_SCREENS": SCREENS,
    }
    if name in lists:
        return [load_screen(path) for path in lists[name].values()]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
