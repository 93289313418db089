"""The replicated store: PostgreSQL through an asyncpg pool, shared by every service replica.

Each flag write is one transaction: ``SELECT ... FOR UPDATE`` checks the version, the flag row and
its history entry are written, and ``pg_notify`` announces the change at commit. Every replica keeps
one extra connection that LISTENs on :data:`CHANNEL` and calls the subscribers; a heartbeat on it
confirms that the view is current. When that connection drops the replica polls ``flags`` every
``poll_seconds`` (comparing versions) and keeps trying to LISTEN again, so a change is never missed,
only seen later. ``sync_age()`` says how much later.

asyncpg and OS errors become :class:`StoreUnavailable` naming the database (``raise ... from``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import urlsplit

import asyncpg

from app.store.base import MismatchSample, StoredSpec, StoreUnavailable
from app.store.codec import dump_json, flag_from_row, load_json, utc
from app.store.contract import check_write, optional_text, safe_text, sample_fields
from app.store.events import notify_listeners
from app.store.migrate import Migration, load_migrations
from flags.errors import VersionConflict
from flags.model import Flag, FlagChange, Source
from flags.persistence import FlagListener

logger = logging.getLogger(__name__)

CHANNEL = "shadowdiff_flags"
"""NOTIFY channel; the payload is ``{"module": ..., "version": ...}`` as JSON."""

MIGRATION_LOCK = 0x5AD0D1FF
"""Advisory lock id that serialises replicas migrating the same database at start."""

DRIVER_ERRORS = (asyncpg.PostgresError, asyncpg.InterfaceError, OSError, TimeoutError)

_FLAG_COLUMNS = "module, state, sample_rate, auto_rollback, version, updated_at, updated_by"
_HISTORY_COLUMNS = "id, module, action, actor, source, reason, at, before, after, decision"
_SAMPLE_COLUMNS = "id, module, query_name, fields, differences, request_id, at, context"


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
    id_, module, action, actor, source, reason, at, before, after, decision = row
    return FlagChange(module, action, actor, Source(source), reason, utc(at), before, after, decision, id_)


def _sample(row: asyncpg.Record) -> MismatchSample:
    id_, module, query_name, fields, differences, request_id, at, context = row
    return MismatchSample(
        module, query_name, tuple(fields), differences, request_id, utc(at), id_, context=context
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
        self._listeners: list[FlagListener] = []
        self._announced: dict[str, int] = {}  # the newest version of each module listeners were told of
        self._listen_conn: asyncpg.Connection | None = None
        self._notices: asyncio.Queue[tuple[str, int | None]] = asyncio.Queue()
        self._wake = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []
        self._synced_at: float | None = None
        self._degraded = False
        self._poll_failing = False
        self.listener_name = f"shadowdiff-listen-{uuid.uuid4().hex[:12]}"
        """The ``application_name`` of the LISTEN connection (tests terminate it by this name)."""

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

    def _mark_synced(self) -> None:
        self._synced_at = time.monotonic()

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
        self._notices = asyncio.Queue()
        self._wake = asyncio.Event()
        self._announced = {r["module"]: r["version"] for r in rows}
        self._mark_synced()
        await self._listen()
        self._tasks = [
            asyncio.create_task(self._dispatch(), name="shadowdiff-flag-dispatch"),
            asyncio.create_task(self._supervise(), name="shadowdiff-flag-sync"),
        ]

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
        tasks, self._tasks = self._tasks, []
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await self._drop_listener()
        pool, self._pool = self._pool, None
        if pool is not None:
            try:
                await asyncio.wait_for(pool.close(), timeout=self._connect_timeout)
            except (*DRIVER_ERRORS, asyncio.CancelledError):
                pool.terminate()
        self._synced_at = None

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
        """Seconds since the view was confirmed current; infinite before the first load."""
        return math.inf if self._synced_at is None else time.monotonic() - self._synced_at

    # -- keeping the view current -----------------------------------------------------------------

    async def _listen(self) -> bool:
        """Open the LISTEN connection; False (and polling goes on) when that fails."""
        try:
            conn = await asyncpg.connect(self._dsn, **self._connect_args(self.listener_name))
        except DRIVER_ERRORS as err:
            self._note_degraded(f"cannot open the LISTEN connection ({err}); polling flags")
            return False
        try:
            await conn.add_listener(CHANNEL, self._on_notify)
        except DRIVER_ERRORS as err:
            conn.terminate()
            self._note_degraded(f"cannot LISTEN on {CHANNEL} ({err}); polling flags")
            return False
        except BaseException:  # cancelled by close(): do not leak the half-set-up connection
            conn.terminate()
            raise
        conn.add_termination_listener(self._on_listener_lost)
        self._listen_conn = conn
        if self._degraded:
            logger.info("%s: listening for flag changes again", self._where)
            self._degraded = False
        return True

    def _note_degraded(self, message: str) -> None:
        if not self._degraded:
            logger.warning("%s: %s every %.2f s", self._where, message, self._poll_seconds)
            self._degraded = True

    async def _drop_listener(self) -> None:
        conn, self._listen_conn = self._listen_conn, None
        if conn is None:
            return
        with contextlib.suppress(Exception):
            conn.remove_termination_listener(self._on_listener_lost)
        if conn.is_closed():
            return
        try:
            await asyncio.wait_for(conn.close(), timeout=1.0)
        except (*DRIVER_ERRORS, asyncio.CancelledError):
            conn.terminate()

    def _on_listener_lost(self, conn: asyncpg.Connection) -> None:
        self._wake.set()

    def _on_notify(self, conn: asyncpg.Connection, pid: int, channel: str, payload: str) -> None:
        self._mark_synced()
        try:
            notice = load_json(payload)
            module, version = str(notice["module"]), int(notice["version"])
        except (ValueError, TypeError, KeyError):
            self._notices.put_nowait((payload, None))  # a hand-made NOTIFY naming a module
            return
        self._notices.put_nowait((module, version))

    async def _dispatch(self) -> None:
        while True:
            module, version = await self._notices.get()
            await self._announce(module, version)

    async def _announce(self, module: str, version: int | None) -> None:
        """Tell listeners once per version, whether it came by NOTIFY, poll or a local save."""
        if version is not None:
            if self._announced.get(module, 0) >= version:
                return
            self._announced[module] = version
        await notify_listeners(self._listeners, module)

    async def _supervise(self) -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=self._poll_seconds)
            self._wake.clear()
            try:
                await self._keep_current()
            except Exception:  # a bug here must not stop the replica from following flag changes
                logger.exception("%s: keeping the flag view current failed; retrying", self._where)

    async def _keep_current(self) -> None:
        if await self._heartbeat():
            return
        await self._drop_listener()
        await self._listen()
        await self._poll()  # catch up on what was missed while not listening (or go on polling)

    async def _heartbeat(self) -> bool:
        conn = self._listen_conn
        if conn is None or conn.is_closed():
            return False
        try:
            await conn.fetchval("SELECT 1", timeout=self._poll_seconds + self._connect_timeout)
        except DRIVER_ERRORS as err:
            self._note_degraded(f"the LISTEN connection failed ({err}); polling flags")
            return False
        self._mark_synced()
        return True

    async def _poll(self) -> None:
        try:
            async with self._conn("polling flags") as conn:
                rows = await conn.fetch("SELECT module, version FROM flags")
        except StoreUnavailable as err:
            if not self._poll_failing:  # once per outage, not once per interval
                logger.warning("%s; the flag view ages until the database answers again", err)
                self._poll_failing = True
            return
        if self._poll_failing:
            logger.info("%s: polling flags works again", self._where)
            self._poll_failing = False
        self._mark_synced()
        for module, version in rows:
            await self._announce(module, version)

    # -- flags ------------------------------------------------------------------------------------

    async def get_flag(self, module: str) -> Flag | None:
        async with self._conn("reading a flag") as conn:
            row = await conn.fetchrow(f"SELECT {_FLAG_COLUMNS} FROM flags WHERE module = $1", module)
        return None if row is None else _flag(row)

    async def list_flags(self) -> list[Flag]:
        async with self._conn("listing flags") as conn:
            rows = await conn.fetch(f"SELECT {_FLAG_COLUMNS} FROM flags ORDER BY module")
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
            )
            if actual is None:
                inserted = await conn.fetchval(
                    f"INSERT INTO flags ({_FLAG_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7)"
                    " ON CONFLICT (module) DO NOTHING RETURNING version",
                    *values,
                )
                if inserted is None:  # another replica created it after our SELECT
                    now = await conn.fetchval("SELECT version FROM flags WHERE module = $1", flag.module)
                    raise VersionConflict(flag.module, expected_version, now or 0)
            else:
                await conn.execute(
                    "UPDATE flags SET state = $2, sample_rate = $3, auto_rollback = $4, version = $5,"
                    " updated_at = $6, updated_by = $7 WHERE module = $1",
                    *values,
                )
            await self._insert_change(conn, change)
            await conn.execute(
                "SELECT pg_notify($1, $2)",
                CHANNEL,
                dump_json({"module": flag.module, "version": flag.version}),
            )
        await self._announce(flag.module, flag.version)
        return flag

    @staticmethod
    async def _insert_change(conn: asyncpg.Connection, change: FlagChange) -> asyncpg.Record:
        return await conn.fetchrow(
            "INSERT INTO flag_history (module, action, actor, source, reason, at, before, after, decision)"
            f" VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING {_HISTORY_COLUMNS}",
            change.module,
            change.action,
            safe_text(change.actor),
            change.source.value,
            safe_text(change.reason),
            utc(change.at),
            change.before,
            change.after,
            change.decision,
        )

    async def append_history(self, change: FlagChange) -> FlagChange:
        async with self._conn("appending to the flag history") as conn:
            row = await self._insert_change(conn, change)
        return _change(row)

    async def history(self, module: str, limit: int = 100) -> list[FlagChange]:
        async with self._conn("reading the flag history") as conn:
            rows = await conn.fetch(
                f"SELECT {_HISTORY_COLUMNS} FROM flag_history WHERE module = $1 ORDER BY id DESC LIMIT $2",
                module,
                max(limit, 0),
            )
        return [_change(r) for r in rows]

    async def subscribe(self, listener: FlagListener) -> None:
        self._listeners.append(listener)

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
                "INSERT INTO mismatch_samples"
                " (id, module, query_name, fields, differences, request_id, at, context)"
                " OVERRIDING SYSTEM VALUE VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
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
        where: list[str] = []
        args: list[Any] = []
        if module is not None:
            args.append(module)
            where.append(f"module = ${len(args)}")
        if query_name is not None:
            args.append(query_name)
            where.append(f"query_name = ${len(args)}")
        if field is not None:
            args.append(safe_text(field))
            where.append(
                "EXISTS (SELECT 1 FROM mismatch_fields f"
                f" WHERE f.sample_id = s.id AND f.field = ${len(args)})"
            )
        args.append(max(limit, 0))
        sql = f"SELECT {_SAMPLE_COLUMNS} FROM mismatch_samples s"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += f" ORDER BY at DESC, id DESC LIMIT ${len(args)}"
        async with self._conn("reading mismatch samples") as conn:
            rows = await conn.fetch(sql, *args)
        return [_sample(r) for r in rows]

    # -- webhook idempotency ----------------------------------------------------------------------

    async def claim_once(self, key: str) -> bool:
        async with self._conn("claiming a delivery key") as conn:
            claimed = await conn.fetchval(
                "INSERT INTO claimed_keys (key) VALUES ($1) ON CONFLICT DO NOTHING RETURNING key", key
            )
        return claimed is not None
