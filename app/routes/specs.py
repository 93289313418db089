"""Stored comparison specs, validated with ``comparators.Spec.from_dict`` before they are kept."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from app.deps import ModuleName, Operator, QueryName, Reader, ServicesDep
from app.errors import InvalidPayload
from app.routes.schemas import ERRORS, SPEC, body
from app.store.base import StoredSpec
from app.validation import parse_json
from comparators import Spec
from flags.model import now

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
    Spec.from_dict(raw)  # SpecError -> 422 naming the option
    stored = StoredSpec(module, query_name, raw, now(), principal.name)
    await services.store.put_spec(stored)
    services.specs.put(stored)
    return spec_wire(stored)


@router.get("/v1/specs", summary="Every stored spec", responses=ERRORS)
async def list_specs(_: Reader, services: ServicesDep) -> dict[str, Any]:
    specs = await services.store.list_specs()
    return {"specs": [spec_wire(s) for s in specs]}
