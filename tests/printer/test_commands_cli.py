"""``kiosk print-test``, the doctor's printer check, and the package boundaries."""

from __future__ import annotations

import subprocess
import sys
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
    assert "print.offline" in capsys.readouterr().out


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
