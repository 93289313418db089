"""``GET /v1/mismatches``: recent mismatch samples (values redacted) with their differences, and one
sample whole (``GET /v1/mismatches/{sample_id}``: both sides' rows as kept, context, spec, state)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query

from app.deps import OptionalName, Reader, ServicesDep
from app.errors import NotFound
from app.redact import Redactor
from app.routes.schemas import ERRORS
from app.store.base import MismatchSample

router = APIRouter(tags=["mismatches"])


def sample_wire(
    sample: MismatchSample, redactor: Redactor | None = None, rows: bool = False
) -> dict[str, Any]:
    """``redactor`` masks again on the way out: samples stored by an older build, or under patterns
    that have since grown, never leave unmasked (it is the keyed one: a mask already there stays as
    it is). The kept rows (up to SHADOWDIFF_SAMPLE_MAX_BYTES) only when asked for."""
    differences = sample.differences
    if redactor is not None:
        differences = [redactor.difference(d) for d in differences]
    detail = dict(sample.detail or {})
    kept = detail.pop("rows", None)
    if rows:
        detail["rows"] = redactor.value(kept) if redactor is not None and kept is not None else kept
    return {
        "id": sample.id,
        "module": sample.module,
        "query_name": sample.query_name,
        "fields": list(sample.fields),
        "differences": differences,
        "request_id": sample.request_id,
        "context": redactor.value(sample.context) if redactor is not None else sample.context,
        "at": sample.at.isoformat(),
        "detail": detail or None,
    }


@router.get("/v1/mismatches", summary="Recent mismatch samples, newest first", responses=ERRORS)
async def recent_mismatches(
    _: Reader,
    services: ServicesDep,
    module: OptionalName = None,
    query_name: OptionalName = None,
    field: OptionalName = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 50,
    rows: Annotated[bool, Query(description="include both sides' kept rows in each sample's detail")] = False,
) -> dict[str, Any]:
    samples = await services.store.recent_mismatches(module, query_name, field, limit)
    return {"mismatches": [sample_wire(s, services.samples.redactor, rows) for s in samples]}


@router.get("/v1/mismatches/{sample_id}", summary="One mismatch sample with its rows", responses=ERRORS)
async def one_mismatch(
    sample_id: Annotated[int, Path(ge=1, le=2**62, description="the sample's id")],
    _: Reader,
    services: ServicesDep,
) -> dict[str, Any]:
    sample = await services.store.mismatch(sample_id)
    if sample is None:
        raise NotFound(f"no mismatch sample {sample_id} (retention keeps the newest per query and field)")
    return sample_wire(sample, services.samples.redactor, rows=True)
