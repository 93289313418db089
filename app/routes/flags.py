"""Flags: read, change with optimistic concurrency, history, rollback.

A change names the version it was based on either as ``If-Match: "<version>"`` (the ETag of the GET)
or as ``version`` in the body; a stale one answers 412 (If-Match) or 409 (body). Without either, the
change applies to the current version. ``If-Match: *`` (RFC 9110 13.1.1) only asks that the module
exists: 412 when it does not, else the change applies to whatever version is current, retried when
another writer got in between (a version conflict says nothing about existence).
"""

from __future__ import annotations

import asyncio
import socket
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, StrictBool, create_model

from app.auth import check_module
from app.deps import ModuleName, Operator, Reader, ServicesDep
from app.errors import PreconditionFailed
from app.routes.schemas import ERRORS, json_response
from app.services import Services
from app.text_patterns import IF_MATCH, PERSON, REASON
from flags.errors import AlreadyRolledBack, VersionConflict
from flags.model import AutoRollback, Flag, FlagState, FlagUpdate, Planned, Source
from flags.policy import GuardSettings, ReadinessCriteria

router = APIRouter(tags=["flags"])

REASON_PATTERN = REASON.regex
IF_MATCH_PATTERN = IF_MATCH.regex
ANY_VERSION_ATTEMPTS = 20
MEMORY_HEADERS = {"X-Shadowdiff-Served-From": "memory"}
"""On flag reads answered from this replica's view because the store is unavailable."""


PERSON_PATTERN = PERSON.regex


OVERRIDE_DOCS: dict[str, tuple[str, float]] = {
    # guard (defaults from SHADOWDIFF_GUARD_*)
    "threshold": ("critical mismatch rate; null: SHADOWDIFF_GUARD_THRESHOLD (0.001)", 0.002),
    "window_seconds": ("the guard's sliding window; null: SHADOWDIFF_GUARD_WINDOW_SECONDS", 300),
    "min_comparisons": ("fewer compared pairs in the window never act; null: the default (100)", 200),
    "consecutive_windows": ("act only after this many non-overlapping windows over; null: 1", 2),
    # readiness (defaults in flags.policy.READINESS_DEFAULTS)
    "min_pairs": ("compared pairs per query within window_hours; null: 1000", 1000),
    "window_hours": ("the window the pairs are counted in; null: 24", 24),
    "quiet_hours": ("no mismatch of a query for this long; null: 24", 24),
    "max_latency_ratio": ("ORM p95 at most this times SQL p95 (or within latency_slack_ms); null: 1.2", 1.2),
    "latency_slack_ms": ("ORM p95 within this many ms of SQL p95 passes whatever the ratio; null: 1", 1),
    "max_error_rate_increase": ("ORM error rate at most this above SQL's (0.001 = 0.1 point); null", 0.001),
}


def _overrides_model(name: str, limits: dict[str, tuple[float, float, bool]]) -> type[BaseModel]:
    """The wire schema of an override object, derived from the model's table of limits."""
    fields: dict[str, Any] = {
        key: (
            (int if integer else float) | None,
            Field(
                None,
                ge=low,
                le=high,
                strict=True,
                description=OVERRIDE_DOCS[key][0],
                examples=[OVERRIDE_DOCS[key][1]],
            ),
        )
        for key, (low, high, integer) in limits.items()
    }
    return create_model(name, __config__=ConfigDict(extra="forbid"), **fields)


GuardIn = _overrides_model("GuardIn", GuardSettings.LIMITS)
ReadinessIn = _overrides_model("ReadinessIn", ReadinessCriteria.LIMITS)


class FlagPut(BaseModel):
    """Fields left out keep their value; ``sample_rate: null`` returns to the global default."""

    model_config = ConfigDict(extra="forbid")

    state: FlagState | None = None
    sample_rate: float | None = Field(None, ge=0, le=1, strict=True)
    auto_rollback: StrictBool | Literal["notify"] | None = None
    serve_rate: float | None = Field(
        None, ge=0, le=1, strict=True, description="in orm: the share of requests the ORM serves"
    )
    guard: GuardIn | None = Field(  # type: ignore[valid-type]
        None,
        description="per-module guard settings; a key set to null returns to the default",
        examples=[{"threshold": 0.002, "consecutive_windows": 2}],
    )
    readiness: ReadinessIn | None = Field(  # type: ignore[valid-type]
        None,
        description="per-module readiness criteria; a key set to null returns to the default",
        examples=[{"min_pairs": 200}],
    )
    force: StrictBool = Field(False, description="override a lifecycle rail; recorded as forced")
    by: str | None = Field(None, pattern=PERSON_PATTERN, description="the person acting")
    reason: str = Field(min_length=1, max_length=2000, pattern=REASON_PATTERN)
    version: int | None = Field(None, ge=0, le=2**62, description="the version this change is based on")


class RollbackIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=1, max_length=2000, pattern=REASON_PATTERN)
    by: str | None = Field(None, pattern=PERSON_PATTERN, description="the person acting")


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


def _flag_response(flag: Flag, default_rate: float, status: int = 200, **extra: Any) -> JSONResponse:
    return JSONResponse(
        {**flag.to_wire(default_rate), **extra}, status_code=status, headers={"ETag": etag(flag)}
    )


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
    check_module(principal, module)
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
        force=body.force,
        serve_rate=None if body.serve_rate is None else float(body.serve_rate),
        guard=_overrides(body, "guard"),
        readiness=_overrides(body, "readiness"),
        by=body.by,
    )
    if if_match is not None and if_match.strip() == "*":
        planned = await _update_existing(services, module, update, principal.name)
    else:
        try:
            planned = await services.flags.update(module, update, principal.name, Source.API)
        except VersionConflict as exc:
            if if_match is not None:
                raise PreconditionFailed(str(exc)) from exc
            raise
    return _flag_response(
        planned.flag,
        services.flags.default_rate,
        201 if planned.created else 200,
        changed=planned.change is not None,
        forced=planned.change is not None and planned.change.forced,
        notes=list(planned.notes),
    )


def _overrides(body: FlagPut, name: str) -> dict[str, Any] | None:
    """``{}`` merges nothing, ``null`` (sent explicitly) resets every key to the default."""
    value: BaseModel | None = getattr(body, name)
    if value is None:
        if name in body.model_fields_set:
            keys = GuardSettings.LIMITS if name == "guard" else ReadinessCriteria.LIMITS
            return dict.fromkeys(keys)
        return None
    return value.model_dump(exclude_unset=True)


async def _update_existing(services: Services, module: str, update: FlagUpdate, actor: str) -> Planned:
    """``If-Match: *``: the module must exist; a concurrent writer only means "read again".

    Writers on this replica queue on the module's lock, so only another replica's write can make one
    read again; a bounded number of rereads keeps that from looping."""
    for attempt in range(ANY_VERSION_ATTEMPTS):
        if await services.store.get_flag(module) is None:
            raise PreconditionFailed(f"If-Match: * but module {module!r} does not exist; PUT without it")
        try:
            async with services.flags.writes_of(module):
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


def _prop(description: str, example: Any, kind: str | list[str]) -> dict[str, Any]:
    return {"type": kind, "description": description, "examples": [example]}


READINESS_OUT: dict[str, Any] = {
    "type": "object",
    "properties": {
        "module": _prop("the module", "orders", "string"),
        "state": _prop("the module's state now", "shadow", "string"),
        "verdict": {"enum": ["ready", "not_ready"], "description": "whether shadow -> orm may go"},
        "reasons": _prop(
            "one per failed criterion, naming the query", ["getOrder: 12 of 1000 pairs"], "array"
        ),
        "criteria": _prop("the module's criteria, defaults filled in", {"min_pairs": 1000}, "object"),
        "queries": _prop(
            "per query: verdict, reasons, compared, mismatches, last_mismatch_at, p95_latency_ms, "
            "latency_ratio, error_rate, error_rate_increase",
            {"getOrder": {"verdict": "ready", "compared": 1200}},
            "object",
        ),
    },
}
GUARD_OUT: dict[str, Any] = {
    "type": "object",
    "properties": {
        "module": _prop("the module", "orders", "string"),
        "replica": _prop(
            "the replica whose window this is (each judges its own pairs)", "host-a:8000", "string"
        ),
        "state": _prop("the module's state now", "orm", "string"),
        "window_seconds": _prop("the window", 300, "number"),
        "comparisons": _prop("compared pairs in the window", 1200, "integer"),
        "mismatches": _prop("mismatching pairs in the window", 3, "integer"),
        "rate": _prop("mismatches / comparisons", 0.0025, "number"),
        "lower_bound": _prop("Wilson lower bound (z = 1.96) of the rate", 0.0009, "number"),
        "threshold": _prop("the module's critical threshold", 0.001, "number"),
        "min_comparisons": _prop("fewer comparisons never act", 100, "integer"),
        "consecutive_windows": _prop("windows in a row that must be over", 1, "integer"),
        "windows_over_before": _prop("whole windows right before this one that were over", 0, "integer"),
        "would_act": _prop("whether the guard would act on the module now", False, "boolean"),
        "rule": _prop("the rule in words", "mismatch rate > 0.001 with 95% confidence ...", "string"),
        "enabled": _prop("SHADOWDIFF_GUARD_ENABLED", True, "boolean"),
        "auto_rollback": _prop("the module's auto_rollback", True, ["boolean", "string"]),
    },
}


@router.get(
    "/v1/flags/{module}/readiness",
    summary="Whether shadow -> orm may go: per query, figures and reasons against the module's criteria",
    responses={200: json_response("the verdict", READINESS_OUT), **ERRORS},
)
async def flag_readiness(module: ModuleName, _: Reader, services: ServicesDep) -> dict[str, Any]:
    flag = await services.flags.get(module)
    verdict = await services.rollups.readiness(flag)
    return {"state": flag.state.value, **verdict.to_wire()}


@router.get(
    "/v1/flags/{module}/guard",
    summary="The guard's window for the module on this replica, and whether it would act now",
    responses={200: json_response("this replica's view", GUARD_OUT), **ERRORS},
)
async def flag_guard(module: ModuleName, _: Reader, services: ServicesDep) -> dict[str, Any]:
    flag = await services.flags.get(module)
    settings = services.settings
    replica = settings.replica_name or f"{socket.gethostname()}:{settings.port}"
    return {
        "module": module,
        "replica": replica,
        "state": flag.state.value,
        **services.rollbacks.guard_status(flag),
    }


@router.post(
    "/v1/flags/{module}/rollback",
    summary="Move a module whose ORM path serves (orm) back to shadow",
    responses=ERRORS,
)
async def rollback_flag(
    module: ModuleName, body: RollbackIn, principal: Operator, services: ServicesDep
) -> JSONResponse:
    check_module(principal, module)
    try:
        flag = await services.flags.rollback(module, principal.name, Source.API, body.reason, by=body.by)
    except AlreadyRolledBack as exc:
        current = await services.flags.get(module)
        return _flag_response(current, services.flags.default_rate, changed=False, message=str(exc))
    return _flag_response(flag, services.flags.default_rate, changed=True)


@router.delete(
    "/v1/flags/{module}",
    summary="Retire a module (from legacy or migrated): kept in /v1/config with the path it serves",
    responses=ERRORS,
)
async def retire_flag(
    module: ModuleName, body: RollbackIn, principal: Operator, services: ServicesDep
) -> JSONResponse:
    check_module(principal, module)
    flag = await services.flags.retire(module, principal.name, body.reason, by=body.by)
    return _flag_response(flag, services.flags.default_rate, changed=True, serves=flag.serves)
