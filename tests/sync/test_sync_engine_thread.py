"""The engine's thread: it never blocks the Qt event loop, stops promptly even while
central stalls, and honours Retry-After. These need no upstream: the proxy answers."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QCoreApplication, QObject, QThread, QTimer, Signal

from kiosk.store.db import Store
from sync.client import CentralClient
from sync.engine import SyncEngine
from sync.status import SyncStatus
from tests.sync.faultproxy import FaultProxy


class StatusBridge(QObject):
    """What the UI does: re-emit the engine's callbacks as a (queued) Qt signal."""

    changed = Signal(object)


@pytest.fixture
def lone_proxy() -> Iterator[FaultProxy]:
    # Upstream is a closed port: every test here makes the proxy answer by itself.
    with FaultProxy(("127.0.0.1", 9), lifetime_s=120) as proxy:
        yield proxy


def _engine_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "sync-engine"]


def test_qt_loop_turns_while_sync_is_stuck_on_a_stalled_server(
    qtbot, store: Store, lone_proxy: FaultProxy
) -> None:
    lone_proxy.set("stall")
    # A read timeout far longer than the test: only abort() can free the engine.
    client = CentralClient(lone_proxy.url, "ST-TEST", "token", timeout=(2, 120))
    engine = SyncEngine(store, client, interval_s=60)
    bridge = StatusBridge()
    engine.add_listener(bridge.changed.emit)
    received_on: list[QThread] = []
    bridge.changed.connect(lambda _s: received_on.append(QThread.currentThread()))
    engine.start()
    try:
        lone_proxy.wait_seen("stall")  # the engine thread is now blocked in a read
        ticks: list[int] = []
        timer = QTimer()
        timer.timeout.connect(lambda: ticks.append(1))
        timer.start(5)
        qtbot.waitUntil(lambda: len(ticks) >= 20, timeout=10_000)
        timer.stop()
        assert engine.status().last_success is None  # still stuck, yet the loop turned
        assert engine.status().last_attempt is not None
        with qtbot.waitSignal(bridge.changed, timeout=10_000) as blocker:
            lone_proxy.release()  # the stalled connection is closed without an answer
        status: SyncStatus = blocker.args[0]
        assert (status.online, status.last_error) == (False, "sync.server_down")
        assert received_on and all(t is QCoreApplication.instance().thread() for t in received_on)
    finally:
        engine.stop()
    assert not _engine_threads()


def test_stop_cuts_a_stalled_call_short(store: Store, lone_proxy: FaultProxy) -> None:
    lone_proxy.set("stall")
    client = CentralClient(lone_proxy.url, "ST-TEST", "token", timeout=(2, 120))
    engine = SyncEngine(store, client, interval_s=60)
    engine.start()
    lone_proxy.wait_seen("stall")
    engine.stop(timeout=10)  # far below the 120 s read timeout: only abort() explains it
    assert not _engine_threads()


@pytest.mark.parametrize("mode", ["http503", "http429"])  # 429: central throttling auth
def test_retry_after_holds_back_even_sync_now(
    store: Store, lone_proxy: FaultProxy, mode: str
) -> None:
    lone_proxy.set(mode, retry_after=40)
    client = CentralClient(lone_proxy.url, "ST-TEST", "token", timeout=(2, 5))
    engine = SyncEngine(store, client, interval_s=60)
    failed = threading.Event()
    engine.add_listener(lambda s: failed.set() if s.last_error else None)
    engine.start()
    try:
        assert failed.wait(10)
        assert engine.status().last_error == "sync.server_error"
        engine.kick()  # "sync now" while central asked for 40 s of quiet
        seen = len(lone_proxy.seen)
        wait = engine.next_attempt_in()
        assert wait is None or wait > 20  # None only while the kick is being looked at
        assert len(lone_proxy.seen) == seen
    finally:
        engine.stop()
    assert len(lone_proxy.seen) == 1


def test_status_changes_reach_listeners_and_counts(store: Store, lone_proxy: FaultProxy) -> None:
    lone_proxy.set("down")
    client = CentralClient(lone_proxy.url, "ST-TEST", "token", timeout=(2, 5))
    engine = SyncEngine(store, client)
    seen: list[SyncStatus] = []
    engine.add_listener(seen.append)
    status = engine.sync_once()
    assert (status.online, status.last_error, status.last_success) == (
        False,
        "sync.server_down",
        None,
    )
    assert seen[-1] == status and seen[0].last_attempt is not None
