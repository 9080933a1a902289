"""积分兑换: the cart — +/− per gift, total, balance after — and confirm."""

from __future__ import annotations

import dataclasses
import logging
from functools import partial
from typing import Any

from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from kiosk import redemption
from kiosk.views import redemption as q
from kiosk.volunteers import VolunteerView
from ui.context import AppContext
from ui.screens._flow_page import FlowPage
from ui.screens._flow_widgets import InfoPair, card, label, scroll
from ui.screens._next_volunteer import NextVolunteerMixin
from ui.widgets import BigButton, FlowLayout
from ui.widgets.steady import SteadyLabel

log = logging.getLogger(__name__)


class RedeemCartScreen(NextVolunteerMixin, FlowPage):
    route = "redeem.cart"

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        self.header.back.clicked.disconnect()
        self.header.back.clicked.connect(self.more)
        self.volunteer: VolunteerView | None = None
        self.cart: dict[str, int] = {}
        self.quote: redemption.Quote | None = None
        self.redeeming = False
        self._asked = 0
        # A refused redemption's reason (offline limit, card + PIN offline...) is not in the
        # quote: the fresh quote after it must not wipe it off the screen.
        self._keep_error = False
        holder = QWidget()
        self.lines = QGridLayout(holder)
        # No margin around the rows (Qt's default is 9 px a side): at 1280x800 two gifts
        # needed 190 px where the list had 186, and it scrolled by 4 px, the second gift's
        # buttons cut at the bottom with nothing to say there was more.
        self.lines.setContentsMargins(0, 0, 0, 0)
        self.lines.setHorizontalSpacing(20)
        self.lines.setVerticalSpacing(12)
        self.lines.setColumnStretch(0, 1)
        self.col.addWidget(scroll(holder), 1)
        # Total, points now and points left on one line (three lines took 173 px in large
        # text, and the list above them showed one gift of two); a narrow portrait screen
        # wraps them.
        box = card()
        totals = FlowLayout(box, spacing=48)
        totals.setContentsMargins(32, 10, 32, 10)
        self.total = InfoPair("cartTotal")
        self.balance = InfoPair("cartBalance")
        self.after = InfoPair("balanceAfter")
        for pair in (self.total, self.balance, self.after):
            totals.addWidget(pair)
        self.col.addWidget(box)
        buttons = QHBoxLayout()
        self.more_button = BigButton("", "back", role="secondary")
        self.more_button.setObjectName("moreGifts")
        self.more_button.clicked.connect(self.more)
        self.confirm = BigButton("", "check", role="primary")
        self.confirm.setObjectName("confirmRedeem")
        self.confirm.clicked.connect(self.redeem)
        buttons.addWidget(self.more_button, 1)
        buttons.addWidget(self.confirm, 2)
        self.col.addLayout(buttons)
        self.line_widgets: list[QWidget] = []
        # per gift: its name, count, "−", "+" and the reason "+" is off
        self.line_parts: dict[str, tuple[QLabel, QLabel, BigButton, BigButton, SteadyLabel]] = {}
        self.line_points: dict[str, tuple[QLabel, int]] = {}  # "30 积分", said again in English
        # A gift taken down to nought keeps its row (at 0, "+" puts it back) until the cart
        # is left: a row that went away moved the next one up under the finger, and the
        # second tap of a double tap on "−" took that gift off too.
        self.shown: list[str] = []
        self.known: dict[str, redemption.Line] = {}
        self.retranslate()

    def enter(self, **params: Any) -> None:
        if "volunteer" in params:
            self.volunteer = params["volunteer"]
        if "cart" in params:
            self.cart = {s: n for s, n in dict(params["cart"]).items() if n > 0}
            self.shown, self.known = [], {}
        self.redeeming = False
        self._keep_error = False
        self.clear_error()
        self.load()

    def load(self, busy: bool = True) -> None:
        """Ask again; only the newest answer is shown (taps may overtake each other)."""
        if self.volunteer is None:
            return
        self._asked += 1
        asked = self._asked
        self.ctx.ops.read_db(
            q.quote,
            self.volunteer.id,
            dict(self.cart),
            self.ctx.config.timezone,
            on_ok=lambda result: self._quoted(result) if asked == self._asked else None,
            on_err=self.show_error,
            busy=busy,
        )

    def _quoted(self, quote: redemption.Quote) -> None:
        self.quote = quote
        for line in quote.lines:
            self.known[line.sku] = line
            if line.sku not in self.shown:
                self.shown.append(line.sku)
        if quote.problems:
            self.show_error(self.error_text(quote.problems[0]))
        elif not self._keep_error:
            self.clear_error()
        self._build_lines()
        self.retranslate()

    def change(self, sku: str, delta: int) -> None:
        if delta > 0 and self._why_not_more(sku) is not None:
            return  # "+" is off: the second tap of a quick double tap, before it greyed
        self._keep_error = False
        qty = self.cart.get(sku, 0) + delta
        if qty <= 0:
            self.cart.pop(sku, None)
        else:
            self.cart[sku] = qty
        if not self.cart:
            self.more()
            return
        self._show_counts()  # at once: the next tap must see this one
        self.load(busy=False)

    def _why_not_more(self, sku: str) -> str | None:
        """Why another one of ``sku`` would be refused (limit, stock, points), in words."""
        why = self.quote.why_not_more(sku, self.cart) if self.quote is not None else None
        return self.ctx.msg(why[0], **why[1]) if why is not None else None

    def _show_counts(self) -> None:
        """Each line's count as the cart holds it, and "+" greyed, with the reason under the
        gift's name, when one more would be refused (an error after the tap, before)."""
        for sku, (title, qty, minus, plus, why) in self.line_parts.items():
            if sku in self.known:
                title.setText(self.pick(self.known[sku].name, self.known[sku].name_en))
            points, each = self.line_points[sku]
            points.setText(self.tr("%n point(s)", "", each))
            qty.setText(str(self.cart.get(sku, 0)))
            reason = self._why_not_more(sku) if sku in self.cart else None
            plus.setEnabled(reason is None)
            why.setText(reason or "")
            minus.setEnabled(sku in self.cart)

    def more(self) -> None:
        self.ctx.nav.go("redeem.gifts", volunteer=self.volunteer, cart=dict(self.cart))

    def redeem(self) -> None:
        if self.redeeming or self.volunteer is None or not self.cart:
            return
        self.redeeming = True
        self.confirm.setEnabled(False)
        self.clear_error()
        # The offline allowance is the effective one (central's limit wins), resolved
        # inside the redemption's own transaction: no limit is passed from here. The proof
        # (scanned code, or card + PIN) goes to central with the authorisation.
        self.ctx.ops.run(
            partial(redemption.redeem, proof=self.volunteer.proof),
            self.ctx.store,
            self.volunteer.id,
            dict(self.cart),
            self.ctx.authoriser,
            self.ctx.config,
            on_ok=self._redeemed,
            on_err=self._failed,
        )

    def _redeemed(self, result: redemption.RedemptionResult) -> None:
        self.ctx.bus.changed.emit("stock")
        self.ctx.nav.go("redeem.done", result=result)

    def _failed(self, err: BaseException) -> None:
        self.redeeming = False
        self._keep_error = True
        self.show_error(err)
        self.load()  # stock or balance may have moved: show the cart as it stands now

    def _build_lines(self) -> None:
        for w in self.line_widgets:
            self.lines.removeWidget(w)
            w.setParent(None)  # out of the tree now: findChild must not find the old "+"
            w.deleteLater()
        self.line_widgets = []
        self.line_parts = {}
        self.line_points = {}
        if self.quote is None:
            return
        in_cart = {line.sku: line for line in self.quote.lines}
        rows = [in_cart.get(sku) or self.known[sku] for sku in self.shown if sku in self.known]
        for i, line in enumerate(rows):
            if line.sku not in in_cart:
                line = dataclasses.replace(line, qty=0)
            name = QWidget()
            stacked = QVBoxLayout(name)
            stacked.setContentsMargins(0, 0, 0, 0)
            stacked.setSpacing(0)
            title = label("", name=f"line_{line.sku}")
            # One line is always kept for the reason, so a reason coming never moves a row.
            why = SteadyLabel(lines=1)
            why.setObjectName(f"why_{line.sku}")
            why.setProperty("kind", "muted")
            stacked.addStretch(1)
            stacked.addWidget(title)
            stacked.addWidget(why)
            stacked.addStretch(1)
            minus = BigButton("−", role="secondary")
            minus.setObjectName(f"minus_{line.sku}")
            minus.clicked.connect(lambda _=False, s=line.sku: self.change(s, -1))
            qty = label("", wrap=False, name=f"qty_{line.sku}")
            qty.setText(str(line.qty))
            plus = BigButton("+", role="secondary")
            plus.setObjectName(f"plus_{line.sku}")
            plus.clicked.connect(lambda _=False, s=line.sku: self.change(s, +1))
            points = label("", wrap=False, name=f"points_{line.sku}")
            for col, w in enumerate((name, minus, qty, plus, points)):
                self.lines.addWidget(w, i, col)
                self.line_widgets.append(w)
            self.line_parts[line.sku] = (title, qty, minus, plus, why)
            self.line_points[line.sku] = (points, line.points)
        self.lines.setRowStretch(len(rows), 1)
        self._show_counts()

    def _visitor(self) -> VolunteerView | None:
        return self.volunteer

    def _may_switch(self) -> bool:
        return not self.redeeming  # the redemption on its way ends on its own done screen

    def reset(self) -> None:
        self.volunteer = None
        self.cart = {}
        self.shown, self.known = [], {}
        self.quote = None
        self.redeeming = False
        self._build_lines()
        self.clear_error()
        self.retranslate()

    def retranslate(self) -> None:
        self.header.set_title(self.tr("Your gifts"))
        self.prompt.setText(self.tr("Check the gifts and points, then tap Redeem."))
        qt = self.quote
        self.total.set(self.tr("Total"), self.tr("%n point(s)", "", qt.total) if qt else "")
        self.balance.set(self.tr("Your points now"), str(qt.balance) if qt else "")
        self.after.set(self.tr("Points left after"), str(qt.balance_after) if qt else "")
        self.more_button.setText(self.tr("Choose more"))
        self.confirm.setText(self.tr("Redeem"))
        self._show_counts()
        self.confirm.setEnabled(bool(qt and not qt.problems and qt.lines) and not self.redeeming)
