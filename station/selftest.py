"""``kiosk --self-test``: prove that a (frozen) build works on this machine, then exit.

It opens or creates the store (running the bundled migrations), imports the printer
library with its bundled printer database, loads the bundled font, renders the home
screen offscreen and checks that something was drawn. One line per step; exit 0 when
every step passed. It needs no display, no Python and no network.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

Step = Callable[[dict[str, Any]], str]


def _store(state: dict[str, Any]) -> str:
    from sqlalchemy import text

    from kiosk.config import load_config
    from kiosk.store import open_store
    from kiosk.store.migrate import current_revision, head_revision

    config_file = state.get("config_file")
    config = load_config(Path(config_file) if config_file else None, data_dir=state.get("data_dir"))
    state["config"] = config
    try:
        store = open_store(config.store_path())
        try:
            with store.begin() as session:
                session.execute(text("SELECT count(*) FROM outbox_events")).scalar_one()
            revision = current_revision(store.engine)
        finally:
            store.close()
    except Exception as exc:
        # A damaged store, a read-only or full disk: said in the technician's words with
        # what to do, not as SQLAlchemy's "(sqlite3.DatabaseError) … (Background on this
        # error at: https://sqlalche.me/…)".
        from kiosk.messages import text as message
        from kiosk.store_faults import store_fault

        fault = store_fault(exc, config.store_path())
        if fault is None:
            raise
        raise StepFailed(f"{message(fault.key, 'en', **fault.params)} ({fault})") from exc
    if revision != head_revision():
        raise RuntimeError(f"schema at {revision}, expected {head_revision()}")
    return f"{config.store_path()} (schema {revision})"


class StepFailed(Exception):
    """A step's failure already said in words (no exception type in front)."""


def _qt_app(state: dict[str, Any]) -> Any:
    from PySide6.QtCore import qInstallMessageHandler
    from PySide6.QtWidgets import QApplication

    # Qt's chatter (e.g. the offscreen platform's notes) goes to the log, not the report.
    qInstallMessageHandler(lambda _kind, _ctx, message: log.debug("qt: %s", message))
    app = QApplication.instance() or QApplication(["kiosk", "-platform", "offscreen"])
    state["app"] = app
    return app


def _font(state: dict[str, Any]) -> str:
    from PySide6.QtGui import QFontDatabase, QRawFont

    from kiosk import paths

    _qt_app(state)
    font_file = paths.font_path()
    font_id = QFontDatabase.addApplicationFont(str(font_file))
    if font_id < 0:
        raise RuntimeError(f"Qt could not load {font_file}")
    family = QFontDatabase.applicationFontFamilies(font_id)[0]
    raw = QRawFont(str(font_file), 24)
    # Code points, not str: PySide6 6.10's supportsCharacter(str) answers wrongly.
    missing = [ch for ch in "新时代文明实践站积分兑换" if not raw.supportsCharacter(ord(ch))]
    if missing:
        raise RuntimeError(f"font lacks {''.join(missing)}")
    state["family"] = family
    return f"{family} ({font_file.name})"


def _translations(_state: dict[str, Any]) -> str:
    from PySide6.QtCore import QTranslator

    from kiosk import paths

    folder = paths.assets_dir() / "i18n"
    files = sorted(folder.glob("kiosk_*.qm")) if folder.is_dir() else []
    if not files:
        raise RuntimeError(f"no compiled translations (kiosk_*.qm) in {folder}")
    for qm in files:
        if not QTranslator().load(str(qm)):
            raise RuntimeError(f"cannot load {qm.name}")
    from PySide6.QtCore import QLibraryInfo

    # Qt's own texts (dialog buttons) in Chinese come from the bundled qtbase_zh_CN.qm.
    qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if not QTranslator().load("qtbase_zh_CN", qt_dir):
        raise RuntimeError(f"qtbase_zh_CN.qm missing from {qt_dir}")
    return ", ".join(f.name for f in files) + ", qtbase_zh_CN.qm"


def _home_widget(state: dict[str, Any]) -> tuple[Any, str]:
    """The real kiosk window on its home screen (ui/app.py's setup), built as ``kiosk`` does."""
    try:
        from ui.app import prepare_app
        from ui.context import AppContext
        from ui.window import KioskWindow
    except ImportError as exc:
        # Only a build without the ui package lands here: then a label in the bundled
        # font proves font + offscreen rendering, not the home screen.
        log.warning("no UI package (%s): rendering a placeholder", exc)
        return _placeholder(state), "PLACEHOLDER label (no ui package)"
    from kiosk.store import open_store

    config = state["config"]
    app, translations, family = prepare_app(config, ["kiosk", "-platform", "offscreen"])
    state["app"] = app
    store = state["ui_store"] = open_store(config.store_path())
    ctx = state["ctx"] = AppContext(store, config)
    window = KioskWindow(ctx, translations, font_family=family)
    window.allow_close()
    return window, f"home screen ({family})"


def _placeholder(state: dict[str, Any]) -> Any:
    from PySide6.QtGui import QFont
    from PySide6.QtWidgets import QLabel

    label = QLabel(f"{state['config'].station_name}\n我要点单 · 积分兑换")
    label.setFont(QFont(state.get("family", ""), 40))
    return label


def _cleanup(state: dict[str, Any]) -> None:
    ctx = state.pop("ctx", None)
    if ctx is not None:
        ctx.ops.drop_pending()
        ctx.ops.wait_done(5000)
    store = state.pop("ui_store", None)
    if store is not None:
        store.close()


def _render(state: dict[str, Any]) -> str:
    from PySide6.QtGui import QColor

    _qt_app(state)
    widget, what = _home_widget(state)
    try:
        widget.resize(1280, 800)
        widget.show()
        state["app"].processEvents()
        image = widget.grab().toImage()
        widget.close()
    finally:
        _cleanup(state)
    if image.isNull():
        raise RuntimeError("rendering produced no image")
    colours = {
        QColor(image.pixel(x, y)).rgb()
        for x in range(0, image.width(), 16)
        for y in range(0, image.height(), 16)
    }
    if len(colours) < 2:
        raise RuntimeError("the rendered screen is blank")
    out = Path(state["config"].data_dir) / "selftest-home.png"
    image.save(str(out))
    return f"{what}, {image.width()}x{image.height()}, saved {out}"


STEPS: list[tuple[str, Step]] = [
    ("store", _store),
    ("font", _font),
    ("translations", _translations),
    ("render", _render),
]


def run_self_test(argv: list[str] | None = None) -> int:
    argv = argv or []
    # Offscreen always: the self-test must pass over SSH, in CI and on a station whose
    # X session is not up yet.
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    state: dict[str, Any] = {}
    # The same two options as the kiosk itself reads (`kiosk --config FILE --self-test`
    # tested the default config, not FILE).
    for option, key in (("--data-dir", "data_dir"), ("--config", "config_file")):
        if option in argv[:-1]:
            # As typed, relative to this shell (as `kiosk --data-dir` takes it).
            state[key] = str(Path(argv[argv.index(option) + 1]).expanduser().absolute())
    frozen = bool(getattr(sys, "frozen", False))
    print(f"self-test: kiosk {'bundle' if frozen else 'checkout'}, python {sys.version.split()[0]}")
    failed = 0
    for name, step in STEPS:
        started = time.monotonic()
        try:
            detail = step(state)
        except Exception as exc:
            failed += 1
            log.debug("self-test step %s failed", name, exc_info=True)
            said = str(exc) if isinstance(exc, StepFailed) else f"{type(exc).__name__}: {exc}"
            print(f"FAIL  {name}: {said}")
            if name == "store":
                break  # later steps need the config and data dir
            continue
        print(f"OK    {name}: {detail} [{time.monotonic() - started:.2f}s]")
    print("self-test passed" if not failed else f"self-test FAILED ({failed} step(s))")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(run_self_test(sys.argv[1:]))
