"""点单, home visits only: the address, picked from the station's community list.

Four small questions on one screen, one at a time: community → building → unit → room
(room number on the keypad). "Back" steps back through them before leaving the screen.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

from PySide6.QtWidgets import QStackedWidget, QVBoxLayout, QWidget

from kiosk.views import orders as q
from ui.context import AppContext
from ui.screens import _flow_texts as texts
from ui.screens._flow_page import FlowPage
from ui.screens._flow_widgets import SplitPane, TileGrid, ValueDisplay, label, scroll, tile_button
from ui.screens.order_form import OrderForm
from ui.widgets import BigButton, NumericKeypad

log = logging.getLogger(__name__)

COMMUNITY, BUILDING, UNIT, ROOM = range(4)


class OrderAddressScreen(FlowPage):
    route = "order.address"

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        self.header.back.clicked.disconnect()
        self.header.back.clicked.connect(self.step_back)
        self.form = OrderForm()
        self.buildings: list[q.Building] = []
        self.community = ""
        self.building: q.Building | None = None
        self.unit = 0
        self.room = ""
        self.chosen = label("", name="addressSoFar")
        self.chosen.setStyleSheet("font-weight: bold;")
        self.col.addWidget(self.chosen)
        self.stages = QStackedWidget()
        self.community_grid = TileGrid(min_width=420)
        self.building_grid = TileGrid(min_width=240)
        self.unit_grid = TileGrid(min_width=240)
        for grid in (self.community_grid, self.building_grid, self.unit_grid):
            self.stages.addWidget(scroll(grid))
        self.stages.addWidget(self._room_page())
        self.col.addWidget(self.stages, 1)
        # Next waits for a room number from the first visit on (it was tappable with no
        # room, and said "a home visit needs an address" to someone who had just given one).
        self._set_room("")
        self.retranslate()

    def _room_page(self) -> QWidget:
        left = QVBoxLayout()
        # The address so far sits above the room's field on this page, not above the
        # page: its row pushed the keypad's 0 and Delete below the fold at 1280x800 in
        # large text (the page scrolled by 32 px, and 502 needs the 0).
        self.room_address = label("", name="roomAddress")
        self.room_address.setStyleSheet("font-weight: bold;")
        self.room_display = ValueDisplay()
        self.room_display.setObjectName("roomDisplay")
        self.next = BigButton("", "check", role="primary")
        self.next.setObjectName("nextButton")
        self.next.clicked.connect(self.submit)
        left.addStretch(1)
        left.addWidget(self.room_address)
        left.addWidget(self.room_display)
        left.addWidget(self.next)
        left.addStretch(1)
        self.keypad = NumericKeypad()
        self.keypad.setMaximumWidth(520)
        self.keypad.digit.connect(self._room_digit)
        self.keypad.backspace.connect(lambda: self._set_room(self.room[:-1]))
        self.keypad.clear.connect(lambda: self._set_room(""))
        return SplitPane(left, self.keypad, keypad=True)

    def enter(self, **params: Any) -> None:
        if "form" not in params:
            return
        self.form = params["form"]
        self.retranslate()  # the step counter follows this order's form at once
        if not self.buildings or self.stages.currentIndex() == COMMUNITY:
            # a fresh start (or a new person): ask the station's list again, so a catalogue
            # update shows and a single estate is chosen for them
            self.ctx.ops.read_db(q.buildings, on_ok=self._loaded, on_err=self.show_error)
        else:
            self._go_stage(self.stages.currentIndex())

    def _loaded(self, buildings: list[q.Building]) -> None:
        self.buildings = buildings
        communities = list(dict.fromkeys(b.community for b in buildings))
        self.community_grid.set_tiles(
            [
                tile_button(c, "home", lambda c=c: self.choose_community(c), name=f"community_{i}")
                for i, c in enumerate(communities)
            ]
        )
        if len(communities) == 1:
            self.choose_community(communities[0])
        else:
            self._go_stage(COMMUNITY)

    # -- the four questions ----------------------------------------------------------------
    def choose_community(self, community: str) -> None:
        self.community = community
        self.building_grid.set_tiles(
            [
                tile_button(
                    b.building,
                    None,
                    lambda b=b: self.choose_building(b),
                    name=f"building_{b.building}",
                )
                for b in self.buildings
                if b.community == community
            ]
        )
        self._go_stage(BUILDING)

    def choose_building(self, building: q.Building) -> None:
        self.building = building
        self.unit_grid.set_tiles(
            [
                tile_button(
                    self.tr("Unit %1").replace("%1", str(u)),
                    None,
                    lambda u=u: self.choose_unit(u),
                    name=f"unit_{u}",
                )
                for u in range(1, building.units + 1)
            ]
        )
        if building.units == 1:
            self.choose_unit(1)
        else:
            self._go_stage(UNIT)

    def choose_unit(self, unit: int) -> None:
        self.unit = unit
        self._go_stage(ROOM)

    def _room_digit(self, d: str) -> None:
        if len(self.room) >= 4 or (not self.room and d == "0"):
            return
        self._set_room(self.room + d)

    def _set_room(self, room: str) -> None:
        self.room = room
        self.clear_error()
        self.room_display.show_value(room)
        self.next.setEnabled(len(room) >= 3)
        self._summary()

    def step_back(self) -> None:
        stage = self.stages.currentIndex()
        single_unit = self.building is not None and self.building.units == 1
        communities = {b.community for b in self.buildings}
        if stage == ROOM:
            self._go_stage(BUILDING if single_unit else UNIT)
        elif stage == UNIT:
            self._go_stage(BUILDING)
        elif stage == BUILDING and len(communities) > 1:
            self._go_stage(COMMUNITY)
        else:
            self.ctx.nav.back()

    def submit(self) -> None:
        if self.building is None or len(self.room) < 3:
            self.show_error(self.ctx.msg("order.address_required"))
            return
        form = replace(
            self.form,
            community=self.community,
            building=self.building.building,
            unit=self.unit,
            room=self.room,
        )
        self.ctx.nav.go(form.next_after(self.route), form=form)

    def _go_stage(self, stage: int) -> None:
        if stage != self.stages.currentIndex() and self.ctx.nav.current is self:
            # The next question takes the last one's place under the finger: the second
            # tap of a double tap on 梅园小区 chose 2号楼 (ui.settle).
            self.ctx.nav.restart_settle()
        self.stages.setCurrentIndex(stage)
        self.clear_error()
        self.retranslate()

    def _summary(self) -> None:
        parts = [self.community]
        if self.stages.currentIndex() > COMMUNITY and self.building is not None:
            parts.append(self.building.building)
        if self.stages.currentIndex() >= ROOM:
            parts.append(self.tr("Unit %1").replace("%1", str(self.unit)))
            parts.append(self.tr("Room %1").replace("%1", self.room or "…"))
        text = " ".join(p for p in parts if p)
        shown = self.tr("Address: %1").replace("%1", text) if text else ""
        on_room_page = self.stages.currentIndex() == ROOM
        self.chosen.setText("" if on_room_page else shown)
        self.chosen.setVisible(not on_room_page)
        self.room_address.setText(shown if on_room_page else "")

    def reset(self) -> None:
        self.form = OrderForm()
        self.community, self.building, self.unit = "", None, 0
        self.building_grid.set_tiles([])
        self.unit_grid.set_tiles([])
        self.stages.setCurrentIndex(COMMUNITY)
        self._set_room("")
        self.clear_error()

    def retranslate(self) -> None:
        self.header.set_title(self.tr("Where do you live?"))
        prompts = {
            COMMUNITY: self.tr("Tap your housing estate."),
            BUILDING: self.tr("Tap your building."),
            UNIT: self.tr("Tap your unit (entrance)."),
            ROOM: self.tr("Type your room number, e.g. 502."),
        }
        step = texts.step_label(self.route, self.form.steps())
        self.prompt.setText(step + prompts[self.stages.currentIndex()])
        self.room_display.placeholder = self.tr("Room")
        self.room_display.show_value(self.room)
        self.next.setText(self.tr("Next"))
        self._summary()
