"""A kiosk idling at home has printed nothing: Pillow, qrcode and the barcode writer
(~5 MiB of its memory, figure 2) load with the first receipt, and that receipt prints."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

CODE = """
import sys, time
from kiosk.config import Config
from station import runtime
from kiosk.print_queue import enqueue
from printer.document import QR, Receipt, Text

def loaded():
    return ",".join(sorted({m.split(".")[0] for m in sys.modules} & {"PIL", "qrcode", "barcode"}))

config = Config(station_id="ST-LAZY", data_dir=sys.argv[1], printer_connection="")
rt = runtime.start(config)
try:
    time.sleep(0.5)  # the queue has looked for work and probed the printer
    print("idle:", loaded())
    with rt.store.begin() as s:
        enqueue(s, "test_page", "t1", Receipt([Text("你好"), QR("https://example.org")]))
    deadline = time.monotonic() + 60
    receipts = rt.config.store_path().parent / "receipts"
    while not list(receipts.glob("*.png")) and time.monotonic() < deadline:
        time.sleep(0.05)
    print("printed:", len(list(receipts.glob("*.png"))), loaded())
finally:
    rt.stop()
"""


def test_picture_libraries_load_with_the_first_receipt_not_at_start(tmp_path: Path) -> None:
    out = subprocess.run(
        [sys.executable, "-c", CODE, str(tmp_path / "data")],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert "idle: " in lines, out.stdout
    assert "printed: 1 PIL,barcode,qrcode" in lines, out.stdout
