"""The frame every flow screen shares: header (back, title, home), prompt, error banner."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from ui.screen import Screen
from ui.screens._flow_widgets import page_layout
from ui.widgets import MessageSlot, ScreenHeader
from ui.widgets.banner import PromptLabel

if TYPE_CHECKING:
    from ui.context import AppContext

log = logging.getLogger(__name__)


class FlowPage(Screen):
    """A flow screen's frame: header (back, title, home), a prompt line, an error banner and
    a body layout. Subclasses set every text in their own ``retranslate``."""

    def __init__(self, ctx: AppContext, back: bool = True) -> None:
        super().__init__(ctx)
        self.col = page_layout(self)
        self.header = ScreenHeader(on_back=ctx.nav.back if back else None, on_home=ctx.nav.home)
        self.prompt = PromptLabel()
        self.prompt.setProperty("kind", "subtitle")
        self.prompt.setObjectName("prompt")
        self.prompt.setWordWrap(True)
        # A message takes the prompt's place in a slot of fixed height: it never pushes the
        # keypad or the buttons under a finger (ui.widgets.banner).
        self.slot = MessageSlot(self.prompt)
        self.banner = self.slot.error
        self.col.addWidget(self.header)
        self.col.addWidget(self.slot)
        ctx.bus.changed.connect(self._on_text_size)
        ctx.nav.navigated.connect(self._on_navigated)

    def _on_navigated(self, route: str) -> None:
        # Back, back, back to the start is leaving too: nothing typed may wait for the next
        # person (nav.home() resets every screen; reaching home by "Back" must as well).
        if route == "home":
            self.reset()

    def _on_text_size(self, what: str) -> None:
        if what == "large_text":
            self.retranslate()  # re-measures what depends on the font (chips)

    def show_error(self, err: BaseException | str) -> None:
        text = err if isinstance(err, str) else self.error_text(err)
        self.banner.show(text)

    def clear_error(self) -> None:
        self.banner.hide()

    def start_over_with(self, scanned: str) -> None:
        """The next person's code, scanned while the last one's result is still up: a new
        visit, the code taken as if scanned on the home screen (every screen reset first)."""
        log.info("scan on %s: a new visit", self.route)
        self.ctx.nav.home()
        self.ctx.nav.deliver_scan(scanned)

    def show_prompt(self, shown: bool) -> None:
        """Give the prompt's room to the body (short screens); a message still shows."""
        self.slot.set_collapsed(not shown)

    def zh(self) -> bool:
        return not self.ctx.lang.startswith("en")

    def pick(self, zh_text: str, en_text: str) -> str:
        """A catalogue name in the current language (English falls back to Chinese)."""
        return zh_text if self.zh() else (en_text or zh_text)
