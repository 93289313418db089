"""``/health`` (the process answers), ``/ready`` (ingest works) and ``/ready/store`` (the store answers).

``/ready`` is what a load balancer routes by: ingest runs from the in-memory flag view and a queued
sample writer, so a store outage does not stop it. It answers 200 and names a degraded store in its
body (``"store": "unavailable"`` with the message). ``/ready/store`` is the store-only check: 503
while the store does not answer within its bound.
"""

from __future__ import annotations

import math
from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from app.deps import ServicesDep
from app.routes.schemas import ERRORS
from app.store.base import StoreUnavailable

router = APIRouter(tags=["health"])


@router.get("/health", summary="The process is alive")
async def health() -> dict[str, Any]:
    return {"status": "ok"}


@router.get("/ready", summary="Ready to ingest; names a degraded store")
async def ready(services: ServicesDep) -> JSONResponse:
    age = services.store.sync_age()
    body: dict[str, Any] = {"status": "ready", "sync_age_seconds": age if math.isfinite(age) else None}
    try:
        await services.store.ping()
        body["store"] = "ok"
    except StoreUnavailable as exc:
        body.update(status="degraded", store="unavailable", store_message=str(exc))
    body["queued_samples"] = services.writer.queued
    return JSONResponse(body)


@router.get("/ready/store", summary="The store answers", responses={503: ERRORS[503]})
async def ready_store(services: ServicesDep) -> JSONResponse:
    try:
        await services.store.ping()
    except StoreUnavailable as exc:
        return JSONResponse({"error": "store_unavailable", "message": str(exc)}, status_code=503)
    return JSONResponse({"status": "ok", "store": repr(services.store)})
