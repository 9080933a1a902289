"""积分兑换: the next volunteer's code, scanned while the last one's gifts, cart or pickup
code is still on screen, starts that volunteer's visit.

The scan used to be dropped without a word on these screens ("scan ignored on
redeem.cart"): a volunteer in a hurry scanned their code at a kiosk still showing the last
volunteer's cart (a touch of the idle countdown, or the scan's own keys, kept it there),
saw nothing change and tapped 确认兑换 — with the other volunteer's points. Now the code is
checked as on the scan screen: another volunteer (or anyone on the done screen) starts
afresh on their own gifts, with nothing of the last visit kept; the same volunteer keeps
their cart; a code that is no volunteer's gets its message on this screen.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from kiosk.views import redemption as q

if TYPE_CHECKING:
    from kiosk.volunteers import VolunteerView
    from ui.context import AppContext

log = logging.getLogger(__name__)


class NextVolunteerMixin:
    """Mix in before ``FlowPage``. The screen may provide ``_visitor()`` (the volunteer
    whose visit goes on if they scan again; None by default) and may refuse a switch in
    ``_may_switch()`` (a redemption on its way)."""

    ctx: AppContext
    route: str
    accepts_scans = True

    def _visitor(self) -> VolunteerView | None:
        return None  # no visit goes on: any volunteer's code starts a new one, theirs too

    def _may_switch(self) -> bool:
        return True

    def on_scan(self, text: str) -> None:
        # No "one at a time" flag: a scanner's double read identifies the same volunteer
        # twice, and the second answer finds them on screen already (below).
        if not self._may_switch():
            return
        self.ctx.ops.read_db(
            q.identify_scan,
            text,
            self.ctx.config,
            on_ok=self._next_identified,
            on_err=self._next_failed,
        )

    def _next_identified(self, volunteer: VolunteerView) -> None:
        if self.ctx.nav.current is not self or not self._may_switch():
            return
        current = self._visitor()
        if current is not None and current.id == volunteer.id:
            log.info("the same volunteer scanned again on %s", self.route)
            return
        log.info("another volunteer scanned on %s: a new visit", self.route)
        # Home first: every screen is reset, so nothing of the last visit stays behind.
        self.ctx.nav.home()
        self.ctx.nav.go("redeem.gifts", volunteer=volunteer, cart={})

    def _next_failed(self, err: BaseException) -> None:
        if self.ctx.nav.current is self:
            self.show_error(err)  # type: ignore[attr-defined]
