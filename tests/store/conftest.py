"""One opened store per test, on a temp SQLite file and on a fresh PostgreSQL database.

``reopen()`` makes another store on the same file/database (a restart, or a second replica);
``raw()`` runs SQL straight against the database, for what the Store interface does not show
(applied migrations, the append-only trigger). Every store is closed at teardown.
"""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from app.store import SQLiteStore, Store
from tests.pg import delete_rows, fresh_database, run_sync

BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@dataclass
class Backend:
    name: str
    make: Callable[[], Store]
    raw: Callable[[str], Awaitable[list[tuple[Any, ...]]]]
    opened: list[Store] = field(default_factory=list)

    async def reopen(self) -> Store:
        store = self.make()
        await store.open()
        self.opened.append(store)
        return store


def sqlite_raw(path: Path) -> Callable[[str], Awaitable[list[tuple[Any, ...]]]]:
    async def raw(sql: str) -> list[tuple[Any, ...]]:
        conn = sqlite3.connect(path, isolation_level=None)
        try:
            return [tuple(r) for r in conn.execute(sql).fetchall()]
        finally:
            conn.close()

    return raw


def postgres_raw(dsn: str) -> Callable[[str], Awaitable[list[tuple[Any, ...]]]]:
    async def raw(sql: str) -> list[tuple[Any, ...]]:
        conn = await asyncpg.connect(dsn)
        try:
            return [tuple(r) for r in await conn.fetch(sql)]
        finally:
            await conn.close()

    return raw


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="session")
def pg_database() -> Iterator[str]:
    """One migrated database for the session (dropped at the end); each test empties it first."""
    from app.store.postgres import PostgresStore

    async def migrate(dsn: str) -> None:
        store = PostgresStore(dsn)
        await store.open()
        await store.close()

    with fresh_database("shadowdiff_store") as dsn:
        run_sync(migrate(dsn))
        yield dsn


def empty_postgres(dsn: str) -> tuple[str, str]:
    """Rows deleted, schema kept: re-running the DDL of every migration per test costs far more."""
    run_sync(delete_rows(dsn))
    return "postgres", dsn


@pytest.fixture(params=BACKENDS)
def location(request: pytest.FixtureRequest, tmp_path: Path, pg_database: str) -> tuple[str, str]:
    """(backend, file path or DSN of an empty database)."""
    if request.param == "sqlite":
        return "sqlite", str(tmp_path / "store.sqlite3")
    return empty_postgres(pg_database)


def make_backend(name: str, where: str, poll_seconds: float = 0.2) -> Backend:
    if name == "sqlite":
        return Backend(name, lambda: SQLiteStore(Path(where)), sqlite_raw(Path(where)))
    from app.store.postgres import PostgresStore

    return Backend(name, lambda: PostgresStore(where, poll_seconds=poll_seconds), postgres_raw(where))


@pytest.fixture
async def backend(location: tuple[str, str]) -> AsyncIterator[Backend]:
    made = make_backend(*location)
    try:
        yield made
    finally:
        for store in reversed(made.opened):
            await store.close()


@pytest.fixture
async def store(backend: Backend) -> Store:
    return await backend.reopen()
