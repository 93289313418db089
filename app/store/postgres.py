"""The replicated store: PostgreSQL through an asyncpg pool, shared by every service replica.

Each flag write is one transaction: ``SELECT ... FOR UPDATE`` checks the version, the flag row and
its history entry are written, and ``pg_notify`` announces the change at commit. Every replica keeps
one extra connection that LISTENs on :data:`CHANNEL` and calls the subscribers; a heartbeat on it
confirms that the view is current. When that connection drops the replica polls ``flags`` every
``poll_seconds`` (comparing versions) and keeps trying to LISTEN again, so a change is never missed,
only seen later. ``sync_age()`` says how much later. That replica sync lives in ``postgres_sync``.

asyncpg and OS errors become :class:`StoreUnavailable` naming the database (``raise ... from``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import asyncpg

from app.store.base import (
    CLAIM_RETENTION_SECONDS,
    MismatchSample,
    RollupRow,
    SpecRule,
    StoredSpec,
    StoreUnavailable,
)
from app.store.codec import dump_json, flag_from_row, flag_policy, load_json, utc
from app.store.contract import (
    FLAG_COLUMNS,
    HISTORY_COLUMNS,
    RULE_COLUMNS,
    SAMPLE_COLUMNS,
    check_write,
    optional_text,
    rule_filter,
    rule_from_row,
    safe_text,
    sample_fields,
    samples_query,
)
from app.store.migrate import Migration, load_migrations
from app.store.postgres_sync import CHANNEL, DRIVER_ERRORS, FlagSync
from flags.errors import VersionConflict
from flags.model import Flag, FlagChange, Source
from flags.persistence import FlagListener

logger = logging.getLogger(__name__)

MIGRATION_LOCK = 0x5AD0D1FF
"""Advisory lock id that serialises replicas migrating the same database at start."""


def describe(dsn: str) -> str:
    """Where the database is, for error messages; never the password."""
    try:
        parts = urlsplit(dsn)
        host = parts.hostname or "localhost"
        port = parts.port or 5432
    except ValueError:
        return "PostgreSQL database (unparseable DATABASE_URL)"
    name = parts.path.lstrip("/") or parts.username or "postgres"
    return f"PostgreSQL database {name!r} at {host}:{port}"


async def _init_connection(conn: asyncpg.Connection) -> None:
    await conn.set_type_codec(
        "json", schema="pg_catalog", encoder=dump_json, decoder=load_json, format="text"
    )


def _flag(row: asyncpg.Record) -> Flag:
    return flag_from_row(*row)


def _change(row: asyncpg.Record) -> FlagChange:
    id_, module, action, actor, source, reason, at, before, after, decision, forced, by, query = row
    return FlagChange(
        module,
        action,
        actor,
        Source(source),
        reason,
        utc(at),
        before,
        after,
        decision,
        id_,
        forced,
        by,
        query,
    )


def _sample(row: asyncpg.Record) -> MismatchSample:
    id_, module, query_name, fields, differences, request_id, at, context, detail = row
    return MismatchSample(
        module,
        query_name,
        tuple(fields),
        differences,
        request_id,
        utc(at),
        id_,
        context=context,
        detail=detail,
    )


class PostgresStore:
    """The ``Store`` on PostgreSQL; changes made by any replica reach this one's subscribers."""

    def __init__(
        self,
        dsn: str,
        poll_seconds: float = 1.0,
        *,
        pool_size: int = 10,
        connect_timeout: float = 5.0,
        command_timeout: float = 15.0,
    ) -> None:
        self._dsn = dsn
        self._where = describe(dsn)
        self._poll_seconds = max(float(poll_seconds), 0.05)
        self._pool_size = max(pool_size, 2)
        self._connect_timeout = connect_timeout
        self._command_timeout = command_timeout
        self._pool: asyncpg.Pool | None = None
        self._sync = FlagSync(
            dsn=dsn,
            where=self._where,
            poll_seconds=self._poll_seconds,
            connect_args=self._connect_args,
            read_versions=self._read_versions,
        )

    @property
    def listener_name(self) -> str:
        """The ``application_name`` of the LISTEN connection (tests terminate it by this name)."""
        return self._sync.listener_name

    def __repr__(self) -> str:
        return f"PostgresStore({self._where})"

    @property
    def dsn(self) -> str:
        return self._dsn

    # -- plumbing ---------------------------------------------------------------------------------

    @contextlib.contextmanager
    def _errors(self, doing: str) -> Iterator[None]:
        try:
            yield
        except DRIVER_ERRORS as err:
            detail = str(err) or type(err).__name__
            raise StoreUnavailable(f"{self._where}: {doing} failed: {detail}") from err

    @contextlib.asynccontextmanager
    async def _conn(self, doing: str) -> AsyncIterator[asyncpg.Connection]:
        pool = self._pool
        if pool is None:
            raise StoreUnavailable(f"{self._where}: store is not open (call open() first)")
        with self._errors(doing):
            async with pool.acquire(timeout=self._connect_timeout) as conn:
                yield conn

    def _connect_args(self, application_name: str) -> dict[str, Any]:
        return {
            "timeout": self._connect_timeout,
            "command_timeout": self._command_timeout,
            "server_settings": {"application_name": application_name},
        }

    # -- lifecycle --------------------------------------------------------------------------------

    async def open(self) -> None:
        if self._pool is not None:
            return
        with self._errors("connecting"):
            pool = await asyncpg.create_pool(
                self._dsn,
                min_size=1,
                max_size=self._pool_size,
                init=_init_connection,
                **self._connect_args("shadowdiff"),
            )
        try:
            with self._errors("applying migrations"):
                async with pool.acquire() as conn:
                    await self._migrate(conn, load_migrations("postgres"))
                    rows = await conn.fetch("SELECT module, version FROM flags")
        except BaseException:
            pool.terminate()
            raise
        self._pool = pool
        await self._sync.start({r["module"]: r["version"] for r in rows})

    @staticmethod
    async def _migrate(conn: asyncpg.Connection, migrations: list[Migration]) -> None:
        for migration in migrations:
            async with conn.transaction():
                await conn.execute("SELECT pg_advisory_xact_lock($1)", MIGRATION_LOCK)
                await conn.execute(
                    "CREATE TABLE IF NOT EXISTS schema_migrations ("
                    " version integer PRIMARY KEY, name text NOT NULL,"
                    " applied_at timestamptz NOT NULL DEFAULT now())"
                )
                done = await conn.fetchval(
                    "SELECT 1 FROM schema_migrations WHERE version = $1", migration.version
                )
                if done:
                    continue
                await conn.execute(migration.sql)
                await conn.execute(
                    "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)",
                    migration.version,
                    migration.name,
                )

    async def close(self) -> None:
        await self._sync.stop()
        pool, self._pool = self._pool, None
        if pool is not None:
            try:
                await asyncio.wait_for(pool.close(), timeout=self._connect_timeout)
            except (*DRIVER_ERRORS, asyncio.CancelledError):
                pool.terminate()

    async def ping(self) -> None:
        if self._pool is not None:
            async with self._conn("ping") as conn:
                await conn.fetchval("SELECT 1", timeout=self._connect_timeout)
            return
        with self._errors("ping"):
            conn = await asyncpg.connect(self._dsn, **self._connect_args("shadowdiff-ping"))
            try:
                await conn.fetchval("SELECT 1")
            finally:
                await conn.close()

    def sync_age(self) -> float:
        """Seconds since the flag view was confirmed current; infinite before the first load."""
        return self._sync.sync_age()

    async def _read_versions(self) -> list[tuple[str, int]]:
        async with self._conn("polling flags") as conn:
            rows = await conn.fetch("SELECT module, version FROM flags")
        return [(r["module"], r["version"]) for r in rows]

    # -- flags ------------------------------------------------------------------------------------

    async def get_flag(self, module: str) -> Flag | None:
        async with self._conn("reading a flag") as conn:
            row = await conn.fetchrow(f"SELECT {FLAG_COLUMNS} FROM flags WHERE module = $1", module)
        return None if row is None else _flag(row)

    async def list_flags(self) -> list[Flag]:
        async with self._conn("listing flags") as conn:
            rows = await conn.fetch(f"SELECT {FLAG_COLUMNS} FROM flags ORDER BY module")
        return [_flag(r) for r in rows]

    async def save_flag(self, flag: Flag, change: FlagChange, expected_version: int) -> Flag:
        check_write(flag, change, expected_version)
        async with self._conn("saving a flag") as conn, conn.transaction():
            actual = await conn.fetchval(
                "SELECT version FROM flags WHERE module = $1 FOR UPDATE", flag.module
            )
            if (actual or 0) != expected_version:
                raise VersionConflict(flag.module, expected_version, actual or 0)
            values = (
                flag.module,
                flag.state.value,
                flag.sample_rate,
                flag.auto_rollback.value,
                flag.version,
                utc(flag.updated_at),
                safe_text(flag.updated_by),
                flag.serve_rate,
                flag_policy(flag),
                flag.retired,
            )
            if actual is None:
                inserted = await conn.fetchval(
                    f"INSERT INTO flags ({FLAG_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
                    " ON CONFLICT (module) DO NOTHING RETURNING version",
                    *values,
                )
                if inserted is None:  # another replica created it after our SELECT
                    now = await conn.fetchval("SELECT version FROM flags WHERE module = $1", flag.module)
                    raise VersionConflict(flag.module, expected_version, now or 0)
            else:
                await conn.execute(
                    "UPDATE flags SET state = $2, sample_rate = $3, auto_rollback = $4, version = $5,"
                    " updated_at = $6, updated_by = $7, serve_rate = $8, policy = $9, retired = $10"
                    " WHERE module = $1",
                    *values,
                )
            await self._insert_change(conn, change)
            await conn.execute(
                "SELECT pg_notify($1, $2)",
                CHANNEL,
                dump_json({"module": flag.module, "version": flag.version}),
            )
        await self._sync.announce(flag.module, flag.version)
        return flag

    @staticmethod
    async def _insert_change(conn: asyncpg.Connection, change: FlagChange) -> asyncpg.Record:
        return await conn.fetchrow(
            "INSERT INTO flag_history (module, action, actor, source, reason, at, before, after, decision,"
            " forced, by_person, query_name)"
            f" VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING {HISTORY_COLUMNS}",
            change.module,
            change.action,
            safe_text(change.actor),
            change.source.value,
            safe_text(change.reason),
            utc(change.at),
            change.before,
            change.after,
            change.decision,
            change.forced,
            optional_text(change.by),
            change.query_name,
        )

    async def append_history(self, change: FlagChange) -> FlagChange:
        async with self._conn("appending to the flag history") as conn:
            row = await self._insert_change(conn, change)
        return _change(row)

    async def history(self, module: str, limit: int = 100) -> list[FlagChange]:
        async with self._conn("reading the flag history") as conn:
            rows = await conn.fetch(
                f"SELECT {HISTORY_COLUMNS} FROM flag_history WHERE module = $1 ORDER BY id DESC LIMIT $2",
                module,
                max(limit, 0),
            )
        return [_change(r) for r in rows]

    async def subscribe(self, listener: FlagListener) -> None:
        self._sync.listeners.append(listener)

    # -- specs ------------------------------------------------------------------------------------

    async def put_spec(self, spec: StoredSpec) -> None:
        async with self._conn("storing a spec") as conn:
            await conn.execute(
                "INSERT INTO specs (module, query_name, spec, updated_at, updated_by)"
                " VALUES ($1, $2, $3, $4, $5)"
                " ON CONFLICT (module, query_name) DO UPDATE SET spec = excluded.spec,"
                " updated_at = excluded.updated_at, updated_by = excluded.updated_by",
                spec.module,
                spec.query_name,
                spec.spec,
                utc(spec.updated_at),
                safe_text(spec.updated_by),
            )

    async def list_specs(self) -> list[StoredSpec]:
        async with self._conn("listing specs") as conn:
            rows = await conn.fetch(
                "SELECT module, query_name, spec, updated_at, updated_by FROM specs"
                " ORDER BY module, query_name"
            )
        return [StoredSpec(m, q, s, utc(at), by) for m, q, s, at, by in rows]

    # -- mismatch samples -------------------------------------------------------------------------

    async def add_mismatches(self, samples: list[MismatchSample], keep_per_field: int) -> None:
        if not samples:
            return
        keep = max(keep_per_field, 0)
        keys = sorted({(s.module, s.query_name, f) for s in samples for f in sample_fields(s)})
        async with self._conn("storing mismatch samples") as conn, conn.transaction():
            # Replicas trimming the same (module, query, field) at once would each keep N of their own.
            await conn.execute(
                "SELECT pg_advisory_xact_lock(h) FROM"
                " (SELECT DISTINCT hashtextextended(k, 0) AS h FROM unnest($1::text[]) AS k) AS locks"
                " ORDER BY h",
                ["\x1f".join(k) for k in keys],
            )
            # A fixed number of round trips per batch: ids first, then pipelined inserts, one trim.
            ids = await conn.fetch(
                "SELECT nextval(pg_get_serial_sequence('mismatch_samples', 'id'))"
                " FROM generate_series(1, $1)",
                len(samples),
            )
            rows = [(row[0], sample, utc(sample.at)) for row, sample in zip(ids, samples, strict=True)]
            await conn.executemany(
                f"INSERT INTO mismatch_samples ({SAMPLE_COLUMNS})"
                " OVERRIDING SYSTEM VALUE VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                [
                    (
                        id_,
                        s.module,
                        s.query_name,
                        [safe_text(f) for f in s.fields],
                        s.differences,
                        optional_text(s.request_id),
                        at,
                        s.context,
                        s.detail,
                    )
                    for id_, s, at in rows
                ],
            )
            await conn.executemany(
                "INSERT INTO mismatch_fields (sample_id, module, query_name, field, at)"
                " VALUES ($1, $2, $3, $4, $5)",
                [(id_, s.module, s.query_name, f, at) for id_, s, at in rows for f in sample_fields(s)],
            )
            trimmed = await conn.fetch(
                "WITH keys AS (SELECT * FROM unnest($1::text[], $2::text[], $3::text[])"
                "  AS k (module, query_name, field)),"
                " ranked AS (SELECT f.sample_id, f.field, row_number() OVER ("
                "  PARTITION BY f.module, f.query_name, f.field ORDER BY f.at DESC, f.sample_id DESC) AS rank"
                "  FROM mismatch_fields f JOIN keys USING (module, query_name, field))"
                " DELETE FROM mismatch_fields f USING ranked"
                " WHERE ranked.rank > $4 AND f.sample_id = ranked.sample_id AND f.field = ranked.field"
                " RETURNING f.sample_id",
                [k[0] for k in keys],
                [k[1] for k in keys],
                [k[2] for k in keys],
                keep,
            )
            if trimmed:
                await conn.execute(
                    "DELETE FROM mismatch_samples s WHERE s.id = ANY($1::bigint[])"
                    " AND NOT EXISTS (SELECT 1 FROM mismatch_fields f WHERE f.sample_id = s.id)",
                    sorted({r[0] for r in trimmed}),
                )

    async def recent_mismatches(
        self, module: str | None, query_name: str | None, field: str | None, limit: int
    ) -> list[MismatchSample]:
        sql, args = samples_query(module, query_name, field, limit, lambda n: f"${n}")
        async with self._conn("reading mismatch samples") as conn:
            rows = await conn.fetch(sql, *args)
        return [_sample(r) for r in rows]

    async def mismatch(self, sample_id: int) -> MismatchSample | None:
        async with self._conn("reading a mismatch sample") as conn:
            row = await conn.fetchrow(
                f"SELECT {SAMPLE_COLUMNS} FROM mismatch_samples WHERE id = $1", sample_id
            )
        return None if row is None else _sample(row)

    # -- spec rules (triage) ----------------------------------------------------------------------

    async def add_spec_rule(self, rule: SpecRule) -> SpecRule:
        async with self._conn("storing a spec rule") as conn:
            rule_id = await conn.fetchval(
                "INSERT INTO spec_rules (module, query_name, option, value, reason, actor, created_at,"
                " expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
                rule.module,
                rule.query_name,
                rule.option,
                rule.value,
                safe_text(rule.reason),
                safe_text(rule.actor),
                utc(rule.created_at),
                None if rule.expires_at is None else utc(rule.expires_at),
            )
        return replace(rule, id=rule_id)

    async def spec_rules(self, module: str | None = None, open_only: bool = False) -> list[SpecRule]:
        where, args = rule_filter(module, open_only, lambda n: f"${n}")
        async with self._conn("reading spec rules") as conn:
            rows = await conn.fetch(f"SELECT {RULE_COLUMNS} FROM spec_rules{where} ORDER BY id DESC", *args)
        return [rule_from_row(tuple(r), lambda v: v, lambda t: t if t is None else utc(t)) for r in rows]

    async def close_spec_rule(self, rule_id: int, at: datetime, by: str) -> bool:
        async with self._conn("closing a spec rule") as conn:
            done = await conn.fetchval(
                "UPDATE spec_rules SET removed_at = $1, removed_by = $2"
                " WHERE id = $3 AND removed_at IS NULL RETURNING id",
                utc(at),
                safe_text(by),
                rule_id,
            )
        return done is not None

    # -- webhook idempotency ----------------------------------------------------------------------

    async def claim_once(self, key: str, retention_seconds: float = CLAIM_RETENTION_SECONDS) -> bool:
        async with self._conn("claiming a delivery key") as conn, conn.transaction():
            await conn.execute(
                "DELETE FROM claimed_keys WHERE claimed_at < now() - make_interval(secs => $1)",
                float(retention_seconds),
            )
            claimed = await conn.fetchval(
                "INSERT INTO claimed_keys (key) VALUES ($1) ON CONFLICT DO NOTHING RETURNING key", key
            )
        return claimed is not None

    # -- per-minute rollups -----------------------------------------------------------------------

    async def add_rollups(self, rows: list[RollupRow]) -> None:
        if not rows:
            return
        counts = RollupRow.COUNTS
        n = len(counts)
        adds = ", ".join(f"{c} = rollups.{c} + excluded.{c}" for c in counts)
        params = ", ".join(f"${i}" for i in range(4, 4 + n))
        sql = (
            f"INSERT INTO rollups (minute, module, query_name, {', '.join(counts)}, last_mismatch_at)"
            f" VALUES ($1, $2, $3, {params}, ${4 + n})"
            f" ON CONFLICT (minute, module, query_name) DO UPDATE SET {adds},"
            " last_mismatch_at = GREATEST(rollups.last_mismatch_at, excluded.last_mismatch_at)"
        )
        # Replicas flushing the same minutes at once: a fixed row order keeps their row locks from
        # deadlocking each other.
        ordered = sorted(rows, key=lambda r: (r.minute, r.module, r.query_name))
        values = [
            (
                utc(r.minute),
                r.module,
                safe_text(r.query_name),
                *(getattr(r, c) for c in counts),
                None if r.last_mismatch_at is None else utc(r.last_mismatch_at),
            )
            for r in ordered
        ]
        keyed = sorted(
            (utc(r.minute), r.module, safe_text(r.query_name), kind, safe_text(key), count)
            for r in ordered
            for (kind, key), count in r.keyed.items()
        )
        async with self._conn("storing rollups") as conn, conn.transaction():
            await conn.executemany(sql, values)
            await conn.executemany(
                "INSERT INTO rollup_counts (minute, module, query_name, kind, key, count)"
                " VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (minute, module, query_name, kind, key)"
                " DO UPDATE SET count = rollup_counts.count + excluded.count",
                keyed,
            )

    async def read_rollups(self, since: datetime, module: str | None = None) -> list[RollupRow]:
        counts = RollupRow.COUNTS
        where = "minute >= $1" + (" AND module = $2" if module is not None else "")
        args: tuple[Any, ...] = (utc(since),) + ((module,) if module is not None else ())
        async with self._conn("reading rollups") as conn:
            main = await conn.fetch(
                f"SELECT minute, module, query_name, {', '.join(counts)}, last_mismatch_at"
                f" FROM rollups WHERE {where}",
                *args,
            )
            keyed = await conn.fetch(
                f"SELECT minute, module, query_name, kind, key, count FROM rollup_counts WHERE {where}", *args
            )
        rows: dict[tuple[datetime, str, str], RollupRow] = {}
        for record in main:
            row = RollupRow(utc(record["minute"]), record["module"], record["query_name"])
            for name in counts:
                setattr(row, name, record[name])
            last = record["last_mismatch_at"]
            row.last_mismatch_at = None if last is None else utc(last)
            rows[(row.minute, row.module, row.query_name)] = row
        for minute, mod, query, kind, key, count in keyed:
            found = rows.get((utc(minute), mod, query))
            if found is not None:
                found.keyed[(kind, key)] = count
        return list(rows.values())

    async def prune_rollups(self, before: datetime) -> int:
        async with self._conn("pruning rollups") as conn, conn.transaction():
            status = await conn.execute("DELETE FROM rollups WHERE minute < $1", utc(before))
            await conn.execute("DELETE FROM rollup_counts WHERE minute < $1", utc(before))
        return int(status.split()[-1])
