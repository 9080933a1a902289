"""Staff sign-in: pick your name tile, then type the PIN on the keypad.

Wrong PINs count towards a lockout (kiosk.staff.verify_pin); the message says how many
tries are left, or for how many minutes the account is locked.
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QBoxLayout,
    QHBoxLayout,
    QLabel,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk.views.staff import StaffInfo, sign_in, staff_members
from ui.context import AppContext
from ui.screen import Screen
from ui.widgets import BigButton, ErrorBanner, NumericKeypad, PickerGrid

log = logging.getLogger(__name__)

PIN_MAX = 8
PIN_MIN = 4


class StaffPinScreen(Screen):
    route = "staff.pin"
    flow = True

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        self.members: dict[str, StaffInfo] = {}
        self.chosen: StaffInfo | None = None
        self.pin = ""
        outer = QVBoxLayout(self)
        outer.setContentsMargins(48, 24, 48, 24)
        outer.setSpacing(16)
        top = QHBoxLayout()
        self.title = QLabel()
        self.title.setProperty("kind", "title")
        self.cancel = BigButton("", "close", role="secondary")
        self.cancel.setObjectName("pinCancel")
        self.cancel.clicked.connect(ctx.nav.home)
        top.addWidget(self.title, 1)
        top.addWidget(self.cancel)
        outer.addLayout(top)
        self.banner = ErrorBanner()
        outer.addWidget(self.banner)
        self.pages = QStackedWidget()
        self.pages.setMaximumWidth(1200)
        centre = QHBoxLayout()
        centre.addStretch(0)
        centre.addWidget(self.pages, 1)
        centre.addStretch(0)
        outer.addLayout(centre, 1)
        self.pages.addWidget(self._names_page())
        self.pages.addWidget(self._pin_page())
        self.retranslate()

    def _names_page(self) -> QWidget:
        page = QWidget()
        col = QVBoxLayout(page)
        col.setContentsMargins(0, 0, 0, 0)
        self.names_hint = QLabel()
        self.names_hint.setProperty("kind", "subtitle")
        self.names = PickerGrid(columns=3, role="tile")
        self.names.setObjectName("staffNames")
        self.names.picked.connect(self._picked)
        col.addWidget(self.names_hint)
        col.addWidget(self.names)
        col.addStretch(1)
        return page

    def _pin_page(self) -> QWidget:
        page = QWidget()
        self.pin_split = QBoxLayout(QBoxLayout.Direction.LeftToRight, page)
        self.pin_split.setContentsMargins(0, 0, 0, 0)
        self.pin_split.setSpacing(48)
        left = QVBoxLayout()
        left.setSpacing(20)
        self.pin_hint = QLabel()
        self.pin_hint.setProperty("kind", "subtitle")
        self.pin_hint.setWordWrap(True)
        self.dots = QLabel()
        self.dots.setObjectName("pinDots")
        self.dots.setProperty("kind", "display")
        self.dots.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.dots.setMinimumWidth(360)
        self.other = BigButton("", "user", role="secondary")
        self.other.setObjectName("pinOtherPerson")
        self.other.clicked.connect(self._choose_again)
        self.ok = BigButton("", "check")
        self.ok.setObjectName("pinOk")
        self.ok.clicked.connect(self._submit)
        for w in (self.pin_hint, self.dots, self.ok, self.other):
            left.addWidget(w)
        left.addStretch(1)
        self.keypad = NumericKeypad()
        self.keypad.setObjectName("pinKeypad")
        self.keypad.setMaximumWidth(520)
        self.keypad.digit.connect(self._digit)
        self.keypad.backspace.connect(self._backspace)
        self.keypad.clear.connect(self._clear_pin)
        self.pin_split.addLayout(left, 1)
        self.pin_split.addWidget(
            self.keypad, 1, Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignHCenter
        )
        self.pin_split.addStretch(0)
        return page

    def resizeEvent(self, event: QResizeEvent) -> None:
        portrait = event.size().height() > event.size().width()
        self.pin_split.setDirection(
            QBoxLayout.Direction.TopToBottom if portrait else QBoxLayout.Direction.LeftToRight
        )
        # portrait: hint, field and buttons on top, the keypad right under them
        for index, stretch in enumerate((0, 0, 1) if portrait else (1, 1, 0)):
            self.pin_split.setStretch(index, stretch)
        super().resizeEvent(event)

    # -- flow --------------------------------------------------------------------------
    def enter(self, **params: Any) -> None:
        self.reset()
        self.ctx.ops.read_db(staff_members, on_ok=self._show_members, on_err=self._failed)

    def _show_members(self, members: list[StaffInfo]) -> None:
        self.members = {m.id: m for m in members}
        self.names.set_items([(m.id, m.name, "user") for m in members])

    def _picked(self, staff_id: str) -> None:
        self.chosen = self.members.get(staff_id)
        if self.chosen is None:
            return
        self.banner.hide()
        self._clear_pin()
        self.pages.setCurrentIndex(1)
        self.retranslate()

    def _choose_again(self) -> None:
        self.chosen = None
        self._clear_pin()
        self.names.clear()
        self.banner.hide()
        self.pages.setCurrentIndex(0)
        self.retranslate()

    def _digit(self, d: str) -> None:
        if len(self.pin) < PIN_MAX:
            self.pin += d
        self._show_pin()

    def _backspace(self) -> None:
        self.pin = self.pin[:-1]
        self._show_pin()

    def _clear_pin(self) -> None:
        self.pin = ""
        self._show_pin()

    def _show_pin(self) -> None:
        self.dots.setText(" ".join("●" * len(self.pin)) or " ")
        self.ok.setEnabled(len(self.pin) >= PIN_MIN)

    def _submit(self) -> None:
        if self.chosen is None or len(self.pin) < PIN_MIN:
            return
        pin, self.pin = self.pin, ""
        self._show_pin()
        self.ctx.ops.run_db(
            sign_in, self.chosen.id, pin, on_ok=self._signed_in, on_err=self._failed
        )

    def _signed_in(self, staff: StaffInfo) -> None:
        log.info("staff %s signed in (%s)", staff.id, staff.role)
        self.ctx.staff = staff
        self.reset()
        self.ctx.nav.go("staff.menu")

    def _failed(self, err: BaseException) -> None:
        self.banner.show(self.error_text(err))

    def reset(self) -> None:
        self.chosen = None
        self.pin = ""
        self._show_pin()
        self.names.clear()
        self.banner.hide()
        self.pages.setCurrentIndex(0)
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(self.tr("Staff sign-in"))
        self.cancel.setText(self.tr("Cancel"))
        self.names_hint.setText(self.tr("Tap your name."))
        name = self.chosen.name if self.chosen is not None else ""
        self.pin_hint.setText(self.tr("%1, type your PIN on the keys.").replace("%1", name))
        self.other.setText(self.tr("Not me"))
        self.ok.setText(self.tr("Sign in"))
