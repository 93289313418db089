"""``Shadow``: serve one path, shadow the other off the request path, post the pair in batches.

Threads (all daemons, started by the constructor, stopped by ``close``):

- ``shadowdiff-config`` polls ``GET /v1/config`` every ``poll_interval`` seconds with ``If-None-Match``
  and keeps the last good copy when the service is down; until its first answer every call serves
  legacy and shadows nothing;
- ``shadowdiff-shadow-N`` (``workers`` of them) run the shadow path of ``run`` (sync callers);
- ``shadowdiff-poster`` takes pairs from the bounded queue, posts them gzip-encoded to
  ``/v1/pairs/batch`` with retries and backoff, and times out sync shadow paths (``ShadowTimeout``).

The caller's own path never waits on any of them: the serving path runs on the caller, its result or
exception is returned or raised unchanged, and the shadow path starts once the serving path has
returned: on a worker thread for ``run``, as an asyncio task for ``arun``. Starting it then, rather
than beside the serving query, keeps the two from competing for the GIL or the event loop while the
caller waits (measured in ``benchmarks/bench_client.py``). Enqueueing is O(1) and never blocks; a
full queue drops its oldest pair (counted in ``stats()["dropped"]``).
"""

from __future__ import annotations

import asyncio
import atexit
import gzip
import inspect
import json
import logging
import math
import os
import queue
import re
import threading
import time
import weakref
from collections import Counter, OrderedDict, deque
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from functools import wraps
from typing import Any, ParamSpec, TypeVar, cast

import httpx

from shadowdiff_client._plan import Config, Path, plan
from shadowdiff_client._request import current_request
from shadowdiff_client._serialize import Hook, to_json

log = logging.getLogger("shadowdiff_client")

T = TypeVar("T")
P = ParamSpec("P")

DISPATCH_POLL = 0.001  # seconds between looks for new sync shadow paths while calls come in
DISPATCH_IDLE = 0.1  # after this long without any, the dispatcher blocks until the next call
MAX_CONTEXT_BYTES = 8192  # the service refuses a larger context (422)
_ERROR_TYPE = re.compile(r"[^A-Za-z0-9_.:-]")


class ShadowTimeout(Exception):
    """The shadow path did not finish within ``Shadow(shadow_timeout=...)``; posted as the pair's error
    type ``ShadowTimeout`` so it is not mistaken for a failure of the query itself."""


@dataclass(slots=True)
class _Result:
    value: Any
    latency_ms: float
    error: BaseException | None = None


@dataclass(slots=True)
class _Call:
    """One shadowed call: what the serving path gave, and what is needed to post the pair."""

    module: str
    query_name: str
    request_id: str | None
    served_path: Path
    served: _Result
    context: Callable[[], Mapping[str, Any] | None]
    deadline: float = 0.0


def _ms(start: float) -> float:
    return (time.perf_counter() - start) * 1000.0


def _close_at_exit(ref: weakref.ref[Shadow]) -> None:
    shadow = ref()
    if shadow is not None:
        shadow.close(timeout=2.0)


def _fixed(context: Mapping[str, Any] | None) -> Callable[[], Mapping[str, Any] | None]:
    return lambda: context


def _new_id() -> str:
    """A random 128-bit id as hex (what ``uuid4().hex`` gives, without building the UUID)."""
    return os.urandom(16).hex()


def _error_type(exc: BaseException) -> str:
    return _ERROR_TYPE.sub("_", type(exc).__name__)[:128] or "Error"


def _config_problem(exc: Exception) -> str:
    """Why ``GET /v1/config`` failed, worded for the log: a refused token is not an unreachable service."""
    if isinstance(exc, httpx.HTTPStatusError) and exc.response.status_code in (401, 403):
        try:
            message = str(exc.response.json().get("message", ""))
        except (ValueError, AttributeError):
            message = exc.response.text[:200]
        return (
            f"refused (GET /v1/config answered {exc.response.status_code}: {message}); check the token "
            "given to Shadow(url, token=...)"
        )
    return f"unreachable ({exc})"


class Shadow:
    """One per process (it owns threads and connections); safe to share between threads and tasks.

    ``Shadow(url, token=None)``; the keyword options tune polling, the shadow timeout and posting.
    """

    def __init__(
        self,
        url: str,
        token: str | None = None,
        *,
        poll_interval: float = 5.0,
        shadow_timeout: float = 2.0,
        queue_size: int = 10_000,
        batch_size: int = 500,
        flush_interval: float = 0.2,
        max_attempts: int = 5,
        backoff: float = 0.1,
        max_backoff: float = 5.0,
        workers: int = 4,
        max_pending: int = 1000,
        hook: Hook | None = None,
        http_timeout: float = 5.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        if queue_size < 1 or batch_size < 1 or workers < 1 or max_pending < 1 or max_attempts < 1:
            raise ValueError("queue_size, batch_size, workers, max_pending and max_attempts must be >= 1")
        self.url = url.rstrip("/")
        self.poll_interval = poll_interval
        self.shadow_timeout = shadow_timeout
        self.queue_size = queue_size
        self.batch_size = batch_size
        self.flush_interval = flush_interval
        self.max_attempts = max_attempts
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.max_pending = max_pending
        self.hook = hook
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self._config_http = httpx.Client(
            base_url=self.url, headers=headers, timeout=http_timeout, transport=transport
        )
        self._post_http = httpx.Client(
            base_url=self.url, headers=headers, timeout=http_timeout, transport=transport
        )

        self._lock = threading.Lock()
        # (module, the pair as JSON, or the parts an async shadow path left for the poster to encode)
        self._queue: deque[tuple[str, bytes | tuple[_Call, _Result]]] = deque()
        self._pending: OrderedDict[int, _Call] = OrderedDict()  # sync shadow paths, deadline order
        self._tasks: set[asyncio.Task[None]] = set()
        self._tasks_pending = 0  # scheduled or running shadow tasks (each loop's own, summed)
        # The same per loop: a loop that ends (asyncio.run returning) before its shadow tasks have
        # queued their pairs takes them with it; they are counted dropped once it is seen closed.
        self._loop_tasks: dict[asyncio.AbstractEventLoop, int] = {}
        self._ids = iter(range(1, 1 << 62))
        self._posted = 0
        self._dropped = 0
        self._drop_reasons: Counter[str] = Counter()  # why pairs were dropped (diagnostics, benchmarks)
        self._failed_posts = 0
        self._shadow_errors = 0

        self._config: Config | None = None
        self._learned: dict[str, tuple[str, int]] = {}
        self._etag: str | None = None
        self._config_at: float | None = None
        self._config_down = False
        self._post_down = False

        self._wake = threading.Event()
        self._closing = threading.Event()
        self._stopped = threading.Event()
        self._close_deadline = math.inf
        self._closed = False  # read on every call: a plain attribute, cheaper than Event.is_set()
        # Sync shadow paths: the caller appends to ``_handoff`` (no system call, no thread woken on its
        # path); the dispatcher moves them to ``_jobs``, which the workers block on.
        self._handoff: deque[tuple[Any, ...]] = deque()
        self._handoff_wake = threading.Event()
        self._dispatcher_asleep = False
        self._jobs: queue.SimpleQueue[tuple[Any, ...] | None] = queue.SimpleQueue()
        self._dispatcher = threading.Thread(
            target=self._dispatch_loop, name="shadowdiff-dispatch", daemon=True
        )
        self._workers = [
            threading.Thread(target=self._work_loop, name=f"shadowdiff-shadow-{i}", daemon=True)
            for i in range(workers)
        ]
        self._threads = [
            threading.Thread(target=self._poll_loop, name="shadowdiff-config", daemon=True),
            threading.Thread(target=self._post_loop, name="shadowdiff-poster", daemon=True),
            self._dispatcher,
            *self._workers,
        ]
        for thread in self._threads:
            thread.start()
        atexit.register(_close_at_exit, weakref.ref(self))

    # -- the caller's side --------------------------------------------------------------------------

    def run(
        self,
        module: str,
        query_name: str,
        *,
        legacy: Callable[[], T],
        orm: Callable[[], T],
        request_id: str | None = None,
        context: Mapping[str, Any] | None = None,
    ) -> T:
        """Serve per the module's state and return that path's result (or raise its exception)."""
        rid, ctx = self._request(request_id, context)
        return self._run(module, query_name, legacy, orm, rid, lambda: ctx)

    async def arun(
        self,
        module: str,
        query_name: str,
        *,
        legacy: Callable[[], Awaitable[T]],
        orm: Callable[[], Awaitable[T]],
        request_id: str | None = None,
        context: Mapping[str, Any] | None = None,
    ) -> T:
        """``run`` for coroutine functions: the shadow path runs as a task on the caller's loop.

        The body repeats ``_arun`` inline: one coroutine less per call on the caller's path."""
        if request_id is None or context is None:
            info = current_request.get()
            if info is not None:
                request_id = request_id if request_id is not None else info.request_id
                context = context if context is not None else info.context
        decided = plan(self._config, module, request_id)
        serve, other = (legacy, orm) if decided.serve is Path.LEGACY else (orm, legacy)
        if not decided.shadow or self._closed:
            return await serve()
        request_id = decided.request_id or request_id
        start = time.perf_counter()
        try:
            result = await serve()
        except Exception as exc:
            latency = (time.perf_counter() - start) * 1000.0
            self._spawn(
                module, query_name, request_id, decided.serve, None, latency, exc, _fixed(context), other
            )
            raise
        latency = (time.perf_counter() - start) * 1000.0
        self._spawn(
            module, query_name, request_id, decided.serve, result, latency, None, _fixed(context), other
        )
        return result

    def experiment(
        self, module: str, query_name: str, *, orm: Callable[P, Any]
    ) -> Callable[[Callable[P, T]], Callable[P, T]]:
        """Decorate the legacy function; ``orm`` takes the same arguments. ``request_id`` and ``context``
        come from ``current_request`` (``request_scope``/``set_request``); the context also gets the
        call's arguments that serialize as plain values (computed off the request path)."""

        def decorate(fn: Callable[P, T]) -> Callable[P, T]:
            signature = inspect.signature(fn)

            def call_context(args: tuple[Any, ...], kwargs: dict[str, Any]) -> Callable[[], Any]:
                info = current_request.get()

                def build() -> Mapping[str, Any] | None:
                    found: dict[str, Any] = {}
                    try:
                        bound = signature.bind(*args, **kwargs)
                    except TypeError:
                        bound = None
                    for name, value in bound.arguments.items() if bound else ():
                        if name in ("self", "cls"):
                            continue
                        try:
                            found[name] = to_json(value)
                        except TypeError:
                            continue  # a session, a connection: not an input worth keeping
                    if info is not None and info.context:
                        found.update(info.context)
                    return found or None

                return build

            if inspect.iscoroutinefunction(fn):

                @wraps(fn)
                async def awrapper(*args: P.args, **kwargs: P.kwargs) -> Any:
                    info = current_request.get()
                    rid = info.request_id if info else None
                    legacy_call = cast(Callable[[], Awaitable[Any]], lambda: fn(*args, **kwargs))
                    return await self._arun(
                        module,
                        query_name,
                        legacy_call,
                        lambda: orm(*args, **kwargs),
                        rid,
                        call_context(args, kwargs),
                    )

                return awrapper  # type: ignore[return-value]

            @wraps(fn)
            def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
                info = current_request.get()
                rid = info.request_id if info else None
                return cast(
                    T,
                    self._run(
                        module,
                        query_name,
                        lambda: fn(*args, **kwargs),
                        lambda: orm(*args, **kwargs),
                        rid,
                        call_context(args, kwargs),
                    ),
                )

            return wrapper

        return decorate

    def stats(self) -> dict[str, Any]:
        """``posted`` (pairs the service accepted), ``dropped`` (pairs given up: queue full, shadow
        capacity full, retries exhausted, refused by the service, an event loop that ended before
        its shadow paths did), ``failed_posts`` (POST attempts that failed), ``shadow_errors``
        (shadow paths that raised or timed out), ``config_age_s`` (seconds since the service last
        confirmed the config; ``None`` before its first answer)."""
        self._count_ended_loops()
        with self._lock:
            age = None if self._config_at is None else round(time.monotonic() - self._config_at, 3)
            return {
                "posted": self._posted,
                "dropped": self._dropped,
                "failed_posts": self._failed_posts,
                "shadow_errors": self._shadow_errors,
                "config_age_s": age,
            }

    def close(self, timeout: float = 5.0) -> None:
        """Post what is queued (and the shadow paths still running), for at most ``timeout`` seconds,
        then stop the threads. Calls after ``close`` still serve, and post nothing."""
        if self._closing.is_set():
            return
        self._closed = True
        self._count_ended_loops()
        self._close_deadline = time.monotonic() + timeout
        self._closing.set()
        self._wake.set()
        self._handoff_wake.set()
        self._dispatcher.join(max(0.0, timeout) + 1.0)  # it hands over what callers left, then stops
        for _ in self._workers:
            self._jobs.put(None)
        for thread in self._threads:
            if thread is not threading.current_thread():
                thread.join(max(0.0, self._close_deadline - time.monotonic()) + 1.0)
        self._stopped.set()
        self._config_http.close()
        self._post_http.close()

    async def aclose(self, timeout: float = 5.0) -> None:
        """``close`` for async apps: waits (bounded) for this loop's shadow tasks first."""
        deadline = time.monotonic() + timeout
        self._count_ended_loops()  # (their tasks will never finish: not waited for)
        while self._tasks_pending > 0 and time.monotonic() < deadline:
            tasks = [t for t in self._tasks if not t.done()]
            if tasks:  # else: scheduled by call_soon, created at the loop's next turn
                await asyncio.wait(tasks, timeout=max(0.0, deadline - time.monotonic()))
            else:  # scheduled here, or on another thread's loop: look again shortly, without spinning
                await asyncio.sleep(0.001)
        await asyncio.to_thread(self.close, max(0.0, deadline - time.monotonic()))

    # -- deciding and running ------------------------------------------------------------------------

    def _request(
        self, request_id: str | None, context: Mapping[str, Any] | None
    ) -> tuple[str | None, Mapping[str, Any] | None]:
        if request_id is None or context is None:
            info = current_request.get()
            if info is not None:
                request_id = request_id if request_id is not None else info.request_id
                context = context if context is not None else info.context
        return request_id, context

    def _run(
        self,
        module: str,
        query_name: str,
        legacy: Callable[[], T],
        orm: Callable[[], T],
        request_id: str | None,
        context: Callable[[], Mapping[str, Any] | None],
    ) -> T:
        decided = plan(self._config, module, request_id)
        serve, other = (legacy, orm) if decided.serve is Path.LEGACY else (orm, legacy)
        if not decided.shadow or self._closed:
            return serve()
        request_id = decided.request_id or request_id
        start = time.perf_counter()
        try:
            result = serve()
        except Exception as exc:
            self._submit(module, query_name, request_id, decided.serve, None, _ms(start), exc, context, other)
            raise
        self._submit(module, query_name, request_id, decided.serve, result, _ms(start), None, context, other)
        return result

    async def _arun(
        self,
        module: str,
        query_name: str,
        legacy: Callable[[], Awaitable[T]],
        orm: Callable[[], Awaitable[T]],
        request_id: str | None,
        context: Callable[[], Mapping[str, Any] | None],
    ) -> T:
        decided = plan(self._config, module, request_id)
        serve, other = (legacy, orm) if decided.serve is Path.LEGACY else (orm, legacy)
        if not decided.shadow or self._closed:
            return await serve()
        request_id = decided.request_id or request_id
        start = time.perf_counter()
        try:
            result = await serve()
        except Exception as exc:
            self._spawn(module, query_name, request_id, decided.serve, None, _ms(start), exc, context, other)
            raise
        self._spawn(module, query_name, request_id, decided.serve, result, _ms(start), None, context, other)
        return result

    def _submit(self, *job: Any) -> None:
        """Hand the shadow path over: one deque append of a tuple (O(1), never blocks, no thread woken
        while calls come in); every object is built on the worker. ``job``: module, query_name,
        request_id, served path, served value, its latency, its exception, context, the shadow callable."""
        if len(self._handoff) + self._jobs.qsize() >= self.max_pending:
            with self._lock:
                self._dropped += 1
                self._drop_reasons["shadow_capacity"] += 1
            return
        self._handoff.append((time.monotonic(), *job))
        if self._dispatcher_asleep:  # only after an idle spell (DISPATCH_IDLE) is a thread woken here
            self._handoff_wake.set()

    def _dispatch_loop(self) -> None:
        """Move sync shadow paths from the callers to the workers. While calls come in, it looks every
        DISPATCH_POLL seconds (waking a blocked worker costs the waking thread a system call, and on a
        busy machine tens of microseconds: here that is this thread's cost, not the caller's); after
        DISPATCH_IDLE without any, it blocks until a caller wakes it."""
        last = time.monotonic()
        while True:
            while self._handoff:
                self._jobs.put(self._handoff.popleft())
                last = time.monotonic()
            if self._closing.is_set():
                return
            if time.monotonic() - last < DISPATCH_IDLE:
                time.sleep(DISPATCH_POLL)
                continue
            self._dispatcher_asleep = True
            if not self._handoff:
                self._handoff_wake.wait()
                self._handoff_wake.clear()
            self._dispatcher_asleep = False
            last = time.monotonic()

    def _work_loop(self) -> None:
        while (job := self._jobs.get()) is not None:
            submitted, module, query_name, request_id, served_path, value, latency, error, context, shadow = (
                job
            )
            call = _Call(
                module,
                query_name,
                request_id,
                served_path,
                _Result(value, latency, error),
                context,
                submitted + self.shadow_timeout,
            )
            if time.monotonic() >= call.deadline:  # waited too long for a worker: do not run it at all
                self._finish(call, self._timed_out())
                continue
            with self._lock:
                job_id = next(self._ids)
                self._pending[job_id] = call
            start = time.perf_counter()
            try:
                outcome = _Result(shadow(), _ms(start))
            except Exception as exc:
                outcome = _Result(None, _ms(start), exc)
            with self._lock:
                if self._pending.pop(job_id, None) is None:
                    continue  # the poster already posted it as ShadowTimeout
            self._finish(call, outcome)

    def _spawn(self, *job: Any) -> None:
        """Schedule the shadow path on the caller's loop (O(1), never blocks). Only a ``call_soon``
        happens on the caller's path; the task is created by the loop right after (creating it here
        measured ~4x the cost of ``call_soon`` on the caller's path)."""
        if self._tasks_pending >= self.max_pending:
            with self._lock:
                self._dropped += 1
                self._drop_reasons["shadow_capacity"] += 1
            return
        self._tasks_pending += 1
        loop = asyncio.get_running_loop()
        counts = self._loop_tasks
        known = counts.get(loop)
        if known is None:
            self._count_ended_loops()  # a new loop: an earlier one may have ended with tasks in it
            known = 0
        counts[loop] = known + 1
        loop.call_soon(self._start_task, job)

    def _start_task(self, job: tuple[Any, ...]) -> None:
        module, query_name, request_id, served_path, value, latency, error, context, shadow = job
        call = _Call(module, query_name, request_id, served_path, _Result(value, latency, error), context)
        task = asyncio.get_running_loop().create_task(self._shadow_task(call, shadow))
        self._tasks.add(task)
        task.add_done_callback(self._task_done)

    def _task_done(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)

    def _task_settled(self, loop: asyncio.AbstractEventLoop) -> None:
        """A shadow task queued its pair or counted it: it no longer holds one. Called from the task
        itself, not a done callback, which a loop that closes right after never runs."""
        self._tasks_pending -= 1
        left = self._loop_tasks.get(loop, 1) - 1
        if left > 0:
            self._loop_tasks[loop] = left
        else:
            self._loop_tasks.pop(loop, None)

    def _count_ended_loops(self) -> None:
        """Shadow tasks of a loop that closed before they queued their pair: counted dropped (the
        app ended its loop without ``await shadow.aclose()``), never waited for again."""
        for loop, left in list(self._loop_tasks.items()):
            if left > 0 and loop.is_closed():
                del self._loop_tasks[loop]
                with self._lock:
                    self._dropped += left
                    self._drop_reasons["loop_ended"] += left
                self._tasks_pending -= left
                log.warning(
                    "%d shadow path(s) were still running when their event loop ended; their pairs "
                    "are dropped. Await shadow.aclose() before the loop ends to post them.",
                    left,
                )

    async def _shadow_task(self, call: _Call, shadow: Callable[[], Awaitable[Any]]) -> None:
        start = time.perf_counter()
        loop = asyncio.get_running_loop()
        try:
            async with asyncio.timeout(self.shadow_timeout):  # no extra task, unlike wait_for
                value = await shadow()
            outcome = _Result(value, _ms(start))
        except TimeoutError:
            outcome = self._timed_out()
        except asyncio.CancelledError:  # the loop is ending (asyncio.run cancels what is left)
            with self._lock:
                self._dropped += 1
                self._drop_reasons["cancelled"] += 1
            self._task_settled(loop)
            raise
        except Exception as exc:
            outcome = _Result(None, _ms(start), exc)
        # (A coroutine closed with its loop, never cancelled, stays counted in _loop_tasks: the
        # loop's end counts it dropped.)
        try:
            self._finish(call, outcome, encode=False)
        finally:
            self._task_settled(loop)

    def _finish(self, call: _Call, shadowed: _Result, encode: bool = True) -> None:
        """Queue the pair. Sync paths (worker threads) encode it here, so the poster only joins,
        compresses and sends. Async paths leave the encoding to the poster thread: CPU spent on the
        event loop's thread right after a call measurably delayed the next call on a busy machine
        (bench_client), while the poster's thread is not the caller's."""
        if shadowed.error is not None:
            with self._lock:
                self._shadow_errors += 1
        if not encode:
            self._enqueue(call.module, (call, shadowed))
            return
        encoded = self._encode(call, shadowed)
        if encoded is not None:
            self._enqueue(call.module, encoded)

    def _encode(self, call: _Call, shadowed: _Result) -> bytes | None:
        """The pair as JSON (None, counted as dropped, when a hook returned what JSON cannot hold)."""
        legacy, orm = (call.served, shadowed) if call.served_path is Path.LEGACY else (shadowed, call.served)
        pair: dict[str, Any] = {
            "module": call.module,
            "query_name": call.query_name,
            "request_id": call.request_id,
            "pair_id": _new_id(),
            "legacy": self._side(legacy),
            "orm": self._side(orm),
        }
        context = self._context(call)
        if context is not None:
            pair["context"] = context
        try:
            encoded = json.dumps(pair, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode()
        except (TypeError, ValueError) as exc:  # a hook that returned something JSON cannot hold
            log.warning("pair of %s/%s not encodable (%s); dropped", call.module, call.query_name, exc)
            with self._lock:
                self._dropped += 1
                self._drop_reasons["not_encodable"] += 1
            return None
        return encoded

    def _side(self, result: _Result) -> dict[str, Any]:
        side: dict[str, Any] = {"result": None, "latency_ms": round(result.latency_ms, 3)}
        if result.error is not None:
            side["error"] = {"type": _error_type(result.error), "message": str(result.error)[:2000]}
            return side
        try:
            side["result"] = to_json(result.value, self.hook)
        except Exception as exc:
            side["error"] = {"type": "SerializationError", "message": str(exc)[:2000]}
        return side

    def _context(self, call: _Call) -> dict[str, Any] | None:
        try:
            raw = call.context()
            if not raw:
                return None
            context = to_json(dict(raw), self.hook)
        except Exception:
            log.debug("context of %s/%s not serializable; posted without it", call.module, call.query_name)
            return None
        if len(json.dumps(context, separators=(",", ":"), ensure_ascii=False).encode()) > MAX_CONTEXT_BYTES:
            return {"truncated": True}
        assert isinstance(context, dict)
        return context

    def _enqueue(self, module: str, pair: bytes | tuple[_Call, _Result]) -> None:
        with self._lock:
            if self._stopped.is_set():
                self._dropped += 1
                self._drop_reasons["closed"] += 1
                return
            if len(self._queue) >= self.queue_size:
                self._queue.popleft()
                self._dropped += 1
                self._drop_reasons["queue_full"] += 1
            self._queue.append((module, pair))
            full = len(self._queue) >= self.batch_size
        if full:
            self._wake.set()

    # -- the config ------------------------------------------------------------------------------

    def _poll_loop(self) -> None:
        while not self._closing.is_set():
            self._poll_once()
            self._closing.wait(self.poll_interval)

    def _poll_once(self) -> None:
        headers = {"If-None-Match": self._etag} if self._etag else {}
        try:
            response = self._config_http.get("/v1/config", headers=headers)
            if response.status_code == 200:
                fresh = Config.from_wire(response.json())
                self._etag = response.headers.get("ETag")
            elif response.status_code != 304:
                raise httpx.HTTPStatusError(
                    f"GET /v1/config answered {response.status_code}",
                    request=response.request,
                    response=response,
                )
            else:
                fresh = None
        except (httpx.HTTPError, ValueError) as exc:
            if not self._config_down:
                log.warning("shadowdiff config %s; %s", _config_problem(exc), self._meanwhile())
                self._config_down = True
            return
        if self._config_down:
            log.info("shadowdiff config reachable again")
            self._config_down = False
        with self._lock:
            if fresh is not None:
                for module, (state, version) in list(self._learned.items()):
                    known = fresh.modules.get(module)
                    if known is not None and known.version >= version:
                        del self._learned[module]
                    else:
                        fresh = fresh.learned(module, state, version)
                self._config = fresh
            self._config_at = time.monotonic()

    def _meanwhile(self) -> str:
        """What calls do while the config cannot be read: a person reading the log needs to know
        whether the client is still shadowing (a kept copy) or not at all (none yet)."""
        if self._config is None:
            return "until it answers, every call serves legacy and nothing is shadowed"
        return "keeping the last good copy"

    def _learn(self, module: str, state: str, version: int) -> None:
        """A pair's answer named the module's state: a rollback shows at the next post, not poll."""
        with self._lock:
            if self._config is None:
                return
            updated = self._config.learned(module, state, version)
            if updated is not self._config:
                self._config = updated
                self._learned[module] = (state, version)

    # -- posting ---------------------------------------------------------------------------------

    def _post_loop(self) -> None:
        last_post = time.monotonic()
        while True:
            wait = self.flush_interval
            with self._lock:
                if self._pending:
                    first = next(iter(self._pending.values()))
                    wait = max(0.0, min(wait, first.deadline - time.monotonic()))
            self._wake.wait(wait)
            self._wake.clear()
            self._reap(time.monotonic())
            closing = self._closing.is_set()
            while True:
                with self._lock:
                    waiting = len(self._queue)
                    due = (
                        closing
                        or waiting >= self.batch_size
                        or time.monotonic() - last_post >= self.flush_interval
                    )
                    if not waiting or not due:
                        break
                    batch = [self._queue.popleft() for _ in range(min(waiting, self.batch_size))]
                self._send(batch)
                last_post = time.monotonic()
            if closing:
                with self._lock:
                    idle = not self._queue and not self._pending and not self._handoff and self._jobs.empty()
                if idle or time.monotonic() >= self._close_deadline:
                    break
        with self._lock:  # what the deadline cut off
            left = len(self._queue) + len(self._pending)
            self._dropped += left
            self._drop_reasons["close_timeout"] += left
            self._queue.clear()
            self._pending.clear()
            self._stopped.set()

    def _reap(self, now: float) -> None:
        expired: list[_Call] = []
        with self._lock:
            while self._pending:
                job_id, call = next(iter(self._pending.items()))
                if call.deadline > now:
                    break
                del self._pending[job_id]
                expired.append(call)
        for call in expired:
            self._finish(call, self._timed_out())

    def _timed_out(self) -> _Result:
        message = f"no result after {self.shadow_timeout} s"
        return _Result(None, self.shadow_timeout * 1000.0, ShadowTimeout(message))

    def _send(self, queued: list[tuple[str, bytes | tuple[_Call, _Result]]]) -> None:
        batch: list[tuple[str, bytes]] = []
        for module, item in queued:
            encoded = item if isinstance(item, bytes) else self._encode(*item)
            if encoded is not None:
                batch.append((module, encoded))
        if not batch:
            return
        body = gzip.compress(b'{"pairs":[' + b",".join(pair for _, pair in batch) + b"]}", compresslevel=1)
        headers = {"Content-Encoding": "gzip", "Content-Type": "application/json"}
        delay = self.backoff
        for attempt in range(1, self.max_attempts + 1):
            try:
                response = self._post_http.post("/v1/pairs/batch", content=body, headers=headers)
            except httpx.HTTPError as exc:
                failure = str(exc) or type(exc).__name__
            else:
                if response.status_code == 202:
                    self._accepted(batch, response)
                    return
                failure = f"answered {response.status_code}: {response.text[:200]}"
                if response.status_code < 500 and response.status_code not in (408, 429):
                    with self._lock:  # refused for good (auth, size, shape): retrying cannot help
                        self._failed_posts += 1
                        self._dropped += len(batch)
                        self._drop_reasons["refused"] += len(batch)
                    log.error("shadowdiff refused a batch of %d pairs (%s); dropped", len(batch), failure)
                    return
            with self._lock:
                self._failed_posts += 1
            if not self._post_down:
                log.warning("posting pairs to shadowdiff failed (%s); retrying with backoff", failure)
                self._post_down = True
            remaining = self._close_deadline - time.monotonic()
            if attempt == self.max_attempts or remaining <= 0:
                break
            time.sleep(min(delay, remaining))
            delay = min(delay * 2, self.max_backoff)
        with self._lock:
            self._dropped += len(batch)
            self._drop_reasons["retries_exhausted"] += len(batch)

    def _accepted(self, batch: list[tuple[str, bytes]], response: httpx.Response) -> None:
        if self._post_down:
            log.info("posting pairs to shadowdiff works again")
            self._post_down = False
        try:
            results = response.json()["results"]
        except (ValueError, KeyError, TypeError):
            results = [{} for _ in batch]
        posted = rejected = 0
        learned: dict[str, tuple[str, int]] = {}
        for (module, _), result in zip(batch, results, strict=False):
            if not isinstance(result, dict) or "error" in result:
                rejected += 1
                continue
            posted += 1
            state, version = result.get("state"), result.get("version")
            if isinstance(state, str) and isinstance(version, int):
                learned[module] = (state, version)
        with self._lock:
            self._posted += posted
            self._dropped += rejected
            self._drop_reasons["rejected"] += rejected
        if rejected:
            log.warning("shadowdiff rejected %d of %d pairs (see its answers)", rejected, len(batch))
        for module, (state, version) in learned.items():
            self._learn(module, state, version)
