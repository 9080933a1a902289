"""Technician settings: a few switches a station needs changed on site, and leaving kiosk mode.

Everything else (server, token, printer connection) is provisioned with ``kiosk init`` and
shown here read-only. Saving writes the TOML config on a worker.
"""

from __future__ import annotations

import dataclasses
import logging
import re
from typing import Any

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import (
    QBoxLayout,
    QGridLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from kiosk.config import Config, save_changes
from kiosk.views import staff as q
from ui.context import AppContext
from ui.screens.staff_base import StaffScreen, section_label
from ui.widgets import BigButton, PickerGrid, TouchScroll

log = logging.getLogger(__name__)


class _TallLabel(QLabel):
    """A word-wrapped label that asks for the height its text needs at its width, so the
    scroll area around it scrolls instead of squeezing it (QScrollArea ignores
    height-for-width)."""

    def _fit(self) -> None:
        need = self.heightForWidth(self.width())
        if need > 0 and need != self.minimumHeight():
            self.setMinimumHeight(need)

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        self._fit()

    def setText(self, text: str) -> None:
        # A path or URL is one long "word": without a break opportunity after its slashes
        # the label grew wider than the scroll area and was cut at the side in 大字.
        super().setText(re.sub(r"([/_.:=&?-])", "\\1\u200b", text))
        self._fit()

    def text(self) -> str:  # what it says, without the invisible break marks
        return super().text().replace("\u200b", "")

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        # 大字 changes the font through the style sheet, not the width.
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._fit()


# The settings this screen edits (and saves into the config file).
EDITED = ("language", "large_text", "card_pin_enabled", "idle_timeout_s", "offline_limit_points")
SHOWN = ("station_id", "server_url", "token", "printer_connection", "printer_paper_mm", "data_dir")


class SettingsScreen(StaffScreen):
    route = "staff.settings"
    needs_technician = True

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        grid = QGridLayout()
        grid.setHorizontalSpacing(24)
        grid.setVerticalSpacing(6)
        self.labels: dict[str, QLabel] = {}
        options = {
            "language": ["zh_CN", "en"],
            "large_text": ["off", "on"],
            "card_pin_enabled": ["off", "on"],
            "idle_timeout_s": ["60", "120", "180"],
            "offline_limit_points": ["0", "200", "500"],
        }
        self.choices = {
            name: PickerGrid(items, columns=3, wrap=True) for name, items in options.items()
        }
        for row, (name, chips) in enumerate(self.choices.items()):
            chips.setObjectName(f"setting_{name}")
            for key, button in chips.buttons.items():
                button.setObjectName(f"{name}_{key}")  # "pick_on" would be ambiguous
            self.labels[name] = QLabel()
            self.labels[name].setWordWrap(True)
            grid.addWidget(self.labels[name], row, 0)
            grid.addWidget(chips, row, 1)
        grid.setColumnStretch(1, 1)
        grid.setRowStretch(len(options), 1)
        self.info_title = section_label()
        self.info = _TallLabel()
        self.info.setObjectName("settingsInfo")
        self.info.setProperty("kind", "muted")
        self.info.setWordWrap(True)
        # What is in force can be long (every setting with its source): it scrolls rather
        # than being cut at 1280×800 or in 大字.
        info_box = QWidget()
        info = QVBoxLayout(info_box)
        info.setContentsMargins(0, 0, 0, 0)
        info.addWidget(self.info_title)
        info.addWidget(self.info)
        info.addStretch(1)
        self.leave_button = BigButton("", "logout", role="danger")
        self.leave_button.setObjectName("leaveKiosk")
        self.leave_button.clicked.connect(self._leave)
        self.save = BigButton("", "check")
        self.save.setObjectName("saveSettings")
        self.save.clicked.connect(self._save)
        # The buttons stand in the right-hand column, leaving the switches the whole height:
        # in a row of their own below both columns the page scrolled at 1280x800 in large
        # text (by 92 px in Chinese, 153 in English), Save below the fold. Leave kiosk mode
        # at the column's head, far from Save at its foot.
        side = QVBoxLayout()
        side.setSpacing(16)
        side.addWidget(self.leave_button)
        side.addWidget(TouchScroll(info_box), 1)
        side.addWidget(self.save)
        self.split = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        self.split.setSpacing(40)
        self.split.addLayout(grid, 5)  # labels of two lines at most in 大字
        self.split.addLayout(side, 3)  # "Leave kiosk mode" whole in 大字
        self.body.addLayout(self.split, 1)
        self._provisioned = ""
        self.in_force: Any = None  # kiosk.settings.StationSettings last shown
        self.retranslate()

    def refresh(self, **params: Any) -> None:
        c = self.ctx.config
        self.choices["language"].set_value(c.language)
        self.choices["large_text"].set_value("on" if c.large_text else "off")
        self.choices["card_pin_enabled"].set_value("on" if c.card_pin_enabled else "off")
        self.choices["idle_timeout_s"].set_value(str(c.idle_timeout_s))
        self.choices["offline_limit_points"].set_value(str(c.offline_limit_points))
        shown = c.shown()
        self._provisioned = "\n".join(f"{k}: {shown.get(k) or '—'}" for k in SHOWN)
        self.info.setText(self._provisioned)
        # What is in force: the chips above edit the local config, and central's station
        # settings win for policy (offline limit, card + PIN, retention).
        self.ctx.ops.read_db(
            q.effective_settings, c, on_ok=self._in_force, on_err=self.fail, busy=False
        )

    def _in_force(self, eff: Any) -> None:
        self.in_force = eff
        lines = [self.ctx.msg("settings.in_force")]
        for name, value, source, _precedence in eff.rows():
            shown = value if not isinstance(value, bool) else ("on" if value else "off")
            lines.append(f"{name}: {shown} ({self.ctx.msg(f'settings.source.{source}')})")
        self.info.setText(self._provisioned + "\n\n" + "\n".join(lines))

    def on_scan(self, text: str) -> None:
        # Not off to 补货 from here: switches chosen and not saved yet would be lost.
        log.info("scan on settings (%d characters): pointed to the menu", len(text))
        self.notice.clear()
        self.banner.show(self.tr("Scan gifts on the menu."))

    def _chosen(self, name: str, default: str) -> str:
        picked = self.choices[name].value()
        return default if picked is None else str(picked)

    def _save(self) -> None:
        c = self.ctx.config
        new = dataclasses.replace(
            c,
            language=self._chosen("language", c.language),
            large_text=self._chosen("large_text", "off") == "on",
            card_pin_enabled=self._chosen("card_pin_enabled", "off") == "on",
            idle_timeout_s=int(self._chosen("idle_timeout_s", str(c.idle_timeout_s))),
            offline_limit_points=int(
                self._chosen("offline_limit_points", str(c.offline_limit_points))
            ),
        )
        log.info("settings saved by %s", self.ctx.staff.id)
        # Only these five into the file: the rest of the config in force may come from
        # KIOSK_* variables of this run, which are not the file's to keep.
        changed = {name: getattr(new, name) for name in EDITED}
        self.ctx.ops.run(save_changes, changed, on_ok=lambda _p: self._saved(new), on_err=self.fail)

    def _saved(self, new: Config) -> None:
        self.ctx.apply_settings(new)
        self.done(self.tr("Saved. Language and text size apply to the next visitor."))

    def _leave(self) -> None:
        log.warning("technician %s leaves kiosk mode", self.ctx.staff.id)
        window = getattr(self.ctx, "window", None)
        if window is not None:
            window.leave_kiosk()

    def resizeEvent(self, event: Any) -> None:
        portrait = event.size().height() > event.size().width()
        self.split.setDirection(
            QBoxLayout.Direction.TopToBottom if portrait else QBoxLayout.Direction.LeftToRight
        )
        super().resizeEvent(event)

    def retranslate(self) -> None:
        super().retranslate()
        self.title.setText(self.tr("Settings"))
        texts = {
            "language": self.tr("Start language"),
            "large_text": self.tr("Large text at start"),
            "card_pin_enabled": self.tr("Card number + PIN for volunteers"),
            "idle_timeout_s": self.tr('Seconds before "Still there?"'),
            "offline_limit_points": self.tr("Offline limit (points)"),
        }
        for name, text in texts.items():
            self.labels[name].setText(text)
        self.choices["language"].set_labels({"zh_CN": "中文", "en": "English"})
        for name in ("large_text", "card_pin_enabled"):
            self.choices[name].set_labels({"off": self.tr("Off"), "on": self.tr("On")})
        self.info_title.setText(self.tr("Provisioned (change with `kiosk init`)"))
        self.leave_button.setText(self.tr("Leave kiosk mode"))
        self.save.setText(self.tr("Save"))
