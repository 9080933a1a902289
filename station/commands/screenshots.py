"""``kiosk screenshots --out DIR``: every screen at 1920×1080, 1280×800 and 1080×1920, in
zh_CN and en, from a throw-away demo station (nothing is written to the real store)."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("screenshots", help="render every screen to PNG files")
    parser.add_argument("--out", type=Path, required=True, help="folder for <lang>/<WxH>/*.png")
    parser.add_argument(
        "--lang",
        action="append",
        choices=["zh_CN", "en"],
        help="only this language (repeatable; default both)",
    )
    parser.add_argument(
        "--size",
        action="append",
        metavar="WxH",
        help="only this size, e.g. 1920x1080 (repeatable; default all three)",
    )
    parser.add_argument(
        "--quantize",
        action="store_true",
        help="write 256-colour PNGs (small files for docs/screenshots)",
    )
    parser.set_defaults(func=run)


def quantize(folder: Path) -> None:
    """256-colour palette PNGs: the UI's flat colours survive, the files shrink 3-4×."""
    from PIL import Image

    for path in sorted(folder.rglob("*.png")):
        with Image.open(path) as im:
            small = im.convert("RGB").quantize(
                colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE
            )
        small.save(path, optimize=True)


def _sizes(texts: list[str] | None) -> tuple:
    from PySide6.QtCore import QSize

    from station.screenshots import SIZES

    if not texts:
        return SIZES
    out = []
    for text in texts:
        width, _, height = text.lower().partition("x")
        if not (width.isdigit() and height.isdigit()):
            raise SystemExit(f"--size {text!r}: expected WIDTHxHEIGHT, e.g. 1920x1080")
        out.append(QSize(int(width), int(height)))
    return tuple(out)


def run(args: argparse.Namespace, config: object = None) -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # no display needed
    from station.screenshots import LANGS, render_all

    langs = tuple(args.lang) if args.lang else LANGS
    failures = render_all(args.out, langs, _sizes(args.size))
    if getattr(args, "quantize", False):
        quantize(args.out)
    count = sum(1 for _ in args.out.rglob("*.png"))
    print(f"{count} screenshots in {args.out}")
    for failure in failures:
        print(f"FAILED {failure}", file=sys.stderr)
    return 1 if failures else 0
