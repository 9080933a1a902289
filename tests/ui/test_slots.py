"""Time slots that have passed are not offered, and one that passes on the screen is refused.

The station is in Asia/Shanghai (UTC+8): 07:09 UTC is 15:09 there.
"""

from __future__ import annotations

from datetime import datetime

import pytest

from kiosk.errors import ValidationError
from kiosk.orders import OrderDraft, open_slots, place_order
from tests.ui.flow_helpers import banner_text, click, keys, wait_route
from tests.ui.test_order_flow import _to_phone

AFTERNOON = datetime(2026, 12, 7, 7, 9)  # 15:09 at the station
EVENING = datetime(2026, 12, 7, 10, 1)  # 18:01


def test_open_slots_follow_the_station_clock() -> None:
    zone = "Asia/Shanghai"
    assert open_slots(datetime(2026, 12, 7, 1, 0), zone)[:3] == ("asap", "today_am", "today_pm")
    assert open_slots(AFTERNOON, zone) == ("asap", "today_pm", "tomorrow_am", "tomorrow_pm")
    assert open_slots(EVENING, zone) == ("asap", "tomorrow_am", "tomorrow_pm")


def test_a_passed_slot_is_refused_by_the_domain(demo_store, config) -> None:  # type: ignore[no-untyped-def]
    draft = OrderDraft(
        "repair-tv", "王阿姨", "13912345678", "today_am", address="梅园小区3号楼2单元502室"
    )
    with demo_store.begin() as s, pytest.raises(ValidationError) as err:
        place_order(s, draft, config, now=AFTERNOON)
    assert err.value.key == "order.slot_passed"


def test_the_slot_screen_greys_passed_slots_and_refuses_one_that_ends(qtbot, kiosk) -> None:  # type: ignore[no-untyped-def]
    kiosk.now = lambda: AFTERNOON
    _to_phone(qtbot, kiosk)
    keys(qtbot, kiosk, "13812345678")
    click(qtbot, kiosk, "nextButton")
    wait_route(qtbot, kiosk, "order.name")
    click(qtbot, kiosk, "pick_张")
    click(qtbot, kiosk, "chip_阿姨")
    click(qtbot, kiosk, "nextButton")
    wait_route(qtbot, kiosk, "order.address")
    click(qtbot, kiosk, "community_0")
    click(qtbot, kiosk, "building_3号楼")
    click(qtbot, kiosk, "unit_2")
    keys(qtbot, kiosk, "502")
    click(qtbot, kiosk, "nextButton")
    wait_route(qtbot, kiosk, "order.slot")
    chips = kiosk.nav.current.slots.buttons
    assert not chips["today_am"].isEnabled()  # 今天上午 at 15:09: greyed
    assert chips["today_pm"].isEnabled()
    click(qtbot, kiosk, "chip_today_pm")
    kiosk.now = lambda: EVENING  # the resident reads on; the afternoon ends
    click(qtbot, kiosk, "nextButton")
    assert kiosk.nav.route == "order.slot"
    assert banner_text(kiosk) == kiosk.msg("order.slot_passed")
    assert not chips["today_pm"].isEnabled() and not chips["today_pm"].isChecked()
    click(qtbot, kiosk, "chip_tomorrow_am")
    click(qtbot, kiosk, "nextButton")
    wait_route(qtbot, kiosk, "order.confirm")
