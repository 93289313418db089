"""The coordinator: turns Alertmanager deliveries and guard trips into rollbacks or notify records.

See the package docstring (``app.rollback``) for the two triggers and their guarantees.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

from app.rollback.decision import Verdict, module_of, plan
from app.rollback.figures import Samples, alert_figures, sample_links
from app.rollback.payload import AlertmanagerAlert, AlertmanagerPayload
from flags.errors import InvalidTransition, UnknownModule, VersionConflict
from flags.guard import Guard, GuardAction, GuardRule, Trip
from flags.model import Flag, FlagChange, Source, now
from flags.persistence import FlagStore
from flags.vocabulary import Outcome

if TYPE_CHECKING:
    from app.settings import Settings

log = logging.getLogger("shadowdiff.rollback")

RETRY_PAUSE_SECONDS = 2.0


class RollbackStore(FlagStore, Samples, Protocol):
    """Reads only: every write goes through ``FlagRollbacks`` (the flag service)."""

    async def claim_once(self, key: str) -> bool: ...


class FlagRollbacks(Protocol):
    """The part of ``FlagService`` used here: the same rollback the API's POST .../rollback runs."""

    async def rollback(
        self, module: str, actor: str, source: Source, reason: str, decision: dict[str, Any] | None = None
    ) -> Flag: ...

    async def record(self, change: FlagChange) -> FlagChange: ...


class FlagLookup(Protocol):
    """This replica's in-memory flags (``FlagView``): read on every pair, never the store."""

    def get(self, module: str) -> Flag | None: ...


def delivery_key(payload: AlertmanagerPayload, alert: AlertmanagerAlert) -> str:
    identity = "\x00".join((payload.group_key, alert.identity, alert.starts_at.isoformat()))
    return "alertmanager:" + hashlib.sha256(identity.encode()).hexdigest()


def _pct(rate: float) -> str:
    return f"{rate:.4%}"


# --- the coordinator ---------------------------------------------------------------------------------


class RollbackCoordinator:
    """Turns alerts and guard trips into rollbacks. One per app, built in ``create_app``."""

    def __init__(
        self,
        *,
        flags: FlagRollbacks,
        view: FlagLookup,
        store: RollbackStore,
        guard: Guard,
        guard_enabled: bool = True,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._flags = flags
        self._view = view
        self._store = store
        self.guard = guard
        self.guard_enabled = guard_enabled
        self._clock = clock
        self._inflight: dict[str, tuple[int, asyncio.Task[None]]] = {}  # module -> (flag version, task)

    # -- the guard: called after every compared pair, on the request's path ------------------------

    def observe(self, module: str, query_name: str, outcome: Outcome) -> None:
        """O(1): count the outcome; on a trip, schedule the rollback and return at once.

        The windows count even with the guard disabled: they are the service's own figures in the
        decision record of an Alertmanager rollback whose alert carries none."""
        flag = self._view.get(module)
        trip = self.guard.observe(module, outcome, self._clock(), flag, act=self.guard_enabled)
        if trip is None:
            return
        running = self._inflight.get(module)
        if running is not None:
            if running[0] != trip.flag_version:
                self.guard.release(module)  # a newer flag: trip again once the one in flight is done
            return
        task = asyncio.get_running_loop().create_task(
            self._act_on_trip(trip), name=f"guard-rollback:{module}"
        )
        self._inflight[module] = (trip.flag_version, task)
        task.add_done_callback(lambda _: self._inflight.pop(module, None))

    async def _act_on_trip(self, trip: Trip) -> None:
        module = trip.module
        try:
            flag = self._view.get(module)
            if flag is None or flag.version != trip.flag_version:
                # Someone changed the flag since the trip; the guard is re-armed for the new version.
                log.info("guard: %r changed before its rollback ran; nothing to do", module)
                return
            decision = {**trip.figures(), "samples": await sample_links(self._store, module)}
            counts, rule = trip.counts, trip.rule
            reason = (
                f"guard: mismatch rate {_pct(counts.rate)} ({counts.mismatches} of {counts.comparisons} "
                f"compared pairs over the last {rule.window_seconds:g}s) is over the critical threshold "
                f"{_pct(rule.threshold)}"
            )
            if trip.action is GuardAction.NOTIFY:
                await self._record_notify(flag, Source.GUARD, reason, decision)
                log.warning("guard: %s (notify mode: recorded, flag unchanged)", reason)
            else:
                await self._flags.rollback(module, Source.GUARD.value, Source.GUARD, reason, decision)
                log.warning("guard rolled %r back to shadow: %s", module, reason)
        except (VersionConflict, InvalidTransition, UnknownModule) as exc:
            log.info("guard: %r changed while its rollback ran (%s); nothing to do", module, exc)
        except Exception:  # a background task has nobody to raise to: log, and let a later pair retry
            log.exception("guard: rollback of %r failed; it trips again on a later pair", module)
            await asyncio.sleep(
                RETRY_PAUSE_SECONDS
            )  # still in flight: no retry storm while the store is down
            self.guard.release(module)

    def guard_status(self, flag: Flag) -> dict[str, Any]:
        """``GET /v1/flags/{module}/guard``: this replica's window and whether the guard would act."""
        status = self.guard.status(flag.module, self._clock(), flag)
        status["enabled"] = self.guard_enabled
        status["auto_rollback"] = flag.auto_rollback.to_wire()
        return status

    def guard_acting(self, flag: Flag) -> str | None:
        """Why re-promoting ``flag``'s module now would be rolled back again, or None."""
        if not self.guard_enabled:
            return None
        return self.guard.acting(flag.module, self._clock(), flag)

    async def aclose(self, timeout: float = 5.0) -> None:
        """At shutdown: let rollbacks in flight finish (briefly), then cancel what is left."""
        tasks = [task for _, task in self._inflight.values()]
        if not tasks:
            return
        _, pending = await asyncio.wait(tasks, timeout=timeout)
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)

    # -- the webhook --------------------------------------------------------------------------------

    async def handle_alertmanager(self, payload: AlertmanagerPayload) -> dict[str, Any]:
        """Each alert is decided on its own; the answer says per alert what happened and why."""
        results = [await self._handle_alert(payload, alert) for alert in payload.alerts]
        return {
            "receiver": payload.receiver,
            "groupKey": payload.group_key,
            "status": payload.status,
            "changed": sum(1 for r in results if r["changed"]),
            "results": results,
        }

    async def _handle_alert(self, payload: AlertmanagerPayload, alert: AlertmanagerAlert) -> dict[str, Any]:
        module = module_of(alert)
        # The store, not this replica's view: the webhook is off the hot path and must not act on a
        # flag another replica changed a moment ago.
        flag = await self._store.get_flag(module) if module is not None else None
        decided = plan(alert, flag)
        result: dict[str, Any] = {
            "alertname": alert.name,
            "module": alert.labels.get("module"),
            "status": alert.status,
            "fingerprint": alert.identity,
            "startsAt": alert.starts_at.isoformat(),
            "result": decided.verdict.value,
            "changed": False,
            "message": decided.message,
        }
        if not decided.acts or module is None or flag is None:
            return result
        if not await self._store.claim_once(delivery_key(payload, alert)):
            result["result"] = Verdict.DUPLICATE.value
            result["message"] = (
                "this alert (same group key, fingerprint and start) was already acted on; "
                "a repeated delivery changes nothing"
            )
            return result
        decision = await self._alert_decision(payload, alert, module)
        summary = alert.annotations.get("summary") or alert.annotations.get("description") or "no summary"
        reason = f"alertmanager: alert {alert.name} firing since {alert.starts_at.isoformat()}: {summary}"
        if decided.verdict is Verdict.NOTIFIED:
            change = await self._record_notify(flag, Source.ALERTMANAGER, reason, decision)
            result["history_id"] = change.id
            return result
        try:
            await self._flags.rollback(
                module, Source.ALERTMANAGER.value, Source.ALERTMANAGER, reason, decision
            )
        except (VersionConflict, InvalidTransition) as exc:
            result["result"] = Verdict.NOT_ORM.value
            result["message"] = (
                f"module {module!r} changed while the alert was handled; nothing changed: {exc}"
            )
            return result
        log.warning("alertmanager rolled %r back to shadow: %s", module, reason)
        result["changed"] = True
        return result

    async def _alert_decision(
        self, payload: AlertmanagerPayload, alert: AlertmanagerAlert, module: str
    ) -> dict[str, Any]:
        rule = self.guard.rule_for(self._view.get(module))
        figures = alert_figures(
            alert, self.guard.counts(module, self._clock()), rule.threshold, rule.window_seconds
        )
        return {
            "trigger": "alertmanager",
            "rule": alert.name,
            "alert": {
                "name": alert.name,
                "labels": alert.labels,
                "startsAt": alert.starts_at.isoformat(),
                "summary": alert.annotations.get("summary", ""),
                "fingerprint": alert.identity,
                "groupKey": payload.group_key,
                "receiver": payload.receiver,
                "generatorURL": alert.generator_url,
            },
            **figures,
            "samples": await sample_links(self._store, module),
        }

    async def _record_notify(
        self, flag: Flag, source: Source, reason: str, decision: dict[str, Any]
    ) -> FlagChange:
        """Notify mode: the decision goes into the history; the flag (and the rollback counter) stay."""
        snapshot = flag.snapshot()
        change = FlagChange(
            flag.module,
            "rollback_notify",
            source.value,
            source,
            f"notify only, flag unchanged: {reason}",
            now(),
            snapshot,
            snapshot,
            {**decision, "would_have": "rolled back from 'orm' to 'shadow'"},
        )
        return await self._flags.record(change)


def build_rollbacks(
    *, settings: Settings, flags: FlagRollbacks, view: FlagLookup, store: RollbackStore
) -> RollbackCoordinator:
    """The coordinator for one app, its guard rule from settings. ``Services.build`` hooks its
    ``observe`` into ingest; the app's lifespan calls ``aclose`` so a rollback in flight can finish."""
    rule = GuardRule(
        window_seconds=settings.guard_window_seconds,
        threshold=settings.guard_threshold,
        min_comparisons=settings.guard_min_comparisons,
        consecutive_windows=settings.guard_consecutive_windows,
    )
    return RollbackCoordinator(
        flags=flags,
        view=view,
        store=store,
        guard=Guard(rule),
        guard_enabled=settings.guard_enabled,
    )
