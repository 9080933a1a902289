"""A configured printer: a connection plus the profile and fonts to render for it.

``render`` turns a receipt into the one payload this printer takes (ESC/POS bytes, or a
PNG for a preview folder); ``send`` checks the printer's state where it can be read and
delivers the payload in one (chunked) write. The print queue renders once per job and may
call ``send`` several times on retries.
"""

from __future__ import annotations

import logging
import time

from printer.document import Receipt
from printer.errors import CoverOpen, Offline, PaperOut
from printer.fonts import Fonts
from printer.link import Connection, HandedOver, PreviewConnection
from printer.profiles import Profile
from printer.status import PrinterStatus

log = logging.getLogger(__name__)

SILENT_RECHECK_S = 300.0


class Output:
    def __init__(self, connection: Connection, profile: Profile, fonts: Fonts) -> None:
        self.connection = connection
        self.profile = profile
        self.fonts = fonts
        self._silent_until = 0.0

    def render(self, receipt: Receipt) -> bytes:
        # Pillow, qrcode and the barcode writer (~5 MiB) load with the first receipt, not
        # at start: a kiosk idling at home has printed nothing yet.
        from printer import escpos_render, preview

        if isinstance(self.connection, PreviewConnection):
            return preview.render_png(receipt, self.profile, self.fonts)
        return escpos_render.render(receipt, self.profile, self.fonts)

    def status(self) -> PrinterStatus:
        return self.connection.status()

    def send(
        self,
        payload: bytes,
        name: str,
        handed_over: HandedOver | None = None,
        state: PrinterStatus | None = None,
    ) -> PrinterStatus:
        """Deliver one job. Raises a ``PrinterError`` if it did not get through; returns
        the state seen before writing (UNKNOWN where the transport cannot read).
        ``state`` is a status the caller has just read (not asked again);
        ``handed_over`` is called as ``Connection.write`` describes."""
        asked = state is not None
        if state is None:
            state = PrinterStatus.UNKNOWN
            if self.connection.can_read and time.monotonic() >= self._silent_until:
                state, asked = self.connection.status(), True
        if asked and state is PrinterStatus.UNKNOWN and self.connection.can_read:
            # It does not answer status queries: stop paying the wait before every job.
            self._silent_until = time.monotonic() + SILENT_RECHECK_S
        if state is PrinterStatus.PAPER_OUT:
            raise PaperOut(f"{self.connection.uri} reports paper out")
        if state is PrinterStatus.COVER_OPEN:
            raise CoverOpen(f"{self.connection.uri} reports its cover open")
        if state is PrinterStatus.OFFLINE:
            raise Offline(f"{self.connection.uri} is offline")
        if isinstance(self.connection, PreviewConnection):
            self.connection.write_png(payload, name, handed_over)
        else:
            self.connection.write(payload, handed_over)
        return state
