"""``python -m benchmarks [--smoke] [--only 4,5] [--json PATH]``: run the figures, print
the table (figure, ours, baseline, ratio, target), write it as JSON."""

from __future__ import annotations

import argparse
import json
import logging
import os
import shutil
import sys
import tempfile
from pathlib import Path

from benchmarks.harness import FULL, SMOKE, format_table
from benchmarks.machine import machine_info
from benchmarks.runner import FIGURES, run_figures

DEFAULT_JSON = Path(__file__).resolve().parent / "results" / "latest.json"


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--smoke", action="store_true", help="tiny sizes (what the tests run)")
    parser.add_argument("--only", default="", help="comma-separated figure numbers, e.g. 4,5")
    parser.add_argument("--json", type=Path, default=DEFAULT_JSON, help="where to write JSON")
    parser.add_argument("--keep", action="store_true", help="keep the work dir (stores)")
    parser.add_argument("-v", "--verbose", action="store_true")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(asctime)s %(name)s %(levelname)s %(message)s",
    )
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    only = [f.strip() for f in args.only.split(",") if f.strip()] or list(FIGURES)
    unknown = [f for f in only if f not in FIGURES]
    if unknown:
        print(f"unknown figure(s): {', '.join(unknown)}; known: {', '.join(FIGURES)}")
        return 2
    sizes = SMOKE if args.smoke else FULL
    args.json.parent.mkdir(parents=True, exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix="bench-", dir=args.json.parent))
    try:
        results, seconds = run_figures(only, sizes, workdir)
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    print(format_table(results))
    print(f"\n{len(results)} rows in {seconds:.0f} s ({'smoke' if args.smoke else 'full'} sizes)")
    report = {
        "sizes": sizes.__dict__,
        "seconds": seconds,
        "machine": machine_info(),
        "results": [r.as_dict() for r in results],
    }
    args.json.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"JSON written to {args.json}")
    return 1 if any(r.status == "error" for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
