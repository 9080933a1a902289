"""Staff sign-in: pick your name tile, then the PIN on the keypad. (Being built.)"""

from __future__ import annotations

from ui.context import AppContext
from ui.screen import Screen


class StaffPinScreen(Screen):
    route = "staff.pin"
    flow = True

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        self.retranslate()
