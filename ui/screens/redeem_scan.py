"""积分兑换, step 1: show your volunteer code to the scanner (or card number + PIN)."""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import Qt

from kiosk.views import redemption as q
from ui.context import AppContext
from ui.screens._flow_page import FlowPage
from ui.screens._flow_widgets import ScanPrompt, label
from ui.widgets import BigButton

log = logging.getLogger(__name__)

# The drawing's side; smaller in large text, where the words and a message need the room
# (at 1280x800 in large English the page scrolled).
ART_PX, ART_PX_LARGE = 220, 150


class RedeemScanScreen(FlowPage):
    route = "redeem.scan"
    accepts_scans = True

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        self.checking = False
        self.col.addStretch(1)
        self.art = ScanPrompt(px=ART_PX)
        self.art.setObjectName("scanPrompt")
        self.col.addWidget(self.art, 0, Qt.AlignmentFlag.AlignHCenter)
        self.hint = label("title", name="scanHint")
        self.hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.sub = label("subtitle")
        self.sub.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.col.addWidget(self.hint)
        self.col.addWidget(self.sub)
        self.col.addStretch(1)
        self.card = BigButton("", "lock", role="secondary")
        self.card.setObjectName("cardButton")
        self.card.clicked.connect(lambda: ctx.nav.go("redeem.card"))
        self.card.setVisible(False)
        self.col.addWidget(self.card, 0, Qt.AlignmentFlag.AlignHCenter)
        self.retranslate()

    def enter(self, **params: Any) -> None:
        self.checking = False
        self.clear_error()
        self.art.start()
        self.ctx.ops.read_db(
            q.card_pin_enabled,
            self.ctx.config,
            busy=False,
            on_ok=self.card.setVisible,
            on_err=lambda _e: None,
        )

    def leave(self) -> None:
        self.art.stop()

    def on_scan(self, text: str) -> None:
        if self.checking:
            return
        self.checking = True
        self.clear_error()
        self.ctx.ops.read_db(
            q.identify_scan,
            text,
            self.ctx.config,
            on_ok=self._identified,
            on_err=self._failed,
        )

    def _identified(self, volunteer: Any) -> None:
        self.checking = False
        self.ctx.nav.go("redeem.gifts", volunteer=volunteer, cart={})

    def _failed(self, err: BaseException) -> None:
        self.checking = False
        self.show_error(err)

    def reset(self) -> None:
        self.checking = False
        self.clear_error()

    def retranslate(self) -> None:
        self.header.set_title(self.tr("Redeem points"))
        self.prompt.setText("")
        self.art.set_size(ART_PX_LARGE if self.ctx.large_text else ART_PX)
        self.hint.setText(self.tr("Please show your volunteer code to the scanner"))
        self.sub.setText(
            self.tr('Open the volunteer app, tap "My code" and hold the phone under the red light.')
        )
        self.card.setText(self.tr("Use card number and PIN"))
