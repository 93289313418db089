"""``GET /v1/config``: the compact view backends poll to decide locally which path serves."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header
from fastapi.responses import Response

from app.deps import AnyRole, ServicesDep
from app.routes.schemas import ERRORS

router = APIRouter(tags=["flags"])


@router.get(
    "/v1/config",
    summary="Every module's state and effective sample rate (ETag / If-None-Match)",
    responses={200: {"description": "the config"}, 304: {"description": "unchanged"}, **ERRORS},
    response_class=Response,
)
async def get_config(
    _: AnyRole, services: ServicesDep, if_none_match: Annotated[str | None, Header()] = None
) -> Response:
    body, etag = services.view.config()
    headers = {"ETag": etag, "Cache-Control": "no-cache"}
    if if_none_match is not None and etag in {t.strip() for t in if_none_match.split(",")}:
        return Response(status_code=304, headers=headers)
    return Response(body, media_type="application/json", headers=headers)
