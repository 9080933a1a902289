"""Reading the printer's real-time status replies (DLE EOT n).

Each reply is one byte whose fixed bits (bit 1 and bit 4 set, bits 0 and 7 clear) tell a
real status byte from noise. No reply, several bytes, or wrong fixed bits mean UNKNOWN:
a printer we cannot hear is never assumed to be fine.

- DLE EOT 1 (printer): bit 3 = offline.
- DLE EOT 2 (offline cause): bit 2 = cover open, bit 5 = stopped at paper end.
- DLE EOT 4 (roll sensor): bits 2–3 = paper near its end, bits 5–6 = paper out.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum


class PrinterStatus(Enum):
    OK = "ok"
    # Prints, but the roll is nearly used up: staff should fetch a new roll.
    PAPER_LOW = "paper_low"
    OFFLINE = "offline"
    COVER_OPEN = "cover_open"
    PAPER_OUT = "paper_out"
    UNKNOWN = "unknown"

    @property
    def can_print(self) -> bool:
        return self in (PrinterStatus.OK, PrinterStatus.PAPER_LOW, PrinterStatus.UNKNOWN)


def valid(reply: bytes) -> bool:
    return len(reply) == 1 and reply[0] & 0x93 == 0x12


def parse(printer_reply: bytes, paper_reply: bytes, offline_reply: bytes = b"") -> PrinterStatus:
    """Combine the replies to DLE EOT 1 (printer), 4 (paper roll) and, when the printer is
    offline, 2 (why)."""
    if valid(paper_reply) and paper_reply[0] & 0x60:
        return PrinterStatus.PAPER_OUT
    if valid(printer_reply) and printer_reply[0] & 0x08:
        if valid(offline_reply) and offline_reply[0] & 0x04:
            return PrinterStatus.COVER_OPEN
        if valid(offline_reply) and offline_reply[0] & 0x20:
            return PrinterStatus.PAPER_OUT
        return PrinterStatus.OFFLINE
    if valid(printer_reply) and valid(paper_reply):
        return PrinterStatus.PAPER_LOW if paper_reply[0] & 0x0C else PrinterStatus.OK
    return PrinterStatus.UNKNOWN


def needs_cause(printer_reply: bytes) -> bool:
    """Whether to ask DLE EOT 2: only an offline printer has a cause to tell."""
    return valid(printer_reply) and bool(printer_reply[0] & 0x08)


# usblp's LPGETSTATUS gives the IEEE 1284 port status byte.
LP_PAPER_OUT = 0x20
LP_SELECTED = 0x10
LP_NOT_ERROR = 0x08


def parse_lp(byte: int) -> PrinterStatus:
    if byte & LP_PAPER_OUT:
        return PrinterStatus.PAPER_OUT
    if not byte & LP_SELECTED or not byte & LP_NOT_ERROR:
        return PrinterStatus.OFFLINE
    return PrinterStatus.OK


def query(ask: Callable[[bytes], bytes]) -> PrinterStatus:
    """Ask a printer through ``ask`` (send a query, return its reply or b""). A printer
    that does not answer the first query is not asked again: one wait, not three."""
    from printer import commands

    printer = ask(commands.STATUS_PRINTER)
    if not valid(printer):
        return PrinterStatus.UNKNOWN
    paper = ask(commands.STATUS_PAPER)
    cause = ask(commands.STATUS_OFFLINE) if needs_cause(printer) else b""
    return parse(printer, paper, cause)
