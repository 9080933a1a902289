"""A configured printer: a connection plus the profile and fonts to render for it.

``render`` turns a receipt into the one payload this printer takes (ESC/POS bytes, or a
PNG for a preview folder); ``send`` checks the printer's state where it can be read,
delivers the payload in one (chunked) write, and asks the state again once the printer
has taken the whole job: paper that ran out or a cover opened mid-job must not pass for
a printed receipt. The print queue renders once per job and may
call ``send`` several times on retries.
"""

from __future__ import annotations

import logging
import time

from printer.document import Receipt
from printer.errors import CoverOpen, FaultAfterJob, Offline, PaperOut
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
        """Deliver one job. Raises a ``PrinterError`` if it did not get through (an
        ``Unconfirmed`` one if it got through and then the printer reported a fault);
        returns the printer's state (after the job where it answers, else before it;
        UNKNOWN where the transport cannot read).
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
            return state
        self.connection.write(payload, handed_over)
        return self._after_job(len(payload), state)

    def _after_job(self, size: int, before: PrinterStatus) -> PrinterStatus:
        """Ask the printer again once it has the whole job (the connection drained it).

        DLE EOT is answered at once even while the printer works through its buffer, so
        paper out, an open cover or an offline printer now means the receipt stopped
        part-way: the rest may come out when staff fix it, so it is not resent, and it
        is not "done" either (``FaultAfterJob``: the queue shows "check the printer").
        A printer that does not answer status is not asked (one wait per 5 minutes)."""
        if not self.connection.can_read or time.monotonic() < self._silent_until:
            return before
        after = self.connection.status()
        if after in (PrinterStatus.PAPER_OUT, PrinterStatus.COVER_OPEN, PrinterStatus.OFFLINE):
            log.warning("%s: %s right after a job", self.connection.uri, after.value)
            raise FaultAfterJob(
                f"{self.connection.uri} reports {after.value} after taking the whole job",
                after.value,
                sent=size,
            )
        if after is PrinterStatus.UNKNOWN:
            return before
        return after
