"""点单, step 2: which service? Each one says what it is and where it happens."""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from kiosk.views import orders as q
from ui import theme
from ui.context import AppContext
from ui.screens._flow_page import FlowPage
from ui.screens._flow_widgets import TileGrid, card, label, scroll
from ui.screens.order_form import OrderForm
from ui.widgets import BigButton

log = logging.getLogger(__name__)


class OrderServicesScreen(FlowPage):
    route = "order.services"

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        self.form = OrderForm()
        self.category: q.CategoryItem | None = None
        self.items: list[q.ServiceItem] = []
        self.grid = TileGrid(min_width=560)
        self.col.addWidget(scroll(self.grid), 1)
        self.retranslate()

    def enter(self, **params: Any) -> None:
        if "form" not in params:
            return  # back from a later step: keep the list as it was
        self.clear_error()
        self.form = params["form"]
        self.category = params.get("category")
        self.items = []
        self.grid.set_tiles([])
        self.retranslate()
        self.ctx.ops.read_db(
            q.services, self.form.category, on_ok=self._show, on_err=self.show_error
        )

    def _show(self, items: list[q.ServiceItem]) -> None:
        self.items = items
        self.grid.set_tiles([self._tile(s) for s in items])
        if not items:  # a category emptied by a catalogue update
            self.show_error(
                self.tr("No service can be booked here right now. Please ask the staff.")
            )

    def _tile(self, item: q.ServiceItem) -> QWidget:
        frame = card()
        frame.setObjectName(f"service_{item.code}")
        col = QVBoxLayout(frame)
        col.setContentsMargins(24, 20, 24, 20)
        title = label("", name="serviceName")
        title.setText(self.pick(item.name, item.name_en))
        title.setStyleSheet("font-weight: bold;")
        desc = label("muted")
        desc.setText(self.pick(item.description, item.description_en))
        where = QHBoxLayout()
        icon = QLabel()
        icon.setPixmap(theme.pixmap("home" if item.home_visit else "order", 36, theme.TEXT))
        where_text = label("", wrap=True, name="serviceWhere")
        where_text.setText(
            self.tr("A volunteer comes to your home")
            if item.home_visit
            else self.tr("At the station")
        )
        where.addWidget(icon)
        where.addWidget(where_text, 1)
        choose = BigButton(self.tr("Choose this"), "check", role="primary")
        choose.setObjectName(f"choose_{item.code}")
        choose.clicked.connect(lambda _=False, item=item: self._choose(item))
        col.addWidget(title)
        col.addWidget(desc, 1)
        col.addLayout(where)
        col.addWidget(choose)
        return frame

    def _choose(self, item: q.ServiceItem) -> None:
        form = replace(
            self.form,
            service_code=item.code,
            service_name=item.name,
            service_name_en=item.name_en,
            home_visit=item.home_visit,
        )
        self.ctx.nav.go("order.phone", form=form)

    def reset(self) -> None:
        self.form = OrderForm()
        self.category = None
        self.items = []
        self.grid.set_tiles([])
        self.clear_error()

    def retranslate(self) -> None:
        if self.category is not None:
            self.header.set_title(self.pick(self.category.name, self.category.name_en))
        else:
            self.header.set_title(self.tr("Choose a service"))
        self.prompt.setText(self.tr("Which service would you like?"))
        if self.items:
            self._show(self.items)
