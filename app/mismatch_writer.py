"""Stores mismatch samples in batches, off the request path, and says when each one is durable.

:meth:`MismatchWriter.offer` never waits: it queues the sample and returns a future that resolves
once the batch holding it is committed (the "group commit" the ingest path may wait for, see
``SHADOWDIFF_SAMPLE_WAIT``), or ``None`` when the bounded queue is full: the sample is then dropped
and counted (``shadowdiff_mismatch_samples_dropped_total``). That is the only way a sample is lost
while the process lives.

When the store fails (``StoreUnavailable``: down, frozen past the store timeout) the batch stays and is
retried with exponential backoff (``RETRY_FIRST`` doubling to ``RETRY_MAX``) while new samples queue
behind it: an outage costs samples only once the queue is full. One log line when the store goes, one
when it comes back (with how many samples waited); never one per batch. An error that is not the
store's (a sample the database refuses) drops that batch, counted and logged once per batch.

:meth:`close` drains: it keeps writing (with the same retries) until the queue is empty or its deadline
passes, then counts what is left as dropped, in one log line.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time

from prometheus_client import Counter

from app.store.base import MismatchSample, Store, StoreUnavailable

log = logging.getLogger("shadowdiff.samples")

RETRY_FIRST = 0.05
RETRY_MAX = 2.0

Pending = tuple[MismatchSample, "asyncio.Future[bool]"]


class MismatchWriter:
    def __init__(self, *, store: Store, dropped: Counter, queue_size: int, batch: int, keep: int) -> None:
        self._store = store
        self._dropped = dropped
        self._queue: asyncio.Queue[Pending] = asyncio.Queue(maxsize=queue_size)
        self._batch = batch
        self._keep = keep
        self._task: asyncio.Task[None] | None = None
        self._closing = False
        self._down_since: float | None = None
        self._retry = RETRY_FIRST
        self._inflight: list[Pending] = []  # the batch being written (out of the queue, not yet stored)

    @property
    def queued(self) -> int:
        return self._queue.qsize()

    @property
    def store_down(self) -> bool:
        """True from the first failed write until the next one succeeds."""
        return self._down_since is not None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="mismatch-writer")

    def offer(self, sample: MismatchSample) -> asyncio.Future[bool] | None:
        """Queue ``sample``; the future is True once it is committed. None: dropped (queue full)."""
        if self._closing:
            self._dropped.inc()
            return None
        future: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        try:
            self._queue.put_nowait((sample, future))
        except asyncio.QueueFull:
            self._dropped.inc()
            return None
        return future

    async def flush(self) -> None:
        """Wait until everything queued so far has been handed to the store (tests, shutdown)."""
        await self._queue.join()

    async def close(self, timeout: float = 10.0) -> None:
        """Stop taking samples and write what is queued, for at most ``timeout`` seconds."""
        self._closing = True
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="mismatch-writer")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._queue.join(), timeout=timeout)
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        unwritten = [future for _, future in self._inflight if not future.done()]
        for future in unwritten:
            future.set_result(False)
        self._inflight = []
        left = self._queue.qsize() + len(unwritten)
        while not self._queue.empty():
            _, future = self._queue.get_nowait()
            if not future.done():
                future.set_result(False)
            self._queue.task_done()
        if left:
            self._dropped.inc(left)
            log.error("shutdown: %d mismatch samples could not be stored in %g s; dropped", left, timeout)
        else:
            log.info("shutdown: mismatch sample queue drained")

    async def _run(self) -> None:
        while True:
            batch = [await self._queue.get()]
            while len(batch) < self._batch and not self._queue.empty():
                batch.append(self._queue.get_nowait())
            self._inflight = batch
            try:
                await self._write(batch)
                self._inflight = []
            finally:
                for _ in batch:
                    self._queue.task_done()

    async def _write(self, batch: list[Pending]) -> None:
        samples = [sample for sample, _ in batch]
        while True:
            try:
                await self._store.add_mismatches(samples, self._keep)
            except StoreUnavailable as exc:
                if self._down_since is None:
                    self._down_since = time.monotonic()
                    log.warning(
                        "store unavailable, mismatch samples wait in the queue (%d queued, room for %d): %s",
                        self._queue.qsize() + len(batch),
                        self._queue.maxsize,
                        exc,
                    )
                await asyncio.sleep(self._retry)
                self._retry = min(self._retry * 2, RETRY_MAX)
                continue
            except Exception:
                log.exception("the store refused %d mismatch samples; they are dropped", len(batch))
                self._dropped.inc(len(batch))
                self._settle(batch, False)
                return
            if self._down_since is not None:
                log.warning(
                    "store back after %.1f s; writing %d queued mismatch samples",
                    time.monotonic() - self._down_since,
                    self._queue.qsize() + len(batch),
                )
                self._down_since = None
            self._retry = RETRY_FIRST
            self._settle(batch, True)
            return

    @staticmethod
    def _settle(batch: list[Pending], stored: bool) -> None:
        for _, future in batch:
            if not future.done():
                future.set_result(stored)
