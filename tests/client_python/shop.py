"""The small app the live client tests drive: a ``users`` table on a fresh PostgreSQL database, read
by hand-written SQL (asyncpg, or psycopg 3 for sync code) as the legacy path and by SQLAlchemy 2's ORM
(on asyncpg, or on psycopg) as the migration target. Both return the same data in their own types:
asyncpg ``Record``s / psycopg dict rows against ORM objects turned into dicts."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

import psycopg
from psycopg.rows import dict_row
from sqlalchemy import BigInteger, DateTime, LargeBinary, Numeric, String, create_engine, select
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker

from tests.pg import fresh_database

SCHEMA = """
CREATE TABLE users (
    id          bigserial PRIMARY KEY,
    email       text NOT NULL UNIQUE,
    full_name   text NOT NULL,
    balance     numeric(12, 2) NOT NULL,
    created_at  timestamptz NOT NULL,
    external_id uuid NOT NULL,
    avatar      bytea
)
"""
LEGACY_ASYNC = (
    "SELECT id, email, full_name, balance, created_at, external_id, avatar FROM users WHERE email = $1"
)
LEGACY_SYNC = (
    "SELECT id, email, full_name, balance, created_at, external_id, avatar FROM users WHERE email = %s"
)
USERS = 40


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    email: Mapped[str] = mapped_column(String, unique=True)
    full_name: Mapped[str] = mapped_column(String)
    balance: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    external_id: Mapped[uuid.UUID]
    avatar: Mapped[bytes | None] = mapped_column(LargeBinary)


def as_dict(user: User) -> dict[str, Any]:
    return {column.key: getattr(user, column.key) for column in User.__table__.columns}


def email(i: int) -> str:
    return f"user{i}@example.com"


@contextmanager
def shop_database() -> Iterator[str]:
    """A fresh database with ``USERS`` users; yields its DSN (``postgresql://...``)."""
    with fresh_database("shadowdiff_client") as dsn, psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(SCHEMA)
        for i in range(USERS):
            conn.execute(
                "INSERT INTO users (email, full_name, balance, created_at, external_id, avatar)"
                " VALUES (%s, %s, %s, %s, %s, %s)",
                (
                    email(i),
                    f"User {i}",
                    Decimal(f"{i * 3}.50"),
                    dt.datetime(2025, 1, 1, 12, 0, i % 60, 123456, tzinfo=dt.UTC),
                    uuid.UUID(int=i + 1),
                    bytes([i % 256, 255]) if i % 2 else None,
                ),
            )
        yield dsn


class AsyncShop:
    """asyncpg raw SQL (legacy) and the SQLAlchemy ORM on asyncpg (orm), each with its own pool."""

    def __init__(self, dsn: str, pool: Any) -> None:
        self.pool = pool
        self.engine: AsyncEngine = create_async_engine(dsn.replace("postgresql://", "postgresql+asyncpg://"))
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False)

    async def sql_get(self, address: str) -> list[Any]:
        async with self.pool.acquire() as conn:
            return list(await conn.fetch(LEGACY_ASYNC, address))  # asyncpg Records, as they come

    async def orm_get(self, address: str) -> list[dict[str, Any]]:
        async with self.sessions() as session:
            users = (await session.scalars(select(User).where(User.email == address))).all()
            return [as_dict(u) for u in users]

    async def close(self) -> None:
        await self.engine.dispose()


class SyncShop:
    """psycopg 3 raw SQL (legacy, one connection per calling thread) and the SQLAlchemy ORM on psycopg."""

    def __init__(self, dsn: str) -> None:
        self.dsn = dsn
        self.engine = create_engine(dsn.replace("postgresql://", "postgresql+psycopg://"))
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        self.conn = psycopg.connect(dsn, autocommit=True, row_factory=dict_row)

    def sql_get(self, address: str) -> list[dict[str, Any]]:
        return self.conn.execute(LEGACY_SYNC, (address,)).fetchall()

    def orm_get(self, address: str) -> list[dict[str, Any]]:
        with Session(self.engine) as session:
            return [as_dict(u) for u in session.scalars(select(User).where(User.email == address))]

    def close(self) -> None:
        self.conn.close()
        self.engine.dispose()
