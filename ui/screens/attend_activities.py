"""志愿者签到, step 1: today's activities at this station, one big button each."""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtWidgets import QVBoxLayout, QWidget

from kiosk.attendance import ActivityView, todays_activities
from kiosk.clock import to_local
from ui.context import AppContext
from ui.screens._flow_page import FlowPage
from ui.screens._flow_widgets import label, scroll
from ui.widgets import BigButton

log = logging.getLogger(__name__)


class AttendActivitiesScreen(FlowPage):
    route = "attend.activities"
    accepts_scans = True  # to say what to do first: a scan here was dropped without a word

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        self.items: list[ActivityView] = []
        inner = QWidget()
        self.list = QVBoxLayout(inner)
        self.list.setContentsMargins(0, 0, 0, 0)
        self.list.setSpacing(16)
        self.empty = label("title", name="noActivities")
        self.col.addWidget(scroll(inner), 1)
        self.col.addWidget(self.empty)
        self.buttons: list[BigButton] = []
        self.retranslate()

    def enter(self, **params: Any) -> None:
        self.clear_error()
        self.ctx.ops.read_db(
            todays_activities, self.ctx.config, on_ok=self._show, on_err=self.show_error
        )

    def on_scan(self, text: str) -> None:
        self.show_error(self.tr("Tap your activity first, then scan your code."))

    def _time(self, a: ActivityView) -> str:
        zone = self.ctx.config.timezone
        return f"{to_local(a.starts_at, zone):%H:%M}–{to_local(a.ends_at, zone):%H:%M}"

    def _show(self, items: list[ActivityView]) -> None:
        self.items = items
        # Empty the list whole (buttons and the closing stretch): a screen shown again, or
        # re-laid out for large text, must not stack a second set over the first.
        while self.list.count():
            item = self.list.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.hide()
                widget.deleteLater()
        self.buttons = []
        lang = self.ctx.lang
        for a in items:
            parts = [self._time(a), a.label(lang)]
            if a.team:
                parts.append(a.team)
            state = {
                "upcoming": self.tr("sign-in not open yet"),
                "ended": self.tr("ended"),
            }.get(a.state, self.tr("%1 here now").replace("%1", str(a.present)))
            if a.capacity:
                state += " · " + self.tr("%1 of %2 places taken").replace(
                    "%1", str(a.signed)
                ).replace("%2", str(a.capacity))
            button = BigButton("  ".join(parts) + "\n" + state, "check", role="secondary")
            button.setObjectName(f"activity_{a.id}")
            button.setEnabled(a.state == "open")
            button.clicked.connect(lambda _=False, a=a: self._pick(a))
            self.list.addWidget(button)
            # Two lines of text at whatever size the text is (大字 included): measured once
            # the style sheet's font is on the button.
            button.ensurePolished()
            lines = button.fontMetrics().lineSpacing() * 2
            button.setMinimumHeight(max(button.minimumHeight(), lines + 28))
            self.buttons.append(button)
        self.list.addStretch(1)
        self.empty.setVisible(not items)

    def _pick(self, activity: ActivityView) -> None:
        self.ctx.nav.go("attend.scan", activity=activity)

    def reset(self) -> None:
        self.clear_error()

    def retranslate(self) -> None:
        self.header.set_title(self.tr("Volunteer sign-in"))
        self.prompt.setText(self.tr("Choose your activity"))
        self.empty.setText(self.tr("There is no activity at this station today."))
        if self.items:
            self._show(self.items)
