"""A child process for the concurrency and crash tests: redeems and restocks on a store file.

python store_worker.py STORE race GO_FILE SKU     -> waits for GO_FILE, redeems SKU once
python store_worker.py STORE loop SEED            -> redeems and restocks until killed
"""

from __future__ import annotations

import dataclasses
import os
import random
import sys
import time
from pathlib import Path

import kiosk.print_queue
import kiosk.receipts  # noqa: F401
from kiosk.config import Config
from kiosk.errors import KioskError
from kiosk.redemption import redeem
from kiosk.stock import restock
from kiosk.store import open_store


def main() -> int:
    path, mode = sys.argv[1], sys.argv[2]
    config = Config(station_id="ST-TEST", data_dir=str(Path(path).parent))
    store = open_store(path, migrate=False)
    if mode == "race":
        go, sku = Path(sys.argv[3]), sys.argv[4]
        print("ready", flush=True)
        while not go.exists():
            time.sleep(0.001)
        try:
            result = redeem(
                store,
                "V0001",
                {sku: 1},
                None,
                dataclasses.replace(config, offline_limit_points=10**9, offline_daily_points=10**9),
            )
        except KioskError as exc:
            print(f"refused {exc.key}", flush=True)
            return 0
        print(f"redeemed {result.redemption_id}", flush=True)
        return 0
    rng = random.Random(int(sys.argv[3]))
    skus = sys.argv[4].split(",")
    print("ready", flush=True)
    while True:
        sku = rng.choice(skus)
        try:
            if rng.random() < 0.7:
                redeem(
                    store,
                    "V0001",
                    {sku: rng.randint(1, 2)},
                    None,
                    dataclasses.replace(
                        config, offline_limit_points=10**9, offline_daily_points=10**9
                    ),
                )
            else:
                with store.begin() as s:
                    restock(s, "S01", sku, rng.randint(1, 5), "test")
        except KioskError:
            pass


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    sys.exit(main())
