"""进度查询: where the order is — a timeline with times and the team or volunteer."""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from kiosk.orders import STATUSES
from kiosk.views import orders as q
from ui import theme
from ui.context import AppContext
from ui.screens import _flow_texts as texts
from ui.screens._flow_page import FlowPage
from ui.screens._flow_widgets import card, label, scroll
from ui.widgets import BigButton

log = logging.getLogger(__name__)

FLOW_STEPS = [s for s in STATUSES if s != "cancelled"]


class TrackStatusScreen(FlowPage):
    route = "track.status"
    accepts_scans = True  # the next resident's ticket: it was dropped without a word here

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        self.view: q.OrderStatusView | None = None
        self.summary = label("", name="orderSummary")
        self.summary.setStyleSheet("font-weight: bold;")
        self.col.addWidget(self.summary)
        box = card()
        self.timeline = QGridLayout(box)
        # Five steps fit the card at 1280x800 without a scroll bar (they were 12 px over):
        # rows 10 px apart, and in large text the prompt gives its room (retranslate).
        self.timeline.setContentsMargins(32, 14, 32, 14)
        self.timeline.setHorizontalSpacing(24)
        self.timeline.setVerticalSpacing(10)
        holder = QWidget()
        hcol = QVBoxLayout(holder)
        hcol.setContentsMargins(0, 0, 0, 0)
        hcol.addWidget(box)
        hcol.addStretch(1)
        self.col.addWidget(scroll(holder), 1)
        self.rated = label("", name="ratedNote")
        row = QHBoxLayout()
        self.done = BigButton("", "home", role="secondary")
        self.done.setObjectName("doneButton")
        self.done.clicked.connect(ctx.nav.home)
        self.rate = BigButton("", "star", role="primary")
        self.rate.setObjectName("rateButton")
        self.rate.clicked.connect(self._rate)
        row.addWidget(self.done, 1)
        row.addWidget(self.rate, 2)
        # A rated order has no "Rate" button: the thanks for the rating takes its place
        # (a line of its own pushed the steps into a scroll bar at 1280x800).
        row.addWidget(self.rated, 2)
        self.col.addLayout(row)
        self.rows: list[QWidget] = []
        self.retranslate()

    def enter(self, **params: Any) -> None:
        if "view" in params:
            self.view = params["view"]
        self.retranslate()

    def _rate(self) -> None:
        if self.view is not None and self.view.rateable:
            self.ctx.nav.go("track.rate", view=self.view)

    def _build_timeline(self) -> None:
        for w in self.rows:
            self.timeline.removeWidget(w)
            w.deleteLater()
        self.rows = []
        if self.view is None:
            return
        reached = {h.status: h for h in self.view.history}
        reached.setdefault(self.view.status, q.StatusStep(self.view.status, "", "", ""))
        steps = list(FLOW_STEPS)
        if self.view.status == "cancelled":
            steps = [s for s in FLOW_STEPS if s in reached] + ["cancelled"]
        names = texts.status_labels()
        for i, status in enumerate(steps):
            step = reached.get(status)
            done = step is not None
            icon = QLabel()
            icon.setPixmap(
                theme.pixmap(
                    "check" if done else "clock", 40, theme.SUCCESS if done else theme.MUTED
                )
            )
            if status == "cancelled":
                icon.setPixmap(theme.pixmap("warning", 40, theme.DANGER))
            name = label("", wrap=False, name=f"status_{status}")
            word = names.get(status, status) + ("" if done else self.tr(" (not yet)"))
            name.setText(word)
            name.setStyleSheet("font-weight: bold;" if done else f"color: {theme.MUTED};")
            when = label("muted", wrap=False)
            when.setText(step.at if step else "")
            who = label("")
            who.setText(self._who(step))
            for col, w in enumerate((icon, name, when, who)):
                self.timeline.addWidget(w, i, col)
                self.rows.append(w)
        self.timeline.setColumnStretch(3, 1)

    def _who(self, step: q.StatusStep | None) -> str:
        if step is None:
            return ""
        parts = [p for p in (step.team, step.volunteer) if p]
        return " · ".join(parts)

    def on_scan(self, text: str) -> None:
        self.start_over_with(text)

    def reset(self) -> None:
        self.view = None
        self.retranslate()

    def retranslate(self) -> None:
        v = self.view
        self.header.set_title(self.tr("Order progress"))
        self.prompt.setText(self.tr("Here is where your request is now."))
        self.show_prompt(not self.ctx.large_text)  # the title says it; the steps need room
        if v is None:
            self.summary.setText("")
        else:
            service = self.pick(v.service_name, v.service_name_en)
            self.summary.setText(
                self.tr("Ticket %1 · %2").replace("%1", v.ticket_no).replace("%2", service)
            )
        self._build_timeline()
        rated = v is not None and v.rating is not None
        self.rated.setVisible(rated)
        self.rated.setText(
            self.tr("You rated this service %n star(s). Thank you.", "", v.rating or 0)
            if rated and v
            else ""
        )
        self.rate.setVisible(bool(v and v.rateable))
        self.rate.setText(self.tr("Rate this service"))
        self.done.setText(self.tr("Back to start"))
