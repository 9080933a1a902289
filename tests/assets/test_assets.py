"""The bundled assets: font coverage (checked with Qt only), demo data schema, icons, gifts.

fontTools builds the font but is not a runtime dependency, so coverage is checked the way
the kiosk will use the font: through Qt's QRawFont.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PIL import Image
from PySide6.QtGui import QFontDatabase, QRawFont
from PySide6.QtSvg import QSvgRenderer

ASSETS = Path(__file__).resolve().parents[2] / "assets"
FONTS = ASSETS / "fonts"
FONT_FILES = [FONTS / "NotoSansSC-Regular.otf", FONTS / "NotoSansSC-Bold.otf"]
FAMILY = "Noto Sans SC Kiosk"
DEMO = ASSETS / "demo" / "demo.json"
ICONS = ASSETS / "icons"
GIFTS = ASSETS / "gifts"

STAR_HOURS = (100, 300, 600, 1000, 1500)  # national rule: 1..5 stars
UI_SYMBOLS = "，。、；：？！“”‘’（）《》【】…—·￥★☆✓✗×→←↑↓●○■□▲▼☎℃№①②③④⑤⑥⑦⑧⑨⑩─━│┃"
REQUIRED_ICONS = [
    "order", "redeem", "track",
    "online", "offline", "printer", "printer-off", "sync", "star", "star-empty",
    "back", "home", "check", "warning", "scan", "lock",
]  # fmt: skip
REQUIRED_SERVICES = [
    "家电维修", "血压血糖测量", "法律咨询", "代购代缴", "理发", "磨剪刀",
    "心理疏导", "助老陪伴", "反诈宣传", "手语教学",
]  # fmt: skip
REQUIRED_GIFTS = [
    "鸡蛋", "洗洁精", "景区门票", "购物折扣券", "文创", "家政服务", "大米", "食用油", "毛巾", "牙膏"
]  # fmt: skip
NOTE_TAGS = ["行动不便", "听力不好", "需要上门", "视力不好", "独居老人", "需要回电"]
RATING_TAGS = ["准时", "专业", "热情", "耐心"]
GIFT_CATEGORIES = {"daily", "food", "ticket", "coupon", "culture", "service"}

# The schema of demo.json: key -> type, exactly (no missing and no extra keys).
NUMBER = (int, float)
STATION = {
    "id": str, "name": str, "name_en": str, "ticket_prefix": str, "timezone": str,
    "communities": list,
}  # fmt: skip
COMMUNITY = {"community": str, "buildings": list}
BUILDING = {"building": str, "units": int}
SERVICE_CATEGORY = {"code": str, "name": str, "name_en": str, "icon": str, "sort": int}
SERVICE = {
    "code": str, "category": str, "name": str, "name_en": str, "description": str,
    "description_en": str, "home_visit": bool,
}  # fmt: skip
GIFT = {
    "sku": str, "barcode": str, "name": str, "name_en": str, "category": str, "points": int,
    "per_volunteer_limit": int, "stock": int, "low_stock_at": int, "image": str,
}  # fmt: skip
GIFT_CATEGORY = {"code": str, "name": str, "name_en": str}
VOLUNTEER = {
    "id": str, "name": str, "card_no": str, "pin": str, "total_hours": NUMBER, "balance": int,
    "team": str,
}  # fmt: skip
STAFF = {"id": str, "name": str, "role": str, "pin": str}
TOP = {
    "station": dict, "service_categories": list, "services": list, "gifts": list,
    "gift_categories": list, "volunteers": list, "teams": list, "staff": list,
    "note_tags": list, "rating_tags": list,
}  # fmt: skip


def gb2312_chars() -> list[str]:
    chars = []
    for hi in range(0xA1, 0xF8):
        for lo in range(0xA1, 0xFF):
            try:
                chars.append(bytes((hi, lo)).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return chars


def star_level(hours: float) -> int:
    return sum(hours >= threshold for threshold in STAR_HOURS)


def ean13_ok(code: str) -> bool:
    if not re.fullmatch(r"\d{13}", code):
        return False
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(code[:12]))
    return (10 - total % 10) % 10 == int(code[12])


def check_record(record: object, schema: dict, where: str) -> None:
    assert isinstance(record, dict), f"{where}: not an object"
    assert set(record) == set(schema), f"{where}: keys {sorted(record)} != {sorted(schema)}"
    for key, kind in schema.items():
        value = record[key]
        assert isinstance(value, kind) and not (isinstance(value, bool) and kind is not bool), (
            f"{where}.{key}: {value!r} is not {kind}"
        )
        if isinstance(value, str):
            assert value.strip(), f"{where}.{key} is empty"


def is_english(text: str) -> bool:
    return text.isascii() and re.search(r"[A-Za-z]{2}", text) is not None


@pytest.fixture(scope="module")
def demo() -> dict:
    return json.loads(DEMO.read_text(encoding="utf-8"))


# --- font ------------------------------------------------------------------------------------


@pytest.fixture(scope="module", params=FONT_FILES, ids=lambda p: p.stem)
def raw_font(request, qapp) -> QRawFont:
    font = QRawFont(str(request.param), 20)
    assert font.isValid(), request.param
    return font


def test_font_files_and_licence_are_bundled():
    for path in FONT_FILES:
        # all of CJK Unified Ideographs + Extension A + plane 2 as Noto has them: ~9 MB each
        assert path.stat().st_size <= 10_000_000, f"{path.name} is over 10 MB"
    assert "SIL OPEN FONT LICENSE Version 1.1" in (FONTS / "OFL.txt").read_text(encoding="utf-8")
    assert (FONTS / "README.md").is_file()


def test_qt_registers_the_kiosk_family(qapp):
    ids = [QFontDatabase.addApplicationFont(str(path)) for path in FONT_FILES]
    try:
        assert all(font_id >= 0 for font_id in ids)
        for font_id in ids:
            assert QFontDatabase.applicationFontFamilies(font_id) == [FAMILY]
        assert {"Regular", "Bold"} <= set(QFontDatabase.styles(FAMILY))
    finally:
        for font_id in ids:
            QFontDatabase.removeApplicationFont(font_id)


def test_raw_font_family_name(raw_font):
    assert raw_font.familyName() == FAMILY


# Note: pass code points (ord), not str: PySide6 6.10's supportsCharacter(str) overload
# wrongly answers False for many characters the font has (e.g. "一", "★").


def test_font_covers_all_of_gb2312(raw_font):
    chars = gb2312_chars()
    assert len(chars) == 7445
    missing = [c for c in chars if not raw_font.supportsCharacter(ord(c))]
    assert missing == []


RARE_NAME_CHARS = "喆堃昇玥璟垚赟镕燊䶮"  # in residents' given names, all outside GB2312


def test_font_draws_every_name(raw_font):
    """All of CJK Unified Ideographs that the source font has (20,976 of 20,992: it lacks
    only the last few code points added in Unicode 13-14), all of Extension A, and the rare
    name characters that showed as boxes."""
    basic = [c for c in range(0x4E00, 0xA000) if raw_font.supportsCharacter(c)]
    ext_a = [c for c in range(0x3400, 0x4DC0) if raw_font.supportsCharacter(c)]
    assert len(basic) >= 20_976 and len(ext_a) >= 6_582
    assert [c for c in RARE_NAME_CHARS if not raw_font.supportsCharacter(ord(c))] == []


def test_font_covers_ascii_latin1_and_ui_symbols(raw_font):
    wanted = [chr(c) for c in range(0x20, 0x7F)] + [chr(c) for c in range(0xA1, 0x100)]
    missing = [c for c in wanted + list(UI_SYMBOLS) if not raw_font.supportsCharacter(ord(c))]
    assert missing == []


def test_font_covers_every_character_of_the_demo_data(raw_font):
    text = DEMO.read_text(encoding="utf-8")
    used = {c for c in text if not c.isspace()}
    missing = sorted(c for c in used if not raw_font.supportsCharacter(ord(c)))
    assert missing == []


# --- demo data -------------------------------------------------------------------------------


def test_demo_top_level_and_station(demo):
    check_record(demo, TOP, "demo")
    station = demo["station"]
    check_record(station, STATION, "station")
    assert station["id"] == "ST-DEMO-01"
    assert station["timezone"] == "Asia/Shanghai"
    assert "新时代文明实践站" in station["name"] and is_english(station["name_en"])
    assert station["communities"]
    for i, community in enumerate(station["communities"]):
        check_record(community, COMMUNITY, f"communities[{i}]")
        assert community["buildings"]
        for j, building in enumerate(community["buildings"]):
            check_record(building, BUILDING, f"communities[{i}].buildings[{j}]")
            assert building["units"] >= 1


def test_service_categories_and_services(demo):
    categories = demo["service_categories"]
    assert len(categories) >= 8
    for i, category in enumerate(categories):
        check_record(category, SERVICE_CATEGORY, f"service_categories[{i}]")
        assert is_english(category["name_en"])
        assert (ICONS / category["icon"]).is_file(), category["icon"]
    codes = [c["code"] for c in categories]
    assert len(set(codes)) == len(codes)
    assert len({c["sort"] for c in categories}) == len(categories)

    services = demo["services"]
    assert len(services) >= 30
    for i, service in enumerate(services):
        check_record(service, SERVICE, f"services[{i}]")
        assert service["category"] in codes, service["code"]
        assert is_english(service["name_en"]) and is_english(service["description_en"])
    service_codes = [s["code"] for s in services]
    assert len(set(service_codes)) == len(service_codes)
    assert {s["home_visit"] for s in services} == {True, False}
    names = {s["name"] for s in services} | {c["name"] for c in categories}
    assert [n for n in REQUIRED_SERVICES if n not in names] == []
    assert all(any(s["category"] == code for s in services) for code in codes)


def test_gifts(demo):
    gift_categories = demo["gift_categories"]
    for i, category in enumerate(gift_categories):
        check_record(category, GIFT_CATEGORY, f"gift_categories[{i}]")
        assert is_english(category["name_en"])
    assert {c["code"] for c in gift_categories} == GIFT_CATEGORIES

    gifts = demo["gifts"]
    assert len(gifts) >= 20
    for i, gift in enumerate(gifts):
        check_record(gift, GIFT, f"gifts[{i}]")
        assert gift["category"] in GIFT_CATEGORIES, gift["sku"]
        assert ean13_ok(gift["barcode"]), gift["barcode"]
        assert is_english(gift["name_en"])
        assert gift["points"] > 0 and gift["stock"] >= 0
        assert gift["per_volunteer_limit"] >= 0 and gift["low_stock_at"] >= 0
        assert (GIFTS / gift["image"]).is_file(), gift["image"]
    for key in ("sku", "barcode", "image"):
        values = [g[key] for g in gifts]
        assert len(set(values)) == len(values), f"duplicate gift {key}"
    assert any(g["stock"] == 0 for g in gifts), "no out-of-stock gift"
    assert any(0 < g["stock"] < g["low_stock_at"] for g in gifts), "no low-stock gift"
    names = " ".join(g["name"] for g in gifts)
    assert [n for n in REQUIRED_GIFTS if n not in names] == []
    assert {g["category"] for g in gifts} == GIFT_CATEGORIES


def test_ean13_check_digit_helper():
    assert ean13_ok("6901234567892")
    assert not ean13_ok("6901234567891")
    assert not ean13_ok("690123456789")


def test_volunteers_teams_staff_and_tags(demo):
    teams = demo["teams"]
    assert teams and all(isinstance(t, str) and t.endswith("志愿服务队") for t in teams)
    volunteers = demo["volunteers"]
    assert len(volunteers) >= 50
    for i, volunteer in enumerate(volunteers):
        check_record(volunteer, VOLUNTEER, f"volunteers[{i}]")
        assert re.fullmatch(r"V\d{4}", volunteer["id"])
        assert re.fullmatch(r"\d{11}", volunteer["card_no"])
        assert re.fullmatch(r"\d{4}", volunteer["pin"])
        assert 0 <= volunteer["balance"] <= 2000
        assert volunteer["total_hours"] >= 0
        assert volunteer["team"] in teams
    for key in ("id", "card_no", "name"):
        values = [v[key] for v in volunteers]
        assert len(set(values)) == len(values), f"duplicate volunteer {key}"
    lengths = {len(v["name"]) for v in volunteers}
    assert 2 in lengths and 4 in lengths  # two-character and compound-surname names

    staff = demo["staff"]
    for i, member in enumerate(staff):
        check_record(member, STAFF, f"staff[{i}]")
        assert re.fullmatch(r"\d{6}", member["pin"])
    assert {m["role"] for m in staff} == {"technician", "staff"}
    assert demo["note_tags"] == NOTE_TAGS
    assert demo["rating_tags"] == RATING_TAGS


def test_volunteer_star_levels_cover_zero_to_five(demo):
    levels = {star_level(v["total_hours"]) for v in demo["volunteers"]}
    assert levels == {0, 1, 2, 3, 4, 5}
    assert star_level(99.5) == 0 and star_level(100) == 1 and star_level(1500) == 5


# --- icons and pictures ----------------------------------------------------------------------


def test_icons_load_in_qt(qapp, demo):
    names = REQUIRED_ICONS + [Path(c["icon"]).stem for c in demo["service_categories"]]
    for name in names:
        assert (ICONS / f"{name}.svg").is_file(), name
    for path in sorted(ICONS.glob("*.svg")):
        renderer = QSvgRenderer(str(path))
        assert renderer.isValid(), path.name
        assert renderer.viewBoxF().width() == 64 and renderer.viewBoxF().height() == 64


def test_gift_pictures_are_small_palette_pngs(demo):
    for gift in demo["gifts"]:
        path = GIFTS / gift["image"]
        assert path.stat().st_size < 20_000, path.name
        with Image.open(path) as image:
            assert image.format == "PNG" and image.mode == "P", path.name
            assert image.size == (200, 200), path.name
