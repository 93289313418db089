"""``POST /v1/pairs`` and ``/v1/pairs/batch``: the body is read once and parsed with orjson.

Bodies may be gzip-encoded (``Content-Encoding: gzip``); ``SHADOWDIFF_MAX_BODY_BYTES`` applies to the
compressed bytes (the middleware) and again to the inflated ones (``decode_body``).

These two routes take only the ``Request`` and check the token inline (``deps.authorize``) instead of
through ``Depends``: FastAPI's dependency resolution measured ~95 us of ~260 us per single pair
in-process. The OpenAPI document still declares the bearer requirement (``deps.BEARER``).
"""

from __future__ import annotations

import orjson
from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.deps import BEARER, authorize
from app.routes.schemas import ERRORS, PAIR, RESULT, body, json_response
from app.services import Services
from app.settings import Role
from app.validation import decode_body

router = APIRouter(tags=["pairs"])
INGEST = frozenset({Role.INGEST})

BATCH_IN = {
    "type": "object",
    "additionalProperties": False,
    "required": ["pairs"],
    "properties": {"pairs": {"type": "array", "items": PAIR}},
}
BATCH_OUT = {
    "type": "object",
    "required": ["accepted", "rejected", "results"],
    "properties": {
        "accepted": {"type": "integer"},
        "rejected": {"type": "integer"},
        "results": {"type": "array", "items": {"type": "object"}},
    },
}


async def _body(request: Request, services: Services) -> bytes:
    raw = await request.body()
    return decode_body(raw, request.headers.get("content-encoding"), services.settings.max_body_bytes)


def _accepted(payload: object) -> Response:
    return Response(orjson.dumps(payload), status_code=202, media_type="application/json")


@router.post(
    "/v1/pairs",
    status_code=202,
    summary="Post one legacy/ORM result pair",
    openapi_extra={**body(PAIR), **BEARER},
    responses={202: json_response("the outcome", RESULT), **ERRORS},
    response_class=Response,
)
async def post_pair(request: Request) -> Response:
    principal = authorize(request, INGEST)
    services: Services = request.app.state.services
    settings = services.settings
    answer = await services.ingestor.receive(
        await _body(request, services),
        principal.name,
        batch=False,
        max_depth=settings.max_depth,
        max_batch=settings.max_batch,
    )
    return _accepted(answer)


@router.post(
    "/v1/pairs/batch",
    status_code=202,
    summary="Post many pairs; each gets its own result or error",
    openapi_extra={**body(BATCH_IN), **BEARER},
    responses={202: json_response("one result per pair, in order", BATCH_OUT), **ERRORS},
    response_class=Response,
)
async def post_batch(request: Request) -> Response:
    principal = authorize(request, INGEST)
    services: Services = request.app.state.services
    settings = services.settings
    answer = await services.ingestor.receive(
        await _body(request, services),
        principal.name,
        batch=True,
        max_depth=settings.max_depth,
        max_batch=settings.max_batch,
    )
    return _accepted(answer)
