"""Alembic: the migrations build exactly the schema the models describe, on both backends."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from central import migrate
from central.db import Database
from central.models import Base


def test_migrations_match_the_models(db: Database) -> None:
    assert migrate.current_revision(db.engine) is not None
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_upgrade_twice_is_a_no_op(db: Database) -> None:
    before = migrate.current_revision(db.engine)
    migrate.upgrade(db.engine)
    assert migrate.current_revision(db.engine) == before
