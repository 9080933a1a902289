"""USB writes go in 4 KB bulk transfers, each with the full timeout: a printer taking
bytes slowly but steadily finishes a job many timeouts long, one that stalls fails within
a timeout with the bytes it took counted (so the next job resyncs it)."""

from __future__ import annotations

import errno
import time

import pytest
import usb.core

from printer import errors, resync
from printer.connections import open_connection

from .test_usb import Endpoint, FakeUsbPrinter, device  # noqa: F401 - the fixture

RATE = 40_000  # bytes per second the fake printer takes
STALL_AFTER = 20_000


def paced_write(self: Endpoint, data: bytes, timeout: int) -> int:
    took = len(data) / RATE
    already = sum(len(c) for c in self.device.received)
    if getattr(self.device, "stall", False) and already >= STALL_AFTER:
        time.sleep(timeout / 1000)
        raise usb.core.USBTimeoutError("stalled", errno=errno.ETIMEDOUT)
    assert took < timeout / 1000, "one chunk must fit in one timeout"
    time.sleep(took)
    self.device.received.append(bytes(data))
    return len(data)


def test_slow_usb_printer_finishes_a_job_many_timeouts_long(
    device: FakeUsbPrinter,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(Endpoint, "write", paced_write)
    job = bytes(range(256)) * 300  # 76.8 KB: about 1.9 s at 40 KB/s
    conn = open_connection("usb://0416:5011", 0.25)
    handed: list[int] = []
    started = time.monotonic()
    conn.write(job, lambda: handed.append(sum(len(c) for c in device.received)))
    took = time.monotonic() - started
    assert took > 4 * 0.25
    assert b"".join(device.received) == job
    assert max(len(c) for c in device.received) == 4096
    assert handed == [len(job) - 8]  # called before the last 8 bytes went out


def test_stalled_usb_printer_times_out_with_the_bytes_it_took(
    device: FakeUsbPrinter,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(Endpoint, "write", paced_write)
    device.stall = True  # type: ignore[attr-defined]
    job = b"\x1b@" + b"\x1dv0\x00\x30\x00\x00\x01" + b"\x00" * (48 * 256) * 3  # ~36 KB picture
    conn = open_connection("usb://0416:5011", 0.25)
    started = time.monotonic()
    with pytest.raises(errors.Timeout) as caught:
        conn.write(job)
    assert time.monotonic() - started < 5  # one stalled transfer, not the whole job
    assert caught.value.sent == sum(len(c) for c in device.received) >= STALL_AFTER
    assert conn.resync_pad == resync.padding_after(job, caught.value.sent)
