"""Connections: URIs, exact bytes over TCP, status replies, faults mapped to typed errors."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from printer import errors
from printer.connections import DummyConnection, PreviewConnection, open_connection
from printer.hardware import SerialConnection, UsbConnection
from printer.status import PrinterStatus, parse, parse_lp
from printer.transports import CupsConnection, FileConnection, TcpConnection

from .fake_printer import PAPER_OUT_REPLY, FakePrinter, wait_until

# Where a fault is expected the timeout is short; where success is expected it is generous,
# so that a loaded machine pausing a thread cannot fail the test.
FAST = 0.3
SAFE = 5.0


@pytest.fixture
def printer() -> Iterator[FakePrinter]:
    fake = FakePrinter()
    yield fake
    fake.close()


def test_uris_choose_the_transport(tmp_path: Path) -> None:
    assert isinstance(open_connection("tcp://10.0.0.5"), TcpConnection)
    assert open_connection("tcp://10.0.0.5").port == 9100  # type: ignore[attr-defined]
    assert isinstance(open_connection("file:///dev/usb/lp0"), FileConnection)
    assert isinstance(open_connection(f"preview://{tmp_path}"), PreviewConnection)
    assert isinstance(open_connection("dummy:"), DummyConnection)
    assert isinstance(open_connection("cups://Receipt_80"), CupsConnection)
    usb = open_connection("usb://0416:5011")
    assert isinstance(usb, UsbConnection) and (usb.vid, usb.pid) == (0x0416, 0x5011)
    ser = open_connection("serial:///dev/ttyUSB0?baud=19200")
    assert isinstance(ser, SerialConnection) and (ser.port, ser.baud) == ("/dev/ttyUSB0", 19200)
    for bad in ("lpt://1", "usb://zz:1", "tcp://", "serial:///dev/x?baud=fast", "cups://"):
        with pytest.raises(errors.BadUri):
            open_connection(bad)


def test_tcp_printer_receives_exactly_the_job(printer: FakePrinter) -> None:
    job = bytes(range(256)) * 300  # 76 KB: more than the socket buffers hold
    open_connection(printer.uri, SAFE).write(job)
    wait_until(lambda: printer.jobs)
    assert printer.jobs == [job]


def test_tcp_status_ok_paper_out_and_silent(printer: FakePrinter) -> None:
    conn = open_connection(printer.uri, SAFE)
    assert conn.status() is PrinterStatus.OK
    printer.replies[4] = PAPER_OUT_REPLY
    assert conn.status() is PrinterStatus.PAPER_OUT
    printer.replies = {1: b"\xff", 4: b"\x12"}  # malformed: fixed bits wrong
    assert conn.status() is PrinterStatus.UNKNOWN
    printer.replies = {}  # a printer that never answers status queries
    assert open_connection(printer.uri, FAST).status() is PrinterStatus.UNKNOWN
    assert printer.jobs == []


def test_status_bytes() -> None:
    assert parse(b"\x12", b"\x12") is PrinterStatus.OK
    assert parse(b"\x1a", b"\x12") is PrinterStatus.OFFLINE
    assert parse(b"\x12", b"\x7e") is PrinterStatus.PAPER_OUT
    assert parse(b"", b"") is PrinterStatus.UNKNOWN
    assert parse(b"\x12\x12", b"\x12") is PrinterStatus.UNKNOWN
    assert parse(b"\x00", b"\x00") is PrinterStatus.UNKNOWN
    assert parse_lp(0x18) is PrinterStatus.OK
    assert parse_lp(0x38) is PrinterStatus.PAPER_OUT
    assert parse_lp(0x10) is PrinterStatus.OFFLINE


def test_refused_is_offline() -> None:
    fake = FakePrinter()
    uri = fake.uri
    fake.close()
    conn = open_connection(uri, FAST)
    with pytest.raises(errors.Offline):
        conn.write(b"x")
    assert conn.status() is PrinterStatus.OFFLINE


def test_printer_that_never_reads_times_out(printer: FakePrinter) -> None:
    printer.mode = "never_read"
    with pytest.raises(errors.Timeout):
        open_connection(printer.uri, FAST).write(b"\x00" * 300_000)
    printer.mode = "normal"
    open_connection(printer.uri, SAFE).write(b"after")
    wait_until(lambda: printer.jobs)
    assert printer.jobs == [b"after"]


def test_small_job_to_a_printer_that_never_reads_times_out_too(printer: FakePrinter) -> None:
    # Fits in the socket buffers, so sendall returns: the wait for the printer's
    # acknowledgement is what notices.
    printer.mode = "never_read"
    with pytest.raises(errors.Timeout):
        open_connection(printer.uri, FAST).write(b"\x00" * 20_000)


def test_printer_closing_mid_job_is_offline(printer: FakePrinter) -> None:
    printer.mode = "close_mid_job"
    with pytest.raises(errors.Offline):
        open_connection(printer.uri, SAFE).write(b"\x00" * 300_000)
    wait_until(lambda: printer.aborted)
    assert printer.jobs == []


def test_file_connection(tmp_path: Path) -> None:
    target = tmp_path / "lp0"
    conn = open_connection(f"file://{target}", FAST)
    conn.write(b"\x1b@one")
    conn.write(b"two")
    assert target.read_bytes() == b"\x1b@onetwo"
    assert conn.status() is PrinterStatus.UNKNOWN
    with pytest.raises(errors.NotFound):
        open_connection(f"file://{tmp_path}/no/such/dir/lp0").write(b"x")
    assert open_connection("file:///dev/usb/lp9").status() is PrinterStatus.OFFLINE


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write anywhere")
def test_file_permission_denied_carries_the_udev_hint(tmp_path: Path) -> None:
    target = tmp_path / "lp0"
    target.write_bytes(b"")
    target.chmod(0o400)
    with pytest.raises(errors.PermissionDenied) as info:
        open_connection(f"file://{target}").write(b"x")
    assert "udev" in info.value.hint


def test_os_errors_map_to_typed_errors() -> None:
    import errno

    from printer.transports import _map_oserror

    cases = {
        errno.EACCES: errors.PermissionDenied,
        errno.EBUSY: errors.Busy,
        errno.ENODEV: errors.NotFound,
        errno.ENOSPC: errors.PaperOut,
        errno.EIO: errors.Offline,
        errno.ECONNREFUSED: errors.Offline,
    }
    for code, kind in cases.items():
        assert type(_map_oserror(OSError(code, os.strerror(code)), "x")) is kind
    assert type(_map_oserror(TimeoutError(), "x")) is errors.Timeout
    assert "udev" in errors.PermissionDenied("x").hint


def test_fifo_nobody_reads_times_out(tmp_path: Path) -> None:
    fifo = tmp_path / "lp"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # open but never read: a stuck device
    try:
        with pytest.raises(errors.Timeout):
            FileConnection(fifo, 0.2).write(b"\x00" * 1_000_000)
    finally:
        os.close(reader)


def test_preview_writes_png_files(tmp_path: Path) -> None:
    conn = PreviewConnection(tmp_path / "out")
    path = conn.write_png(b"\x89PNG...", "order_ticket-1")
    assert path == tmp_path / "out" / "order_ticket-1.png" and path.read_bytes() == b"\x89PNG..."
    assert conn.status() is PrinterStatus.OK


def test_missing_usb_device_is_not_found() -> None:
    conn = open_connection("usb://ffff:fffe", FAST)
    with pytest.raises(errors.NotFound):
        conn.write(b"x")
    assert conn.status() is PrinterStatus.OFFLINE


def test_missing_serial_port_is_not_found() -> None:
    conn = open_connection("serial:///dev/ttyNOPE9?baud=9600", FAST)
    with pytest.raises(errors.NotFound):
        conn.write(b"x")
    assert conn.status() is PrinterStatus.OFFLINE


def test_cups_without_lp_or_queue_is_not_found(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no lp, no lpstat on this PATH
    conn = open_connection("cups://Receipt", FAST)
    with pytest.raises(errors.NotFound):
        conn.write(b"x")
    assert conn.status() is PrinterStatus.UNKNOWN


def test_the_dummy_printer_keeps_only_the_last_jobs() -> None:
    """A kiosk left running on ``dummy:`` must not grow by every receipt it printed."""
    conn = DummyConnection()
    for i in range(DummyConnection.KEEP + 30):
        conn.write(b"job %d" % i)
    assert conn.written == DummyConnection.KEEP + 30
    assert len(conn.jobs) == DummyConnection.KEEP
    assert conn.jobs[-1] == b"job %d" % (DummyConnection.KEEP + 29)
