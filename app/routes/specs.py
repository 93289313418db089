"""Stored comparison specs, validated with ``comparators.Spec.from_dict`` before they are kept."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Body

from app.deps import ModuleName, Operator, QueryName, Reader, ServicesDep
from app.routes.schemas import ERRORS
from app.store.base import StoredSpec
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
    responses=ERRORS,
)
async def put_spec(
    module: ModuleName,
    query_name: QueryName,
    principal: Operator,
    services: ServicesDep,
    spec: dict[str, Any] = Body(..., examples=[{"key": ["id"], "ordered": True}]),  # noqa: B008
) -> dict[str, Any]:
    Spec.from_dict(spec)  # SpecError -> 422 naming the option
    stored = StoredSpec(module, query_name, spec, now(), principal.name)
    await services.store.put_spec(stored)
    services.specs.put(stored)
    return spec_wire(stored)


@router.get("/v1/specs", summary="Every stored spec", responses=ERRORS)
async def list_specs(_: Reader, services: ServicesDep) -> dict[str, Any]:
    specs = await services.store.list_specs()
    return {"specs": [spec_wire(s) for s in specs]}
