"""A kiosk process for the SIGKILL test (tests/sync/test_redemption_holds.py).

It starts as the kiosk does — resolving the intents a killed predecessor left open — then
redeems one egg at a time online against the real central, printing ``APPROVED <id>`` the
moment central's approval is in hand, before the local commit: the parent kills it at a
random point after that line. Argument: one JSON object (store, url, station_id, token,
volunteer, codes: one per redemption, as scanned for each)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from kiosk.config import Config
from kiosk.errors import KioskError
from kiosk.redemption import AuthDecision, AuthRequest, Proof, redeem, resolve_open_intents
from kiosk.store.db import open_store
from sync.authorise import CentralAuthoriser
from sync.client import CentralClient


class Announcing:
    def __init__(self, inner: CentralAuthoriser) -> None:
        self.inner = inner

    def authorise(self, request: AuthRequest) -> AuthDecision:
        decision = self.inner.authorise(request)
        word = "APPROVED" if decision.approved else "DECLINED"
        print(word, request.redemption_id, flush=True)
        return decision


def main() -> int:
    args = json.loads(sys.argv[1])
    store = open_store(args["store"])
    resolved = resolve_open_intents(store)  # what runtime.start does, on its own thread
    print("READY", json.dumps(resolved), flush=True)
    client = CentralClient(args["url"], args["station_id"], args["token"], timeout=(3.0, 10.0))
    authoriser = Announcing(CentralAuthoriser(client, timeout_s=10.0))
    config = Config(
        station_id=args["station_id"],
        data_dir=str(Path(args["store"]).parent),
        printer_connection="dummy:",
        offline_limit_points=0,  # this test is about holds: nothing may go offline
    )
    for code in args["codes"]:
        proof = Proof.scanned(code)
        try:
            done = redeem(store, args["volunteer"], {"egg": 1}, authoriser, config, proof=proof)
            print("DONE", done.redemption_id, done.mode, flush=True)
        except KioskError as exc:
            print("REFUSED", exc.key, flush=True)
    print("END", flush=True)
    store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
