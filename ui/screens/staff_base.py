"""What every signed-in staff screen shares: header (back to menu, sign out), a message line.

Texts here use ``QCoreApplication.translate("StaffScreen", …)``: ``self.tr`` would look them
up under each subclass's name.
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from kiosk.views.staff import GiftStock, gift_by_barcode
from ui.context import AppContext
from ui.screen import Screen
from ui.widgets import BigButton, MessageSlot
from ui.widgets.banner import PromptLabel

log = logging.getLogger(__name__)


class StaffScreen(Screen):
    """Base of the signed-in staff screens. Subclasses fill ``self.body``."""

    flow = True
    needs_technician = False
    # A gift's barcode scanned on a staff screen opens 补货 with that gift chosen (a
    # delivery is what staff scan gifts for); on the menu it did nothing and said nothing.
    # Screens with a form of their own answer scans themselves (restock, correction,
    # settings).
    accepts_scans = True

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(40, 24, 40, 24)
        outer.setSpacing(16)
        top = QHBoxLayout()
        self.back = BigButton("", "back", role="secondary")
        self.back.setObjectName("staffBack")
        self.back.clicked.connect(lambda: ctx.nav.go("staff.menu"))
        self.title = PromptLabel()
        self.title.setProperty("kind", "title")
        self.who = QLabel()
        self.who.setProperty("kind", "muted")
        self.sign_out = BigButton("", "logout", role="secondary")
        self.sign_out.setObjectName("staffSignOut")
        self.sign_out.clicked.connect(self.sign_out_now)
        # Errors and success notices take the title's place between the buttons, in a slot
        # of fixed height (ui.widgets.banner): a message never moves the keypad or the lists.
        self.slot = MessageSlot(self.title, lines=1)  # no taller than the buttons beside it
        self.banner = self.slot.error
        self.notice = self.slot.notice
        top.addWidget(self.back)
        top.addWidget(self.slot, 1)
        top.addWidget(self.who)
        top.addWidget(self.sign_out)
        outer.addLayout(top)
        self.body = QVBoxLayout()
        self.body.setSpacing(16)
        outer.addLayout(self.body, 1)
        self._scans = 0  # scans asked about: only the newest one's answer is acted on

    # -- shared behaviour ------------------------------------------------------------
    def enter(self, **params: Any) -> None:
        staff = self.ctx.staff
        if staff is None or (self.needs_technician and not staff.technician):
            log.warning(
                "%s without a signed-in %s",
                self.route,
                "technician" if self.needs_technician else "staff member",
            )
            self.ctx.nav.go("staff.pin")
            return
        self.banner.hide()
        self.notice.clear()
        self._retranslate_base()
        self.refresh(**params)

    def refresh(self, **params: Any) -> None:
        """Load what the screen shows (override)."""

    def on_scan(self, text: str) -> None:
        self._scans += 1
        asked = self._scans

        def current() -> bool:  # neither a newer scan nor a tap elsewhere since
            return asked == self._scans and self.ctx.nav.route == self.route

        def found(gift: GiftStock) -> None:
            if current():
                log.info("gift %s scanned on %s: restock", gift.sku, self.route)
                self.ctx.nav.go("staff.restock", sku=gift.sku)

        def failed(err: BaseException) -> None:
            if current():
                self.fail(err)  # "no gift has this barcode", the code shortened

        self.ctx.ops.read_db(gift_by_barcode, text, on_ok=found, on_err=failed)

    def sign_out_now(self) -> None:
        log.info("staff %s signed out", self.ctx.staff.id if self.ctx.staff else "-")
        self.ctx.staff = None
        self.ctx.nav.home()

    def fail(self, err: BaseException) -> None:
        self.notice.clear()
        self.banner.show(self.error_text(err))

    def done(self, text: str) -> None:
        self.banner.hide()
        self.notice.show_text(text)

    def _retranslate_base(self) -> None:
        self.back.setText(QCoreApplication.translate("StaffScreen", "Menu"))
        self.sign_out.setText(QCoreApplication.translate("StaffScreen", "Sign out"))
        staff = self.ctx.staff
        self.who.setText(staff.name if staff is not None else "")

    def retranslate(self) -> None:
        self._retranslate_base()


def section_label(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setProperty("kind", "subtitle")
    label.setWordWrap(True)
    return label


def align_top(layout: QVBoxLayout) -> None:
    layout.setAlignment(Qt.AlignmentFlag.AlignTop)


class RowList(QWidget):
    """Rows of text, each with an optional action button; inside a touch scroll area."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._col = QVBoxLayout(self)
        self._col.setContentsMargins(0, 0, 0, 0)
        self._col.setSpacing(8)
        self._col.addStretch(1)
        self.rows: list[QFrame] = []

    def clear(self) -> None:
        for row in self.rows:
            self._col.removeWidget(row)
            row.deleteLater()
        self.rows = []

    def add(self, text: str, action: str = "", on_click: Any = None, name: str = "") -> QFrame:
        row = QFrame()
        row.setProperty("kind", "card")
        if name:
            row.setObjectName(name)
        line = QHBoxLayout(row)
        line.setContentsMargins(20, 8, 12, 8)
        label = QLabel(text)
        label.setWordWrap(True)
        line.addWidget(label, 1)
        if action:
            button = BigButton(action, role="secondary")
            button.setObjectName("rowAction")
            if on_click is not None:
                button.clicked.connect(on_click)
            line.addWidget(button)
        self._col.insertWidget(self._col.count() - 1, row)
        self.rows.append(row)
        return row

    def texts(self) -> list[str]:
        return [row.findChild(QLabel).text() for row in self.rows]
