"""The district's web console and the volunteers' phone page, through HTTP as a browser
speaks it (forms, cookies, redirects): sign-in and lockout, CSRF, roles, 派单 reaching
the station's feed, 接单 on the phone, the catalogue's picture checks, hostile text."""

from __future__ import annotations

import io
import re
import warnings

import pytest
from PIL import Image
from sqlalchemy import func, select

from central import keys
from central.cli import main as central_cli
from central.console import accounts
from central.console.models import AuditEntry, StaffAccount
from central.db import Database
from central.models import Gift, Order, Station
from tests.central.conftest import Api
from tests.central.factories import add_catalogue, add_volunteer, order_placed

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message=".*httpx2")
    from fastapi.testclient import TestClient

PASSWORD = "correct horse 1"


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "no CSRF field on the page"
    return found.group(1)


def _signed_in(client: TestClient, db: Database, role: str = "dispatcher", user: str = "li") -> str:
    accounts.add_account(db, user, PASSWORD, role=role)
    answer = client.post("/console/login", data={"username": user, "password": PASSWORD})
    assert answer.status_code == 200 and answer.url.path == "/console/orders", answer.text
    return _csrf(client.get("/console/orders").text)


def _status_changes(api: Api) -> list[dict]:
    return [c["data"] for c in api.all_changes()[0] if c["kind"] == "order_status"]


def test_pages_need_a_staff_sign_in_not_a_station_token(client: TestClient, api: Api) -> None:
    for page in ("orders", "catalogue", "stations", "volunteers", "exceptions", "figures"):
        answer = client.get(f"/console/{page}", headers=api.headers, follow_redirects=False)
        assert answer.status_code == 303
        assert answer.headers["location"].startswith("/console/login")


def test_five_wrong_passwords_lock_the_account_even_for_the_right_one(
    client: TestClient, db: Database
) -> None:
    accounts.add_account(db, "zhao", PASSWORD, role="admin")
    texts = [
        client.post("/console/login", data={"username": "zhao", "password": f"guess{i}"}).text
        for i in range(5)
    ]
    assert "还可以再试 4 次" in texts[0] and "还可以再试 1 次" in texts[3]
    assert "已锁定" in texts[4]
    locked = client.post("/console/login", data={"username": "zhao", "password": PASSWORD})
    assert locked.status_code == 401 and "已锁定" in locked.text
    assert client.get("/console/orders", follow_redirects=False).status_code == 303
    # An administrator's reset (CLI, password on stdin) unlocks it.
    accounts.set_password(db, "zhao", "a new password 2")
    again = client.post("/console/login", data={"username": "zhao", "password": "a new password 2"})
    assert again.url.path == "/console/orders"


def test_unknown_user_and_wrong_password_read_the_same(client: TestClient, db: Database) -> None:
    accounts.add_account(db, "qian", PASSWORD)
    unknown = client.post("/console/login", data={"username": "nobody", "password": "x"})
    assert unknown.status_code == 401 and "账号或密码不对" in unknown.text


def test_a_post_without_or_with_a_wrong_csrf_token_changes_nothing(
    client: TestClient, db: Database, api: Api
) -> None:
    add_catalogue(db)
    api.push(order_placed("o-1"))
    csrf = _signed_in(client, db, role="admin")
    for token in (None, "forged", csrf[:-1]):
        data = {"team": "党员服务队", **({"csrf": token} if token else {})}
        answer = client.post("/console/orders/o-1/assign", data=data)
        assert answer.status_code == 403 and "安全校验不通过" in answer.text
        added = client.post(
            "/console/stations", data={"name": "假站", **({"csrf": token} if token else {})}
        )
        assert added.status_code == 403
    with db.read() as s:
        assert s.get(Order, "o-1").status == "submitted"
        assert s.scalar(select(func.count()).select_from(Station)) == 1
    assert _status_changes(api) == []


def test_dispatch_reaches_the_station_and_is_audited(
    client: TestClient, db: Database, api: Api
) -> None:
    add_catalogue(db)
    add_volunteer(db, vid="V1", name="张晓明")
    api.push(order_placed("o-1", ticket_no="A-001"), order_placed("o-2", ticket_no="A-002"))
    csrf = _signed_in(client, db)
    queue = client.get("/console/orders").text
    assert queue.index("A-001") < queue.index("A-002")  # oldest first
    assert "138****1234" in queue and "13812341234" not in queue  # masked phone
    done = client.post("/console/orders/o-1/assign", data={"csrf": csrf, "volunteer_id": "V1"})
    assert done.url.path == "/console/orders" and "已保存" in done.text
    assert _status_changes(api)[-1] == {
        **_status_changes(api)[-1],
        "order_id": "o-1",
        "status": "assigned",
        "team": "党员服务队",
        "volunteer_name": "张*明",
    }
    no_reason = client.post("/console/orders/o-2/cancel", data={"csrf": csrf, "reason": " "})
    assert "请填写原因" in no_reason.text
    client.post("/console/orders/o-2/cancel", data={"csrf": csrf, "reason": "居民来电取消"})
    with db.read() as s:
        assert s.get(Order, "o-2").status == "cancelled"
        actions = [a.action for a in s.scalars(select(AuditEntry).order_by(AuditEntry.id))]
    assert "order.assign" in actions and "order.cancel" in actions


def test_a_viewer_can_look_but_not_dispatch(client: TestClient, db: Database, api: Api) -> None:
    add_catalogue(db)
    api.push(order_placed("o-1"))
    csrf = _signed_in(client, db, role="viewer")
    assert 'class="assign"' not in client.get("/console/orders").text
    answer = client.post("/console/orders/o-1/assign", data={"csrf": csrf, "team": "x"})
    assert answer.status_code == 403 and "没有这个权限" in answer.text
    with db.read() as s:
        assert s.get(Order, "o-1").status == "submitted"


def _phone_login(app_client: TestClient, db: Database, volunteer_id: str) -> str:
    code = keys.sign_volunteer_code(db, volunteer_id, ttl_s=600)
    page = app_client.post("/m/login", data={"code": code})
    assert page.url.path == "/m/orders", page.text
    return _csrf(page.text)


def test_a_volunteer_takes_an_order_on_the_phone_and_the_kiosk_sees_each_step(
    client: TestClient, db: Database, api: Api
) -> None:
    add_catalogue(db)
    add_volunteer(db, vid="V1", name="张晓明")
    add_volunteer(db, vid="V2", name="李红")
    api.push(order_placed("o-1", ticket_no="A-007"))
    csrf = _phone_login(client, db, "V1")
    page = client.get("/m/orders").text
    assert "A-007" in page and "13812341234" not in page  # not theirs yet: masked
    for step in ("accept", "start", "complete"):
        answer = client.post(f"/m/orders/o-1/{step}", data={"csrf": csrf})
        assert "已更新" in answer.text, answer.text
        if step == "accept":
            assert "13812341234" in answer.text  # taken: the number to call ahead
    assert [d["status"] for d in _status_changes(api)] == ["accepted", "in_service", "completed"]
    assert _status_changes(api)[-1]["volunteer_name"] == "张*明"


def test_a_second_volunteer_cannot_take_or_finish_someone_elses_order(
    db: Database, api: Api, client: TestClient
) -> None:
    add_catalogue(db)
    add_volunteer(db, vid="V1", name="张晓明")
    add_volunteer(db, vid="V2", name="李红")
    api.push(order_placed("o-1"))
    first = TestClient(client.app)
    second = TestClient(client.app)
    csrf1, csrf2 = _phone_login(first, db, "V1"), _phone_login(second, db, "V2")
    first.post("/m/orders/o-1/accept", data={"csrf": csrf1})
    taken = second.post("/m/orders/o-1/accept", data={"csrf": csrf2})
    assert "已被其他志愿者接走" in taken.text
    finish = second.post("/m/orders/o-1/start", data={"csrf": csrf2})
    assert "不是您接的" in finish.text
    with db.read() as s:
        assert s.get(Order, "o-1").status == "accepted"


@pytest.mark.parametrize(
    ("code", "message"),
    [("", "无效"), ("VK1.garbage.garbage", "无效"), ("' OR 1=1 --", "无效"), ("x" * 5000, "无效")],
)
def test_the_phone_page_refuses_bad_codes(
    client: TestClient, db: Database, code: str, message: str
) -> None:
    answer = client.post("/m/login", data={"code": code})
    assert answer.status_code in (401, 400) or message in answer.text
    assert client.get("/m/orders", follow_redirects=False).status_code == 303


def test_an_expired_or_revoked_code_does_not_sign_in(client: TestClient, db: Database) -> None:
    add_volunteer(db, vid="V1")
    expired = keys.sign_volunteer_code(db, "V1", ttl_s=-120)
    assert "已过期" in client.post("/m/login", data={"code": expired}).text
    from protocol import codes

    fresh = keys.sign_volunteer_code(db, "V1", ttl_s=600)
    with db.read() as s:
        code_id = codes.verify_code(fresh, keys.public_keys(s)).code_id
    from central import admin

    admin.revoke_code(db, code_id)
    assert "已作废" in client.post("/m/login", data={"code": fresh}).text


def _png(size: tuple[int, int] = (32, 32)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 40, 40)).save(out, "PNG")
    return out.getvalue()


def _gift_form(csrf: str, **over: str) -> dict[str, str]:
    return {
        "csrf": csrf,
        "sku": "G-DONATED",
        "name": "爱心捐赠：保温杯",
        "name_en": "Donated thermos",
        "points": "80",
        "per_volunteer_limit": "1",
        "active": "on",
        **over,
    }


def test_a_donated_gift_with_a_picture_reaches_the_stations(
    client: TestClient, db: Database, api: Api
) -> None:
    csrf = _signed_in(client, db)
    answer = client.post(
        "/console/catalogue/gift",
        data=_gift_form(csrf),
        files={"picture": ("cup.png", _png(), "image/png")},
    )
    assert "已保存" in answer.text
    gift = [c for c in api.all_changes()[0] if c["kind"] == "gift" and c["key"] == "G-DONATED"]
    assert gift and gift[0]["data"]["points"] == 80
    image = gift[0]["data"]["image"]
    assert image.startswith("media/") and client.get(f"/console/{image}").status_code == 200


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        (b"%PDF-1.4 not a picture", "不是 PNG 或 JPEG"),
        (b"\x89PNG\r\n\x1a\n" + b"\0" * 64, "不是 PNG 或 JPEG"),
        (_png() + b"\0" * 1_600_000, "图片太大"),
    ],
    ids=["pdf", "broken-png", "1.6MB"],
)
def test_a_picture_that_is_not_one_changes_nothing(
    client: TestClient, db: Database, payload: bytes, message: str
) -> None:
    csrf = _signed_in(client, db)
    answer = client.post(
        "/console/catalogue/gift",
        data=_gift_form(csrf),
        files={"picture": ("gift.png", payload, "image/png")},
    )
    assert message in answer.text
    with db.read() as s:
        assert s.get(Gift, "G-DONATED") is None


def test_a_50_mb_upload_gets_a_page_not_a_crash(client: TestClient, db: Database) -> None:
    csrf = _signed_in(client, db)
    answer = client.post(
        "/console/catalogue/gift",
        data=_gift_form(csrf),
        files={"picture": ("huge.png", b"\0" * (50 * 1024 * 1024), "image/png")},
    )
    assert answer.status_code == 413 and "太大" in answer.text
    assert answer.headers["content-type"].startswith("text/html")
    with db.read() as s:
        assert s.get(Gift, "G-DONATED") is None


HOSTILE = ["<script>alert('x')</script>", "'; DROP TABLE gifts; --", '" onmouseover="x', "𠀀𪚥"]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_is_stored_as_text_and_shown_escaped(
    client: TestClient, db: Database, text: str
) -> None:
    csrf = _signed_in(client, db, role="admin")
    client.post("/console/catalogue/gift", data=_gift_form(csrf, name=text[:80]))
    page = client.get("/console/catalogue").text
    assert "<script>alert" not in page and 'onmouseover="x' not in page
    with db.read() as s:
        assert s.get(Gift, "G-DONATED").name == text[:80]
    search = client.get("/console/volunteers", params={"q": text})
    assert search.status_code == 200 and "<script>alert" not in search.text
    added = client.post("/console/stations", data={"csrf": csrf, "name": text})
    assert "<script>alert" not in added.text
    reason = client.post("/console/orders/none/cancel", data={"csrf": csrf, "reason": text})
    assert reason.status_code == 200 and "<script>alert" not in reason.text


def test_the_error_banner_shows_only_known_messages(client: TestClient, db: Database) -> None:
    _signed_in(client, db)
    page = client.get("/console/orders", params={"err": "请拨打 400-123 领取补贴"}).text
    assert "400-123" not in page and "请刷新后重试" in page


def test_a_station_token_is_shown_once_and_works(client: TestClient, db: Database) -> None:
    csrf = _signed_in(client, db, role="admin")
    page = client.post("/console/stations", data={"csrf": csrf, "name": "桃园社区站", "id": "ST-T"})
    token = re.search(r'id="token">([^<]+)<', page.text).group(1)
    assert "只显示这一次" in page.text
    assert token not in client.get("/console/stations").text
    headers = {"X-Station-Id": "ST-T", "Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/changes", headers=headers).status_code == 200


def test_figures_count_what_happened(client: TestClient, db: Database, api: Api) -> None:
    add_catalogue(db)
    api.push(order_placed("o-1"), order_placed("o-2"))
    _signed_in(client, db, role="viewer")
    page = client.get("/console/figures").text
    assert "<svg" in page and "待派单" in page
    assert client.get("/console/figures?lang=en").text.count("Orders per month") >= 1


def test_the_cli_dispatches_by_ticket_number(db: Database, api: Api, capsys) -> None:  # type: ignore[no-untyped-def]
    add_catalogue(db)
    api.push(order_placed("o-1", ticket_no="A-042"))
    assert central_cli(["--db", db.url, "order", "assign", "A-042", "--team", "党员服务队"]) == 0
    assert "A-042: assigned" in capsys.readouterr().out
    assert _status_changes(api)[-1]["status"] == "assigned"


def test_console_accounts_from_the_cli(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("long enough pw\n"))
    assert central_cli(["--db", db.url, "console", "user", "add", "sun", "--role", "admin"]) == 0
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    assert central_cli(["--db", db.url, "console", "user", "add", "zhou"]) == 1
    with db.read() as s:
        assert s.get(StaffAccount, "sun").role == "admin"
        assert s.get(StaffAccount, "zhou") is None


def _balance(db: Database, vid: str = "V1") -> int:
    from central.models import Volunteer

    with db.read() as s:
        return s.get(Volunteer, vid).balance


def test_a_redemption_exception_is_debited_or_waived_from_the_console_and_audited(
    client: TestClient, db: Database, api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    from central.models import RedemptionException
    from tests.central.factories import redemption_made

    add_volunteer(db, vid="V1", balance=100)
    add_volunteer(db, vid="V2", name="李红", balance=100)
    # Offline redemptions without a code: central records them and opens exceptions.
    api.push(redemption_made("r-1", "V1", points=30), redemption_made("r-2", "V2", points=20))
    with db.read() as s:
        first, second = (e.id for e in s.scalars(select(RedemptionException).order_by("id")))
    viewer = TestClient(client.app)
    csrf_viewer = _signed_in(viewer, db, role="viewer", user="kan")
    page = viewer.get("/console/exceptions").text
    assert "兑换未扣分" in page and "没有志愿者码" in page and "30 积分" in page
    assert "扣除 30 积分" not in page  # a viewer gets no buttons …
    refused = viewer.post(
        f"/console/exceptions/redemption/{first}/resolve",
        data={"csrf": csrf_viewer, "resolution": "debit", "note": "x"},
    )
    assert refused.status_code == 403  # … and no way round them
    csrf = _signed_in(client, db)
    assert "扣除 30 积分" in client.get("/console/exceptions").text
    url = f"/console/exceptions/redemption/{first}/resolve"
    # Bad input changes nothing: no note, an unknown resolution, no CSRF, a wrong id.
    for data, message in (
        ({"csrf": csrf, "resolution": "debit", "note": "  "}, "请填写原因"),
        ({"csrf": csrf, "resolution": "refund", "note": "x"}, "请选择扣分或免除"),
        ({"resolution": "debit", "note": "x"}, "安全校验不通过"),
    ):
        assert message in client.post(url, data=data).text
    assert (
        "找不到"
        in client.post(
            "/console/exceptions/redemption/999/resolve",
            data={"csrf": csrf, "resolution": "debit", "note": "x"},
        ).text
    )
    assert _balance(db, "V1") == 100 and "扣除 30 积分" in client.get("/console/exceptions").text
    # Debit: the volunteer is charged, the station hears it, the audit names who and why.
    done = client.post(url, data={"csrf": csrf, "resolution": "debit", "note": "纸质登记已签字"})
    assert "已保存" in done.text and "扣除 30 积分" not in done.text
    assert _balance(db, "V1") == 70
    again = client.post(url, data={"csrf": csrf, "resolution": "waive", "note": "again"})
    assert "已经处理过了" in again.text and _balance(db, "V1") == 70
    feed = [c["data"] for c in api.all_changes()[0] if c["kind"] == "exception"]
    assert {"id": first, "status": "resolved", "resolution": "debit"}.items() <= feed[-1].items()
    # The CLI resolves the other through the same function, and is audited as well.
    monkeypatch.setenv("USER", "wang")
    monkeypatch.setenv("LOGNAME", "wang")
    argv = ["--db", db.url, "exceptions", "resolve", str(second), "waive", "--note", "旧账"]
    assert central_cli(argv) == 0
    assert _balance(db, "V2") == 100
    with db.read() as s:
        trail = [
            (a.actor, a.target, a.detail["resolution"], a.detail["note"])
            for a in s.scalars(select(AuditEntry).where(AuditEntry.action == "exception.resolve"))
        ]
    assert trail == [
        ("li", f"redemption:{first}", "debit", "纸质登记已签字"),
        ("cli:wang", f"redemption:{second}", "waive", "旧账"),
    ]
    assert "没有未处理的异常" in client.get("/console/exceptions").text
    resolved = client.get("/console/exceptions?all=1&lang=en").text
    assert "Debited" in resolved and "Waived" in resolved and "旧账" in resolved


def test_which_stations_carry_a_gift_each_station_hears_its_own_answer(
    client: TestClient, db: Database, api: Api, api_b: Api
) -> None:
    add_catalogue(db)

    def carried(station_api: Api) -> dict[str, bool]:
        changes = station_api.all_changes()[0]
        return {c["key"]: c["data"]["carried"] for c in changes if c["kind"] == "gift_carried"}

    viewer = TestClient(client.app)
    csrf_viewer = _signed_in(viewer, db, role="viewer", user="kan")
    url = "/console/catalogue/gift/G-EGG/stations"
    assert viewer.post(url, data={"csrf": csrf_viewer, "station": "ST-B"}).status_code == 403
    csrf = _signed_in(client, db)
    page = client.get("/console/catalogue").text
    assert "都不勾 = 所有站点都有" in page and 'value="ST-B"' in page
    # Bad input changes nothing: no CSRF, a station that does not exist.
    assert "安全校验不通过" in client.post(url, data={"station": "ST-B"}).text
    bad = client.post(url, data={"csrf": csrf, "station": ["ST-B", "ST-NOPE"]})
    assert "没有这个站点" in bad.text
    assert (
        "没有这个礼品"
        in client.post(
            "/console/catalogue/gift/NOPE/stations", data={"csrf": csrf, "station": "ST-B"}
        ).text
    )
    assert carried(api) == {} and carried(api_b) == {}
    done = client.post(url, data={"csrf": csrf, "station": "ST-B"})
    assert "已保存" in done.text and "只在勾选的 1 个站点上架" in done.text
    # Only the station whose answer changed hears of it (no row = carried).
    assert carried(api) == {"G-EGG": False} and carried(api_b) == {}
    with db.read() as s:
        assert s.get(Gift, "G-EGG").stations == ["ST-B"]
        trail = s.scalars(select(AuditEntry).where(AuditEntry.action == "gift.stations")).all()
        assert [(a.actor, a.target, a.detail) for a in trail] == [
            ("li", "G-EGG", {"stations": ["ST-B"]})
        ]
    client.post(url, data={"csrf": csrf})  # none ticked: every station
    assert carried(api) == {"G-EGG": True} and carried(api_b) == {}
    assert "Every station" not in client.get("/console/catalogue?lang=en").text  # a form
    assert "None ticked = every station" in client.get("/console/catalogue?lang=en").text


def test_the_stations_page_shows_what_each_station_last_reported(
    client: TestClient, db: Database, api: Api, api_b: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    from central import admin as central_admin

    _signed_in(client, db, role="viewer")

    def row(station_id: str, lang: str = "zh") -> str:
        page = client.get(f"/console/stations?lang={lang}").text
        found = re.search(rf'<tr id="station-{station_id}">(.*?)</tr>', page, re.S)
        assert found, page
        return found.group(1)

    assert "未上报" in row("ST-A") and "从未同步" in row("ST-A")
    answer = api.get("/changes", params={"backlog": "3", "printer": "paper_out"})
    assert answer.status_code == 200
    assert "3 条" in row("ST-A") and "缺纸" in row("ST-A") and "从未同步" not in row("ST-A")
    assert "Out of paper" in row("ST-A", "en") and "3 events" in row("ST-A", "en")
    assert "未上报" in row("ST-B")  # one station's report is its own
    # A report outside the protocol's bounds is ignored; the pull is still answered.
    monkeypatch.setattr(central_admin, "REPORT_REFRESH_S", 0)
    for params in (
        {"backlog": "-1", "printer": "ok"},
        {"backlog": "abc"},
        {"backlog": "99999999"},
        {"backlog": "１２"},  # full-width digits
        {"printer": "<script>alert(1)</script>"},
        {"printer": "on fire"},
        {"backlog": "0", "printer": "OK"},
    ):
        assert api.get("/changes", params=params).status_code == 200, params
        assert "3 条" in row("ST-A") and "缺纸" in row("ST-A"), params
    assert "<script>alert(1)" not in client.get("/console/stations").text
    api.get("/changes", params={"backlog": "0", "printer": "ok"})
    assert "0 条" in row("ST-A") and "正常" in row("ST-A")
    # A pull without a report (an older kiosk) leaves the last one standing.
    api.get("/changes")
    assert "0 条" in row("ST-A")


def test_card_and_pin_on_the_phone_page_with_the_kiosks_lockout(
    client: TestClient, db: Database, api: Api
) -> None:
    from central import admin as central_admin
    from central.models import CardLock, Volunteer
    from central.seed import hash_pin

    add_catalogue(db)
    add_volunteer(db, vid="V1", name="张晓明")
    with db.write() as s:
        volunteer = s.get(Volunteer, "V1")
        volunteer.card_no, volunteer.pin_hash = "88001234", hash_pin("2468", n=2**4)
    api.push(order_placed("o-1", ticket_no="A-009"))
    page = client.get("/m/login").text
    assert "或用志愿者卡 + 密码登录" in page
    english = TestClient(client.app).get("/m/login?lang=en").text
    assert "Or sign in with your card + PIN" in english
    # Wrong PINs, an unknown card and junk all read the same and open no session.
    for card, pin in (("88001234", "1111"), ("99999999", "2468"), ("88001234", "<b>"), ("", "")):
        answer = client.post("/m/login", data={"card": card, "pin": pin})
        assert answer.status_code == 401 and "卡号或密码不对" in answer.text, (card, pin)
        assert client.get("/m/orders", follow_redirects=False).status_code == 303
    ok = client.post("/m/login", data={"card": " 88001234 ", "pin": "2468"})
    assert ok.url.path == "/m/orders" and "A-009" in ok.text
    csrf = _csrf(ok.text)
    assert "已更新" in client.post("/m/orders/o-1/accept", data={"csrf": csrf}).text
    client.post("/m/logout", data={"csrf": csrf})
    # Five wrong PINs in a row lock the card, here and at the kiosks (one lock per card).
    other = TestClient(client.app)
    texts = [
        other.post("/m/login", data={"card": "88001234", "pin": f"00{i}"}).text for i in range(5)
    ]
    assert "已锁定" in texts[-1] and "15 分钟" in texts[-1]
    locked = other.post("/m/login", data={"card": "88001234", "pin": "2468"})
    assert locked.status_code == 401 and "已锁定" in locked.text
    assert other.get("/m/orders", follow_redirects=False).status_code == 303
    central_admin.update_settings(db, "ST-A", card_pin_enabled=True)
    kiosk = api.post("/cards/verify", json={"card": "88001234", "pin": "2468"})
    assert kiosk.status_code == 403 and kiosk.json()["reason"] == "card_locked"
    with db.read() as s:
        assert s.get(CardLock, "88001234").locked_until is not None
