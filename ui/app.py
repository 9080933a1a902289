"""Starting the touch UI: QApplication, bundled font, translations, theme, the window.

``run_app`` is what ``kiosk`` (kiosk/commands/run.py) calls with a ready store and services.
"""

from __future__ import annotations

import gc
import logging
from typing import Any

from PySide6.QtCore import QtMsgType, qInstallMessageHandler
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from kiosk.config import Config
from kiosk.paths import font_path
from ui import theme
from ui.context import AppContext
from ui.i18n import Translations

log = logging.getLogger(__name__)
qt_log = logging.getLogger("qt")

_QT_LEVELS = {
    QtMsgType.QtDebugMsg: logging.DEBUG,
    QtMsgType.QtInfoMsg: logging.INFO,
    QtMsgType.QtWarningMsg: logging.WARNING,
    QtMsgType.QtCriticalMsg: logging.ERROR,
    QtMsgType.QtFatalMsg: logging.CRITICAL,
}


def _qt_message(kind: QtMsgType, _context: Any, message: str) -> None:
    qt_log.log(_QT_LEVELS.get(kind, logging.WARNING), "%s", message)


_registered: list[str] = []


def register_fonts() -> str:
    """Register the bundled CJK font once; return its family (so no glyph is ever a box)."""
    if _registered:
        return _registered[0]
    family = ""
    for bold in (False, True):
        path = font_path(bold)
        font_id = QFontDatabase.addApplicationFont(str(path))
        if font_id < 0:
            log.error("could not load bundled font %s", path)
            continue
        families = QFontDatabase.applicationFontFamilies(font_id)
        family = family or (families[0] if families else "")
    if family:
        font = QFont(family)
        font.setPixelSize(theme.sizes(False)["body"])
        QApplication.setFont(font)
        log.info("font family %s registered", family)
        _registered.append(family)
    return family or theme.FONT_FAMILY


def prepare_app(
    config: Config, argv: list[str] | None = None
) -> tuple[QApplication, Translations, str]:
    """The QApplication with font, theme and translations (shared by run_app and screenshots)."""
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(argv or ["kiosk"])
    app.setApplicationName("station-kiosk")
    family = register_fonts()
    theme.apply(app, config.large_text, family)
    translations = Translations(app)
    translations.switch(config.language)
    return app, translations, family


def run_app(
    config: Config,
    store: Any,
    *,
    sync: Any = None,
    printq: Any = None,
    authoriser: Any = None,
    demo: bool = False,
    windowed: bool = False,
    argv: list[str] | None = None,
) -> int:
    from ui.window import KioskWindow

    qInstallMessageHandler(_qt_message)
    app, translations, family = prepare_app(config, argv)
    ctx = AppContext(store, config, sync=sync, printq=printq, authoriser=authoriser)
    window = KioskWindow(ctx, translations, font_family=family)
    window.install(app)
    from ui.crash_handler import install_crash_handler

    # Uncaught exceptions on any thread: logged with a code, then the error screen.
    crash_handler = install_crash_handler(ctx.nav.show_error)
    window.show_kiosk(windowed=windowed)
    log.info("UI up (demo=%s, windowed=%s, language=%s)", demo, windowed, config.language)
    # The start-up heap (modules, Qt wrappers, the built screens) lives as long as the
    # process: keep it out of the collector, so a gen-2 collection started by the sync
    # thread does not hold the GIL for 100-300 ms while it walks all of it.
    gc.collect()
    gc.freeze()
    try:
        return app.exec()
    finally:
        crash_handler.uninstall()
        window.uninstall(app)
        ctx.ops.drop_pending()
        ctx.ops.wait_done(5000)
