"""``/health`` (the process answers) and ``/ready`` (the store answers too)."""

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


@router.get("/ready", summary="The store is reachable", responses={503: ERRORS[503]})
async def ready(services: ServicesDep) -> JSONResponse:
    try:
        await services.store.ping()
    except StoreUnavailable as exc:
        return JSONResponse({"error": "store_unavailable", "message": str(exc)}, status_code=503)
    age = services.store.sync_age()
    return JSONResponse({"status": "ready", "sync_age_seconds": age if math.isfinite(age) else None})
