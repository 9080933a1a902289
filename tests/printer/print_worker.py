"""A child process for the SIGKILL test: the print queue worker on a store file, printing
to a network printer on 127.0.0.1 until it is killed.

python print_worker.py STORE PORT
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from kiosk.print_queue import PrintQueue
from kiosk.store import open_store
from printer.output import Output
from printer.profiles import make_profile
from printer.raster import Fonts
from printer.transports import TcpConnection

FONTS = Path(__file__).resolve().parents[2] / "assets" / "fonts"


def main() -> int:
    path, port = sys.argv[1], int(sys.argv[2])
    store = open_store(path, migrate=False)
    fonts = Fonts(FONTS / "NotoSansSC-Regular.otf", FONTS / "NotoSansSC-Bold.otf")
    output = Output(TcpConnection("127.0.0.1", port, 5.0), make_profile(80, "raster"), fonts)
    queue = PrintQueue(store, output, min_backoff=0.01, max_backoff=0.05, idle_poll=0.05)
    queue.start()
    print("ready", flush=True)
    while True:
        time.sleep(1)


if __name__ == "__main__":
    sys.exit(main())
