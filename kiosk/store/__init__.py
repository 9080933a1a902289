"""The local store: one SQLite file, typed SQLAlchemy 2 models, Alembic migrations."""

from kiosk.store.db import Store, open_store

__all__ = ["Store", "open_store"]
