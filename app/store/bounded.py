"""Every store call bounded in time: a frozen or unreachable database costs a caller ``timeout``
seconds and a :class:`StoreUnavailable` (503), never the driver's own minutes.

asyncpg's timeouts are per connect (5 s) and per command (15 s); a pool acquire, a reconnect and a
command can add up to 20 s before an answer, and a frozen server (SIGSTOP, a network partition that
drops packets) is only noticed by those timers. :class:`BoundedStore` wraps any store and puts one
deadline on each coroutine method, whatever the backend and whatever methods it grows: unknown
attributes pass through, coroutine methods get the deadline. ``open`` (migrations may take long) and
``subscribe`` (returns at once) are not bounded here; ``close`` gets a deadline of its own so a
shutdown always ends.

A call cut off by the deadline may still complete in the database (a write whose commit was in
flight): flag writes are versioned, so the caller's retry gets a 409 rather than a double change.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import inspect
from collections.abc import Awaitable, Callable
from typing import Any, cast

from app.store.base import Store, StoreUnavailable

UNBOUNDED = frozenset({"open", "subscribe"})
CLOSE_SECONDS = 5.0


class BoundedStore:
    def __init__(self, inner: Store, *, timeout: float) -> None:
        self._inner = inner
        self._timeout = timeout

    @property
    def inner(self) -> Store:
        return self._inner

    def __repr__(self) -> str:
        return f"BoundedStore({self._inner!r}, timeout={self._timeout:g})"

    def sync_age(self) -> float:
        return self._inner.sync_age()

    async def close(self) -> None:
        # The process is going away; what the database did not acknowledge by then is its own.
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._inner.close(), CLOSE_SECONDS)

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._inner, name)
        if name in UNBOUNDED or not inspect.iscoroutinefunction(attr):
            return attr
        return self._bounded(name, attr)

    def _bounded(self, name: str, call: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
        timeout = self._timeout

        @functools.wraps(call)
        async def bounded(*args: Any, **kwargs: Any) -> Any:
            # Not asyncio.wait_for: it waits for the cancelled call to unwind, and a driver unwinding
            # against a frozen server (returning the connection to its pool) can take its own long
            # timeouts. The call is cancelled and left to unwind in the background.
            task = asyncio.ensure_future(call(*args, **kwargs))
            try:
                done, _ = await asyncio.wait({task}, timeout=timeout)
            except asyncio.CancelledError:
                task.cancel()
                raise
            if task in done:
                return task.result()
            task.cancel()
            task.add_done_callback(_retrieve)
            raise StoreUnavailable(
                f"{self._inner!r}: {name} did not answer within {timeout:g} s "
                "(SHADOWDIFF_STORE_TIMEOUT_SECONDS)"
            )

        return bounded


def _retrieve(task: asyncio.Future[Any]) -> None:
    """Read the outcome of a call given up on, so asyncio does not log it as never retrieved."""
    if not task.cancelled():
        task.exception()


def bounded(store: Store, timeout: float) -> Store:
    """``store`` with a deadline on each call (typed as the interface it forwards)."""
    if isinstance(store, BoundedStore):
        return cast(Store, store)
    return cast(Store, BoundedStore(store, timeout=timeout))
