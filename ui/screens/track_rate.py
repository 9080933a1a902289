"""评价: one to five big stars and a few tag chips for a completed order."""

from __future__ import annotations

import logging
from typing import Any

from kiosk.views import orders as q
from ui.context import AppContext
from ui.screens import _flow_texts as texts
from ui.screens._flow_page import FlowPage
from ui.screens._flow_widgets import fit_chips, label
from ui.widgets import BigButton, ChipGroup, StarRating

log = logging.getLogger(__name__)


class TrackRateScreen(FlowPage):
    route = "track.rate"

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        self.col.setSpacing(10)  # 14 put 提交评价 11 px below a 1280x800 screen in 大字
        self.view: q.OrderStatusView | None = None
        self.sending = False
        self.stars_label = label("")
        self.stars = StarRating(px=96)
        self.stars.changed.connect(lambda _v: self._refresh())
        self.tags_label = label("")
        self.tags = ChipGroup([], multi=True)
        self.tags.setObjectName("ratingTags")
        for w in (self.stars_label, self.stars, self.tags_label, self.tags):
            self.col.addWidget(w)
        self.col.addStretch(1)
        self.send = BigButton("", "check", role="primary")
        self.send.setObjectName("sendRating")
        self.send.clicked.connect(self.submit)
        self.col.addWidget(self.send)
        self.retranslate()

    def enter(self, **params: Any) -> None:
        if "view" in params:
            self.view = params["view"]
            self.stars.reset()
            self.tags.set_items([(t, t) for t in self.view.rating_tags])
            self.tags.clear()
        self.sending = False
        self.clear_error()
        self.retranslate()

    def submit(self) -> None:
        if self.view is None or self.sending:
            return
        if not self.stars.value():
            self.show_error(self.ctx.msg("order.rating_invalid"))
            return
        self.sending = True
        self.send.setEnabled(False)
        self.ctx.ops.run_db(
            q.rate,
            self.view.order_id,
            self.stars.value(),
            self.tags.selected(),
            on_ok=self._sent,
            on_err=self._failed,
        )

    def _sent(self, stars: int) -> None:
        self.ctx.bus.changed.emit("orders")
        self.ctx.nav.go("track.thanks", stars=stars)

    def _failed(self, err: BaseException) -> None:
        self.sending = False
        self.show_error(err)
        self._refresh()

    def _refresh(self) -> None:
        if self.stars.value():
            self.clear_error()
        self.send.setEnabled(bool(self.stars.value()) and not self.sending)

    def reset(self) -> None:
        self.view = None
        self.sending = False
        self.stars.reset()
        self.tags.set_items([])
        self.clear_error()
        self.retranslate()

    def retranslate(self) -> None:
        self.header.set_title(self.tr("Rate the service"))
        ticket = self.view.ticket_no if self.view else ""
        self.prompt.setText(self.tr("How was the service for ticket %1?").replace("%1", ticket))
        self.stars_label.setText(self.tr("Tap the stars: 5 stars is the best."))
        self.tags_label.setText(self.tr("What was good? (optional, tap any)"))
        if self.view is not None:
            self.tags.set_labels({t: texts.tag_label(t, self.zh()) for t in self.view.rating_tags})
            fit_chips(self.tags)
        self.send.setText(self.tr("Send my rating"))
        self.stars.retranslate()
        self._refresh()
