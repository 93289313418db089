"""Stored comparison specs, validated with ``comparators.Spec.from_dict`` before they are kept."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from app.deps import ModuleName, Operator, QueryName, Reader, ServicesDep
from app.errors import InvalidPayload
from app.routes.schemas import ERRORS, SPEC, body
from app.store.base import StoredSpec
from app.validation import parse_json

router = APIRouter(tags=["specs"])


def spec_wire(stored: StoredSpec) -> dict[str, Any]:
    return {
        "module": stored.module,
        "query_name": stored.query_name,
        "spec": stored.spec,
        "updated_at": stored.updated_at.isoformat(),
        "updated_by": stored.updated_by,
    }


@router.put(
    "/v1/specs/{module}/{query_name}",
    summary="Store the comparison spec of one query",
    openapi_extra=body(SPEC),
    responses=ERRORS,
)
async def put_spec(
    module: ModuleName, query_name: QueryName, request: Request, principal: Operator, services: ServicesDep
) -> dict[str, Any]:
    raw = parse_json(await request.body(), services.settings.max_depth)
    if not isinstance(raw, dict):
        raise InvalidPayload('a spec is a JSON object of comparison options, e.g. {"key": ["id"]}')
    stored = await services.specs.put(module, query_name, raw, principal.name)  # SpecError -> 422
    return spec_wire(stored)


@router.get("/v1/specs", summary="Every stored spec", responses=ERRORS)
async def list_specs(_: Reader, services: ServicesDep) -> dict[str, Any]:
    specs = await services.specs.all()
    return {"specs": [spec_wire(s) for s in specs]}
