"""Starting and stopping the kiosk's background services around the UI.

This is the one place that wires store, print queue, sync engine and authoriser
together (the UI receives them ready-made). Imports of sync/ and printer/ happen here
so that the domain modules never depend on them.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kiosk.config import Config

if TYPE_CHECKING:
    # Not at import: the kiosk command paints home before SQLAlchemy is loaded.
    from kiosk.store import Store

log = logging.getLogger(__name__)


@dataclass
class Runtime:
    config: Config
    store: Store
    printq: Any = None
    sync: Any = None
    authoriser: Any = None
    central: Any = None  # the embedded central server in demo mode
    backups: Any = None  # kiosk.backup_schedule.BackupScheduler
    resolver: Any = None  # the start-up thread resolving open redemption intents
    # Whether stop() leaves the marker that lets the next start skip the whole-file check
    # before opening: only when this run's backup thread checks it after start.
    clean_stop_marker: bool = False
    _cleanup: list[Any] = field(default_factory=list)
    _released: bool = False

    def release_background(self) -> None:
        """The start is over: the work that could wait begins (once; see ``start``).

        The print queue's worker (it loads the printer stack, asks the printer and
        recovers what a crash left printing), the sync engine's thread (its first cycle
        pushes and pulls at once), the backup thread's first pass (the whole-file check
        after a clean stop, a due backup, the chores) and the intents a killed process left
        open, committed or voided on a thread of their own (never dangling, never on the UI
        thread; their void events wait in the outbox)."""
        if self._released:
            return
        self._released = True
        if self.printq is not None:
            self.printq.start()
        if self.sync is not None:
            self.sync.start()
        if self.backups is not None:
            self.backups.release()
        resolver = threading.Thread(
            target=_resolve_intents, args=(self.store,), name="resolve-intents", daemon=True
        )
        resolver.start()
        self.resolver = resolver

    def stop(self) -> None:
        """Stop workers first (they hold sessions), then the store, then demo leftovers."""
        for name in ("sync", "printq", "backups"):
            worker = getattr(self, name)
            if worker is not None:
                try:
                    worker.stop()
                except Exception:
                    log.exception("stopping %s failed", name)
        if self.resolver is not None:
            self.resolver.join(10)  # a few rows: it ends long before this
        if self.central is not None:
            self.central.stop()
        self.store.close()
        if self.clean_stop_marker:
            from kiosk.backup import mark_clean_stop

            # Everything is closed: the next start may open the store at once and check
            # it after start. Not reached when a stop above raised (checked then).
            mark_clean_stop(self.config.store_path(), self.config.data_dir)
        for action in reversed(self._cleanup):
            action()


def make_print_queue(config: Config, store: Store) -> Any:
    """The print queue, its worker not started (``Runtime.release_background``)."""
    from kiosk.print_queue import PrintQueue

    return PrintQueue(store, config)


def start_sync(
    config: Config,
    store: Store,
    printer_state: Callable[[], str] | None = None,
    *,
    start: bool = True,
) -> tuple[Any, Any]:
    """The sync engine and the online authoriser, or (None, None) for a station with no
    server. ``printer_state`` goes into the station's report to central with each pull.
    With ``start`` False the engine's thread waits for ``Runtime.release_background``."""
    if not config.server_url:
        log.warning("no server_url configured: running offline only")
        return None, None
    from kiosk import __version__
    from kiosk.config import insecure_server_url

    if insecure_server_url(config.server_url):
        # Only reachable with allow_insecure_http (the loader refuses it otherwise).
        log.warning(
            "INSECURE: plain http:// to %s (allow_insecure_http is set): the station token "
            "and volunteers' data travel in clear; use https:// outside a lab",
            config.server_url,
        )
    from sync.authorise import CentralAuthoriser
    from sync.client import CentralClient
    from sync.engine import SyncEngine

    client = CentralClient(
        config.server_url,
        config.station_id,
        config.token,
        ca_bundle=config.ca_bundle or None,
        version=__version__,
    )
    engine = SyncEngine(
        store,
        client,
        interval_s=config.sync_interval_s,
        printer_state=printer_state,
        data_dir=config.data_dir,
    )
    if start:
        engine.start()
    return engine, CentralAuthoriser(client, timeout_s=config.authorise_timeout_s)


def purge_chore(config: Config, store: Store) -> Any:
    """Forget residents' phone numbers once their orders are closed, synced and old enough,
    and delete sent outbox events and printed jobs as old (their payloads and receipts
    hold the same data, and a kiosk that runs for months would keep every one); central's
    station setting for the retention wins over the local config once pulled. Returns the
    number of orders purged."""

    def purge_personal_data() -> int:
        # Imported when the chore first runs, on the backup thread: not on the start path.
        from kiosk import settings
        from kiosk.privacy import (
            PRUNE_BATCH,
            prune_printed_jobs,
            prune_sent_outbox,
            purge_closed_orders,
        )

        with store.begin() as session:
            days = settings.effective(session, config).privacy_retention_days
            purged = purge_closed_orders(session, days)
        for prune in (prune_sent_outbox, prune_printed_jobs):
            # In batches, each its own transaction: the first run on a store that never
            # pruned may have months of rows, and a screen's write waits for each batch.
            while True:
                with store.begin() as session:
                    if prune(session, days, limit=PRUNE_BATCH) < PRUNE_BATCH:
                        break
        return purged

    return purge_personal_data


def sign_out_chore(config: Config, store: Store) -> Callable[[], int]:
    """自动签退: volunteers still signed in when their activity has ended."""

    def sign_out_overdue() -> int:
        from kiosk.attendance import sign_out_overdue as run

        with store.begin() as session:
            return run(session, config)

    return sign_out_overdue


def start_backups(config: Config, store: Store | None = None, *, check_store: bool = False) -> Any:
    from kiosk.backup_schedule import BackupScheduler
    from kiosk.store.upkeep import daily_optimize

    chores = (
        [purge_chore(config, store), sign_out_chore(config, store), daily_optimize(store)]
        if store is not None
        else []
    )
    scheduler = BackupScheduler(
        config.store_path(),
        config.data_dir,
        config.backup_keep_days,
        chores=chores,
        check_store=check_store,
        hold_first_pass=store is not None,
    )
    scheduler.start()
    return scheduler


def start(config: Config, *, services: bool = True, hold_background: bool = False) -> Runtime:
    """Open the store and start the services. With ``hold_background`` the work that
    can wait (the print queue's worker, the sync engine's thread, the backup thread's first
    pass, resolving open intents) begins only at ``Runtime.release_background()``: the
    kiosk calls it once the UI is up, so that work does not take turns at the interpreter
    with the start and the first tap. The store is ready either way (mappers configured
    on this thread)."""
    from kiosk.backup import open_checked_store, open_store_at_start

    # A damaged store is replaced by the newest backup here (see kiosk.backup). The
    # whole-file check (3 s on a three-year store) runs before opening only after an
    # unclean stop; after a clean one the backup thread runs it once the kiosk is up.
    if services:
        store, checked = open_store_at_start(config.store_path(), config.data_dir)
    else:
        store, checked = open_checked_store(config.store_path(), config.data_dir), True
    runtime = Runtime(config=config, store=store, clean_stop_marker=services)
    if services:
        try:
            runtime.backups = start_backups(config, store, check_store=not checked)
            runtime.printq = make_print_queue(config, store)
            printer_state = runtime.printq.printer_state if runtime.printq else None
            runtime.sync, runtime.authoriser = start_sync(
                config, store, printer_state, start=not hold_background
            )
            from sqlalchemy.orm import configure_mappers

            # Here, not in the first query of whichever thread comes first: a screen's
            # first query after the start finds the mappers ready (~35 ms).
            configure_mappers()
        except Exception:
            runtime.stop()
            raise
    if not hold_background:
        runtime.release_background()
    return runtime


def _resolve_intents(store: Store) -> None:
    from kiosk.open_intents import has_open_intents

    try:
        if not has_open_intents(store):
            return  # nearly always: the redemption stack is not imported for nothing
        from kiosk.redemption import resolve_open_intents

        resolve_open_intents(store)
    except Exception:
        # Not fatal: the next uncertain answer resolves them again.
        log.exception("resolving open redemption intents failed")


def start_demo(
    config: Config, *, keep_dir: Path | None = None, dispatch_s: float | None = None
) -> Runtime:
    """A throw-away station: temp data dir, demo data, preview printer, local central.

    ``dispatch_s`` lets a stand-in dispatcher on central move every open order one step
    (派单 → 接单 → 服务中 → 已完成) that often, so tracking and rating can be shown alone."""
    import shutil
    import tempfile

    from central.embedded import start_embedded
    from kiosk.store import open_store
    from station.demo import load_demo_data, seed_demo, station_overrides

    folder = keep_dir or Path(tempfile.mkdtemp(prefix="kiosk-demo-"))
    folder.mkdir(parents=True, exist_ok=True)
    data = load_demo_data()
    central = start_embedded(folder / "central.db", seed_demo=True, auto_dispatch_s=dispatch_s)
    config = dataclasses.replace(
        config,
        **{
            **station_overrides(data),
            "data_dir": str(folder),
            "station_id": central.station_id,
            "server_url": central.url,
            "token": central.token,
            "printer_connection": f"preview://{folder / 'receipts'}",
        },
    )
    store = open_store(config.store_path())
    if _is_empty(store):  # a kept --demo-dir is reused as it is
        seed_demo(store, data)
    store.close()
    runtime = start(config)
    runtime.central = central
    if keep_dir is None:
        runtime._cleanup.append(lambda: shutil.rmtree(folder, ignore_errors=True))
    log.info("demo station in %s, central at %s", folder, central.url)
    print(demo_banner(folder, central.url), flush=True)
    return runtime


def central_command() -> str:
    """How to run central's CLI from here: ``kiosk-central`` lives in the venv's bin,
    which is usually not on PATH (``python3 dev.py demo`` does not activate the venv)."""
    import shlex
    import sys

    script = Path(sys.executable).with_name("kiosk-central")
    if script.exists():
        return shlex.quote(str(script))
    return f"{shlex.quote(sys.executable)} -m central"


def demo_banner(folder: Path, url: str) -> str:
    """What ``kiosk --demo`` prints: where things are, and commands that run as shown."""
    import shlex

    from central.embedded import DEMO_CONSOLE_PASSWORD, DEMO_CONSOLE_USER

    central = f"{central_command()} --db {shlex.quote(str(folder / 'central.db'))}"
    return (
        f"demo station: {folder}\n"
        f"  receipts (PNG): {folder / 'receipts'}\n"
        f"  central: {url}  (OpenAPI: {url}/docs)\n"
        f"  dispatch orders in the district's web console (派单):\n"
        f"    {url}/console/  user {DEMO_CONSOLE_USER}, password {DEMO_CONSOLE_PASSWORD}\n"
        f"  volunteers take orders on their phone page (接单): {url}/m/\n"
        f"  or from a shell:\n"
        f"    {central} order list\n"
        f"    {central} order assign TICKET\n"
        f"  a volunteer code to scan:\n"
        f"    {central} volunteer code V0001"
    )


def _is_empty(store: Store) -> bool:
    from sqlalchemy import select

    from kiosk.store.models import Service

    with store.begin() as session:
        return session.scalars(select(Service.code).limit(1)).first() is None
