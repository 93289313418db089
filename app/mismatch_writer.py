"""Stores mismatch samples in batches, off the request path.

The ingest path only ever calls :meth:`MismatchWriter.offer`, which never waits: when the bounded queue
is full the sample is dropped and counted (``shadowdiff_mismatch_samples_dropped_total``), because a
slow database must not slow the services that post pairs. :meth:`close` drains what is queued.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from prometheus_client import Counter

from app.store.base import MismatchSample, Store

log = logging.getLogger("shadowdiff.samples")


class MismatchWriter:
    def __init__(self, *, store: Store, dropped: Counter, queue_size: int, batch: int, keep: int) -> None:
        self._store = store
        self._dropped = dropped
        self._queue: asyncio.Queue[MismatchSample] = asyncio.Queue(maxsize=queue_size)
        self._batch = batch
        self._keep = keep
        self._task: asyncio.Task[None] | None = None
        self._closing = False

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="mismatch-writer")

    def offer(self, sample: MismatchSample) -> None:
        if self._closing:
            self._dropped.inc()
            return
        try:
            self._queue.put_nowait(sample)
        except asyncio.QueueFull:
            self._dropped.inc()

    async def flush(self) -> None:
        """Wait until everything queued so far has been handed to the store (tests, shutdown)."""
        await self._queue.join()

    async def close(self) -> None:
        self._closing = True
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self._queue.join(), timeout=10)
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _run(self) -> None:
        while True:
            batch = [await self._queue.get()]
            while len(batch) < self._batch and not self._queue.empty():
                batch.append(self._queue.get_nowait())
            try:
                await self._store.add_mismatches(batch, self._keep)
            except Exception:
                log.exception("could not store %d mismatch samples; they are dropped", len(batch))
                self._dropped.inc(len(batch))
            finally:
                for _ in batch:
                    self._queue.task_done()
