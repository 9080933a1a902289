"""Build the kiosk's bundled CJK font from Debian's Noto Sans CJK collection.

The kiosk (Qt UI and raster receipts) needs one Simplified Chinese font that is
small, always present and never confused with a font installed on the machine.
This script takes the "Noto Sans CJK SC" face out of the system's
NotoSansCJK-{Regular,Bold}.ttc (package ``fonts-noto-cjk``), keeps only the
characters the product can show, and renames it "Noto Sans SC Kiosk".

Coverage kept:

* every ideograph the source has in CJK Unified Ideographs (U+4E00-9FFF), Extension A,
  plane 2 (Extensions B-F) and the compatibility block (``CJK_RANGES``);
* every character encodable in GB2312 (6,763 hanzi plus its symbols, kana,
  Greek, Cyrillic, full-width forms, box drawing, ...);
* printable ASCII and the Latin-1 supplement;
* CJK and full-width punctuation (，。、；：？！“”‘’（）《》【】…—·￥ and friends);
* the UI/receipt symbols ★☆✓✗×→←↑↓●○■□▲▼☎℃№①-⑩ and box drawing ─━│┃.

Noto Sans CJK has no ✗ (U+2717 BALLOT X); ``add_ballot_x`` draws one as two brush
strokes the weight of the font's own ✓, so "done / not done" marks always match.

Usage (dev-time only; fontTools is deliberately *not* in requirements.lock)::

    .venv/bin/pip install fonttools
    .venv/bin/python assets/fonts/make_subset.py [--source-dir DIR] [--out-dir DIR]

Re-running overwrites NotoSansSC-Regular.otf and NotoSansSC-Bold.otf in place;
the output is deterministic for a given source font and fontTools version.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from fontTools import subset
from fontTools.pens.t2CharStringPen import T2CharStringPen
from fontTools.ttLib import TTCollection, TTFont

SOURCE_DIR = Path("/usr/share/fonts/opentype/noto")
OUT_DIR = Path(__file__).resolve().parent
SOURCE_FAMILY = "Noto Sans CJK SC"
FAMILY = "Noto Sans SC Kiosk"
PS_FAMILY = "NotoSansSCKiosk"
STYLES = ("Regular", "Bold")

PUNCTUATION = "，。、；：？！“”‘’（）《》【】〈〉「」『』〔〕…—–·￥～・〃々〇　"
SYMBOLS = "★☆✓×÷→←↑↓●○■□▲▼◆◇☎℃№" + "①②③④⑤⑥⑦⑧⑨⑩" + "─━│┃┌┐└┘├┤┬┴┼"
# Noto Sans CJK has a check mark (U+2713) but no ballot X (U+2717): we draw one to match it.
BALLOT_X = 0x2717
BALLOT_X_CID = "cid65500"  # an unused CID in the Adobe-Identity-0 collection
BALLOT_X_STROKE = {"Regular": (95, 80), "Bold": (140, 120)}  # stroke width at base / tip

# Layout features for horizontal UI text and receipts. No "locl" (it would drag in the JP/KR/TC
# glyph variants; the SC cmap already maps to the Chinese forms) and no width variants.
FEATURES = ["ccmp", "liga", "kern", "mark"]

# Every ideograph the source face has in these blocks: residents' given names use characters
# far outside GB2312 (喆 堃 昇 玥 璟 垚 赟 镕 燊 䶮), which showed as boxes on a kiosk without a
# system CJK font. Unified Ideographs and Extension A whole, and the Extension B-F characters
# Noto draws (the 通用规范汉字表's ~200 characters outside the BMP are among them).
CJK_RANGES = (
    (0x4E00, 0x9FFF),  # CJK Unified Ideographs
    (0x3400, 0x4DBF),  # Extension A
    (0x20000, 0x2FFFF),  # Extensions B-F and the compatibility supplement (plane 2)
    (0xF900, 0xFAFF),  # CJK Compatibility Ideographs
)


def source_ideographs(font: TTFont) -> set[str]:
    """The characters of ``CJK_RANGES`` that ``font`` maps."""
    return {chr(c) for c in font.getBestCmap() if any(lo <= c <= hi for lo, hi in CJK_RANGES)}


def gb2312_chars() -> set[str]:
    """Every character that GB2312 can encode (rows 0xA1-0xF7, cells 0xA1-0xFE)."""
    chars: set[str] = set()
    for hi in range(0xA1, 0xF8):
        for lo in range(0xA1, 0xFF):
            try:
                chars.add(bytes((hi, lo)).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return chars


def wanted_chars() -> set[str]:
    """The full character set the bundled font must cover."""
    chars = gb2312_chars()
    chars.update(chr(c) for c in range(0x20, 0x7F))  # ASCII
    chars.update(chr(c) for c in range(0xA0, 0x100))  # Latin-1 supplement
    chars.update(PUNCTUATION)
    chars.update(SYMBOLS)
    chars.update(chr(c) for c in range(0xFF01, 0xFF5F))  # full-width ASCII forms
    return chars


def load_sc_face(ttc_path: Path) -> TTFont:
    """Return the face of the collection whose family name is Noto Sans CJK SC."""
    for font in TTCollection(str(ttc_path), lazy=False).fonts:
        if font["name"].getDebugName(1) == SOURCE_FAMILY:
            return font
    raise SystemExit(f"{ttc_path}: no face named {SOURCE_FAMILY!r}")


def rename(font: TTFont, style: str) -> None:
    """Give the font its own family name so it never collides with a system font."""
    full = FAMILY if style == "Regular" else f"{FAMILY} {style}"
    ps_name = f"{PS_FAMILY}-{style}"
    names = {
        1: FAMILY,
        2: style,
        3: f"{font['head'].fontRevision:.3f};KIOSK;{ps_name}",
        4: full,
        6: ps_name,
    }
    table = font["name"]
    table.names = [n for n in table.names if n.nameID not in (*names, 16, 17)]
    for name_id, value in names.items():
        table.setName(value, name_id, 3, 1, 0x409)
        table.setName(value, name_id, 1, 0, 0)
    table.setName(
        "Subset of Noto Sans CJK SC for the station kiosk; renamed under the SIL OFL 1.1.",
        10,
        3,
        1,
        0x409,
    )
    cff = font["CFF "].cff
    top = cff[cff.fontNames[0]]
    cff.fontNames = [ps_name]
    top.FullName = full
    top.FamilyName = FAMILY
    top.Weight = style


def _stroke(pen: T2CharStringPen, p0, p1, w0: float, w1: float, bend: float) -> None:
    """One tapering, slightly bowed brush stroke from p0 to p1, counter-clockwise."""
    (x0, y0), (x1, y1) = p0, p1
    length = ((x1 - x0) ** 2 + (y1 - y0) ** 2) ** 0.5
    ux, uy = (x1 - x0) / length, (y1 - y0) / length
    nx, ny = -uy, ux

    def at(t: float, side: float, width: float) -> tuple[float, float]:
        off = side * width / 2 + bend * 4 * t * (1 - t)
        return (x0 + (x1 - x0) * t + nx * off, y0 + (y1 - y0) * t + ny * off)

    def side_width(t: float) -> float:
        return w0 + (w1 - w0) * t

    pen.moveTo(at(0, -1, w0))
    pen.curveTo(*(at(t, -1, side_width(t)) for t in (1 / 3, 2 / 3, 1)))
    pen.lineTo(at(1, 1, w1))
    pen.curveTo(*(at(t, 1, side_width(t)) for t in (2 / 3, 1 / 3, 0)))
    pen.closePath()


def add_ballot_x(font: TTFont, style: str) -> None:
    """Add U+2717 BALLOT X, drawn as two brush strokes the weight of the font's U+2713."""
    cmap = font.getBestCmap()
    if BALLOT_X in cmap:
        return
    check = cmap[0x2713]
    advance, _ = font["hmtx"][check]
    cff = font["CFF "].cff
    top = cff[cff.fontNames[0]]
    order = font.getGlyphOrder()
    fd_index = top.FDSelect[order.index(check)]
    private = top.FDArray[fd_index].Private
    w0, w1 = BALLOT_X_STROKE[style]
    pen = T2CharStringPen(advance - private.nominalWidthX, None)
    _stroke(pen, (50, -10), (advance - 20, 740), w0, w1, bend=-55)
    _stroke(pen, (80, 690), (advance - 40, -10), w1, w0, bend=30)
    charstring = pen.getCharString(private=private, globalSubrs=cff.GlobalSubrs)
    charstring.compile()

    top.CharStrings.charStringsIndex.append(charstring)
    top.CharStrings.charStrings[BALLOT_X_CID] = len(top.CharStrings.charStringsIndex) - 1
    top.FDSelect.append(fd_index)
    font.setGlyphOrder([*order, BALLOT_X_CID])
    top.charset = font.getGlyphOrder()
    bounds = charstring.calcBounds(None)
    font["hmtx"][BALLOT_X_CID] = (advance, round(bounds[0]))
    font["vmtx"][BALLOT_X_CID] = (1000, round(font["VORG"].defaultVertOriginY - bounds[3]))
    for table in font["cmap"].tables:
        if table.isUnicode():
            table.cmap[BALLOT_X] = BALLOT_X_CID


def build(source_dir: Path, out_dir: Path) -> list[Path]:
    chars = wanted_chars()
    options = subset.Options()
    options.layout_features = FEATURES
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.hinting = True
    options.desubroutinize = False
    outputs = []
    for style in STYLES:
        font = load_sc_face(source_dir / f"NotoSansCJK-{style}.ttc")
        subsetter = subset.Subsetter(options)
        wanted = chars | source_ideographs(font)
        subsetter.populate(unicodes=[ord(c) for c in wanted])
        subsetter.subset(font)
        missing = sorted(c for c in chars if ord(c) not in font.getBestCmap())
        add_ballot_x(font, style)
        rename(font, style)
        out = out_dir / f"NotoSansSC-{style}.otf"
        font.recalcTimestamp = False  # keep the source's dates: same input, same bytes
        font.save(str(out))
        count = len(font.getBestCmap())
        print(f"{out.name}: {out.stat().st_size / 1e6:.2f} MB, {count} characters")
        if missing:
            print(f"  not in source ({len(missing)}): {''.join(missing)}")
        outputs.append(out)
    return outputs


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source-dir", type=Path, default=SOURCE_DIR)
    parser.add_argument("--out-dir", type=Path, default=OUT_DIR)
    args = parser.parse_args(argv)
    build(args.source_dir, args.out_dir)


if __name__ == "__main__":
    main()
