"""Everything one app instance owns, built by ``create_app`` and reached by routes through
``request.app.state.services``: no module-level state, so two apps in one process never share a thing.

Hooks for other parts of the service:
- ``services.flags`` (:class:`FlagService`): ``rollback(module, actor, source, reason, decision=None)``.
- ``services.observers``: append a callable ``(module, query_name, outcome) -> None``; it runs after
  every accepted pair (see ``app.ingest.Observer``).
- ``services.background``: tasks started in lifespan and cancelled at shutdown.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, field

from prometheus_client import CollectorRegistry

from app.auth import Authenticator
from app.flag_service import FlagService
from app.flag_view import FlagView
from app.ingest import Ingestor, Observer
from app.metrics import FlagCollector, Metrics
from app.mismatch_writer import MismatchWriter
from app.redact import Redactor
from app.settings import Settings
from app.spec_cache import SpecCache
from app.store.base import Store


@dataclass
class Services:
    settings: Settings
    store: Store
    registry: CollectorRegistry
    metrics: Metrics
    view: FlagView
    flags: FlagService
    specs: SpecCache
    auth: Authenticator
    redactor: Redactor
    writer: MismatchWriter
    ingestor: Ingestor
    observers: list[Observer] = field(default_factory=list)
    background: list[asyncio.Task[None]] = field(default_factory=list)

    @classmethod
    def build(cls, settings: Settings, store: Store, registry: CollectorRegistry) -> Services:
        metrics = Metrics(
            registry,
            settings.max_query_names,
            settings.max_fields,
            settings.max_error_types,
            settings.max_label_length,
        )
        view = FlagView(settings.default_sample_rate)
        registry.register(FlagCollector(view, store.sync_age))
        flags = FlagService(store, view, metrics)
        specs = SpecCache()
        redactor = Redactor(settings.redact)
        writer = MismatchWriter(
            store,
            metrics.samples_dropped,
            settings.mismatch_queue,
            settings.mismatch_batch,
            settings.mismatch_keep,
        )
        observers: list[Observer] = []
        ingestor = Ingestor(
            flags,
            specs,
            metrics,
            redactor,
            writer,
            observers,
            settings.max_differences,
            settings.store_values,
        )
        return cls(
            settings,
            store,
            registry,
            metrics,
            view,
            flags,
            specs,
            Authenticator(settings),
            redactor,
            writer,
            ingestor,
            observers,
        )

    async def stop_background(self) -> None:
        for task in self.background:
            task.cancel()
        for task in self.background:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self.background.clear()
