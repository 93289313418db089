"""Per-minute rollups in the store, on both backends: rows of one minute add up (replicas, flushes),
keyed counts too, the newest mismatch time wins, a reopened store still has them, and pruning removes
only old minutes. Also the writer (``app.rollups.Rollups``) against the real store."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.rollups import Rollups
from app.store import Store
from app.store.base import RollupRow
from tests.store.conftest import Backend

pytestmark = pytest.mark.anyio

T0 = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)


def row(minute: datetime, query: str = "getUser", **counts: float) -> RollupRow:
    made = RollupRow(minute, "orders", query)
    for name, value in counts.items():
        setattr(made, name, value)
    return made


async def test_two_writers_of_one_minute_add_up_and_survive_a_reopen(backend: Backend) -> None:
    one, two = await backend.reopen(), await backend.reopen()
    first = row(T0, match=10, mismatch=1, sql_queries=11, sql_latency_sum=5.5)
    first.keyed = {("sql", "-8"): 11, ("field", "total"): 1}
    first.last_mismatch_at = T0 + timedelta(seconds=5)
    second = row(T0, match=4, skipped=2, sql_queries=6, sql_errors=1)
    second.keyed = {("sql", "-8"): 2, ("sql", "3"): 4, ("field", "total"): 2}
    second.last_mismatch_at = T0 + timedelta(seconds=2)
    await one.add_rollups([first])
    await two.add_rollups([second])
    await two.add_rollups([row(T0 + timedelta(minutes=1), match=1)])
    again = await backend.reopen()
    rows = sorted(await again.read_rollups(T0), key=lambda r: r.minute)
    assert [r.minute for r in rows] == [T0, T0 + timedelta(minutes=1)]
    merged = rows[0]
    assert (merged.match, merged.mismatch, merged.skipped, merged.sql_queries, merged.sql_errors) == (
        14,
        1,
        2,
        17,
        1,
    )
    assert merged.sql_latency_sum == pytest.approx(5.5)
    assert merged.keyed == {("sql", "-8"): 13, ("sql", "3"): 4, ("field", "total"): 3}
    assert merged.last_mismatch_at == T0 + timedelta(seconds=5)


async def test_reading_filters_by_minute_and_module(store: Store) -> None:
    other = RollupRow(T0, "billing", "q", match=3)
    await store.add_rollups([row(T0 - timedelta(minutes=5), match=1), row(T0, match=2), other])
    assert sorted((r.module, r.match) for r in await store.read_rollups(T0)) == [
        ("billing", 3),
        ("orders", 2),
    ]
    assert [r.match for r in await store.read_rollups(T0 - timedelta(hours=1), "orders")] in ([1, 2], [2, 1])


async def test_pruning_removes_only_minutes_before_the_cut(store: Store) -> None:
    old = row(T0 - timedelta(hours=80), match=1)
    old.keyed = {("field", "x"): 1}
    await store.add_rollups([old, row(T0, match=1)])
    assert await store.prune_rollups(T0 - timedelta(hours=72)) == 1
    left = await store.read_rollups(T0 - timedelta(days=30))
    assert [r.minute for r in left] == [T0]


async def test_the_writer_flushes_what_ingest_recorded_and_readers_see_it(store: Store) -> None:
    clock = [T0.timestamp() + 30]
    rollups = Rollups(store=store, retention_hours=72, clock=lambda: clock[0])
    for _ in range(3):
        rollups.record("orders", "getUser", "match", 0.3, 0.5, False, False)
    rollups.record("orders", "getUser", "mismatch", 0.3, 0.5, False, False, ("total",))
    rollups.record("orders", "getUser", "error", 0.3, None, False, True)
    figures = await rollups.figures(3600)  # flushes first
    f = figures[("orders", "getUser")]
    assert (f.match, f.mismatch, f.error, f.prisma_errors, f.compared) == (3, 1, 1, 1, 4)
    assert f.fields == {"total": 1}
    sql_p95, orm_p95 = f.p95("sql"), f.p95("prisma")
    assert sql_p95 is not None and orm_p95 is not None
    assert 0.3 <= sql_p95 < 0.33 and 0.5 <= orm_p95 < 0.55  # sub-millisecond p95s told apart
    clock[0] += 7200
    assert await rollups.figures(3600) == {}
    assert (await rollups.figures(3 * 3600))[("orders", "getUser")].compared == 4
