"""Every flag write goes through here: the API, the ingest path, the Alertmanager webhook and the guard.

Each operation saves through the store (which checks the version and appends the history entry in one
transaction), then puts the new flag into this replica's view at once, so the next pair already sees
it without waiting for the change notification.

Used by the rollback code as::

    flag = await services.flags.rollback(module, actor="guard", source=Source.GUARD,
                                         reason="...", decision={...})

``rollback`` raises ``UnknownModule`` or ``InvalidTransition`` (module not in ``orm``), and increments
``shadow_rollbacks_total{module, actor=source}`` only when the flag actually moved.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Any

from app.flag_view import FlagView
from app.metrics import Metrics
from app.store.base import Store, StoreUnavailable
from flags.errors import UnknownModule, VersionConflict
from flags.model import (
    Flag,
    FlagChange,
    FlagUpdate,
    Gates,
    Planned,
    Source,
    Verdict,
    apply_update,
    entering_orm,
    needs_readiness,
    new_flag,
    plan_change,
    retire,
    rollback,
)

ReadinessCheck = Callable[[Flag], Awaitable[Verdict]]
"""Measures a module's readiness for ``shadow -> orm`` (wired by the readiness service)."""
GuardCheck = Callable[[Flag], str | None]
"""Why the guard would still act on a module now, or None (wired by the rollback coordinator)."""


class FlagService:
    def __init__(self, *, store: Store, view: FlagView, metrics: Metrics) -> None:
        self.store = store
        self.view = view
        self.metrics = metrics
        self._registering: dict[str, asyncio.Future[Flag]] = {}
        self._writing: dict[str, asyncio.Lock] = {}

    def writes_of(self, module: str) -> asyncio.Lock:
        """One lock per module for writes that base themselves on the version they read (``If-Match:
        *``): on one replica they queue instead of conflicting; across replicas the version check
        in the store still decides."""
        lock = self._writing.get(module)
        if lock is None:
            lock = self._writing[module] = asyncio.Lock()
        return lock
        self.readiness: ReadinessCheck | None = None
        self.guard_acting: GuardCheck | None = None

    @property
    def default_rate(self) -> float:
        return self.view.default_rate

    async def get(self, module: str) -> Flag:
        flag = await self.store.get_flag(module)
        if flag is None:
            raise UnknownModule(module)
        self.view.put(flag)
        return flag

    async def all(self) -> list[Flag]:
        """Every flag from the store, refreshing this replica's view on the way."""
        flags = await self.store.list_flags()
        for flag in flags:
            self.view.put(flag)
        return flags

    async def read(self, module: str) -> tuple[Flag, bool]:
        """A flag for a reader: from the store, else (store unavailable) from this replica's view,
        which is what ingest serves by anyway. The bool says it came from memory."""
        try:
            return await self.get(module), False
        except StoreUnavailable:
            flag = self.view.get(module)
            if flag is None:
                raise
            return flag, True

    async def read_all(self) -> tuple[list[Flag], bool]:
        """:meth:`all`, or this replica's view while the store is unavailable (the bool)."""
        try:
            return await self.all(), False
        except StoreUnavailable:
            return self.view.all(), True

    async def update(
        self, module: str, update: FlagUpdate, actor: str, source: Source = Source.API
    ) -> Planned:
        """Apply ``update`` with the lifecycle rails (creating the module when it does not exist).

        ``update.expected_version`` is checked against the stored version; without one the change
        applies to the version read here, and a concurrent writer still makes it fail with 409.
        A no-op answers the current flag and writes nothing.
        """
        current = await self.store.get_flag(module)
        version = 0 if current is None else current.version
        if update.expected_version is not None and update.expected_version != version:
            raise VersionConflict(module, update.expected_version, version)
        target = update.state or (current.state if current is not None else None)
        gates = Gates()
        if target is not None:
            verdict = None
            if needs_readiness(current, target) and self.readiness is not None and current is not None:
                verdict = await self.readiness(current)
            acting = None
            if entering_orm(current, target) and self.guard_acting is not None and current is not None:
                acting = self.guard_acting(current)
            gates = Gates(readiness=verdict, guard_acting=acting)
        planned = plan_change(current, module, update, actor, source, gates)
        if planned.change is None:
            return planned
        saved = await self.store.save_flag(planned.flag, planned.change, version)
        self.view.put(saved)
        self.metrics.flag_changes.labels(module, saved.state.value, source.value).inc()
        return replace(planned, flag=saved)

    async def rollback(
        self,
        module: str,
        actor: str,
        source: Source,
        reason: str,
        decision: dict[str, Any] | None = None,
        by: str | None = None,
    ) -> Flag:
        current = await self.get(module)
        flag, change = rollback(current, actor, source, reason, decision, by)
        saved = await self.store.save_flag(flag, change, current.version)
        self.view.put(saved)
        self.metrics.rollbacks.labels(module, source.value).inc()
        self.metrics.flag_changes.labels(module, saved.state.value, source.value).inc()
        return saved

    async def retire(self, module: str, actor: str, reason: str, by: str | None = None) -> Flag:
        current = await self.get(module)
        flag, change = retire(current, actor, Source.API, reason, by)
        saved = await self.store.save_flag(flag, change, current.version)
        self.view.put(saved)  # the view tells the metrics to forget the module
        return saved

    async def record(self, change: FlagChange) -> FlagChange:
        """A history entry without a flag change (``notify`` mode's decision record)."""
        return await self.store.append_history(change)

    async def history(self, module: str, limit: int = 100) -> list[FlagChange]:
        await self.get(module)
        return await self.store.history(module, limit)

    async def ensure(self, module: str, actor: str) -> Flag:
        """The flag of a module seen in a pair, registering it in the default state (``shadow`` unless
        ``SHADOWDIFF_DEFAULT_STATE`` says ``legacy``) the first time.

        Concurrent first pairs of one module share one registration; when another replica registered
        it first, its flag is used.
        """
        flag = self.view.get(module)
        if flag is not None:
            return flag
        pending = self._registering.get(module)
        if pending is not None:
            return await asyncio.shield(pending)
        future: asyncio.Future[Flag] = asyncio.get_running_loop().create_future()
        self._registering[module] = future
        try:
            flag = await self._register(module, actor)
            future.set_result(flag)
            return flag
        except Exception as exc:
            future.set_exception(exc)
            future.exception()  # retrieved here, so an unawaited future does not warn
            raise
        except BaseException:
            future.cancel()
            raise
        finally:
            del self._registering[module]

    async def _register(self, module: str, actor: str) -> Flag:
        existing = await self.store.get_flag(module)
        if existing is None:
            fresh = new_flag(module, actor, self.view.default_state)
            flag, change = apply_update(
                fresh, FlagUpdate(reason="first pair received for this module"), actor, Source.INGEST
            )
            try:
                existing = await self.store.save_flag(flag, change, 0)
            except VersionConflict:
                existing = await self.store.get_flag(module)
                if existing is None:  # pragma: no cover - a conflict means it exists
                    raise
        self.view.put(existing)
        return existing
