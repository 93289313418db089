"""``GET /v1/history``: one audit feed across modules, flag changes and spec changes, newest first."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query

from app.deps import OptionalName, Reader, ServicesDep
from app.routes.schemas import ERRORS

router = APIRouter(tags=["flags"])


@router.get("/v1/history", summary="Every flag and spec change, newest first, filtered", responses=ERRORS)
async def history(
    _: Reader,
    services: ServicesDep,
    module: OptionalName = None,
    by: Annotated[str | None, Query(max_length=128, description="the person (by) or the actor")] = None,
    since: Annotated[datetime | None, Query(description="ISO-8601; without an offset, UTC")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> dict[str, Any]:
    if since is not None and since.tzinfo is None:
        since = since.replace(tzinfo=UTC)
    changes = await services.store.history_feed(module=module, by=by, since=since, limit=limit)
    return {"history": [c.to_wire() for c in changes]}
