"""Flags: read, change with optimistic concurrency, history, rollback.

A change names the version it was based on either as ``If-Match: "<version>"`` (the ETag of the GET)
or as ``version`` in the body; a stale one answers 412 (If-Match) or 409 (body). Without either, the
change applies to the current version. ``If-Match: *`` (RFC 9110 13.1.1) only asks that the module
exists: 412 when it does not, else the change applies to whatever version is current, retried when
another writer got in between (a version conflict says nothing about existence).
"""

from __future__ import annotations

import asyncio
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, StrictBool

from app.deps import ModuleName, Operator, Reader, ServicesDep
from app.errors import PreconditionFailed
from app.routes.schemas import ERRORS
from app.services import Services
from flags.errors import VersionConflict
from flags.model import AutoRollback, Flag, FlagState, FlagUpdate, Source

router = APIRouter(tags=["flags"])

# Something besides whitespace, by both ECMA (the schema) and Python's str.strip (the flag model).
REASON_PATTERN = r"[^\s\x1c-\x1f\x85]"
IF_MATCH_PATTERN = r'^(\*|(W/)?"?[0-9]{1,18}"?)$'
ANY_VERSION_ATTEMPTS = 20
MEMORY_HEADERS = {"X-Shadowdiff-Served-From": "memory"}
"""On flag reads answered from this replica's view because the store is unavailable."""


class FlagPut(BaseModel):
    """Fields left out keep their value; ``sample_rate: null`` returns to the global default."""

    model_config = ConfigDict(extra="forbid")

    state: FlagState | None = None
    sample_rate: float | None = Field(None, ge=0, le=1, strict=True)
    auto_rollback: StrictBool | Literal["notify"] | None = None
    reason: str = Field(min_length=1, max_length=2000, pattern=REASON_PATTERN)
    version: int | None = Field(None, ge=0, le=2**62, description="the version this change is based on")


class RollbackIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=1, max_length=2000, pattern=REASON_PATTERN)


def etag(flag: Flag) -> str:
    return f'"{flag.version}"'


def parse_if_match(value: str) -> int | None:
    """``"3"``, ``W/"3"`` or ``*`` (any version: None)."""
    text = value.strip()
    if text == "*":
        return None
    text = text.removeprefix("W/").strip('"')
    if not text.isdigit():
        raise PreconditionFailed(
            f"If-Match {value!r} is not an ETag of this API; use the ETag header of GET /v1/flags/<module>"
        )
    return int(text)


def _flag_response(flag: Flag, default_rate: float, status: int = 200) -> JSONResponse:
    return JSONResponse(flag.to_wire(default_rate), status_code=status, headers={"ETag": etag(flag)})


@router.get("/v1/flags", summary="Every module's flag", responses=ERRORS)
async def list_flags(_: Reader, services: ServicesDep) -> JSONResponse:
    flags, from_memory = await services.flags.read_all()
    rate = services.flags.default_rate
    body = {"default_sample_rate": rate, "flags": [f.to_wire(rate) for f in flags]}
    return JSONResponse(body, headers=MEMORY_HEADERS if from_memory else None)


@router.get("/v1/flags/{module}", summary="One module's flag (ETag = version)", responses=ERRORS)
async def get_flag(module: ModuleName, _: Reader, services: ServicesDep) -> JSONResponse:
    flag, from_memory = await services.flags.read(module)
    response = _flag_response(flag, services.flags.default_rate)
    if from_memory:
        response.headers.update(MEMORY_HEADERS)
    return response


@router.put(
    "/v1/flags/{module}",
    summary="Change (or create) a module's flag",
    responses={201: {"description": "created"}, **ERRORS},
    openapi_extra={
        "parameters": [
            {
                "name": "If-Match",
                "in": "header",
                "required": False,
                "description": 'the ETag of GET /v1/flags/{module}, e.g. "3"; a stale one answers 412',
                "schema": {"type": "string", "pattern": IF_MATCH_PATTERN},
            }
        ]
    },
)
async def put_flag(
    module: ModuleName,
    body: FlagPut,
    principal: Operator,
    services: ServicesDep,
    request: Request,
) -> JSONResponse:
    expected = body.version
    if_match = request.headers.get("if-match")
    if if_match is not None:
        expected = parse_if_match(if_match)
    update = FlagUpdate(
        reason=body.reason,
        state=body.state,
        sample_rate=None if body.sample_rate is None else float(body.sample_rate),
        clear_sample_rate="sample_rate" in body.model_fields_set and body.sample_rate is None,
        auto_rollback=None if body.auto_rollback is None else AutoRollback.parse(body.auto_rollback),
        expected_version=expected,
    )
    if if_match is not None and if_match.strip() == "*":
        flag, created = await _update_existing(services, module, update, principal.name)
        return _flag_response(flag, services.flags.default_rate, 201 if created else 200)
    try:
        flag, created = await services.flags.update(module, update, principal.name, Source.API)
    except VersionConflict as exc:
        if if_match is not None:
            raise PreconditionFailed(str(exc)) from exc
        raise
    return _flag_response(flag, services.flags.default_rate, 201 if created else 200)


async def _update_existing(
    services: Services, module: str, update: FlagUpdate, actor: str
) -> tuple[Flag, bool]:
    """``If-Match: *``: the module must exist; a concurrent writer only means "read again"."""
    for attempt in range(ANY_VERSION_ATTEMPTS):
        if await services.store.get_flag(module) is None:
            raise PreconditionFailed(f"If-Match: * but module {module!r} does not exist; PUT without it")
        try:
            return await services.flags.update(module, update, actor, Source.API)
        except VersionConflict:
            if attempt == ANY_VERSION_ATTEMPTS - 1:
                raise  # 409: this many writers at once is contention, not a failed precondition
            await asyncio.sleep(0.001 * (attempt + 1))
    raise AssertionError("unreachable")


@router.get("/v1/flags/{module}/history", summary="Audit trail, newest first", responses=ERRORS)
async def flag_history(
    module: ModuleName,
    _: Reader,
    services: ServicesDep,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> dict[str, Any]:
    changes = await services.flags.history(module, limit)
    return {"module": module, "history": [c.to_wire() for c in changes]}


@router.post(
    "/v1/flags/{module}/rollback",
    summary="Move a module whose ORM path serves (orm) back to shadow",
    responses=ERRORS,
)
async def rollback_flag(
    module: ModuleName, body: RollbackIn, principal: Operator, services: ServicesDep
) -> JSONResponse:
    flag = await services.flags.rollback(module, principal.name, Source.API, body.reason)
    return _flag_response(flag, services.flags.default_rate)
