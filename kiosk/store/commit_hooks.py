"""Wake a worker when a commit on a store wrote rows of a given model.

The print queue (new print jobs) and the sync engine (new outbox events) both want to
start work the moment the transaction that created it commits, without every caller
having to remember a kick(): note the new rows at flush, call ``wake`` after the commit,
never for a transaction that was rolled back. Code that writes rows through the Session's
driver connection (``kiosk.store.raw``) says so with ``wrote``, which the hooks then treat
as they treat the ORM's new objects.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

from kiosk.store.db import Store

# Hooks installed now: ``wrote`` finds the ones that care about a model.
_installed: list[WakeOnCommit] = []


def wrote(session: Session, model: type) -> None:
    """Rows of ``model`` were written in ``session``'s transaction without the ORM: wake
    whoever waits for them once it commits (nothing if it rolls back)."""
    for hook in list(_installed):
        if hook.model is model and session.bind is hook.store.engine:
            session.info[hook._flag] = True


class WakeOnCommit:
    def __init__(self, store: Store, model: type, wake: Callable[[], None]) -> None:
        self.store, self.model, self.wake = store, model, wake
        self._flag = f"wake_on_commit:{model.__name__}:{id(self)}"

    def install(self) -> None:
        for name, fn in self._hooks():
            if not event.contains(Session, name, fn):
                event.listen(Session, name, fn)
        if self not in _installed:
            _installed.append(self)

    def remove(self) -> None:
        for name, fn in self._hooks():
            if event.contains(Session, name, fn):
                event.remove(Session, name, fn)
        if self in _installed:
            _installed.remove(self)

    def _hooks(self) -> tuple[tuple[str, Callable[..., None]], ...]:
        return (("before_flush", self._note), ("after_commit", self._after_commit))

    def _note(self, session: Session, _context: Any, _instances: Any) -> None:
        if session.bind is self.store.engine and any(
            isinstance(obj, self.model) for obj in session.new
        ):
            session.info[self._flag] = True

    def _after_commit(self, session: Session) -> None:
        if session.info.pop(self._flag, False):
            self.wake()
