"""A fresh PostgreSQL database per test, on the server at 127.0.0.1:5432 (user postgres, trust auth).

``fresh_database()`` creates a uniquely named database, yields its DSN and drops it afterwards
(``WITH (FORCE)``, so connections a failed test left open do not keep it alive). It is a plain
context manager that works inside and outside a running event loop: the admin statements run on a
short-lived loop in a worker thread. Set ``SHADOWDIFF_TEST_PG_ADMIN`` to point at another server.

    with fresh_database() as dsn:
        with live_service({"DATABASE_URL": dsn}, tmp_path) as service: ...

A suite that needs many empty databases can share one migrated database per session and call
``delete_rows`` between tests (what tests/store does): CREATE DATABASE costs ~0.4 s on a loaded
machine, deleting a few rows a few milliseconds.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any, TypeVar
from urllib.parse import urlsplit, urlunsplit

import asyncpg

T = TypeVar("T")

ADMIN_DSN = os.environ.get("SHADOWDIFF_TEST_PG_ADMIN", "postgresql://postgres@127.0.0.1:5432/postgres")


def dsn_for(database: str, admin_dsn: str = ADMIN_DSN) -> str:
    """The admin DSN with its database replaced."""
    parts = urlsplit(admin_dsn)
    return urlunsplit(parts._replace(path=f"/{database}"))


def run_sync(coro: Coroutine[Any, Any, T]) -> T:
    """Run ``coro`` to completion on its own loop in a worker thread (safe inside async tests)."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()


async def admin_execute(sql: str, *args: Any, admin_dsn: str = ADMIN_DSN) -> str:
    """One statement on the admin database (CREATE/DROP/ALTER DATABASE, pg_terminate_backend, ...)."""
    conn = await asyncpg.connect(admin_dsn, timeout=10)
    try:
        return str(await conn.execute(sql, *args))
    finally:
        await conn.close()


async def admin_fetch(sql: str, *args: Any, admin_dsn: str = ADMIN_DSN) -> list[asyncpg.Record]:
    conn = await asyncpg.connect(admin_dsn, timeout=10)
    try:
        return list(await conn.fetch(sql, *args))
    finally:
        await conn.close()


def quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


@contextmanager
def fresh_database(prefix: str = "shadowdiff_test", admin_dsn: str = ADMIN_DSN) -> Iterator[str]:
    """Create a uniquely named database, yield its DSN, drop it afterwards."""
    name = f"{prefix}_{os.getpid()}_{uuid.uuid4().hex[:10]}"
    run_sync(admin_execute(f"CREATE DATABASE {quote_ident(name)}", admin_dsn=admin_dsn))
    # Tests never need a commit to survive a server crash: skip the WAL flush at each commit.
    run_sync(
        admin_execute(f"ALTER DATABASE {quote_ident(name)} SET synchronous_commit = off", admin_dsn=admin_dsn)
    )
    try:
        yield dsn_for(name, admin_dsn)
    finally:
        run_sync(
            admin_execute(f"DROP DATABASE IF EXISTS {quote_ident(name)} WITH (FORCE)", admin_dsn=admin_dsn)
        )


async def delete_rows(dsn: str, keep: tuple[str, ...] = ("schema_migrations",)) -> None:
    """Delete every row of every table in ``public`` except ``keep``, triggers and foreign keys
    bypassed (``session_replication_role = replica``): an already migrated database, empty again
    in milliseconds."""
    conn = await asyncpg.connect(dsn, timeout=10)
    try:
        tables = await conn.fetch(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND NOT tablename = ANY($1::text[])",
            list(keep),
        )
        async with conn.transaction():
            await conn.execute("SET LOCAL session_replication_role = replica")
            for (table,) in tables:
                await conn.execute(f"DELETE FROM public.{quote_ident(table)}")
    finally:
        await conn.close()


@contextmanager
def connections_refused(database: str, admin_dsn: str = ADMIN_DSN) -> Iterator[None]:
    """New connections to ``database`` fail (even as superuser) until the block ends; open ones live on."""
    ident = quote_ident(database)
    run_sync(admin_execute(f"ALTER DATABASE {ident} ALLOW_CONNECTIONS false", admin_dsn=admin_dsn))
    try:
        yield
    finally:
        run_sync(admin_execute(f"ALTER DATABASE {ident} ALLOW_CONNECTIONS true", admin_dsn=admin_dsn))


def database_of(dsn: str) -> str:
    return urlsplit(dsn).path.lstrip("/")
