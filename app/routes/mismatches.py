"""``GET /v1/mismatches``: recent mismatch samples (values redacted) with their differences."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from app.deps import OptionalName, Reader, ServicesDep
from app.redact import Redactor
from app.routes.schemas import ERRORS
from app.store.base import MismatchSample

router = APIRouter(tags=["mismatches"])


def sample_wire(sample: MismatchSample, redactor: Redactor | None = None) -> dict[str, Any]:
    """``redactor`` masks again on the way out: samples stored by an older build, or under patterns
    that have since grown, never leave unmasked."""
    differences = sample.differences
    if redactor is not None:
        differences = [redactor.difference(d) for d in differences]
    return {
        "id": sample.id,
        "module": sample.module,
        "query_name": sample.query_name,
        "fields": list(sample.fields),
        "differences": differences,
        "request_id": sample.request_id,
        "context": sample.context,
        "at": sample.at.isoformat(),
    }


@router.get("/v1/mismatches", summary="Recent mismatch samples, newest first", responses=ERRORS)
async def recent_mismatches(
    _: Reader,
    services: ServicesDep,
    module: OptionalName = None,
    query_name: OptionalName = None,
    field: OptionalName = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 50,
) -> dict[str, Any]:
    samples = await services.store.recent_mismatches(module, query_name, field, limit)
    return {"mismatches": [sample_wire(s, services.redactor) for s in samples]}
