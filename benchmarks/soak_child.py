"""The soak's kiosk: the ``kiosk`` command as a station runs it (``station.cli.main``, with a
central, sync, print queue on ``dummy:`` and backups), driven through the same functions
the screens hand to ``ctx.ops`` (``kiosk.views.orders``, ``.redemption`` and ``.staff``,
``kiosk.redemption.redeem``), one operation after another as fast as they complete.

``python -m benchmarks.soak_child DATA_DIR OPS SAMPLE_EVERY OUT_JSON [PACE_S]``

With ``PACE_S`` (seconds) each operation starts that long after the previous one ended, as
at a station (one action a minute), instead of at once.

The config comes from the ``KIOSK_*`` environment the parent sets (central URL, token).
Nothing in the kiosk is patched: the driver starts when the kiosk logs ``UI up`` and
finds the window's ``AppContext``. Every ``SAMPLE_EVERY`` operations it records RSS, open
fds, threads, the WAL's size, SQLite's own heap (``sqlite3_memory_used``), glibc's heap in
use and free (``mallinfo2``), and, with ``SOAK_TRACEMALLOC=1``, the Python allocations
that grew most since the first sample.
"""

from __future__ import annotations

import ctypes
import json
import logging
import math
import os
import random
import sys
import threading
import time
import tracemalloc
from array import array
from functools import partial
from pathlib import Path
from typing import Any

STUCK_S = 10.0
KINDS = ("redeem_online", "redeem_offline", "scan_shelf", "order", "lookup", "restock", "rate")


class _MallInfo2(ctypes.Structure):
    _fields_ = [
        (name, ctypes.c_size_t)
        for name in (
            "arena",
            "ordblks",
            "smblks",
            "hblks",
            "hblkhd",
            "usmblks",
            "fsmblks",
            "uordblks",
            "fordblks",
            "keepcost",
        )
    ]


def _libc() -> Any:
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.mallinfo2.restype = _MallInfo2
        libc.fopen.restype = ctypes.c_void_p
        libc.fopen.argtypes = [ctypes.c_char_p, ctypes.c_char_p]
        libc.malloc_info.argtypes = [ctypes.c_int, ctypes.c_void_p]
        libc.fclose.argtypes = [ctypes.c_void_p]
        return libc
    except (OSError, AttributeError):
        return None


def _sqlite_lib() -> Any:
    import _sqlite3

    try:
        lib = ctypes.CDLL(_sqlite3.__file__)  # its symbols include the linked libsqlite3
        lib.sqlite3_memory_used.restype = ctypes.c_int64
        lib.sqlite3_memory_used()
        return lib
    except (OSError, AttributeError):
        try:
            lib = ctypes.CDLL("libsqlite3.so.0")
            lib.sqlite3_memory_used.restype = ctypes.c_int64
            return lib
        except (OSError, AttributeError):
            return None


def _fd_kinds() -> dict[str, int]:
    """Open fds by what they point at (a database file by its name, sockets, pipes, other
    files), so a growing count says what grows."""
    kinds: dict[str, int] = {}
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue  # the fd listdir itself used, closed meanwhile
        if target.startswith(("socket:", "pipe:", "anon_inode:")):
            key = target.split(":")[0] + (":" + target.split(":", 1)[1] if "anon" in target else "")
        elif target.endswith((".db", ".db-wal", ".db-shm", ".db-journal")):
            key = os.path.basename(target)
        else:
            key = "file"
        kinds[key] = kinds.get(key, 0) + 1
    return kinds


def _arenas_in_use(libc: Any) -> list[int]:
    """Bytes in use per glibc arena (``malloc_info``; arena 0 is the main thread's, the
    others serve the worker threads), to tell which threads' allocations grow."""
    import re
    import tempfile

    with tempfile.NamedTemporaryFile("r", suffix=".xml") as tmp:
        fp = libc.fopen(tmp.name.encode(), b"w")
        if not fp:
            return []
        libc.malloc_info(0, fp)
        libc.fclose(fp)
        xml = tmp.read()
    used = []
    for heap in re.findall(r'<heap nr="\d+">(.*?)</heap>', xml, re.S):
        current = re.search(r'<system type="current" size="(\d+)"', heap)
        free = sum(
            int(n)
            for n in re.findall(r'<total type="(?:fast|rest)" count="\d+" size="(\d+)"', heap)
        )
        used.append(int(current.group(1)) - free if current else 0)
    return used


def _pymalloc() -> dict[str, int]:
    """Python's small-object heap (``sys._debugmallocstats``, which only writes to the C
    stderr): its 1 MiB arenas are mmap'd, outside glibc's count, so RssAnon growth that
    glibc does not explain may be here."""
    import re
    import tempfile

    with tempfile.TemporaryFile("w+") as tmp:
        sys.stderr.flush()
        saved = os.dup(2)
        try:
            os.dup2(tmp.fileno(), 2)
            sys._debugmallocstats()
        finally:
            os.dup2(saved, 2)
            os.close(saved)
        tmp.seek(0)
        text = tmp.read()
    found = {}
    for key, pattern in (
        ("py_arenas", r"# arenas allocated current\s*=\s*([\d,]+)"),
        ("py_blocks_bytes", r"# bytes in allocated blocks\s*=\s*([\d,]+)"),
    ):
        m = re.search(pattern, text)
        if m:
            found[key] = int(m.group(1).replace(",", ""))
    return found


def _status(field: str) -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def _object_counts() -> dict[str, int]:
    """Python objects the collector tracks, Qt widgets alive and the pool's threads: what
    would grow if something were kept per operation (a widget, a timer, a task)."""
    import gc

    from PySide6.QtCore import QThreadPool
    from PySide6.QtWidgets import QApplication

    return {
        "gc_objects": len(gc.get_objects()),
        "widgets": len(QApplication.allWidgets()),
        "pool_threads": QThreadPool.globalInstance().activeThreadCount(),
    }


class Driver:
    """Runs on the main thread; each operation goes through ``ctx.ops`` like a screen's,
    and the next starts from the previous one's callback."""

    def __init__(self, ctx: Any, ops: int, every: int, out: Path, pace_s: float = 0.0) -> None:
        self.ctx, self.total, self.every, self.out = ctx, ops, every, out
        self.pace_ms = round(pace_s * 1000)
        self.rng = random.Random(7)
        self.done = 0
        self.errors: dict[str, int] = {}
        self.samples: list[dict[str, Any]] = []
        # Milliseconds per operation, by number (its kind is KINDS[n % len(KINDS)]), in an
        # array made before the first operation: a list of tuples grew by ~130 bytes per
        # operation, 1.2 MiB per 10,000, in the very RSS this process measures.
        self.latency_ms = array("d", [math.nan]) * ops
        self.placed: list[tuple[str, str]] = []  # (ticket_no, last4)
        self.libc, self.sqlite = _libc(), _sqlite_lib()
        self.t0 = time.perf_counter()
        self.snapshot: Any = None
        self.rateable: list[str] = []
        self.online_volunteers: list[str] = []
        self.current = -1
        self.deadline = 0.0
        self.offline_volunteers: list[str] = []
        # SOAK_LEAK_KIB=N keeps N KiB per operation: what the suite's leak check must catch.
        self.leak_kib = int(os.environ.get("SOAK_LEAK_KIB", "0"))
        self.leaked: list[bytes] = []

    def watch(self) -> None:
        """The kiosk's idle reset (no touch for a while) drops the callbacks of tasks in
        flight, as it should for a person who walked away; an operation whose callback
        never comes is counted and the next one started."""
        if self.current >= 0 and time.perf_counter() > self.deadline:
            self.errors["dropped by idle reset"] = self.errors.get("dropped by idle reset", 0) + 1
            self.current = -1
            self.done += 1
            self.next()

    # --- set-up -----------------------------------------------------------------------

    def prepare(self) -> None:
        from sqlalchemy import text

        with self.ctx.store.read() as s:
            rows = s.execute(
                text(
                    "SELECT id FROM service_orders WHERE status = 'completed' AND rating IS NULL"
                    " ORDER BY created_at DESC LIMIT :n"
                ),
                {"n": self.total},
            )
            self.rateable = [r[0] for r in rows]
            self.online_volunteers = [
                r[0] for r in s.execute(text("SELECT id FROM volunteers WHERE id LIKE 'V%'"))
            ]
            self.offline_volunteers = [
                r[0]
                for r in s.execute(
                    text("SELECT id FROM volunteers WHERE id LIKE 'BV%' LIMIT 50000")
                )
            ]
            self.skus = [
                r[0] for r in s.execute(text("SELECT sku FROM gifts WHERE sku LIKE 'BG%' LIMIT 50"))
            ]
            self.services = [
                r[0] for r in s.execute(text("SELECT code FROM services WHERE home_visit = 0"))
            ]

    # --- the operations -----------------------------------------------------------------

    def next(self) -> None:
        if self.done % self.every == 0:
            self.sample()
        if self.done >= self.total:
            self.finish()
            return
        kind = KINDS[self.done % len(KINDS)]
        started = time.perf_counter()
        number = self.done
        self.current = number

        def ok(_result: object) -> None:
            if self.current != number:
                return  # given up on by the watchdog
            self.current = -1
            self.latency_ms[number] = (time.perf_counter() - started) * 1000
            if self.leak_kib:
                self.leaked.append(b"\x01" * (self.leak_kib * 1024))  # written: resident
            self.done += 1
            if self.pace_ms:
                from PySide6.QtCore import QTimer

                QTimer.singleShot(self.pace_ms, self.next)
            else:
                self.next()

        self.deadline = time.perf_counter() + STUCK_S

        def err(exc: object) -> None:
            key = f"{kind}: {getattr(exc, 'key', type(exc).__name__)}"
            self.errors[key] = self.errors.get(key, 0) + 1
            ok(None)

        getattr(self, f"op_{kind}")(ok, err)

    def op_redeem_online(self, ok: Any, err: Any) -> None:
        from kiosk.redemption import redeem

        volunteer = self.rng.choice(self.online_volunteers)
        cart = {self.rng.choice(self.skus): 1}
        self.ctx.ops.run(
            partial(redeem, proof=self.proof(volunteer)),
            self.ctx.store,
            volunteer,
            cart,
            self.ctx.authoriser,
            self.ctx.config,
            on_ok=ok,
            on_err=err,
        )

    def op_redeem_offline(self, ok: Any, err: Any) -> None:
        from kiosk.redemption import redeem

        volunteer = self.rng.choice(self.offline_volunteers)
        cart = {self.skus[0]: 1}
        self.ctx.ops.run(
            partial(redeem, proof=self.proof(volunteer)),
            self.ctx.store, volunteer, cart, None, self.ctx.config,
            on_ok=ok, on_err=err,
        )  # fmt: skip

    def proof(self, volunteer: str) -> Any:
        # What the scanner read: the volunteer's own signed code (central checks it for
        # an online authorisation and for an offline redemption alike).
        from kiosk.proof import Proof
        from protocol.codes import sign_code
        from station.demo import DEMO_KEY_ID, demo_signing_key

        return Proof.scanned(sign_code(demo_signing_key(), DEMO_KEY_ID, volunteer))

    def op_scan_shelf(self, ok: Any, err: Any) -> None:
        from kiosk.views import redemption as q

        volunteer = self.rng.choice(self.offline_volunteers)
        self.ctx.ops.read_db(q.shelf, volunteer, {}, self.ctx.config, on_ok=ok, on_err=err)

    def op_order(self, ok: Any, err: Any) -> None:
        from kiosk.orders import OrderDraft
        from kiosk.views import orders as q

        phone = f"139{self.rng.randrange(10**8):08d}"
        draft = OrderDraft(
            service_code=self.rng.choice(self.services),
            honorific="王阿姨",
            phone=phone,
            time_slot="tomorrow_pm",  # always open: a today slot passes at 18:00 local
        )

        def placed(result: Any) -> None:
            self.placed.append((result.ticket_no, phone[-4:]))
            if len(self.placed) > 200:
                del self.placed[:100]
            ok(result)

        self.ctx.ops.run_db(q.place, draft, self.ctx.config, on_ok=placed, on_err=err)

    def op_lookup(self, ok: Any, err: Any) -> None:
        from kiosk.views import orders as q

        if not self.placed:
            ok(None)
            return
        ticket, last4 = self.rng.choice(self.placed)
        zone = self.ctx.config.timezone
        self.ctx.ops.read_db(q.lookup, ticket, last4, zone, on_ok=ok, on_err=err)

    def op_restock(self, ok: Any, err: Any) -> None:
        from kiosk.views import staff as sq

        sku = self.rng.choice(self.skus)
        self.ctx.ops.run_db(sq.apply_restock, "S01", sku, 5, "soak", on_ok=ok, on_err=err)

    def op_rate(self, ok: Any, err: Any) -> None:
        from kiosk.views import orders as q

        if not self.rateable:
            ok(None)
            return
        order_id = self.rateable.pop()
        self.ctx.ops.run_db(q.rate, order_id, 5, [], on_ok=ok, on_err=err)

    # --- measuring ------------------------------------------------------------------------

    def sample(self) -> None:
        store_path = Path(self.ctx.store.path)
        wal = Path(f"{store_path}-wal")
        row: dict[str, Any] = {
            "ops": self.done,
            "t": round(time.perf_counter() - self.t0, 2),
            "rss_kib": _status("VmRSS"),
            # Anonymous (heaps, stacks) vs file-backed (libraries, mapped files) vs shared
            # memory (SQLite's -shm): only the first can be a leak of the process's own.
            "rss_anon_kib": _status("RssAnon"),
            "rss_file_kib": _status("RssFile"),
            "rss_shmem_kib": _status("RssShmem"),
            "fds": len(os.listdir("/proc/self/fd")),
            "fd_kinds": _fd_kinds(),
            "threads": _status("Threads"),
            "wal_bytes": wal.stat().st_size if wal.exists() else 0,
            "store_bytes": store_path.stat().st_size,
        }
        if self.sqlite is not None:
            row["sqlite_heap"] = int(self.sqlite.sqlite3_memory_used())
        if self.libc is not None:
            info = self.libc.mallinfo2()
            row["malloc_in_use"] = int(info.uordblks + info.hblkhd)
            row["malloc_free"] = int(info.fordblks)
            row["malloc_mmapped"] = int(info.hblkhd)
            row["arenas_in_use"] = _arenas_in_use(self.libc)
        row.update(_object_counts())
        row.update(_pymalloc())
        if tracemalloc.is_tracing():
            snap = tracemalloc.take_snapshot()
            if os.environ.get("SOAK_SNAPSHOTS"):  # for offline diffs by traceback
                snap.dump(os.path.join(os.environ["SOAK_SNAPSHOTS"], f"snap-{self.done}.pickle"))
            row["py_traced"] = tracemalloc.get_traced_memory()[0]
            if self.snapshot is None and self.done >= self.every * 2:
                self.snapshot = snap
            elif self.snapshot is not None:
                top = snap.compare_to(self.snapshot, "lineno")[:8]
                row["py_top"] = [str(stat) for stat in top]
        self.samples.append(row)
        print(json.dumps(row, ensure_ascii=False), flush=True)

    def finish(self) -> None:
        from PySide6.QtWidgets import QApplication

        report = {
            "ops": self.done,
            "seconds": time.perf_counter() - self.t0,
            "errors": self.errors,
            "samples": self.samples,
            "latency": [
                (n, KINDS[n % len(KINDS)], ms)
                for n, ms in enumerate(self.latency_ms)
                if not math.isnan(ms)
            ],
        }
        self.out.write_text(json.dumps(report), encoding="utf-8")
        if os.environ.get("SOAK_HARD_EXIT"):
            # For a heap profiler: what is alive now is what it reports as never freed.
            sys.stdout.flush()
            os._exit(0)
        app = QApplication.instance()
        assert app is not None
        app.thread().exit(0)  # as kiosk's SIGTERM handler does


class _Start(logging.Handler):
    def __init__(self, ops: int, every: int, out: Path, pace_s: float) -> None:
        super().__init__(logging.INFO)
        self.args = (ops, every, out, pace_s)
        self.driver: Driver | None = None

    def emit(self, record: logging.LogRecord) -> None:
        if self.driver is not None or not record.getMessage().startswith("UI up"):
            return
        from PySide6.QtCore import QTimer
        from PySide6.QtWidgets import QApplication

        app = QApplication.instance()
        assert app is not None
        window = next(w for w in app.topLevelWidgets() if type(w).__name__ == "KioskWindow")
        self.driver = Driver(window.ctx, *self.args)
        self.driver.prepare()
        self.watchdog = QTimer()
        self.watchdog.timeout.connect(self.driver.watch)
        self.watchdog.start(1000)
        QTimer.singleShot(0, self.driver.next)


def main(argv: list[str]) -> int:
    data_dir, ops, every, out = argv[0], int(argv[1]), int(argv[2]), Path(argv[3])
    pace_s = float(argv[4]) if len(argv) > 4 else 0.0
    if os.environ.get("SOAK_TRACEMALLOC"):
        tracemalloc.start(12)
    logging.getLogger("ui.app").addHandler(_Start(ops, every, out, pace_s))
    threading.current_thread().name = "MainThread"
    from station.cli import main as kiosk_main

    return kiosk_main(["--data-dir", data_dir])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
