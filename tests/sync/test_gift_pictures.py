"""A gift picture uploaded in the console reaching a kiosk's shelf: fetched with the station
token after a pull, checked (size, hash = name, decodes) before it is kept, and shown by
the gift tile. A real central on 127.0.0.1 and a real kiosk store."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from central.console import actions
from central.console.web import media_dir_for
from central.embedded import start_embedded
from kiosk import gift_pictures
from kiosk.views import redemption as redemption_view
from tests.central.factories import local_http
from tests.sync.centralkit import BALANCES, make_kiosk, seed_catalogue

ADMIN = actions.Actor("wang", "admin")


def _png(colour: str, size: int = 64) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (size, size), colour).save(out, "PNG")
    return out.getvalue()


def _upload(db, media: Path, sku: str, picture: bytes) -> str:  # type: ignore[no-untyped-def]
    actions.save_gift(
        db,
        ADMIN,
        media,
        sku=sku,
        name="爱心捐赠",
        name_en="Donated",
        points=10,
        per_volunteer_limit=0,
        active=True,
        picture=picture,
    )
    from central.models import Gift

    with db.read() as s:
        return s.get(Gift, sku).image


def test_an_uploaded_picture_reaches_the_shelf_and_a_bad_one_never_does(
    tmp_path: Path,
    qtbot,  # type: ignore[no-untyped-def]
) -> None:
    from ui.screens._gift_tile import gift_picture

    server = start_embedded(tmp_path / "central.db")
    seed_catalogue(server.db, BALANCES)
    media = media_dir_for(server.db.url)
    host, port = server.url.removeprefix("http://").split(":")
    kiosk = make_kiosk(tmp_path / "k1", server.url, (host, int(port)), server.db, via_proxy=False)
    kiosk.engine.data_dir = kiosk.config.data_dir
    http = local_http()
    try:
        good = _upload(server.db, media, "G-RED", _png("red"))
        tampered = _upload(server.db, media, "G-BLUE", _png("blue"))
        huge = _upload(server.db, media, "G-BIG", _png("green"))
        # On central's disk, one picture is swapped and one grows past the limit.
        (media / Path(tampered).name).write_bytes(_png("black"))
        (media / Path(huge).name).write_bytes(b"\x89PNG" + b"\0" * 2_000_000)
        # No token, no picture.
        assert http.get(f"{server.url}/api/v1/{good}").status_code == 401
        assert kiosk.sync().last_error is None
        folder = gift_pictures.media_dir(kiosk.config.data_dir)
        assert sorted(p.name for p in folder.iterdir()) == [Path(good).name]
        with kiosk.store.read() as s:
            shelf = redemption_view.shelf(s, "V001", {}, kiosk.config)
        pictures = {g.sku: g.image_path for g in shelf.gifts}
        assert pictures["G-RED"] == str(folder / Path(good).name)
        assert pictures["G-BLUE"] == "" and pictures["G-BIG"] == ""  # no picture, no crash
        shown = gift_picture(pictures["G-RED"])
        assert shown is not None and shown.width() == 64
        assert shown.toImage().pixelColor(5, 5).name() == "#ff0000"
        # Mended on central, the picture arrives with the next sync.
        (media / Path(tampered).name).write_bytes(_png("blue"))
        kiosk.sync()
        assert (folder / Path(tampered).name).is_file()
    finally:
        http.close()
        kiosk.close()
        server.stop()


@pytest.mark.parametrize(
    ("name", "data", "why"),
    [
        ("0" * 32 + ".png", b"", "bytes"),
        ("../../etc/passwd", b"x", "name"),
        ("a" * 32 + ".png", b"not a picture", "match"),
    ],
)
def test_the_checks_on_a_fetched_picture(tmp_path: Path, name: str, data: bytes, why: str) -> None:
    with pytest.raises(gift_pictures.BadPicture, match=why):
        gift_pictures.keep(tmp_path, name, data)
    assert not gift_pictures.media_dir(tmp_path).exists()


def test_a_picture_whose_hash_matches_but_does_not_decode_is_refused(tmp_path: Path) -> None:
    import hashlib

    data = _png("red")[:-40]  # cut short: the right hash for these bytes, a broken PNG
    name = hashlib.sha256(data).hexdigest()[:32] + ".png"
    with pytest.raises(gift_pictures.BadPicture, match="decode"):
        gift_pictures.keep(tmp_path, name, data)
    jpeg = io.BytesIO()
    Image.new("RGB", (8, 8)).save(jpeg, "JPEG")
    named_png = hashlib.sha256(jpeg.getvalue()).hexdigest()[:32] + ".png"
    with pytest.raises(gift_pictures.BadPicture, match="JPEG"):
        gift_pictures.keep(tmp_path, named_png, jpeg.getvalue())
