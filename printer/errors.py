"""Printer failures, typed so the queue can retry and the UI can say what to do.

``printer/`` depends on nothing of ours, so these do not subclass ``KioskError``; each
carries a message ``key`` in the same style, which ``kiosk.messages`` translates.
"""

from __future__ import annotations

UDEV_HINT = (
    "add a udev rule, e.g. /etc/udev/rules.d/60-receipt-printer.rules: "
    'SUBSYSTEM=="usb", ATTR{idVendor}=="VVVV", ATTR{idProduct}=="PPPP", MODE="0660", '
    'GROUP="lp" — and add the kiosk user to group lp (or dialout for serial), then replug'
)


class PrinterError(Exception):
    """Root of every printer failure. ``retryable`` errors keep the job queued."""

    key = "print.error"
    retryable = True

    def __init__(self, detail: str = "", hint: str = "", *, sent: int = 0) -> None:
        self.detail = detail
        self.hint = hint
        # Bytes of the job handed to the kernel or device before the failure.
        self.sent = sent
        super().__init__(f"{self.key}: {detail}" if detail else self.key)


class NotFound(PrinterError):
    """No device at that address: unplugged, wrong VID:PID, wrong path or queue."""

    key = "print.not_found"


class PermissionDenied(PrinterError):
    key = "print.permission_denied"

    def __init__(self, detail: str = "", hint: str = UDEV_HINT, *, sent: int = 0) -> None:
        super().__init__(detail, hint, sent=sent)


class Busy(PrinterError):
    """Another process holds the device (CUPS, a second kiosk instance)."""

    key = "print.busy"


class Offline(PrinterError):
    """Refused, reset, cover open, or the connection dropped mid-job."""

    key = "print.offline"


class PaperOut(PrinterError):
    key = "print.paper_out"


class Timeout(PrinterError):
    """The printer stopped taking bytes (or never answered) within the timeout."""

    key = "print.timeout"


class StatusUnknown(PrinterError):
    """The transport cannot read, or the reply was empty or malformed: never taken as OK."""

    key = "print.status_unknown"


class BadUri(PrinterError):
    """A configuration mistake: retrying will not help."""

    key = "print.bad_uri"
    retryable = False


class CoverOpen(PrinterError):
    """The printer says its cover is open (DLE EOT 2): staff close it, the job waits."""

    key = "print.cover_open"


class CupsJobFailed(PrinterError):
    """CUPS took the job but stopped, aborted or held it; ``detail`` has CUPS's reason.
    The job is cancelled in CUPS first, so the retry is the only copy."""

    key = "print.cups_failed"


class Unconfirmed(PrinterError):
    """The whole job was handed over, then the printer or spooler reported a fault: part
    of the receipt may be out, the rest may come out once the fault is fixed. Resending
    it could print it twice, so the queue never does: staff check the printer
    (``printed_unconfirmed``). ``status`` is the printer's state as far as it is known."""

    key = "print.unconfirmed"
    retryable = False

    def __init__(self, detail: str = "", status: str = "unknown", *, sent: int = 0) -> None:
        super().__init__(detail, sent=sent)
        self.status = status


class FaultAfterJob(Unconfirmed):
    """Asked right after the job, the printer reports paper out, cover open or offline."""

    KEYS = {
        "paper_out": "print.paper_out_mid_job",
        "cover_open": "print.cover_open_mid_job",
        "offline": "print.offline_mid_job",
    }

    def __init__(self, detail: str, status: str, *, sent: int = 0) -> None:
        self.key = self.KEYS.get(status, Unconfirmed.key)  # before the message is built
        super().__init__(detail, status, sent=sent)


class CupsJobLeft(Unconfirmed):
    """CUPS stopped or held the job and would not cancel it: it prints when the queue runs
    again, so the kiosk must not send a second copy."""

    key = "print.cups_left"

    def __init__(self, detail: str = "", *, sent: int = 0) -> None:
        super().__init__(detail, "offline", sent=sent)
