"""Automatic rollback: Alertmanager webhook deliveries and guard trips become rollbacks and decision records.

Two triggers, one outcome. ``POST /v1/alerts/alertmanager`` hands over Alertmanager's webhook payload
(version 4); the in-process guard (``flags.guard``) watches every compared pair through the service's
observer hook. Either way a module whose ORM path serves (``orm``) and whose ``auto_rollback`` is on goes
back to ``shadow`` through ``FlagService.rollback`` (which saves, updates this replica's view and counts
``shadow_rollbacks_total{module, actor}``), with a decision record that explains the rollback without a
second look: the rule or alert, the measured mismatch rate, the threshold, the comparisons, the window and
API paths to example mismatch samples. In ``notify`` mode the same record goes into the history as a
``rollback_notify`` entry and the flag stays as it is. Nothing here ever promotes a module.

Alertmanager repeats notifications and retries failed deliveries, so an alert acts at most once per
(groupKey, fingerprint, startsAt): ``store.claim_once`` remembers it, also across replicas. The claim is
taken only when an alert is about to act, so an alert that changed nothing (module not in ``orm``,
auto_rollback off) is evaluated again on its next delivery.

A guard trip never runs the rollback on the request that tripped it: it is scheduled as a task, at most
one per module in flight; a failed one lets the guard trip again on a later pair.
"""

from __future__ import annotations

import asyncio
import enum
import hashlib
import logging
import math
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal, Protocol
from urllib.parse import urlencode

from pydantic import BaseModel, ConfigDict, Field, field_validator

from app.store.base import MismatchSample, StoreUnavailable
from flags.errors import InvalidTransition, UnknownModule, VersionConflict
from flags.guard import Guard, GuardAction, GuardRule, Trip, WindowCounts
from flags.model import AutoRollback, Flag, FlagChange, FlagState, Source, now
from flags.persistence import FlagStore

if TYPE_CHECKING:
    from app.services import Services

log = logging.getLogger("shadowdiff.rollback")

MODULE_NAME = re.compile(r"[A-Za-z0-9_.:-]{1,128}")
SAMPLE_EXAMPLES = 5
RETRY_PAUSE_SECONDS = 2.0


# --- the webhook payload (Alertmanager's webhook_config, payload version 4) ---------------------------


class AlertmanagerAlert(BaseModel):
    """One alert of a notification. Unknown fields are ignored: Alertmanager may add some."""

    model_config = ConfigDict(extra="ignore", frozen=True, populate_by_name=True)

    status: Literal["firing", "resolved"]
    labels: dict[str, str]
    annotations: dict[str, str] = Field(default_factory=dict)
    starts_at: datetime = Field(alias="startsAt")
    ends_at: datetime | None = Field(None, alias="endsAt")
    generator_url: str = Field("", alias="generatorURL")
    fingerprint: str = ""

    @property
    def name(self) -> str:
        return self.labels.get("alertname", "")

    @property
    def identity(self) -> str:
        """Alertmanager's fingerprint, or one made from the labels when a sender leaves it out."""
        if self.fingerprint:
            return self.fingerprint
        canonical = "\x00".join(f"{k}\x01{v}" for k, v in sorted(self.labels.items()))
        return hashlib.sha256(canonical.encode()).hexdigest()[:16]


class AlertmanagerPayload(BaseModel):
    """The body Alertmanager POSTs to a ``webhook_configs`` receiver."""

    model_config = ConfigDict(extra="ignore", frozen=True, populate_by_name=True)

    version: str = Field(json_schema_extra={"enum": ["4"]})  # the schema says what the validator checks
    group_key: str = Field(alias="groupKey", min_length=1)
    truncated_alerts: int = Field(0, alias="truncatedAlerts", ge=0)
    status: Literal["firing", "resolved"]
    receiver: str = ""
    group_labels: dict[str, str] = Field(default_factory=dict, alias="groupLabels")
    common_labels: dict[str, str] = Field(default_factory=dict, alias="commonLabels")
    common_annotations: dict[str, str] = Field(default_factory=dict, alias="commonAnnotations")
    external_url: str = Field("", alias="externalURL")
    alerts: list[AlertmanagerAlert]

    @field_validator("version")
    @classmethod
    def _version_4(cls, value: str) -> str:
        if value != "4":
            raise ValueError(
                f"webhook payload version {value!r} is not understood; shadowdiff reads Alertmanager's "
                'version "4" (Alertmanager 0.x webhook_configs)'
            )
        return value


# --- what to do with one alert (pure) ----------------------------------------------------------------


class Verdict(enum.StrEnum):
    """Why an alert did or did not act; the ``reason`` of each result in the webhook's answer."""

    ROLLED_BACK = "rolled_back"
    NOTIFIED = "notified"
    DUPLICATE = "duplicate"
    RESOLVED = "resolved"
    NOT_CRITICAL = "not_critical"
    NO_MODULE = "no_module"
    UNKNOWN_MODULE = "unknown_module"
    NOT_ORM = "not_orm"
    AUTO_ROLLBACK_OFF = "auto_rollback_off"


@dataclass(frozen=True, slots=True)
class Plan:
    verdict: Verdict
    message: str

    @property
    def acts(self) -> bool:
        return self.verdict in (Verdict.ROLLED_BACK, Verdict.NOTIFIED)


def module_of(alert: AlertmanagerAlert) -> str | None:
    module = alert.labels.get("module")
    return module if module and MODULE_NAME.fullmatch(module) else None


def plan(alert: AlertmanagerAlert, flag: Flag | None) -> Plan:
    """Decide for one alert given the module's current flag; the checks run cheapest-first."""
    if alert.status != "firing":
        return Plan(Verdict.RESOLVED, "a resolved alert changes nothing: a person re-promotes the module")
    severity = alert.labels.get("severity", "")
    if severity != "critical":
        return Plan(
            Verdict.NOT_CRITICAL, f"severity is {severity or 'unset'!r}; only critical alerts roll back"
        )
    module = module_of(alert)
    if module is None:
        raw = alert.labels.get("module")
        why = "has no module label" if raw is None else f"has module label {raw!r}, not a valid module name"
        return Plan(Verdict.NO_MODULE, f"the alert {why}, so there is nothing to roll back")
    if flag is None:
        return Plan(Verdict.UNKNOWN_MODULE, f"no flag for module {module!r}; nothing changed")
    if flag.state is not FlagState.ORM:
        return Plan(
            Verdict.NOT_ORM,
            f"module {module!r} is in state {flag.state.value!r}, not 'orm': the ORM path does not serve, "
            "nothing to roll back",
        )
    if flag.auto_rollback is AutoRollback.OFF:
        return Plan(
            Verdict.AUTO_ROLLBACK_OFF,
            f"module {module!r} has auto_rollback off; "
            f"roll it back by hand with POST /v1/flags/{module}/rollback",
        )
    if flag.auto_rollback is AutoRollback.NOTIFY:
        return Plan(
            Verdict.NOTIFIED, f"module {module!r} is in notify mode: decision recorded, flag unchanged"
        )
    return Plan(Verdict.ROLLED_BACK, f"module {module!r} rolled back from 'orm' to 'shadow'")


# --- figures for the decision record -----------------------------------------------------------------

RATE_KEYS = ("mismatch_rate", "measured_rate", "rate", "value")
THRESHOLD_KEYS = ("threshold", "mismatch_threshold")
COMPARISONS_KEYS = ("comparisons",)
WINDOW_KEYS = ("window", "window_seconds", "range")
DURATION = re.compile(r"(\d+(?:\.\d+)?)(ms|s|m|h|d)")
DURATION_SECONDS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0}


def parse_number(text: str) -> float | None:
    """``0.25``, ``25%`` or ``2.5e-1``; None for anything else (a summary sentence, NaN)."""
    text = text.strip()
    scale = 1.0
    if text.endswith("%"):
        text, scale = text[:-1].strip(), 0.01
    try:
        value = float(text) * scale
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def parse_window(text: str) -> float | None:
    """A Prometheus duration (``5m``, ``1h30m``) or a number of seconds."""
    text = text.strip()
    number = parse_number(text)
    if number is not None:
        return number
    parts = DURATION.findall(text)
    if not parts or "".join(n + u for n, u in parts) != text:
        return None
    return sum(float(n) * DURATION_SECONDS[u] for n, u in parts)


def _carried(alert: AlertmanagerAlert, keys: tuple[str, ...]) -> str | None:
    for source in (alert.annotations, alert.labels):
        for key in keys:
            if key in source:
                return source[key]
    return None


def alert_figures(
    alert: AlertmanagerAlert, service: WindowCounts, threshold: float, window: float
) -> dict[str, Any]:
    """The measured figures the alert carries (annotations first, then labels); where it carries none,
    the service's own figures for the module over the guard window, and ``figures_from`` says which."""
    figures: dict[str, Any] = {}
    sources: dict[str, str] = {}
    pairs: tuple[tuple[str, tuple[str, ...], Callable[[str], float | None], float], ...] = (
        ("measured_rate", RATE_KEYS, parse_number, service.rate),
        ("threshold", THRESHOLD_KEYS, parse_number, threshold),
        ("comparisons", COMPARISONS_KEYS, parse_number, float(service.comparisons)),
        ("window_seconds", WINDOW_KEYS, parse_window, window),
    )
    for name, keys, parse, fallback in pairs:
        raw = _carried(alert, keys)
        value = parse(raw) if raw is not None else None
        if value is None:
            figures[name], sources[name] = fallback, "service"
        else:
            figures[name], sources[name] = value, "alert"
    figures["comparisons"] = int(figures["comparisons"])
    if sources["measured_rate"] == "service":
        figures["mismatches"] = service.mismatches
    figures["figures_from"] = sources
    return figures


def mismatches_path(module: str, **filters: str | int) -> str:
    return "/v1/mismatches?" + urlencode({"module": module, **filters})


async def sample_links(store: Samples, module: str) -> dict[str, Any]:
    """API paths to example mismatch samples: the module's list, and one per recent (query, field)."""
    links: dict[str, Any] = {"all": mismatches_path(module), "examples": []}
    try:
        recent = await store.recent_mismatches(module, None, None, SAMPLE_EXAMPLES * 4)
    except StoreUnavailable:
        log.warning("no example mismatch samples for the decision record of %r: store unavailable", module)
        return links
    seen: set[tuple[str, str]] = set()
    for sample in recent:
        field = sample.fields[0] if sample.fields else ""
        if (sample.query_name, field) in seen:
            continue
        seen.add((sample.query_name, field))
        filters: dict[str, str | int] = {"query_name": sample.query_name, "limit": 10}
        if field:
            filters["field"] = field
        links["examples"].append(
            {
                "query_name": sample.query_name,
                "fields": list(sample.fields),
                "at": sample.at.isoformat(),
                "path": mismatches_path(module, **filters),
            }
        )
        if len(links["examples"]) >= SAMPLE_EXAMPLES:
            break
    return links


# --- what the service provides -----------------------------------------------------------------------


class Samples(Protocol):
    async def recent_mismatches(
        self, module: str | None, query_name: str | None, field: str | None, limit: int
    ) -> list[MismatchSample]: ...


class RollbackStore(FlagStore, Samples, Protocol):
    async def claim_once(self, key: str) -> bool: ...


class FlagRollbacks(Protocol):
    """The part of ``FlagService`` used here: the same rollback the API's POST .../rollback runs."""

    async def rollback(
        self, module: str, actor: str, source: Source, reason: str, decision: dict[str, Any] | None = None
    ) -> Flag: ...


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
        flags: FlagRollbacks,
        view: FlagLookup,
        store: RollbackStore,
        guard: Guard,
        *,
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

    def observe(self, module: str, query_name: str, outcome: str) -> None:
        """O(1): count the outcome; on a trip, schedule the rollback and return at once.

        The windows count even with the guard disabled: they are the service's own figures in the
        decision record of an Alertmanager rollback whose alert carries none."""
        flag = self._view.get(module) if self.guard_enabled else None
        trip = self.guard.observe(module, outcome, self._clock(), flag)
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
        rule = self.guard.rule
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
        return await self._store.append_history(change)


def build_rollbacks(services: Services) -> RollbackCoordinator:
    """The coordinator for one app: the guard rule from settings and the observer hooked into ingest.
    The app's lifespan calls ``aclose`` at shutdown so a rollback in flight can finish."""
    settings = services.settings
    rule = GuardRule(
        window_seconds=settings.guard_window_seconds,
        threshold=settings.guard_threshold,
        min_comparisons=settings.guard_min_comparisons,
    )
    coordinator = RollbackCoordinator(
        services.flags,
        services.view,
        services.store,
        Guard(rule),
        guard_enabled=settings.guard_enabled,
    )
    services.observers.append(coordinator.observe)
    return coordinator
