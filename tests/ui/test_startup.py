"""Starting the kiosk: home is painted first, then the store and the workers are attached
and work; a start that fails ends the app with its error. Screens are known by route and
built when first needed."""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable, Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from PySide6.QtCore import QEvent, QTimer
from PySide6.QtWidgets import QApplication

import ui.app
from kiosk.config import Config
from kiosk.errors import EnvironmentFault
from kiosk.print_queue import QueueState
from kiosk.store import Store
from ui.screens import SCREENS, load_screen
from ui.window import KioskWindow


class FakeQueue:
    """Stands in for kiosk.print_queue.PrintQueue: tells a listener the printer is ready."""

    def __init__(self) -> None:
        self.listeners: list[Any] = []

    def add_listener(self, listener: Any) -> None:
        self.listeners.append(listener)
        listener(QueueState(printer="ok", pending=0, failed=0, last_error=""))

    def remove_listener(self, listener: Any) -> None:
        self.listeners.remove(listener)


@pytest.fixture
def english(config: Config) -> Config:
    return dataclasses.replace(config, language="en")


@pytest.fixture
def app_state(monkeypatch: pytest.MonkeyPatch, qapp: QApplication) -> Iterator[dict[str, Any]]:
    """Runs ``ui.app.run_app`` in this process and puts the app back as the fixtures expect."""
    state: dict[str, Any] = {"frozen": 0}
    prepare = ui.app.prepare_app

    def capture(config: Config, argv: list[str] | None = None) -> Any:
        made = prepare(config, argv)
        state["translations"] = made[1]
        return made

    monkeypatch.setattr(ui.app, "prepare_app", capture)
    # gc.freeze() in the test process would keep every later test's garbage.
    monkeypatch.setattr(ui.app, "_freeze_heap", lambda: state.update(frozen=state["frozen"] + 1))
    yield state
    if "translations" in state:
        state["translations"].clear()
    qapp.setStyleSheet("")
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, KioskWindow):
            widget.leave_kiosk()
            widget.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def _window() -> KioskWindow:
    [window] = [
        w for w in QApplication.topLevelWidgets() if isinstance(w, KioskWindow) and w.isVisible()
    ]
    return window


def guarded(step: Callable[[], Any]) -> Callable[[], Any]:
    """A step run by the app's loop: a failed assert ends the loop instead of hanging it."""

    def run() -> Any:
        try:
            return step()
        except BaseException:
            QApplication.exit(3)
            raise

    return run


def test_home_shows_before_the_store_opens_and_the_store_works_after(
    app_state: dict[str, Any], english: Config, demo_store: Store
) -> None:
    seen: dict[str, Any] = {"early_reads": []}
    queue = FakeQueue()
    opened = threading.Event()

    def start_services() -> Any:
        # Off the main thread, which keeps serving meanwhile (checked below).
        seen["thread"] = threading.current_thread().name
        opened.wait(10)
        return SimpleNamespace(
            store=demo_store,
            sync=None,
            printq=queue,
            authoriser=None,
            release_background=lambda: seen.setdefault("released", window_up()),
        )

    def window_up() -> bool:
        return _window().ctx.store is not None

    @guarded
    def while_opening() -> None:
        window = _window()
        seen["at_start"] = (
            window.isVisible(),
            window.ctx.nav.route,
            window.ctx.store,
            window.strip.printer.text.text(),
        )
        from kiosk import catalog

        # A screen's read submitted before the store is open waits for it on its worker.
        window.ctx.ops.read_db(
            catalog.list_categories,
            on_ok=seen["early_reads"].append,
            on_err=seen["early_reads"].append,
        )
        opened.set()
        QTimer.singleShot(0, wait_for_store)

    @guarded
    def wait_for_store() -> None:
        window = _window()
        if window.ctx.store is None or not seen["early_reads"]:
            QTimer.singleShot(5, wait_for_store)
            return
        seen["printer"] = window.strip.printer.text.text()
        from kiosk import catalog

        def done(categories: Any) -> None:
            seen["categories"] = [c.code for c in categories]
            QApplication.exit(0)

        window.ctx.ops.run_db(catalog.list_categories, on_ok=done, on_err=done)

    QTimer.singleShot(0, while_opening)  # runs once the loop turns: home is painted by then
    code = ui.app.run_app(english, windowed=True, start_services=start_services)

    assert code == 0
    assert seen["thread"] == "start-services"
    assert seen["at_start"] == (True, "home", None, "No printer")
    assert [c.code for c in seen["early_reads"][0]], seen["early_reads"]
    assert seen["printer"] == "Printer ready"  # the strip listens to the queue now
    assert seen["categories"], "the screens' reads go to the store opened after the paint"
    assert app_state["frozen"] == 1  # the start-up heap is frozen once, after the start
    assert seen["released"] is True  # the services' background work began after the attach
    assert queue.listeners == []  # and the strip let go when the app ended


def test_a_start_that_fails_ends_the_app_with_its_error(
    app_state: dict[str, Any], english: Config
) -> None:
    def start_services() -> Any:
        raise EnvironmentFault("store.cannot_create", "read-only disk", path="/nowhere")

    with pytest.raises(EnvironmentFault) as failed:
        ui.app.run_app(english, windowed=True, start_services=start_services)
    assert failed.value.key == "store.cannot_create"
    assert app_state["frozen"] == 0


def test_a_ready_store_still_starts_as_before(
    app_state: dict[str, Any], english: Config, demo_store: Store
) -> None:
    seen: dict[str, Any] = {}

    @guarded
    def look() -> None:
        window = _window()
        seen["route"] = window.ctx.nav.route
        seen["store"] = window.ctx.store
        QApplication.exit(0)

    QTimer.singleShot(0, look)
    assert ui.app.run_app(english, demo_store, windowed=True) == 0
    assert seen == {"route": "home", "store": demo_store}


def test_every_route_names_a_screen_for_that_route() -> None:
    for route, path in SCREENS.items():
        assert load_screen(path).route == route, path


def test_a_screen_is_built_when_first_asked_for(window: KioskWindow) -> None:
    nav = window.ctx.nav
    assert [s.route for s in nav.screens()] == ["home"]
    staff_sync = nav.screen("staff.sync")
    assert staff_sync.route == "staff.sync"
    assert nav.screen("staff.sync") is staff_sync  # built once
    nav.go("track.lookup")
    assert nav.route == "track.lookup"
