"""USB printers, with only pyusb's device lookup replaced by a fake printer (no hardware)."""

from __future__ import annotations

import errno
from dataclasses import dataclass, field

import pytest
import usb.core
import usb.util

from printer import errors
from printer.connections import open_connection
from printer.status import PrinterStatus


@dataclass
class Endpoint:
    bEndpointAddress: int
    device: FakeUsbPrinter

    def write(self, data: bytes, timeout: int) -> int:
        assert timeout > 0, "every USB transfer must have a timeout"
        if self.device.fail:
            raise self.device.fail
        self.device.received.append(bytes(data))
        return len(data)

    def read(self, size: int, timeout: int) -> bytes:
        assert timeout > 0
        return self.device.replies.pop(0) if self.device.replies else b""


@dataclass
class Interface:
    bInterfaceNumber: int
    bInterfaceClass: int
    endpoints: list[Endpoint]

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.endpoints)


@dataclass
class FakeUsbPrinter:
    received: list[bytes] = field(default_factory=list)
    replies: list[bytes] = field(default_factory=list)
    fail: Exception | None = None
    detached: list[int] = field(default_factory=list)

    def get_active_configuration(self) -> list[Interface]:
        return [Interface(0, 7, [Endpoint(0x01, self), Endpoint(0x82, self)])]

    def is_kernel_driver_active(self, n: int) -> bool:
        return True

    def detach_kernel_driver(self, n: int) -> None:
        self.detached.append(n)


@pytest.fixture
def device(monkeypatch: pytest.MonkeyPatch) -> FakeUsbPrinter:
    dev = FakeUsbPrinter()
    monkeypatch.setattr(usb.core, "find", lambda idVendor, idProduct: dev)
    monkeypatch.setattr(usb.util, "dispose_resources", lambda d: None)
    return dev


def test_usb_write_and_status(device: FakeUsbPrinter) -> None:
    conn = open_connection("usb://0416:5011", 1.0)
    conn.write(b"\x1b@job")
    assert device.received == [b"\x1b@job"] and device.detached == [0]
    device.replies = [b"\x12", b"\x72"]
    assert conn.status() is PrinterStatus.PAPER_OUT
    device.replies = []  # no answer: unknown, not OK
    assert conn.status() is PrinterStatus.UNKNOWN


@pytest.mark.parametrize(
    ("fault", "kind"),
    [
        (usb.core.USBError("denied", errno=errno.EACCES), errors.PermissionDenied),
        (usb.core.USBError("busy", errno=errno.EBUSY), errors.Busy),
        (usb.core.USBError("gone", errno=errno.ENODEV), errors.NotFound),
        (usb.core.USBTimeoutError("stalled", errno=errno.ETIMEDOUT), errors.Timeout),
        (usb.core.USBError("pipe", errno=errno.EPIPE), errors.Offline),
    ],
)
def test_usb_faults_are_typed(
    device: FakeUsbPrinter, fault: Exception, kind: type[errors.PrinterError]
) -> None:
    device.fail = fault
    with pytest.raises(kind):
        open_connection("usb://0416:5011", 1.0).write(b"x")
