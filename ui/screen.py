"""The base class every screen derives from (the shared UI contract).

A screen:

* declares ``route`` ("order.categories"), ``flow`` (idle reset applies; False for home)
  and ``accepts_scans`` (barcode-scanner bursts are delivered to ``on_scan``);
* builds its widgets in ``__init__`` and ends ``__init__`` with ``self.retranslate()``;
* sets every user-visible text in ``retranslate`` with ``self.tr("English source")``;
  (PySide looks ``self.tr`` up under the *runtime* class name: code in a base class that
  other screens subclass must use ``QCoreApplication.translate("BaseName", "text")``;
  tests/ui/test_i18n.py checks this);
* is told ``enter(**params)`` each time it is shown, and ``reset()`` when everything a person
  entered must go (idle reset, back home): phone, name, cart, volunteer, stars — all of it;
* never calls another screen: it navigates with ``ctx.nav.go(route, **params)``,
  ``ctx.nav.home()`` or ``ctx.nav.back()`` and refreshes on ``ctx.bus.changed(str)``;
* never does I/O itself: domain calls go through ``ctx.ops.run_db(...)`` / ``ctx.ops.run(...)``.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QWidget

if TYPE_CHECKING:
    from ui.context import AppContext

log = logging.getLogger(__name__)


class Screen(QWidget):
    route: str = ""
    flow: bool = True
    accepts_scans: bool = False

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.setObjectName(self.route.replace(".", "_") or type(self).__name__)

    def enter(self, **params: Any) -> None:
        """Called each time the screen is shown, with the navigation params."""

    def leave(self) -> None:
        """Called when another screen replaces this one (not a reset)."""

    def reset(self) -> None:
        """Forget everything a person entered. Must be complete."""

    def retranslate(self) -> None:
        """Set every text again in the current language."""

    def on_scan(self, text: str) -> None:
        """A keyboard-wedge scanner burst (only when ``accepts_scans``)."""

    def error_text(self, err: BaseException) -> str:
        """The user-facing text of a domain error, in the current language."""
        return self.ctx.error_text(err)
