"""The app factory: settings, store and metrics registry come in as arguments, nothing is global.

``create_app(settings)`` builds every service object at once through ``Services.build`` (the one
composition root) and opens the store in ``lifespan``: migrations, the flag view, the
change subscription, the specs file and the background writer. A store passed in is owned by the app
from then on: it is opened at start and closed at shutdown.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from prometheus_client import CollectorRegistry

from app import console, errors, openapi_docs
from app.middleware import BodyLimit, HttpMetrics
from app.routes import alerts, config, dry_run, flags, health, metrics, mismatches, pairs, rules, specs
from app.services import Services
from app.settings import Settings
from app.store import create_store
from app.store.base import Store

log = logging.getLogger("shadowdiff")


def create_app(
    settings: Settings, store: Store | None = None, registry: CollectorRegistry | None = None
) -> FastAPI:
    store = store or create_store(settings.database_url, settings.data_dir, settings.flag_poll_seconds)
    services = Services.build(settings, store, registry or CollectorRegistry(auto_describe=True))

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await start(services)
        try:
            yield
        finally:
            await services.rollbacks.aclose()
            await stop(services)

    app = FastAPI(
        title="shadowdiff",
        summary="Diffs legacy-SQL and ORM results of the same query; holds per-module migration flags.",
        version="0.1.0",
        lifespan=lifespan,
        docs_url=None,  # app.console serves /docs with Swagger UI's files from this process
        redoc_url=None,  # ReDoc loads from a CDN only
    )
    app.state.services = services
    errors.install(app)
    for router in (
        pairs.router,
        flags.router,
        config.router,
        specs.router,
        dry_run.router,
        rules.router,
        mismatches.router,
        health.router,
        metrics.router,
        alerts.router,
    ):
        app.include_router(router)
    console.install(app)
    openapi_docs.install(app)
    app.add_middleware(BodyLimit, limit=settings.max_body_bytes)
    app.add_middleware(HttpMetrics, metrics=services.metrics)
    return app


async def start(services: Services) -> None:
    settings, store = services.settings, services.store
    await store.open()
    await store.subscribe(lambda module: services.view.refresh(store, module))
    await services.view.load(store)
    if settings.specs_file is not None:
        await services.specs.seed_from_file(settings.specs_file)
    await services.specs.reload()
    services.writer.start()
    services.rollups.start()
    if settings.database_url:  # other replicas may store specs too; flags have NOTIFY, specs a poll
        services.background.append(asyncio.create_task(reload_specs(services), name="spec-reload"))
    services.background.append(
        asyncio.create_task(services.rules.run(settings.rule_expiry_seconds), name="spec-rule-expiry")
    )
    log.info(
        "shadowdiff ready: %d modules, %d stored specs",
        len(services.view.all()),
        len(services.specs.cache.all()),
    )


async def reload_specs(services: Services) -> None:
    while True:
        await asyncio.sleep(services.settings.spec_reload_seconds)
        try:
            await services.specs.reload()
        except Exception:  # the store may be down for a while; the next round retries
            log.warning("could not reload stored specs", exc_info=True)


async def stop(services: Services) -> None:
    """Always drains and closes, each step bounded: a graceful shutdown ends even with the store frozen."""
    await services.stop_background()
    await services.rollups.close()
    await services.writer.close(timeout=services.settings.shutdown_seconds)
    if services.ingestor.offloader is not None:
        services.ingestor.offloader.close()
    await services.store.close()
    log.info("shutdown: store closed")
