"""Per-minute rollups: what every accepted pair adds, kept in the store so figures survive restarts and
add up across replicas (``/metrics/json``, readiness).

The ingest path only adds to an in-memory row per (minute, module, query) — a dict lookup and a few
integer additions. A background task drains those rows into the store at least every
``SHADOWDIFF_ROLLUP_FLUSH_SECONDS`` (each flush is one transaction that adds to the stored rows, so
replicas and flushes of the same minute add up), and prunes minutes older than
``SHADOWDIFF_ROLLUP_RETENTION_HOURS``. A flush that fails keeps its rows for the next one. Readers
flush this replica's rows first, so what this replica counted is always in what it answers.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from app.store.base import RollupRow, Store, StoreUnavailable
from flags.model import Flag
from flags.readiness import (
    HIGHEST_BUCKET,
    LOWEST_BUCKET,
    Figures,
    Readiness,
    clamp_ms,
    judge,
    latency_bucket,
)

log = logging.getLogger("shadowdiff.rollups")

PRUNE_EVERY_SECONDS = 600.0
# The keyed-count keys of every latency bucket, made once: the ingest path adds to them per pair.
_SQL_BUCKETS: dict[int, tuple[str, str]] = {
    b: ("sql", str(b)) for b in range(LOWEST_BUCKET, HIGHEST_BUCKET + 1)
}
_ORM_BUCKETS: dict[int, tuple[str, str]] = {
    b: ("prisma", str(b)) for b in range(LOWEST_BUCKET, HIGHEST_BUCKET + 1)
}


class Rollups:
    def __init__(
        self,
        *,
        store: Store,
        flush_seconds: float = 1.0,
        retention_hours: float = 72.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._store = store
        self._flush_seconds = flush_seconds
        self._retention = timedelta(hours=retention_hours)
        self._clock = clock
        self._rows: dict[tuple[int, str, str], RollupRow] = {}
        self._rule_sets: dict[tuple[int, str, str], dict[tuple[str, ...], int]] = {}
        self._lock = asyncio.Lock()
        self._task: asyncio.Task[None] | None = None
        self._last_prune = 0.0

    # -- the ingest path --------------------------------------------------------------------------

    def record(
        self,
        module: str,
        query_name: str,
        outcome: str,
        sql_ms: float | None,
        orm_ms: float | None,
        sql_error: bool,
        orm_error: bool,
        fields: tuple[str, ...] = (),
    ) -> None:
        """Add one accepted pair. O(1) plus one entry per mismatched field."""
        now = self._clock()
        key = (int(now // 60), module, query_name)
        row = self._rows.get(key)
        if row is None:
            row = self._rows[key] = RollupRow(datetime.fromtimestamp(key[0] * 60, UTC), module, query_name)
        if outcome == "match":
            row.match += 1
        elif outcome == "mismatch":
            row.mismatch += 1
            row.last_mismatch_at = datetime.fromtimestamp(now, UTC)
            for name in fields:
                k = ("field", name)
                row.keyed[k] = row.keyed.get(k, 0) + 1
        elif outcome == "error":
            row.error += 1
        else:
            row.skipped += 1
        row.sql_queries += 1
        row.prisma_queries += 1
        row.sql_errors += sql_error
        row.prisma_errors += orm_error
        keyed = row.keyed
        if sql_ms is not None:
            sql_ms = clamp_ms(sql_ms)
            row.sql_latency_sum += sql_ms
            k = _SQL_BUCKETS[latency_bucket(sql_ms)]
            keyed[k] = keyed.get(k, 0) + 1
        if orm_ms is not None:
            orm_ms = clamp_ms(orm_ms)
            row.prisma_latency_sum += orm_ms
            k = _ORM_BUCKETS[latency_bucket(orm_ms)]
            keyed[k] = keyed.get(k, 0) + 1

    def count_rules(self, module: str, query_name: str, rules: tuple[str, ...]) -> None:
        """The representation rules that made a compared pair's fields equal (one count per rule).

        Counted per set of rules, one dict entry a pair (a query's pairs mostly need the same set),
        and spread into per-rule counts when the rows are written."""
        key = (int(self._clock() // 60), module, query_name)
        sets = self._rule_sets.get(key)
        if sets is None:
            sets = self._rule_sets[key] = {}
        sets[rules] = sets.get(rules, 0) + 1

    def _pending_rows(self) -> list[RollupRow]:
        """Take the rows counted so far, the rule sets spread into their keyed counts."""
        rows, rule_sets = self._rows, self._rule_sets
        self._rows, self._rule_sets = {}, {}
        for key, sets in rule_sets.items():
            row = rows.get(key)
            if row is None:
                minute, module, query_name = key
                row = rows[key] = RollupRow(datetime.fromtimestamp(minute * 60, UTC), module, query_name)
            keyed = row.keyed
            for rules, count in sets.items():
                for rule in rules:
                    k = ("rule", rule)
                    keyed[k] = keyed.get(k, 0) + count
        return list(rows.values())

    # -- writing ----------------------------------------------------------------------------------

    async def flush(self) -> None:
        """Write what this replica counted since the last flush (one transaction)."""
        async with self._lock:
            rows = self._pending_rows()
            if not rows:
                return
            try:
                await self._store.add_rollups(rows)
            except BaseException:
                for row in rows:  # keep them for the next flush, added to what came in meanwhile
                    self._merge_back(row)
                raise

    def _merge_back(self, row: RollupRow) -> None:
        key = (int(row.minute.timestamp() // 60), row.module, row.query_name)
        current = self._rows.get(key)
        if current is None:
            self._rows[key] = row
            return
        for name in RollupRow.COUNTS:
            setattr(current, name, getattr(current, name) + getattr(row, name))
        if row.last_mismatch_at is not None and (
            current.last_mismatch_at is None or row.last_mismatch_at > current.last_mismatch_at
        ):
            current.last_mismatch_at = row.last_mismatch_at
        for k, n in row.keyed.items():
            current.keyed[k] = current.keyed.get(k, 0) + n

    async def prune(self) -> int:
        before = datetime.fromtimestamp(self._clock(), UTC) - self._retention
        return await self._store.prune_rollups(before)

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="rollup-writer")

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self._flush_seconds)
            try:
                await self.flush()
                if self._clock() - self._last_prune >= PRUNE_EVERY_SECONDS:
                    self._last_prune = self._clock()
                    gone = await self.prune()
                    if gone:
                        log.info("pruned %d rollup rows older than %s", gone, self._retention)
            except StoreUnavailable as exc:
                log.warning("rollups not written yet (kept for the next flush): %s", exc)
            except Exception:
                log.exception("rollup flush failed; kept for the next flush")

    async def close(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        try:
            await self.flush()
        except Exception:
            log.exception("could not write the last rollups at shutdown")

    # -- reading ----------------------------------------------------------------------------------

    async def figures(self, seconds: float, module: str | None = None) -> dict[tuple[str, str], Figures]:
        """Per (module, query): the sums over the last ``seconds`` (whole minutes, the current one
        included), across replicas and restarts."""
        with contextlib.suppress(StoreUnavailable):
            await self.flush()
        now = self._clock()
        since = datetime.fromtimestamp((now - seconds) // 60 * 60, UTC)
        out: dict[tuple[str, str], Figures] = {}
        for row in await self._store.read_rollups(since, module):
            figures = out.setdefault((row.module, row.query_name), Figures())
            figures.add(to_figures(row))
        return out

    def now(self) -> datetime:
        return datetime.fromtimestamp(self._clock(), UTC)

    async def readiness(self, flag: Flag) -> Readiness:
        """The module's verdict for ``shadow -> orm`` against its criteria (SPEC 3)."""
        criteria = flag.readiness.effective()
        assert criteria.window_hours is not None and criteria.quiet_hours is not None
        window = await self.figures(criteria.window_hours * 3600, flag.module)
        quiet = (
            window
            if criteria.quiet_hours <= criteria.window_hours
            else await self.figures(criteria.quiet_hours * 3600, flag.module)
        )
        return judge(
            flag.module,
            {q: f for (_, q), f in window.items()},
            {q: f.last_mismatch_at for (_, q), f in quiet.items()},
            flag.readiness,
            self.now(),
        )


def to_figures(row: RollupRow) -> Figures:
    figures = Figures(
        match=row.match,
        mismatch=row.mismatch,
        error=row.error,
        skipped=row.skipped,
        sql_queries=row.sql_queries,
        prisma_queries=row.prisma_queries,
        sql_errors=row.sql_errors,
        prisma_errors=row.prisma_errors,
        sql_latency_sum=row.sql_latency_sum,
        prisma_latency_sum=row.prisma_latency_sum,
        last_mismatch_at=row.last_mismatch_at,
    )
    for (kind, key), n in row.keyed.items():
        if kind == "field":
            figures.fields[key] += n
        elif kind == "sql":
            figures.sql_buckets[int(key)] += n
        elif kind == "prisma":
            figures.prisma_buckets[int(key)] += n
        elif kind == "rule":
            figures.rules[key] += n
    return figures
