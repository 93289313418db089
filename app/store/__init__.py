"""Persistence: one interface (``base.Store``), an SQLite and a PostgreSQL backend.

The service builds its store with :func:`create_store` (or :func:`open_store`, which also opens it)
from two settings: ``DATABASE_URL`` (``postgresql://...`` or ``postgres://...`` selects PostgreSQL;
unset or empty selects the embedded SQLite file ``<SHADOWDIFF_DATA_DIR>/shadowdiff.sqlite3``) and
``SHADOWDIFF_FLAG_POLL_SECONDS`` (how often a PostgreSQL replica polls the flags while its LISTEN
connection is down).
"""

from __future__ import annotations

from pathlib import Path

from app.store.base import MismatchSample, Store, StoredSpec, StoreUnavailable
from app.store.sqlite import DEFAULT_FILENAME, SQLiteStore

__all__ = [
    "MismatchSample",
    "SQLiteStore",
    "Store",
    "StoreUnavailable",
    "StoredSpec",
    "create_store",
    "open_store",
]

POSTGRES_SCHEMES = ("postgresql://", "postgres://")


def create_store(database_url: str | None, data_dir: Path, poll_seconds: float = 1.0) -> Store:
    """The store the settings select, not yet opened (open it in the app's lifespan)."""
    if database_url:
        if not database_url.startswith(POSTGRES_SCHEMES):
            raise ValueError(
                "DATABASE_URL must start with postgresql:// (or postgres://); "
                "leave it unset to use the embedded SQLite store"
            )
        from app.store.postgres import PostgresStore

        return PostgresStore(database_url, poll_seconds=poll_seconds)
    return SQLiteStore(Path(data_dir) / DEFAULT_FILENAME)


async def open_store(database_url: str | None, data_dir: Path, poll_seconds: float = 1.0) -> Store:
    """:func:`create_store`, opened: connected and migrated. Raises StoreUnavailable."""
    store = create_store(database_url, data_dir, poll_seconds)
    await store.open()
    return store
