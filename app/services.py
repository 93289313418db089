"""Everything one app instance owns, built by ``create_app`` and reached by routes through
``request.app.state.services``: no module-level state, so two apps in one process never share a thing.

This is the one composition root: every object is built here, in dependency order, and handed what it
uses (keyword-only). Nothing else builds services or hangs them on ``app.state``.
- ``services.flags`` (:class:`FlagService`): every flag write, including rollbacks and notify records.
- ``services.rollbacks`` (:class:`RollbackCoordinator`): the Alertmanager webhook and the guard, whose
  ``observe`` is the ingest observer (called after every accepted pair, see ``app.ingest.Observer``).
- ``services.background``: tasks started in lifespan and cancelled at shutdown.
"""

from __future__ import annotations

import asyncio
import contextlib
import secrets
from dataclasses import dataclass, field

from prometheus_client import CollectorRegistry

from app.auth import Authenticator
from app.console.session import Sessions
from app.flag_service import FlagService
from app.flag_view import FlagView
from app.ingest import Ingestor, PairIds
from app.metrics import FlagCollector, Metrics
from app.mismatch_writer import MismatchWriter
from app.offload import Offloader
from app.redact import Redactor
from app.rollback import RollbackCoordinator, build_rollbacks
from app.rollups import Rollups
from app.samples import SampleBuilder
from app.settings import Settings
from app.spec_cache import SpecCache
from app.spec_rules import SpecRules
from app.spec_service import SpecService
from app.store.base import Store
from app.store.bounded import bounded
from flags.model import FlagState


@dataclass(kw_only=True)
class Services:
    settings: Settings
    store: Store
    registry: CollectorRegistry
    metrics: Metrics
    view: FlagView
    flags: FlagService
    specs: SpecService
    auth: Authenticator
    redactor: Redactor
    writer: MismatchWriter
    rollbacks: RollbackCoordinator
    ingestor: Ingestor
    rollups: Rollups
    secret: bytes  # SHADOWDIFF_SECRET_KEY or random: keys sample mask hashes and console sessions
    samples: SampleBuilder
    sessions: Sessions
    rules: SpecRules
    background: list[asyncio.Task[None]] = field(default_factory=list)

    @classmethod
    def build(cls, settings: Settings, store: Store, registry: CollectorRegistry) -> Services:
        store = bounded(store, settings.store_timeout_seconds)  # every call answers within the bound
        metrics = Metrics(
            registry=registry,
            max_query_names=settings.max_query_names,
            max_fields=settings.max_fields,
            max_error_types=settings.max_error_types,
            max_label_length=settings.max_label_length,
        )
        view = FlagView(settings.default_sample_rate, FlagState(settings.default_state.value))
        registry.register(FlagCollector(view, store.sync_age, settings.guard_threshold))
        flags = FlagService(store=store, view=view, metrics=metrics)
        specs = SpecService(store=store, cache=SpecCache())
        redactor = Redactor(settings.redact)
        secret = (
            settings.secret_key.get_secret_value().encode()
            if settings.secret_key is not None
            else secrets.token_bytes(32)
        )
        samples = SampleBuilder(
            redactor=Redactor(settings.redact, key=secret),
            max_bytes=settings.sample_max_bytes,
            store_values=settings.store_values,
        )
        writer = MismatchWriter(
            store=store,
            dropped=metrics.samples_dropped,
            queue_size=settings.mismatch_queue,
            batch=settings.mismatch_batch,
            keep=settings.mismatch_keep,
        )
        rollups = Rollups(
            store=store,
            flush_seconds=settings.rollup_flush_seconds,
            retention_hours=settings.rollup_retention_hours,
        )
        flags.readiness = rollups.readiness
        rollbacks = build_rollbacks(settings=settings, flags=flags, view=view, store=store)
        flags.guard_acting = rollbacks.guard_acting
        ingestor = Ingestor(
            flags=flags,
            specs=specs.cache,
            metrics=metrics,
            redactor=redactor,
            writer=writer,
            observers=[rollbacks.observe],
            max_differences=settings.max_differences,
            store_values=settings.store_values,
            rollups=rollups,
            max_fields=settings.max_fields,
            offloader=Offloader(threshold=settings.offload_bytes, processes=settings.compare_processes),
            sample_wait=settings.sample_wait,
            sample_wait_seconds=settings.store_timeout_seconds,
            samples=samples,
            pair_ids=PairIds(settings.pair_id_cache),
        )
        return cls(
            settings=settings,
            store=store,
            registry=registry,
            metrics=metrics,
            view=view,
            flags=flags,
            specs=specs,
            auth=Authenticator(settings),
            redactor=redactor,
            writer=writer,
            rollbacks=rollbacks,
            ingestor=ingestor,
            rollups=rollups,
            secret=secret,
            samples=samples,
            sessions=Sessions(secret),
            rules=SpecRules(store=store, specs=specs, flags=flags),
        )

    async def stop_background(self) -> None:
        for task in self.background:
            task.cancel()
        for task in self.background:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self.background.clear()
