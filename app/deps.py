"""Annotated dependencies shared by the routers: the app's services and the caller's roles.

All ``async def``: FastAPI runs a plain ``def`` dependency in a worker thread, which on the ingest
path cost more than the diff.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Any, cast

from fastapi import Depends, Path, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from app.auth import Principal
from app.services import Services
from app.settings import Role
from app.validation import NAME_PATTERN

_bearer = HTTPBearer(auto_error=False, description="A token from SHADOWDIFF_TOKENS")


async def get_services(request: Request) -> Services:
    return cast(Services, request.app.state.services)


ServicesDep = Annotated[Services, Depends(get_services)]


def authorize(request: Request, allowed: frozenset[Role]) -> Principal:
    """The caller's principal if it holds one of ``allowed``; else Unauthenticated / Forbidden."""
    services = cast(Services, request.app.state.services)
    client = request.client.host if request.client else None
    principal = services.auth.authenticate(request.headers.get("authorization"), client)
    return services.auth.authorize(principal, allowed)


BEARER: dict[str, Any] = {"security": [{_bearer.scheme_name: []}]}
"""``openapi_extra`` for routes that call :func:`authorize` inline instead of through a dependency."""


def require(*roles: Role) -> Callable[..., Awaitable[Principal]]:
    allowed = frozenset(roles)

    async def dependency(
        request: Request,
        _credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    ) -> Principal:
        return authorize(request, allowed)

    return dependency


Reader = Annotated[Principal, Depends(require(Role.READ))]
Operator = Annotated[Principal, Depends(require(Role.OPERATOR))]
Ingester = Annotated[Principal, Depends(require(Role.INGEST))]
AnyRole = Annotated[Principal, Depends(require(Role.READ, Role.INGEST, Role.OPERATOR))]

ModuleName = Annotated[str, Path(pattern=NAME_PATTERN, description="module name")]
QueryName = Annotated[str, Path(pattern=NAME_PATTERN, description="query name")]
OptionalName = Annotated[str | None, Query(pattern=NAME_PATTERN)]
