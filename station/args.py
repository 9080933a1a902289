"""What every ``kiosk`` command reads from its parsed arguments. A leaf of the package, so
the commands need not import ``station.cli`` (which imports them)."""

from __future__ import annotations

import argparse
from typing import Any

from kiosk.config import Config, load_config


def config_from_args(args: argparse.Namespace, **overrides: Any) -> Config:
    return load_config(args.config, data_dir=getattr(args, "data_dir", None), **overrides)
