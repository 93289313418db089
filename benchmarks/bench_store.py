"""The store: how fast a flag change reaches another replica, and what writes cost on each backend.

Propagation: two PostgreSQL stores on one fresh database; one saves, the other's subscriber records
when it hears. Measured with the LISTEN connection up (NOTIFY) and with it refused (polling every
``SHADOWDIFF_FLAG_POLL_SECONDS``, default 1 s), in the same run: the ratio is what NOTIFY buys.

Writes: ``save_flag`` (version check + flag row + history entry, one transaction) and
``add_mismatches`` (a batch of 50 samples with retention) per second on SQLite (temp file) and on
PostgreSQL, printed with the PostgreSQL/SQLite ratio. Needs PostgreSQL on 127.0.0.1:5432.
"""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from app.store import MismatchSample, SQLiteStore, Store
from app.store.postgres import PostgresStore
from flags.model import Flag, FlagUpdate, Source, apply_update, new_flag
from tests.pg import admin_execute, database_of, fresh_database, quote_ident

CHANGES = 20
POLL_SECONDS = 1.0


async def _bump(store: Store, current: Flag, i: int) -> Flag:
    flag, change = apply_update(current, FlagUpdate(reason=f"bench {i}"), "bench", Source.API)
    return await store.save_flag(flag, change, current.version)


async def propagation(dsn: str, refuse_listener: bool) -> list[float]:
    """Seconds from save on replica A to B's subscriber hearing it, one per change."""
    a, b = PostgresStore(dsn, POLL_SECONDS), PostgresStore(dsn, POLL_SECONDS)
    await a.open()
    await b.open()
    heard: asyncio.Queue[float] = asyncio.Queue()
    await b.subscribe(lambda module: heard.put_nowait(time.perf_counter()))
    current = await _bump(a, new_flag(f"bench-{refuse_listener}", "bench"), 0)
    await heard.get()
    delays: list[float] = []
    database = quote_ident(database_of(dsn))
    try:
        if refuse_listener:  # B's LISTEN connection gone and not coming back: B polls
            await admin_execute(f"ALTER DATABASE {database} ALLOW_CONNECTIONS false")
            await admin_execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1",
                b.listener_name,
            )
        for i in range(1, CHANGES + 1):
            start = time.perf_counter()
            current = await _bump(a, current, i)
            delays.append(await asyncio.wait_for(heard.get(), timeout=10 * POLL_SECONDS) - start)
            # spread the changes over the poll cycle, or every one would land just after a poll
            await asyncio.sleep(POLL_SECONDS * (i % 10) / 10 if refuse_listener else 0.02)
    finally:
        if refuse_listener:
            await admin_execute(f"ALTER DATABASE {database} ALLOW_CONNECTIONS true")
        await a.close()
        await b.close()
    return delays


async def writes(store: Store) -> tuple[float, float]:
    """(save_flag per second, mismatch samples stored per second)."""
    await store.open()
    try:
        current = await _bump(store, new_flag("w", "bench"), 0)
        n = 200
        start = time.perf_counter()
        for i in range(1, n + 1):
            current = await _bump(store, current, i)
        saves = n / (time.perf_counter() - start)
        batch = [
            MismatchSample(
                "w", "q", (f"f{i % 5}",), [{"field": "f", "kind": "changed"}], None, datetime.now(UTC)
            )
            for i in range(50)
        ]
        rounds = 20
        start = time.perf_counter()
        for _ in range(rounds):
            await store.add_mismatches(batch, keep_per_field=20)
        samples = rounds * len(batch) / (time.perf_counter() - start)
    finally:
        await store.close()
    return saves, samples


def _ms(values: list[float]) -> str:
    q = statistics.quantiles(values, n=20)
    return f"median {statistics.median(values) * 1000:7.1f} ms  p95 {q[18] * 1000:7.1f} ms"


def main() -> None:
    with fresh_database("shadowdiff_bench") as dsn:
        notify = asyncio.run(propagation(dsn, refuse_listener=False))
        polled = asyncio.run(propagation(dsn, refuse_listener=True))
        print(f"flag change to another replica, NOTIFY:           {_ms(notify)}")
        print(f"flag change to another replica, polling ({POLL_SECONDS:.0f} s):   {_ms(polled)}")
        print(f"NOTIFY is {statistics.median(polled) / statistics.median(notify):.0f}x faster (medians)")
        with tempfile.TemporaryDirectory() as tmp:
            lite = asyncio.run(writes(SQLiteStore(Path(tmp) / "bench.sqlite3")))
        pg = asyncio.run(writes(PostgresStore(dsn)))
    for label, index in (("save_flag/s", 0), ("mismatch samples/s (batches of 50)", 1)):
        print(
            f"{label:36} SQLite {lite[index]:9.0f}  PostgreSQL {pg[index]:9.0f}  "
            f"PostgreSQL/SQLite {pg[index] / lite[index]:.2f}x"
        )


if __name__ == "__main__":
    main()
