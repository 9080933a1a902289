"""Loading the compiled translations (assets/i18n/kiosk_<lang>.qm) and switching language.

Source strings are English; zh_CN is the default. Switching installs the new translators,
which sends every widget a LanguageChange event (widgets re-set their texts); the window
then calls each screen's ``retranslate``.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from kiosk.paths import asset_path

log = logging.getLogger(__name__)

LANGUAGES = ("zh_CN", "en")


class Translations:
    def __init__(self, app: QCoreApplication) -> None:
        self.app = app
        self.lang = ""

    def switch(self, lang: str) -> bool:
        """Install ``lang``'s translators; True when the kiosk catalogue loaded."""
        if lang not in LANGUAGES:
            log.error("unknown language %r, using zh_CN", lang)
            lang = "zh_CN"
        self._remove_all()
        ok = self._load(f"kiosk_{lang}", str(asset_path("i18n")))
        if lang != "en":
            self._load(
                f"qtbase_{lang}", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
            )
        QLocale.setDefault(
            QLocale(QLocale.Language.Chinese if lang == "zh_CN" else QLocale.Language.English)
        )
        self.lang = lang
        return ok

    def clear(self) -> None:
        """Remove the installed translators (tests; the source language remains)."""
        self._remove_all()
        self.lang = ""

    def _remove_all(self) -> None:
        # Every translator of the application, not only ours: an earlier Translations on
        # the same QApplication (a window rebuilt, a test before this one) would otherwise
        # keep its language installed and win over the one chosen now.
        for translator in self.app.findChildren(QTranslator):
            self.app.removeTranslator(translator)
            translator.deleteLater()

    def _load(self, name: str, folder: str) -> bool:
        translator = QTranslator(self.app)
        if not translator.load(name, folder):
            if name.startswith("kiosk_"):
                log.error("translation %s not found in %s", name, folder)
            return False
        self.app.installTranslator(translator)
        return True
