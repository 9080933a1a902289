"""Draw the demo gift pictures (assets/gifts/*.png) from assets/demo/demo.json.

Each picture is a flat 200x200 illustration: a rounded square in the colour of
the gift's category and a simple white drawing of the item. No caption: the tile
prints the gift's name beside the picture at full size, and a caption shrunk with
the picture was 16 px at 1.8-3.3:1 (issue 13). Every category colour carries white
at 4.5:1 or more, so the few letters a drawing holds (米 on the sack) read too.
Pictures are saved as palette PNGs, a few KB each, so the whole catalogue stays small
in the bundle.

Re-run after adding a gift to demo.json (Pillow only, which is in the lock)::

    .venv/bin/python assets/gifts/make_gift_images.py

A gift whose image name has no drawing below gets a plain gift box.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

ASSETS = Path(__file__).resolve().parent.parent
DEMO = ASSETS / "demo" / "demo.json"
FONT = ASSETS / "fonts" / "NotoSansSC-Bold.otf"
OUT_DIR = ASSETS / "gifts"
SIZE = 200
SCALE = 3  # draw large, then shrink: smooth edges without antialiasing support in ImageDraw
WHITE = (255, 255, 255, 255)

CATEGORY_COLOURS = {
    "food": (182, 90, 40),
    "daily": (48, 119, 191),
    "ticket": (128, 84, 196),
    "coupon": (206, 64, 72),
    "culture": (31, 131, 98),
    "service": (150, 109, 17),
}
OTHER_COLOUR = (90, 100, 115)


class Canvas:
    """ImageDraw in 200x200 coordinates, drawn at SCALE times the size."""

    def __init__(self, colour: tuple[int, int, int]) -> None:
        self.image = Image.new("RGBA", (SIZE * SCALE, SIZE * SCALE), (0, 0, 0, 0))
        self.draw = ImageDraw.Draw(self.image)
        self.ink = (*colour, 255)
        self.dark = (*(c * 3 // 4 for c in colour), 255)
        self.zoom = False  # drawings: grown 1.3x about their centre (x 100, y 74)

    def _s(self, xy: tuple[float, ...] | list[float]) -> list[float]:
        if not self.zoom:
            return [v * SCALE for v in xy]
        # The drawings were made for the space above a caption; without one they fill
        # the square, centred.
        return [((v - (100 if i % 2 == 0 else 74)) * 1.3 + 100) * SCALE for i, v in enumerate(xy)]

    def rect(self, xy, r=0, fill=WHITE, outline=None, width=0) -> None:
        self.draw.rounded_rectangle(
            self._s(xy), r * SCALE, fill=fill, outline=outline, width=width * SCALE
        )

    def ellipse(self, xy, fill=WHITE, outline=None, width=0) -> None:
        self.draw.ellipse(self._s(xy), fill=fill, outline=outline, width=width * SCALE)

    def polygon(self, points, fill=WHITE) -> None:
        self.draw.polygon(self._s([v for p in points for v in p]), fill=fill)

    def line(self, points, fill=WHITE, width=4) -> None:
        flat = self._s([v for p in points for v in p])
        self.draw.line(flat, fill=fill, width=width * SCALE, joint="curve")

    def pieslice(self, xy, start, end, fill=WHITE) -> None:
        self.draw.pieslice(self._s(xy), start, end, fill=fill)

    def text(self, xy, text, size, fill=WHITE) -> None:
        font = ImageFont.truetype(str(FONT), size * SCALE)
        self.draw.text(self._s(xy), text, font=font, fill=fill, anchor="mm")


# --- one small drawing per item; the drawing area is about x 50..150, y 20..125 ------------


def eggs(c: Canvas) -> None:
    for x, y in ((58, 58), (100, 50), (80, 82)):
        c.ellipse((x, y, x + 40, y + 50), outline=c.dark, width=3)


def bottle(c: Canvas, label: str = "") -> None:
    c.rect((88, 22, 112, 40), 4)
    c.rect((70, 40, 130, 124), 14)
    c.rect((78, 66, 122, 100), 4, fill=c.dark)
    if label:
        c.text((100, 83), label, 22)


def sack(c: Canvas, label: str = "") -> None:
    c.polygon([(70, 34), (130, 34), (142, 124), (58, 124)])
    c.line([(72, 30), (128, 30)], fill=c.dark, width=4)
    if label:
        c.text((100, 84), label, 30, fill=c.ink)


def carton(c: Canvas) -> None:
    c.polygon([(74, 40), (100, 22), (126, 40)])
    c.rect((70, 40, 130, 124), 6)
    c.ellipse((86, 66, 114, 94), fill=c.dark)


def noodles(c: Canvas) -> None:
    c.rect((60, 60, 140, 100), 6)
    for x in range(66, 136, 8):
        c.line([(x, 30), (x, 60)], fill=WHITE, width=3)
        c.line([(x, 100), (x, 124)], fill=WHITE, width=3)
    c.rect((92, 60, 108, 100), 0, fill=c.dark)


def towel(c: Canvas) -> None:
    c.rect((56, 34, 144, 118), 8)
    for y in (48, 104):
        c.line([(56, y), (144, y)], fill=c.dark, width=5)


def tube(c: Canvas) -> None:
    c.polygon([(60, 60), (128, 48), (128, 104), (60, 92)])
    c.rect((128, 64, 146, 88), 3)
    c.line([(76, 70), (112, 64)], fill=c.dark, width=4)


def toothbrush(c: Canvas) -> None:
    for dx, lean in ((0, -14), (26, -6)):
        c.line([(70 + dx, 124), (84 + dx + lean, 44)], width=9)
        c.rect((76 + dx + lean, 24, 92 + dx + lean, 46), 3, fill=c.dark)


def tissues(c: Canvas) -> None:
    c.rect((54, 66, 146, 124), 8)
    c.polygon([(86, 66), (100, 26), (114, 66)])
    c.rect((84, 62, 116, 70), 3, fill=c.dark)


def soap(c: Canvas) -> None:
    c.rect((56, 58, 144, 118), 24)
    for x, y, r in ((70, 38, 8), (92, 30, 6), (112, 40, 9)):
        c.ellipse((x - r, y - r, x + r, y + r), outline=WHITE, fill=None, width=3)


def umbrella(c: Canvas) -> None:
    c.pieslice((48, 28, 152, 120), 180, 360)
    c.line([(100, 74), (100, 116)], width=5)
    c.draw.arc(c._s((84, 104, 100, 124)), 0, 180, fill=WHITE, width=5 * SCALE)


def ticket(c: Canvas, mark: str = "") -> None:
    c.rect((46, 40, 154, 112), 8)
    for y in (76,):
        c.ellipse((38, y - 10, 58, y + 10), fill=c.ink)
        c.ellipse((142, y - 10, 162, y + 10), fill=c.ink)
    c.line([(122, 46), (122, 106)], fill=c.dark, width=3)
    if mark == "park":
        c.polygon([(62, 100), (84, 62), (96, 80), (104, 70), (116, 100)], fill=c.dark)
    elif mark == "museum":
        c.polygon([(60, 64), (88, 50), (116, 64)], fill=c.dark)
        for x in (66, 80, 94, 108):
            c.rect((x - 2, 66, x + 4, 94), 0, fill=c.dark)
        c.rect((60, 96, 116, 102), 0, fill=c.dark)
    elif mark == "cinema":
        c.polygon([(76, 58), (106, 76), (76, 94)], fill=c.dark)


def coupon(c: Canvas, text: str) -> None:
    c.polygon([(52, 60), (76, 36), (148, 36), (148, 116), (76, 116), (52, 92)])
    c.ellipse((62, 70, 74, 82), fill=c.ink)
    c.text((114, 76), text, 30, fill=c.ink)


def tote_bag(c: Canvas) -> None:
    c.draw.arc(c._s((78, 22, 122, 70)), 180, 360, fill=WHITE, width=6 * SCALE)
    c.rect((58, 46, 142, 124), 6)
    c.ellipse((86, 72, 114, 100), fill=c.dark)


def notebook(c: Canvas) -> None:
    c.rect((64, 26, 136, 124), 6)
    c.rect((64, 26, 78, 124), 4, fill=c.dark)
    c.rect((88, 46, 126, 62), 2, fill=c.dark)


def flask(c: Canvas) -> None:
    c.rect((78, 22, 122, 36), 4)
    c.rect((74, 38, 126, 124), 10)
    c.line([(74, 60), (126, 60)], fill=c.dark, width=4)


def housekeeping(c: Canvas) -> None:
    c.polygon([(50, 72), (100, 28), (150, 72)])
    c.rect((62, 70, 138, 124), 2)
    c.rect((90, 92, 110, 124), 2, fill=c.dark)


def appliance(c: Canvas) -> None:
    c.rect((60, 24, 140, 124), 8)
    c.line([(60, 44), (140, 44)], fill=c.dark, width=3)
    c.ellipse((78, 56, 122, 100), outline=c.dark, fill=WHITE, width=6)
    for x in (72, 84):
        c.ellipse((x - 3, 31, x + 3, 37), fill=c.dark)


def gift_box(c: Canvas) -> None:
    c.rect((56, 60, 144, 124), 4)
    c.rect((50, 44, 150, 62), 4)
    c.rect((94, 44, 106, 124), 0, fill=c.dark)


DRAWINGS: dict[str, Callable[[Canvas], None]] = {
    "eggs": eggs,
    "rice": lambda c: sack(c, "米"),
    "oil": lambda c: bottle(c, "油"),
    "milk": carton,
    "noodles": noodles,
    "soy-sauce": lambda c: bottle(c, "酱"),
    "dish-soap": lambda c: bottle(c, "洁"),
    "detergent": lambda c: bottle(c, "洗"),
    "towel": towel,
    "toothpaste": tube,
    "toothbrush": toothbrush,
    "tissues": tissues,
    "soap": soap,
    "umbrella": umbrella,
    "ticket-park": lambda c: ticket(c, "park"),
    "ticket-museum": lambda c: ticket(c, "museum"),
    "ticket-cinema": lambda c: ticket(c, "cinema"),
    "coupon-shop": lambda c: coupon(c, "折"),
    "coupon-phone": lambda c: coupon(c, "￥"),
    "tote-bag": tote_bag,
    "notebook": notebook,
    "flask": flask,
    "housekeeping": housekeeping,
    "appliance-clean": appliance,
}


def draw_gift(gift: dict) -> Image.Image:
    colour = CATEGORY_COLOURS.get(gift["category"], OTHER_COLOUR)
    c = Canvas(colour)
    c.rect((4, 4, 196, 196), 28, fill=c.ink)
    c.zoom = True
    DRAWINGS.get(Path(gift["image"]).stem, gift_box)(c)
    small = c.image.resize((SIZE, SIZE), Image.Resampling.LANCZOS)
    return small.quantize(colors=48, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)


def main() -> None:
    gifts = json.loads(DEMO.read_text(encoding="utf-8"))["gifts"]
    for gift in gifts:
        out = OUT_DIR / gift["image"]
        draw_gift(gift).save(out, optimize=True)
        print(f"{out.name}: {out.stat().st_size} bytes")


if __name__ == "__main__":
    main()
