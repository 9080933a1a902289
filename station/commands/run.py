"""The default command: start the touch UI (``kiosk``, ``kiosk --demo``)."""

from __future__ import annotations

import argparse
import gc
import logging
import os
import signal
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kiosk.config import Config
    from station.runtime import Runtime

log = logging.getLogger(__name__)


def add_run_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--demo",
        action="store_true",
        help="a throw-away demo station: temp data dir, demo data, "
        "receipts as PNG files, a local central server",
    )
    parser.add_argument(
        "--demo-dir",
        type=Path,
        help="keep the demo station's files in this folder instead of a temp dir",
    )
    parser.add_argument(
        "--demo-dispatch",
        type=float,
        metavar="SECONDS",
        help="demo only: move every open order one dispatch step this often",
    )
    parser.add_argument(
        "--windowed",
        action="store_true",
        help="a normal window instead of full-screen kiosk mode (development)",
    )


def run_station(
    config: Config,
    runtimes: list[Runtime],
    *,
    on_started: Callable[[Runtime], None] | None = None,
    **ui: Any,
) -> int:
    """The kiosk UI of a provisioned station: home is painted first, then the store is
    opened (restored from backup, migrated) and the print queue, backups and sync start.

    The started runtime is appended to ``runtimes``; the caller stops it (after the loop)."""
    from station import runtime
    from ui.app import run_app

    def start_services() -> Runtime:
        rt = runtime.start(config, hold_background=True)  # released once the UI is up
        runtimes.append(rt)
        if on_started is not None:
            on_started(rt)
        return rt

    return run_app(config, start_services=start_services, **ui)


def run(args: argparse.Namespace) -> int:
    # No cyclic collection until the UI is up (ui.app._freeze_heap turns it back on and
    # freezes the start-up heap): the start's imports and widgets would trigger ~170
    # collections (80-95 ms before the first tap) that find almost nothing to free.
    gc.disable()
    from kiosk.errors import EnvironmentFault
    from kiosk.logs import setup_logging
    from station import runtime
    from station.args import config_from_args

    config = config_from_args(args)
    if args.config:
        # What staff save on the settings screen goes to the file this kiosk read (the
        # default file got it, and the next start, reading --config's, had lost it).
        os.environ["KIOSK_CONFIG"] = str(Path(args.config).absolute())
    level = logging.DEBUG if args.verbose else logging.INFO
    runtimes: list[Runtime] = []
    if args.demo:
        runtimes.append(
            runtime.start_demo(config, keep_dir=args.demo_dir, dispatch_s=args.demo_dispatch)
        )
        config = runtimes[0].config  # the demo station's: its folder, central and printer
        setup_logging(config.data_dir, level)
    else:
        try:
            setup_logging(config.data_dir, level)
        except OSError as exc:  # the store could not live there either
            raise EnvironmentFault(
                "store.cannot_create", str(exc), path=str(config.store_path())
            ) from exc
    log.info("kiosk starting (station %s, demo=%s)", config.station_id or "-", args.demo)
    if not args.demo:
        from kiosk.store_version import StoreTooNew, refuse_if_newer

        try:
            refuse_if_newer(config.store_path())  # before any window: exit 78, said plainly
        except StoreTooNew as exc:
            log.critical("refusing to start: %s", exc)
            raise
    from kiosk.stopsignal import StopSignals

    # SIGTERM from systemd quits the Qt event loop, so the finally below stops cleanly.
    stop_signals = StopSignals(_quit_qt_loop).install()
    ui = {"demo": args.demo, "windowed": args.windowed, "argv": ["kiosk", *args.qt_args]}
    try:
        if args.demo:
            from ui.app import run_app

            rt = runtimes[0]
            return run_app(
                rt.config,
                rt.store,
                sync=rt.sync,
                printq=rt.printq,
                authoriser=rt.authoriser,
                **ui,
            )
        return run_station(config, runtimes, **ui)
    finally:
        # SIGTERM during shutdown must not interrupt the clean stop.
        stop_signals.uninstall()
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        for rt in runtimes:
            rt.stop()
        gc.enable()  # a start that failed before the UI was up left it off
        log.info("kiosk stopped")


def _quit_qt_loop(_signum: int) -> bool:
    """Ask the Qt event loop to quit (from any thread); False when there is no UI yet."""
    import sys

    if "PySide6.QtCore" not in sys.modules:
        return False
    from PySide6.QtCore import QCoreApplication, QMetaObject, Qt

    app = QCoreApplication.instance()
    if app is None:
        return False
    # Not app.quit(): in Qt 6 that asks the windows first, and the kiosk window refuses
    # to close in kiosk mode. The main thread's QThread.quit() ends its event loop; queued,
    # it also works when the signal lands just before app.exec() starts the loop.
    # PySide6 takes the method name as str at run time; its stubs only list bytes.
    QMetaObject.invokeMethod(  # type: ignore[call-overload]
        app.thread(), "quit", Qt.ConnectionType.QueuedConnection
    )
    return True
