"""What the UI needs from the runtime, as Protocols: the seams between the touch UI and
the services ``station.runtime`` starts (store, print queue, sync engine, online
authoriser) and the settings.

The UI is written against these, not against the concrete classes, so a test hands it a
small stand-in and mypy checks both; the real ones (``kiosk.store.Store``,
``kiosk.print_queue.PrintQueue``, ``sync.engine.SyncEngine``,
``sync.authorise.CentralAuthoriser``) satisfy them structurally. A listener may be called
on any thread: the UI re-emits through a queued signal before touching a widget.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Protocol

from kiosk.config import Config
from kiosk.redemption import Authoriser

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from kiosk.print_queue import QueueState
    from sync.status import SyncStatus

__all__ = ["Authoriser", "PrintQueueService", "Services", "Settings", "StoreAccess", "SyncService"]

# The station's settings as the UI reads them (kiosk.config.Config).
Settings = Config


class StoreAccess(Protocol):
    """The local store: a write transaction, or a snapshot read that never waits."""

    def begin(self) -> AbstractContextManager[Session]: ...

    def read(self) -> AbstractContextManager[Session]: ...


class PrintQueueService(Protocol):
    """The print queue's state for the status strip and the staff print screen."""

    def add_listener(self, listener: Callable[[QueueState], None]) -> None: ...

    def remove_listener(self, listener: Callable[[QueueState], None]) -> None: ...

    def kick(self) -> None: ...


class SyncService(Protocol):
    """The sync engine's status (online, what waits) and a way to sync now."""

    def status(self) -> SyncStatus: ...

    def add_listener(self, callback: Callable[[SyncStatus], None]) -> None: ...

    def remove_listener(self, callback: Callable[[SyncStatus], None]) -> None: ...

    def kick(self) -> None: ...


class Services(Protocol):
    """What ``run_app(start_services=...)`` gets back, e.g. ``station.runtime.Runtime``."""

    @property
    def store(self) -> StoreAccess: ...

    @property
    def sync(self) -> SyncService | None: ...

    @property
    def printq(self) -> PrintQueueService | None: ...

    @property
    def authoriser(self) -> Authoriser | None: ...

    def release_background(self) -> None:
        """The UI is up: the services' work that could wait may begin."""
