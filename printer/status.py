"""Reading the printer's real-time status replies (DLE EOT n).

Each reply is one byte whose fixed bits (bit 1 and bit 4 set, bits 0 and 7 clear) tell a
real status byte from noise. No reply, several bytes, or wrong fixed bits mean UNKNOWN:
a printer we cannot hear is never assumed to be fine.
"""

from __future__ import annotations

from enum import Enum


class PrinterStatus(Enum):
    OK = "ok"
    OFFLINE = "offline"
    PAPER_OUT = "paper_out"
    UNKNOWN = "unknown"


def _valid(reply: bytes) -> bool:
    return len(reply) == 1 and reply[0] & 0x93 == 0x12


def parse(printer_reply: bytes, paper_reply: bytes) -> PrinterStatus:
    """Combine the replies to DLE EOT 1 (printer) and DLE EOT 4 (paper roll sensor)."""
    if _valid(paper_reply) and paper_reply[0] & 0x60:
        return PrinterStatus.PAPER_OUT
    if _valid(printer_reply) and printer_reply[0] & 0x08:
        return PrinterStatus.OFFLINE
    if _valid(printer_reply) and _valid(paper_reply):
        return PrinterStatus.OK
    return PrinterStatus.UNKNOWN


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
