"""Every template, at both widths, in every mode: decodes cleanly, fits the paper, and its
QR code scans back to exactly the payload the kiosk's scanner screens expect."""

from __future__ import annotations

import pytest
import zxingcpp

from kiosk import orders, receipts
from kiosk.config import Config
from kiosk.store.db import Store
from printer.escpos_render import render
from printer.plaintext import render_text
from printer.preview import render_image
from printer.profiles import Profile
from printer.raster import Fonts
from printer.width import text_width

from . import samples
from .escpos_decoder import decode, ink_width


@pytest.fixture
def made(demo_store: Store, config: Config) -> samples.Samples:
    return samples.make(demo_store, config)


def scan(images: list) -> list[str]:  # type: ignore[type-arg]
    found = []
    for img in images:
        found += [
            r.text
            for r in zxingcpp.read_barcodes(img.convert("L"))
            if r.format == zxingcpp.BarcodeFormat.QRCode
        ]
    return found


def expected_qr(made: samples.Samples) -> dict[str, str | None]:
    return {
        "order_ticket": orders.order_qr_payload(made.order),
        "redemption": receipts.pickup_qr(made.redemption),
        "restock": None,
        "day_report": None,
    }


def test_every_template_fits_and_scans(
    made: samples.Samples, profile: Profile, fonts: Fonts
) -> None:
    for name, doc in made.documents.items():
        data = render(doc, profile, fonts)
        decoded = decode(data, profile.codepage)
        assert decoded.inits == 1 and decoded.cuts == 1, name
        for line in decoded.lines:
            assert line.columns <= profile.columns, (name, line.text)
        for img in decoded.images:
            assert img.size[0] <= profile.dots and ink_width(img) <= profile.dots, name
        want = expected_qr(made)[name]
        if want is None:
            assert not decoded.qr_payloads and not scan(decoded.images), name
        elif profile.native_qr:
            assert decoded.qr_payloads == [want.encode("utf-8")] and decoded.qr_printed == 1
        else:
            assert decoded.qr_payloads == [] and scan(decoded.images) == [want], name


def test_previews_scan_too(made: samples.Samples, fonts: Fonts) -> None:
    from printer.profiles import make_profile

    for mm in (58, 80):
        img = render_image(made.documents["redemption"], make_profile(mm), fonts)
        assert img.size[0] == {58: 384, 80: 576}[mm]
        assert scan([img]) == [receipts.pickup_qr(made.redemption)]


def test_order_ticket_says_what_a_resident_needs(made: samples.Samples) -> None:
    from printer.profiles import make_profile

    native = make_profile(58, "native")
    text = decode(render(made.documents["order_ticket"], native)).text
    order = made.order
    assert order.ticket_no in text and "138****1234" in text and "13812341234" not in text
    assert order.service.name in text and "今天下午" in text and "评价" in text
    big = [
        ln
        for ln in decode(render(made.documents["order_ticket"], native)).lines
        if ln.text.strip() == order.ticket_no
    ]
    assert big and big[0].double_width and big[0].double_height


def test_redemption_receipt_items_points_and_pickup(made: samples.Samples) -> None:
    from printer.profiles import make_profile

    text = render_text(made.documents["redemption"], make_profile(80))
    red = made.redemption
    assert red.pickup_code in text and "凭此小票领取" in text
    assert f"{red.total_points} 分" in text and f"{red.balance_after} 分" in text
    for line in red.lines:
        assert f"{line.name} ×{line.qty}" in text
    assert red.volunteer.masked_name in text


def test_day_report_has_the_station_figures(made: samples.Samples) -> None:
    from printer.profiles import make_profile

    text = render_text(made.documents["day_report"], make_profile(58))
    labels = ("活动主题", "服务地点", "参与人数", "服务内容", "服务人数", "兑换积分", "礼品库存")
    for label in labels:
        assert label in text
    assert all(text_width(line) <= 32 for line in text.splitlines())
