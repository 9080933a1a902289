"""``kiosk print-test``, the doctor's printer check, and the package boundaries."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from kiosk.config import Config
from printer.testpage import QR_PAYLOAD, SAMPLE
from station.cli import main
from station.commands.print_test import printer_check

from .escpos_decoder import decode
from .fake_printer import PAPER_OUT_REPLY, FakePrinter, wait_until

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def printer() -> Iterator[FakePrinter]:
    fake = FakePrinter()
    yield fake
    fake.close()


def test_print_test_sends_both_chinese_modes_qr_and_barcode(
    printer: FakePrinter, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["--data-dir", str(tmp_path), "print-test", "--connection", printer.uri, "--paper", "58"]
    assert main(argv) == 0
    wait_until(lambda: printer.jobs)
    (job,) = printer.jobs
    decoded = decode(job)
    assert SAMPLE in decoded.text.replace("\n", "")  # native half: GB18030 in FS & … FS .
    assert decoded.images  # the raster half
    assert decoded.qr_payloads == [QR_PAYLOAD.encode()]  # configured default: native QR
    assert decoded.barcodes == [(73, b"{BKIOSK-0123")]
    assert all(line.columns <= 32 for line in decoded.lines)
    assert "OK" in capsys.readouterr().out


def test_print_test_to_a_dead_printer_fails_with_a_reason(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = FakePrinter()
    uri = fake.uri
    fake.close()
    argv = ["--data-dir", str(tmp_path), "print-test", "--connection", uri, "--timeout", "1"]
    assert main(argv) == 1
    out = capsys.readouterr().out
    assert "print.offline" in out
    # Field test: the technician got the key and the URI, but no fix and no Chinese.
    assert "打印机未连接或未开机" in out and "检查电源和连接线" in out
    assert "switch the printer on" in out


def test_print_test_into_a_preview_folder(tmp_path: Path) -> None:
    out = tmp_path / "previews"
    argv = ["--data-dir", str(tmp_path), "print-test", "--connection", f"preview://{out}"]
    assert main(argv) == 0
    (png,) = out.glob("test-page-*.png")
    assert png.read_bytes().startswith(b"\x89PNG")


def test_doctor_printer_check(config: Config, printer: FakePrinter) -> None:
    assert printer_check(config)[0] == "WARN"  # preview: demo mode
    tcp = replace(config, printer_connection=printer.uri)
    assert printer_check(tcp)[0] == "OK"
    printer.replies[4] = PAPER_OUT_REPLY
    level, message, fix = printer_check(tcp)
    assert (level, "paper_out" in message, "paper" in fix) == ("FAIL", True, True)
    assert printer_check(replace(config, printer_connection="lpt://1"))[0] == "FAIL"
    missing = replace(config, printer_connection="usb://ffff:fffe")
    assert printer_check(missing)[0] == "FAIL"


def test_printer_package_imports_neither_qt_nor_kiosk() -> None:
    code = (
        "import sys, pkgutil, importlib, printer\n"
        "for m in pkgutil.iter_modules(printer.__path__):\n"
        "    importlib.import_module('printer.' + m.name)\n"
        "import kiosk.print_queue, kiosk.receipts, station.commands.print_test\n"
        "assert 'PySide6' not in sys.modules, 'Qt imported'\n"
        "import printer.output\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)
    for path in (ROOT / "printer").glob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "import kiosk" not in text and "from kiosk" not in text, path


def test_test_page_preview_scans_qr_and_barcode() -> None:
    from datetime import datetime

    import zxingcpp

    from printer.preview import render_image
    from printer.profiles import make_profile
    from printer.raster import Fonts
    from printer.testpage import test_page

    from .conftest import BOLD, REGULAR

    if not REGULAR.is_file():
        pytest.skip(f"bundled font missing: {REGULAR}")
    for mm in (58, 80):
        img = render_image(
            test_page(make_profile(mm), datetime(2026, 1, 1)),
            make_profile(mm),
            Fonts(REGULAR, BOLD),
        )
        found = {(r.format, r.text) for r in zxingcpp.read_barcodes(img.convert("L"))}
        assert (zxingcpp.BarcodeFormat.QRCode, QR_PAYLOAD) in found
        assert (zxingcpp.BarcodeFormat.Code128, "KIOSK-0123") in found


def test_print_test_asks_a_silent_printer_once_and_prints_the_line_rate(
    printer: FakePrinter, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    printer.replies = {}  # answers no status query
    argv = ["--data-dir", str(tmp_path), "print-test", "--connection", printer.uri]
    assert main([*argv, "--timeout", "1"]) == 0
    wait_until(lambda: printer.jobs)
    out = capsys.readouterr().out
    assert "status / 状态: unknown" in out
    # One status connection that waited once for DLE EOT 1, then the job: no second wait.
    assert printer.connections == 2
    assert "line rate / 传输速率: " in out


def test_print_test_names_cover_open_and_paper_near_end(
    printer: FakePrinter, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["--data-dir", str(tmp_path), "print-test", "--connection", printer.uri]
    printer.replies = {1: b"\x1a", 2: b"\x16", 4: b"\x12"}  # offline because the cover is open
    assert main(argv) == 1
    out = capsys.readouterr().out
    assert "status / 状态: cover_open" in out and "print.cover_open" in out
    assert printer.jobs == []
    printer.replies = {1: b"\x12", 4: b"\x1e"}  # near-end sensor: prints, with a warning
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "status / 状态: paper_low" in out and "nearly used up" in out
    wait_until(lambda: printer.jobs)


def test_print_test_over_a_9600_baud_line_measures_its_rate(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from .paced_line import PacedLine

    line = PacedLine(9600)
    try:
        uri = f"serial://{line.path}?baud=9600"
        argv = ["--data-dir", str(tmp_path), "print-test", "--connection", uri, "--paper", "58"]
        assert main([*argv, "--chinese", "native", "--timeout", "2"]) == 0
    finally:
        line.close()
    out = capsys.readouterr().out
    # 6.9 KB fit in the pty's buffer: measured "at once", next to the line's nominal rate.
    assert "9600 baud carries 960 bytes/s" in out
    assert "line rate / 传输速率:" in out


def test_line_rate_of_a_page_bigger_than_the_buffers() -> None:
    from station.commands.print_test import line_rate

    assert line_rate(28_800, 30.0, 9600) == (
        "line rate / 传输速率: 960 bytes/s (28800 bytes in 30.0 s); 9600 baud carries 960 bytes/s"
    )


def test_print_test_on_a_silent_serial_printer_waits_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The issue measured 8.9 s of waiting on a serial printer that does not answer status:
    now one question, one wait (at most 2 s), then the page, and nothing asked after it."""
    import re

    from printer import commands

    from .paced_line import PacedLine

    line = PacedLine(115200)
    try:
        line.fast()
        uri = f"serial://{line.path}?baud=115200"
        argv = ["--data-dir", str(tmp_path), "print-test", "--connection", uri, "--paper", "58"]
        assert main([*argv, "--chinese", "native", "--timeout", "1"]) == 0
        out = capsys.readouterr().out
        m = re.search(r"test page sent \((\d+) bytes\)", out)
        assert m and "status / 状态: unknown" in out and "line rate / 传输速率:" in out
        got = line.wait_for(3 + int(m[1]), 5)
        time.sleep(0.2)
        got += line.take()
    finally:
        line.close()
    assert got[:3] == commands.STATUS_PRINTER  # asked once ...
    assert len(got) == 3 + int(m[1])  # ... then the page, and no question after it


def test_a_connection_that_reaches_nothing_says_what_is_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Field test: a serial port that does not exist, a USB id no device has, an address
    where nothing listens and an unknown CUPS queue all read "offline → switch the printer
    on, check the cable or network": nothing named what was wrong with the setting."""
    from station.commands import print_test

    # The kernel's USB list, as sysfs shows it (no USB bus here): one other device.
    sysfs = tmp_path / "usb"
    (sysfs / "1-1").mkdir(parents=True)
    (sysfs / "1-1" / "idVendor").write_text("046d\n")
    (sysfs / "1-1" / "idProduct").write_text("c52b\n")
    monkeypatch.setattr(print_test, "USB_DEVICES", sysfs)
    closed = FakePrinter()
    tcp = closed.uri
    closed.close()
    cases = {
        "serial:///dev/ttyKIOSK9?baud=9600": ("/dev/ttyKIOSK9 does not exist", "ls /dev/ttyUSB*"),
        "file:///dev/usb/lp9": ("/dev/usb/lp9 does not exist", "ls /dev/usb/"),
        "usb://dead:beef": (
            "no USB device dead:beef is plugged in (plugged in: 046d:c52b)",
            "lsusb",
        ),
        tcp: (
            f"nothing answers at {tcp.removeprefix('tcp://')} (Connection refused)",
            "IP address",
        ),
    }
    for uri, (why, fix) in cases.items():
        config = Config(data_dir=str(tmp_path), printer_connection=uri)
        level, message, said_fix = printer_check(config)
        assert level == "FAIL" and why in message and fix in said_fix, (uri, message, said_fix)
        argv = ["--data-dir", str(tmp_path), "print-test", "--connection", uri, "--timeout", "1"]
        assert main(argv) == 1
        out = capsys.readouterr().out
        assert f"why / 原因: {why}" in out and fix in out, out
