"""Stored comparison specs, validated with ``comparators.Spec.from_dict`` before they are kept."""

from __future__ import annotations

import re
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from app.auth import check_module
from app.deps import ModuleName, Operator, QueryName, Reader, ServicesDep
from app.errors import InvalidPayload
from app.routes.flags import PERSON_PATTERN, REASON_PATTERN
from app.routes.schemas import ERRORS, SPEC, body
from app.store.base import StoredSpec
from app.text_patterns import PERSON
from app.validation import parse_json
from comparators import Spec

router = APIRouter(tags=["specs"])


def spec_wire(stored: StoredSpec) -> dict[str, Any]:
    return {
        "module": stored.module,
        "query_name": stored.query_name,
        "spec": stored.spec,
        "updated_at": stored.updated_at.isoformat(),
        "updated_by": stored.updated_by,
    }


SPEC_CHANGE: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["spec", "reason"],
    "properties": {
        "spec": SPEC,
        "reason": {"type": "string", "minLength": 1, "maxLength": 2000, "pattern": REASON_PATTERN},
        "by": {"type": "string", "pattern": PERSON_PATTERN},
    },
}
CHANGE_KEYS = frozenset(SPEC_CHANGE["properties"])


class SpecDelete(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=1, max_length=2000, pattern=REASON_PATTERN)
    by: str | None = Field(None, pattern=PERSON_PATTERN, description="the person acting")


@router.put(
    "/v1/specs/{module}/{query_name}",
    summary="Store the comparison spec of one query (audited: a reason is required)",
    description='The body is `{"spec": {...}, "reason": "...", "by": "..."}`; a bare spec object is '
    "also accepted with the reason as the `reason` query parameter.",
    openapi_extra=body(SPEC_CHANGE),
    responses=ERRORS,
)
async def put_spec(
    module: ModuleName,
    query_name: QueryName,
    request: Request,
    principal: Operator,
    services: ServicesDep,
    reason: Annotated[str | None, Query(min_length=1, max_length=2000, pattern=REASON_PATTERN)] = None,
) -> dict[str, Any]:
    check_module(principal, module)
    raw = parse_json(await request.body(), services.settings.max_depth)
    if not isinstance(raw, dict):
        raise InvalidPayload('send {"spec": {comparison options}, "reason": "why"}')
    by: Any = None
    if "spec" in raw:  # "spec" is no comparison option, so this is the documented wrapper
        unknown = raw.keys() - CHANGE_KEYS
        if unknown:
            raise InvalidPayload(f"unknown field(s) {', '.join(sorted(unknown))}; send spec, reason, by")
        spec, reason, by = raw["spec"], raw.get("reason", reason), raw.get("by")
        if not isinstance(spec, dict):
            raise InvalidPayload('spec is a JSON object of comparison options, e.g. {"key": ["id"]}')
    else:
        spec = raw
    Spec.from_dict(spec)  # a bad option is named first (SpecError -> 422), then a missing reason
    if not isinstance(reason, str) or not reason.strip():
        raise InvalidPayload('reason is required: send {"spec": ..., "reason": "why"} or ?reason=')
    if by is not None and not (isinstance(by, str) and re.fullmatch(PERSON_PATTERN, by)):
        raise InvalidPayload(f"by must be {PERSON.accepts}, not {orjson.dumps(by).decode()[:60]}")
    stored = await services.specs.put(
        module, query_name, spec, principal.name, reason, by
    )  # SpecError -> 422
    return spec_wire(stored)


@router.get("/v1/specs/{module}/{query_name}", summary="One query's stored spec", responses=ERRORS)
async def get_spec(
    module: ModuleName, query_name: QueryName, _: Reader, services: ServicesDep
) -> dict[str, Any]:
    return spec_wire(await services.specs.get(module, query_name))


@router.delete(
    "/v1/specs/{module}/{query_name}",
    summary="Delete one query's stored spec (audited: a reason is required)",
    responses=ERRORS,
)
async def delete_spec(
    module: ModuleName, query_name: QueryName, change: SpecDelete, principal: Operator, services: ServicesDep
) -> dict[str, Any]:
    check_module(principal, module)
    gone = await services.specs.delete(module, query_name, principal.name, change.reason, change.by)
    return {**spec_wire(gone), "deleted": True}


@router.get("/v1/specs", summary="Every stored spec", responses=ERRORS)
async def list_specs(_: Reader, services: ServicesDep) -> dict[str, Any]:
    specs = await services.specs.all()
    return {"specs": [spec_wire(s) for s in specs]}
