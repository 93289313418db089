"""The background sample writer never blocks the caller: a full queue drops and counts."""

from __future__ import annotations

import asyncio
from pathlib import Path

from prometheus_client import CollectorRegistry, Counter

from app.mismatch_writer import MismatchWriter
from app.store import SQLiteStore
from app.store.base import MismatchSample
from flags.model import now


def sample(i: int) -> MismatchSample:
    return MismatchSample("m", "q", ("f",), [{"field": "f", "kind": "changed", "path": "f"}], str(i), now())


def test_a_full_queue_drops_and_counts_and_the_rest_is_stored(tmp_path: Path) -> None:
    async def scenario() -> tuple[float | None, int]:
        store = SQLiteStore(tmp_path / "s.sqlite3")
        await store.open()
        registry = CollectorRegistry()
        dropped = Counter("dropped_total", "samples dropped", registry=registry)
        writer = MismatchWriter(store=store, dropped=dropped, queue_size=3, batch=2, keep=10)
        for i in range(5):  # the writer is not running yet: the queue holds three
            writer.offer(sample(i))
        writer.start()
        await writer.close()
        stored = await store.recent_mismatches("m", None, None, 10)
        await store.close()
        return registry.get_sample_value("dropped_total"), len(stored)

    assert asyncio.run(scenario()) == (2.0, 3)
