"""Run inside a private mount namespace whose data dir is a tiny tmpfs (test_disk_full.py):
fill the disk, then place a write through the UI's operations helper as a screen does."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEventLoop, QTimer

from kiosk import health
from kiosk.diskspace import reserve_path
from kiosk.logs import log_dir, setup_logging
from kiosk.outbox import emit
from kiosk.store import open_store
from ui.operations import Operations


def fill(folder: Path) -> None:
    with open(folder / "filler", "wb", buffering=0) as fh:
        try:
            while True:
                fh.write(b"\0" * 65536)
        except OSError:
            pass
        try:
            while True:
                fh.write(b"\0" * 512)
        except OSError:
            pass


def main() -> None:
    data = Path(sys.argv[1])
    setup_logging(data, stderr=False)
    reserved = reserve_path(log_dir(data)).exists()
    store = open_store(data / "kiosk.db")
    fill(data)
    app = QCoreApplication([])
    ops = Operations(store)
    codes: list[str] = []
    errors: list[str] = []
    loop = QEventLoop()
    ops.disk_full.connect(codes.append)
    ops.crashed.connect(lambda code: errors.append(code))
    ops.finished.connect(loop.quit)
    QTimer.singleShot(30_000, loop.quit)

    def place(session: object) -> None:  # a redemption's worth of rows
        for i in range(40):
            emit(session, "stock.moved", {"sku": f"S{i}", "note": "x" * 4000})

    ops.run_db(place)
    loop.exec()
    print(
        json.dumps(
            {
                "reserved_at_start": reserved,
                "reserve_left": reserve_path(log_dir(data)).exists(),
                "disk_full_codes": codes,
                "crash_codes": errors,
                "staff_warnings": health.warnings(data, data / "kiosk.db", "en"),
                "log": (log_dir(data) / "kiosk.log").read_text(encoding="utf-8"),
            }
        )
    )
    del app


if __name__ == "__main__":
    main()
