"""The reference central server: the other side of the kiosk sync protocol.

FastAPI + SQLAlchemy 2 + Alembic; SQLite by default, PostgreSQL by URL. For tests, demos
and small districts. It shares only the protocol shapes in ``protocol.api`` and
``protocol.codes`` with the kiosk.
"""

from central.version import __version__

__all__ = ["__version__"]
