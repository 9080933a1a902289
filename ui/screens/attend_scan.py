"""志愿者签到, step 2: scan your volunteer code; the first scan signs in, the next signs out."""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import Qt

from kiosk.attendance import ActivityView, scan
from ui.context import AppContext
from ui.screens._flow_page import FlowPage
from ui.screens._flow_widgets import ScanPrompt, label

log = logging.getLogger(__name__)

# The drawing's side; smaller in large text, where the words and a message need the room
# (at 1280x800 in large English the page scrolled).
ART_PX, ART_PX_LARGE = 200, 150


class AttendScanScreen(FlowPage):
    route = "attend.scan"
    accepts_scans = True

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        self.activity: ActivityView | None = None
        self.checking = False
        self.col.addStretch(1)
        self.art = ScanPrompt(px=ART_PX)
        self.col.addWidget(self.art, 0, Qt.AlignmentFlag.AlignHCenter)
        self.what = label("title", name="activityTitle")
        self.what.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.hint = label("subtitle", name="scanHint")
        self.hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.col.addWidget(self.what)
        self.col.addWidget(self.hint)
        self.col.addStretch(1)
        self.retranslate()

    def enter(self, **params: Any) -> None:
        if "activity" in params:
            self.activity = params["activity"]
        self.checking = False
        self.clear_error()
        self.art.start()
        self.retranslate()

    def leave(self) -> None:
        self.art.stop()

    def on_scan(self, text: str) -> None:
        # One scan at a time: a scanner's repeat or a second code during the write waits.
        if self.checking or self.activity is None:
            return
        self.checking = True
        self.clear_error()
        self.ctx.ops.run_db(
            scan,
            self.activity.id,
            text,
            self.ctx.config,
            on_ok=self._done,
            on_err=self._failed,
        )

    def _done(self, result: Any) -> None:
        self.checking = False
        self.ctx.nav.go("attend.done", result=result, activity=self.activity)

    def _failed(self, err: BaseException) -> None:
        self.checking = False
        self.show_error(err)

    def reset(self) -> None:
        self.checking = False
        self.activity = None
        self.clear_error()

    def retranslate(self) -> None:
        self.header.set_title(self.tr("Volunteer sign-in"))
        self.prompt.setText("")
        self.art.set_size(ART_PX_LARGE if self.ctx.large_text else ART_PX)
        title = self.activity.label(self.ctx.lang) if self.activity else ""
        self.what.setText(title)
        self.hint.setText(
            self.tr(
                "Scan your volunteer code to sign in. When you leave, scan it again to sign out."
            )
        )
