"""The embedded store: one SQLite file in WAL mode, for a single service process.

sqlite3 blocks, so every statement runs on one dedicated thread that owns the connection; the event
loop only awaits it. One thread also serialises the writes, which is all SQLite allows anyway, and
each flag write (version check, flag row, history entry) is one ``BEGIN IMMEDIATE`` transaction.
Driver errors become :class:`StoreUnavailable` naming the file.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

from app.store.base import (
    CLAIM_RETENTION_SECONDS,
    MismatchSample,
    RollupRow,
    SpecRule,
    StoredSpec,
    StoreUnavailable,
)
from app.store.codec import dump_json, flag_from_row, flag_policy, load_json, parse_time, time_text
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
from app.store.events import notify_listeners
from app.store.migrate import Migration, MigrationError, load_migrations
from flags.errors import VersionConflict
from flags.model import Flag, FlagChange, Source
from flags.persistence import FlagListener

T = TypeVar("T")

DEFAULT_FILENAME = "shadowdiff.sqlite3"


def split_statements(sql: str) -> Iterator[str]:
    """The statements of a migration file, trigger bodies included (``sqlite3.complete_statement``)."""
    buffer: list[str] = []
    for line in sql.splitlines(keepends=True):
        buffer.append(line)
        text = "".join(buffer)
        if sqlite3.complete_statement(text):
            yield text.strip()
            buffer = []
    rest = [ln for ln in buffer if ln.strip() and not ln.strip().startswith("--")]
    if rest:
        raise MigrationError(f"migration ends with an unterminated statement: {''.join(rest)[:200]!r}")


@contextmanager
def _transaction(conn: sqlite3.Connection) -> Iterator[None]:
    """``BEGIN IMMEDIATE``: take the write lock up front, so the version check cannot go stale."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def _flag(row: tuple[Any, ...]) -> Flag:
    module, state, rate, auto, version, updated_at, updated_by, serve, policy, retired = row
    return flag_from_row(
        module,
        state,
        rate,
        auto,
        version,
        parse_time(updated_at),
        updated_by,
        serve,
        load_json(policy),
        retired,
    )


def _change(row: tuple[Any, ...]) -> FlagChange:
    id_, module, action, actor, source, reason, at, before, after, decision, forced, by, query = row
    return FlagChange(
        forced=bool(forced),
        by=by,
        query_name=query,
        module=module,
        action=action,
        actor=actor,
        source=Source(source),
        reason=reason,
        at=parse_time(at),
        before=load_json(before),
        after=load_json(after),
        decision=load_json(decision),
        id=id_,
    )


def _sample(row: tuple[Any, ...]) -> MismatchSample:
    id_, module, query_name, fields, differences, request_id, at, context, detail = row
    return MismatchSample(
        module=module,
        query_name=query_name,
        fields=tuple(load_json(fields)),
        differences=load_json(differences),
        request_id=request_id,
        at=parse_time(at),
        id=id_,
        context=load_json(context),
        detail=load_json(detail) if detail is not None else None,
    )


class SQLiteStore:
    """The ``Store`` on a local SQLite file; ``sync_age()`` is 0 since no other replica writes it."""

    def __init__(self, path: Path) -> None:
        self._path = Path(path)
        self._executor: ThreadPoolExecutor | None = None
        self._conn: sqlite3.Connection | None = None
        self._listeners: list[FlagListener] = []

    @property
    def path(self) -> Path:
        return self._path

    def __repr__(self) -> str:
        return f"SQLiteStore({str(self._path)!r})"

    # -- plumbing ---------------------------------------------------------------------------------

    def _fail(self, err: BaseException) -> StoreUnavailable:
        return StoreUnavailable(f"SQLite store {self._path}: {err}")

    async def _run(self, work: Callable[[sqlite3.Connection], T]) -> T:
        executor = self._executor
        if executor is None:
            raise StoreUnavailable(f"SQLite store {self._path} is not open (call open() first)")
        return await asyncio.get_running_loop().run_in_executor(executor, self._call, work)

    def _call(self, work: Callable[[sqlite3.Connection], T]) -> T:
        conn = self._conn
        if conn is None:
            raise StoreUnavailable(f"SQLite store {self._path} is not open (call open() first)")
        try:
            return work(conn)
        except sqlite3.Error as err:
            raise self._fail(err) from err

    def _connect(self) -> None:
        try:
            self._path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self._path, isolation_level=None)
        except (OSError, sqlite3.Error) as err:
            raise self._fail(err) from err
        try:
            conn.execute("PRAGMA busy_timeout = 5000")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("PRAGMA foreign_keys = ON")
            self._migrate(conn, load_migrations("sqlite"))
        except sqlite3.Error as err:
            conn.close()
            raise self._fail(err) from err
        except BaseException:
            conn.close()
            raise
        self._conn = conn

    @staticmethod
    def _migrate(conn: sqlite3.Connection, migrations: list[Migration]) -> None:
        conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
        )
        for migration in migrations:
            with _transaction(conn):
                done = conn.execute(
                    "SELECT 1 FROM schema_migrations WHERE version = ?", (migration.version,)
                ).fetchone()
                if done:
                    continue
                for statement in split_statements(migration.sql):
                    conn.execute(statement)
                conn.execute(
                    "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                    (migration.version, migration.name, time_text(datetime.now(UTC))),
                )

    # -- lifecycle --------------------------------------------------------------------------------

    async def open(self) -> None:
        if self._executor is not None:
            return
        executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="shadowdiff-sqlite")
        try:
            await asyncio.get_running_loop().run_in_executor(executor, self._connect)
        except BaseException:
            executor.shutdown(wait=False)
            raise
        self._executor = executor

    async def close(self) -> None:
        executor, self._executor = self._executor, None
        if executor is None:
            return

        def close_conn() -> None:
            conn, self._conn = self._conn, None
            if conn is not None:
                conn.close()

        try:
            await asyncio.get_running_loop().run_in_executor(executor, close_conn)
        finally:
            executor.shutdown(wait=False)

    async def ping(self) -> None:
        await self._run(lambda conn: conn.execute("SELECT 1").fetchone())

    def sync_age(self) -> float:
        return 0.0

    # -- flags ------------------------------------------------------------------------------------

    async def get_flag(self, module: str) -> Flag | None:
        def work(conn: sqlite3.Connection) -> Flag | None:
            row = conn.execute(f"SELECT {FLAG_COLUMNS} FROM flags WHERE module = ?", (module,)).fetchone()
            return None if row is None else _flag(row)

        return await self._run(work)

    async def list_flags(self) -> list[Flag]:
        def work(conn: sqlite3.Connection) -> list[Flag]:
            return [_flag(r) for r in conn.execute(f"SELECT {FLAG_COLUMNS} FROM flags ORDER BY module")]

        return await self._run(work)

    async def save_flag(self, flag: Flag, change: FlagChange, expected_version: int) -> Flag:
        check_write(flag, change, expected_version)

        def work(conn: sqlite3.Connection) -> None:
            with _transaction(conn):
                row = conn.execute("SELECT version FROM flags WHERE module = ?", (flag.module,)).fetchone()
                actual = 0 if row is None else int(row[0])
                if actual != expected_version:
                    raise VersionConflict(flag.module, expected_version, actual)
                conn.execute(
                    f"INSERT INTO flags ({FLAG_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                    " ON CONFLICT (module) DO UPDATE SET state = excluded.state,"
                    " sample_rate = excluded.sample_rate, auto_rollback = excluded.auto_rollback,"
                    " version = excluded.version, updated_at = excluded.updated_at,"
                    " updated_by = excluded.updated_by, serve_rate = excluded.serve_rate,"
                    " policy = excluded.policy, retired = excluded.retired",
                    (
                        flag.module,
                        flag.state.value,
                        flag.sample_rate,
                        flag.auto_rollback.value,
                        flag.version,
                        time_text(flag.updated_at),
                        safe_text(flag.updated_by),
                        flag.serve_rate,
                        None if (policy := flag_policy(flag)) is None else dump_json(policy),
                        int(flag.retired),
                    ),
                )
                self._insert_change(conn, change)

        await self._run(work)
        await notify_listeners(self._listeners, flag.module)
        return flag

    @staticmethod
    def _insert_change(conn: sqlite3.Connection, change: FlagChange) -> int:
        cursor = conn.execute(
            "INSERT INTO flag_history (module, action, actor, source, reason, at, before, after, decision,"
            " forced, by_person, query_name) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                change.module,
                change.action,
                safe_text(change.actor),
                change.source.value,
                safe_text(change.reason),
                time_text(change.at),
                None if change.before is None else dump_json(change.before),
                None if change.after is None else dump_json(change.after),
                None if change.decision is None else dump_json(change.decision),
                int(change.forced),
                optional_text(change.by),
                change.query_name,
            ),
        )
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    async def append_history(self, change: FlagChange) -> FlagChange:
        def work(conn: sqlite3.Connection) -> FlagChange:
            with _transaction(conn):
                id_ = self._insert_change(conn, change)
            row = conn.execute(f"SELECT {HISTORY_COLUMNS} FROM flag_history WHERE id = ?", (id_,)).fetchone()
            return _change(row)

        return await self._run(work)

    async def history(self, module: str, limit: int = 100) -> list[FlagChange]:
        def work(conn: sqlite3.Connection) -> list[FlagChange]:
            rows = conn.execute(
                f"SELECT {HISTORY_COLUMNS} FROM flag_history WHERE module = ? ORDER BY id DESC LIMIT ?",
                (module, max(limit, 0)),
            )
            return [_change(r) for r in rows]

        return await self._run(work)

    async def subscribe(self, listener: FlagListener) -> None:
        self._listeners.append(listener)

    # -- specs ------------------------------------------------------------------------------------

    async def put_spec(self, spec: StoredSpec) -> None:
        def work(conn: sqlite3.Connection) -> None:
            conn.execute(
                "INSERT INTO specs (module, query_name, spec, updated_at, updated_by) VALUES (?, ?, ?, ?, ?)"
                " ON CONFLICT (module, query_name) DO UPDATE SET spec = excluded.spec,"
                " updated_at = excluded.updated_at, updated_by = excluded.updated_by",
                (
                    spec.module,
                    spec.query_name,
                    dump_json(spec.spec),
                    time_text(spec.updated_at),
                    safe_text(spec.updated_by),
                ),
            )

        await self._run(work)

    async def list_specs(self) -> list[StoredSpec]:
        def work(conn: sqlite3.Connection) -> list[StoredSpec]:
            rows = conn.execute(
                "SELECT module, query_name, spec, updated_at, updated_by FROM specs"
                " ORDER BY module, query_name"
            )
            return [StoredSpec(m, q, load_json(s), parse_time(at), by) for m, q, s, at, by in rows]

        return await self._run(work)

    # -- spec rules (triage) ----------------------------------------------------------------------

    async def add_spec_rule(self, rule: SpecRule) -> SpecRule:
        def work(conn: sqlite3.Connection) -> SpecRule:
            cursor = conn.execute(
                "INSERT INTO spec_rules (module, query_name, option, value, reason, actor, created_at,"
                " expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    rule.module,
                    rule.query_name,
                    rule.option,
                    dump_json(rule.value),
                    safe_text(rule.reason),
                    safe_text(rule.actor),
                    time_text(rule.created_at),
                    None if rule.expires_at is None else time_text(rule.expires_at),
                ),
            )
            return replace(rule, id=cursor.lastrowid)

        return await self._run(work)

    async def spec_rules(self, module: str | None = None, open_only: bool = False) -> list[SpecRule]:
        where, args = rule_filter(module, open_only, lambda _: "?")

        def work(conn: sqlite3.Connection) -> list[SpecRule]:
            rows = conn.execute(f"SELECT {RULE_COLUMNS} FROM spec_rules{where} ORDER BY id DESC", args)
            return [rule_from_row(r, load_json, parse_time) for r in rows]

        return await self._run(work)

    async def close_spec_rule(self, rule_id: int, at: datetime, by: str) -> bool:
        def work(conn: sqlite3.Connection) -> bool:
            cursor = conn.execute(
                "UPDATE spec_rules SET removed_at = ?, removed_by = ? WHERE id = ? AND removed_at IS NULL",
                (time_text(at), safe_text(by), rule_id),
            )
            return cursor.rowcount == 1

        return await self._run(work)

    # -- mismatch samples -------------------------------------------------------------------------

    async def add_mismatches(self, samples: list[MismatchSample], keep_per_field: int) -> None:
        if not samples:
            return
        keep = max(keep_per_field, 0)

        def work(conn: sqlite3.Connection) -> None:
            keys: set[tuple[str, str, str]] = set()
            with _transaction(conn):
                for sample in samples:
                    fields = sample_fields(sample)
                    at = time_text(sample.at)
                    cursor = conn.execute(
                        f"INSERT INTO mismatch_samples ({SAMPLE_COLUMNS})"
                        " VALUES (NULL, ?, ?, ?, ?, ?, ?, ?, ?)",
                        (
                            sample.module,
                            sample.query_name,
                            dump_json([safe_text(f) for f in sample.fields]),
                            dump_json(sample.differences),
                            optional_text(sample.request_id),
                            at,
                            None if sample.context is None else dump_json(sample.context),
                            dump_json(sample.detail) if sample.detail is not None else None,
                        ),
                    )
                    conn.executemany(
                        "INSERT INTO mismatch_fields (sample_id, module, query_name, field, at)"
                        " VALUES (?, ?, ?, ?, ?)",
                        [(cursor.lastrowid, sample.module, sample.query_name, f, at) for f in fields],
                    )
                    keys.update((sample.module, sample.query_name, f) for f in fields)
                dropped: set[int] = set()
                for module, query_name, field in sorted(keys):
                    rows = conn.execute(
                        "DELETE FROM mismatch_fields WHERE module = ? AND query_name = ? AND field = ?"
                        " AND sample_id IN (SELECT sample_id FROM mismatch_fields"
                        "  WHERE module = ? AND query_name = ? AND field = ?"
                        "  ORDER BY at DESC, sample_id DESC LIMIT -1 OFFSET ?)"
                        " RETURNING sample_id",
                        (module, query_name, field, module, query_name, field, keep),
                    ).fetchall()
                    dropped.update(r[0] for r in rows)
                conn.executemany(
                    "DELETE FROM mismatch_samples WHERE id = ?"
                    " AND NOT EXISTS (SELECT 1 FROM mismatch_fields WHERE sample_id = ?)",
                    [(i, i) for i in sorted(dropped)],
                )

        await self._run(work)

    async def recent_mismatches(
        self, module: str | None, query_name: str | None, field: str | None, limit: int
    ) -> list[MismatchSample]:
        sql, args = samples_query(module, query_name, field, limit, lambda _: "?")

        def work(conn: sqlite3.Connection) -> list[MismatchSample]:
            return [_sample(r) for r in conn.execute(sql, args)]

        return await self._run(work)

    async def mismatch(self, sample_id: int) -> MismatchSample | None:
        def work(conn: sqlite3.Connection) -> MismatchSample | None:
            row = conn.execute(
                f"SELECT {SAMPLE_COLUMNS} FROM mismatch_samples WHERE id = ?", (sample_id,)
            ).fetchone()
            return None if row is None else _sample(row)

        return await self._run(work)

    # -- webhook idempotency ----------------------------------------------------------------------

    async def claim_once(self, key: str, retention_seconds: float = CLAIM_RETENTION_SECONDS) -> bool:
        def work(conn: sqlite3.Connection) -> bool:
            at = datetime.now(UTC)
            conn.execute(
                "DELETE FROM claimed_keys WHERE claimed_at < ?",
                (time_text(at - timedelta(seconds=retention_seconds)),),
            )
            cursor = conn.execute(
                "INSERT OR IGNORE INTO claimed_keys (key, claimed_at) VALUES (?, ?)", (key, time_text(at))
            )
            return cursor.rowcount == 1

        return await self._run(work)

    # -- per-minute rollups -----------------------------------------------------------------------

    async def add_rollups(self, rows: list[RollupRow]) -> None:
        if not rows:
            return
        counts = RollupRow.COUNTS
        columns = ", ".join(counts)
        adds = ", ".join(f"{c} = rollups.{c} + excluded.{c}" for c in counts)
        sql = (
            f"INSERT INTO rollups (minute, module, query_name, {columns}, last_mismatch_at)"
            f" VALUES (?, ?, ?, {', '.join('?' * len(counts))}, ?)"
            f" ON CONFLICT (minute, module, query_name) DO UPDATE SET {adds},"
            " last_mismatch_at = CASE WHEN rollups.last_mismatch_at IS NULL"
            "  OR excluded.last_mismatch_at > rollups.last_mismatch_at"
            "  THEN excluded.last_mismatch_at ELSE rollups.last_mismatch_at END"
        )
        values = [
            (
                time_text(r.minute),
                r.module,
                safe_text(r.query_name),
                *(getattr(r, c) for c in counts),
                None if r.last_mismatch_at is None else time_text(r.last_mismatch_at),
            )
            for r in rows
        ]
        keyed = [
            (time_text(r.minute), r.module, safe_text(r.query_name), kind, safe_text(key), n)
            for r in rows
            for (kind, key), n in r.keyed.items()
        ]

        def work(conn: sqlite3.Connection) -> None:
            with _transaction(conn):
                conn.executemany(sql, values)
                conn.executemany(
                    "INSERT INTO rollup_counts (minute, module, query_name, kind, key, count)"
                    " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (minute, module, query_name, kind, key)"
                    " DO UPDATE SET count = rollup_counts.count + excluded.count",
                    keyed,
                )

        await self._run(work)

    async def read_rollups(self, since: datetime, module: str | None = None) -> list[RollupRow]:
        counts = RollupRow.COUNTS
        where = "minute >= ?" + (" AND module = ?" if module is not None else "")
        args: tuple[Any, ...] = (time_text(since),) + ((module,) if module is not None else ())

        def work(conn: sqlite3.Connection) -> list[RollupRow]:
            rows: dict[tuple[str, str, str], RollupRow] = {}
            for minute, mod, query, *values, last in conn.execute(
                f"SELECT minute, module, query_name, {', '.join(counts)}, last_mismatch_at"
                f" FROM rollups WHERE {where}",
                args,
            ):
                row = RollupRow(parse_time(minute), mod, query)
                for name, value in zip(counts, values, strict=True):
                    setattr(row, name, value)
                row.last_mismatch_at = None if last is None else parse_time(last)
                rows[(minute, mod, query)] = row
            for minute, mod, query, kind, key, n in conn.execute(
                f"SELECT minute, module, query_name, kind, key, count FROM rollup_counts WHERE {where}", args
            ):
                found = rows.get((minute, mod, query))
                if found is not None:
                    found.keyed[(kind, key)] = n
            return list(rows.values())

        return await self._run(work)

    async def prune_rollups(self, before: datetime) -> int:
        def work(conn: sqlite3.Connection) -> int:
            with _transaction(conn):
                gone = conn.execute("DELETE FROM rollups WHERE minute < ?", (time_text(before),)).rowcount
                conn.execute("DELETE FROM rollup_counts WHERE minute < ?", (time_text(before),))
            return int(gone)

        return await self._run(work)
