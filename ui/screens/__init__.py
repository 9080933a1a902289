"""Every screen of the kiosk; the window builds ``ALL_SCREENS``.

UI-FRAME's screens are in ``FRAME_SCREENS``. UI-FLOWS registers each of its screens with one
import line in the FLOW block below and one entry in ``FLOW_SCREENS``.
"""

from __future__ import annotations

from ui.screen import Screen
from ui.screens.error import ErrorScreen
from ui.screens.home import HomeScreen

# --- FLOW block (UI-FLOWS): one import line per screen --------------------------------------
from ui.screens.order_address import OrderAddressScreen
from ui.screens.order_categories import OrderCategoriesScreen
from ui.screens.order_confirm import OrderConfirmScreen
from ui.screens.order_done import OrderDoneScreen
from ui.screens.order_name import OrderNameScreen
from ui.screens.order_phone import OrderPhoneScreen
from ui.screens.order_services import OrderServicesScreen
from ui.screens.order_slot import OrderSlotScreen
from ui.screens.redeem_card import RedeemCardScreen
from ui.screens.redeem_cart import RedeemCartScreen
from ui.screens.redeem_done import RedeemDoneScreen
from ui.screens.redeem_gifts import RedeemGiftsScreen
from ui.screens.redeem_scan import RedeemScanScreen
from ui.screens.staff_admin import STAFF_SCREENS
from ui.screens.staff_pin import StaffPinScreen
from ui.screens.track_lookup import TrackLookupScreen
from ui.screens.track_rate import TrackRateScreen
from ui.screens.track_status import TrackStatusScreen
from ui.screens.track_thanks import TrackThanksScreen

# --- end of FLOW block ---------------------------------------------------------------------

FRAME_SCREENS: list[type[Screen]] = [HomeScreen, ErrorScreen, StaffPinScreen, *STAFF_SCREENS]

FLOW_SCREENS: list[type[Screen]] = [
    OrderCategoriesScreen,
    OrderServicesScreen,
    OrderPhoneScreen,
    OrderNameScreen,
    OrderAddressScreen,
    OrderSlotScreen,
    OrderConfirmScreen,
    OrderDoneScreen,
    TrackLookupScreen,
    TrackStatusScreen,
    TrackRateScreen,
    TrackThanksScreen,
    RedeemScanScreen,
    RedeemCardScreen,
    RedeemGiftsScreen,
    RedeemCartScreen,
    RedeemDoneScreen,
]

ALL_SCREENS: list[type[Screen]] = [*FRAME_SCREENS, *FLOW_SCREENS]
