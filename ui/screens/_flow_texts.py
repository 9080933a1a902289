"""Words the flows share (time slots, note tags, order statuses, rating tags), translated.

Keys are the domain's (``kiosk.orders.TIME_SLOTS``, the Chinese tag names of the catalogue);
the English source texts are what lupdate extracts under the ``FlowTexts`` context.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

_T = QCoreApplication


def slot_labels() -> dict[str, str]:
    return {
        "asap": _T.translate("FlowTexts", "As soon as possible"),
        "today_am": _T.translate("FlowTexts", "Today morning"),
        "today_pm": _T.translate("FlowTexts", "Today afternoon"),
        "tomorrow_am": _T.translate("FlowTexts", "Tomorrow morning"),
        "tomorrow_pm": _T.translate("FlowTexts", "Tomorrow afternoon"),
    }


def status_labels() -> dict[str, str]:
    return {
        "submitted": _T.translate("FlowTexts", "Submitted"),
        "assigned": _T.translate("FlowTexts", "Dispatched"),
        "accepted": _T.translate("FlowTexts", "Accepted"),
        "in_service": _T.translate("FlowTexts", "In service"),
        "completed": _T.translate("FlowTexts", "Completed"),
        "cancelled": _T.translate("FlowTexts", "Cancelled"),
    }


def _tag_names() -> dict[str, str]:
    # Station tags are kept in Chinese; these are the defaults' English names.
    return {
        "行动不便": _T.translate("FlowTexts", "Limited mobility"),
        "听力不好": _T.translate("FlowTexts", "Hard of hearing"),
        "需要上门": _T.translate("FlowTexts", "Needs a home visit"),
        "视力不好": _T.translate("FlowTexts", "Poor eyesight"),
        "独居老人": _T.translate("FlowTexts", "Lives alone"),
        "需要回电": _T.translate("FlowTexts", "Please call back"),
        "准时": _T.translate("FlowTexts", "On time"),
        "专业": _T.translate("FlowTexts", "Skilled"),
        "热情": _T.translate("FlowTexts", "Warm"),
        "耐心": _T.translate("FlowTexts", "Patient"),
    }


def tag_label(tag: str, zh: bool) -> str:
    """A tag as the resident reads it: the Chinese tag itself, or its English name."""
    return tag if zh else _tag_names().get(tag, tag)


def title_labels(titles: tuple[str, ...] | list[str], zh: bool) -> dict[str, str]:
    names = {
        "先生": _T.translate("FlowTexts", "Mr."),
        "女士": _T.translate("FlowTexts", "Ms."),
        "阿姨": _T.translate("FlowTexts", "Auntie"),
        "叔叔": _T.translate("FlowTexts", "Uncle"),
        "大爷": _T.translate("FlowTexts", "Grandpa"),
        "奶奶": _T.translate("FlowTexts", "Grandma"),
    }
    return {t: t if zh else f"{t} {names.get(t, '')}".strip() for t in titles}


def step_label(route: str, steps: list[str]) -> str:
    """'Step 2 of 5 · ' for a question of the 点单 flow ('' when the route is not a step)."""
    if route not in steps:
        return ""
    text = _T.translate("FlowTexts", "Step %1 of %2")
    return text.replace("%1", str(steps.index(route) + 1)).replace("%2", str(len(steps))) + " · "
