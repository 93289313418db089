"""Replica sync for the PostgreSQL store: how one replica learns of flag changes made by another.

Each replica keeps one extra connection that LISTENs on :data:`CHANNEL` and hands notices to the store's
subscribers; a heartbeat on it confirms that the view is current. When that connection drops the
replica polls ``flags`` every ``poll_seconds`` (comparing versions) and keeps trying to LISTEN again, so a
change is never missed, only seen later; ``sync_age()`` says how much later. Every version is announced
to the subscribers once, whether it came by NOTIFY, by a poll or by this replica's own save.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import asyncpg

from app.store.base import StoreUnavailable
from app.store.codec import load_json
from app.store.events import notify_listeners
from flags.persistence import FlagListener

logger = logging.getLogger("app.store.postgres")

CHANNEL = "shadowdiff_flags"
"""NOTIFY channel; the payload is ``{"module": ..., "version": ...}`` as JSON."""

DRIVER_ERRORS = (asyncpg.PostgresError, asyncpg.InterfaceError, OSError, TimeoutError)


class FlagSync:
    """Keeps a replica's subscribers told of every flag version: LISTEN/NOTIFY, heartbeat, poll."""

    def __init__(
        self,
        *,
        dsn: str,
        where: str,
        poll_seconds: float,
        connect_args: Callable[[str], dict[str, Any]],
        read_versions: Callable[[], Awaitable[list[tuple[str, int]]]],
    ) -> None:
        self._dsn = dsn
        self._where = where
        self._poll_seconds = poll_seconds
        self._connect_args = connect_args
        self._read_versions = read_versions
        self._connect_timeout = float(connect_args("probe")["timeout"])
        self.listeners: list[FlagListener] = []
        self._announced: dict[str, int] = {}  # the newest version of each module listeners were told of
        self._listen_conn: asyncpg.Connection | None = None
        self._notices: asyncio.Queue[tuple[str, int | None]] = asyncio.Queue()
        self._wake = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []
        self._synced_at: float | None = None
        self._degraded = False
        self._poll_failing = False
        self.listener_name = f"shadowdiff-listen-{uuid.uuid4().hex[:12]}"

    async def start(self, versions: dict[str, int]) -> None:
        """Begin following changes from ``versions`` (module -> version, as read at open)."""
        self._notices = asyncio.Queue()
        self._wake = asyncio.Event()
        self._announced = dict(versions)
        self._mark_synced()
        await self._listen()
        self._tasks = [
            asyncio.create_task(self._dispatch(), name="shadowdiff-flag-dispatch"),
            asyncio.create_task(self._supervise(), name="shadowdiff-flag-sync"),
        ]

    async def stop(self) -> None:
        tasks, self._tasks = self._tasks, []
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await self._drop_listener()
        self._synced_at = None

    def _mark_synced(self) -> None:
        self._synced_at = time.monotonic()

    def sync_age(self) -> float:
        """Seconds since the view was confirmed current; infinite before the first load."""
        return math.inf if self._synced_at is None else time.monotonic() - self._synced_at

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
            await self.announce(module, version)

    async def announce(self, module: str, version: int | None) -> None:
        """Tell listeners once per version, whether it came by NOTIFY, poll or a local save."""
        if version is not None:
            if self._announced.get(module, 0) >= version:
                return
            self._announced[module] = version
        await notify_listeners(self.listeners, module)

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
            rows = await self._read_versions()
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
            await self.announce(module, version)
