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
from app.console.session import COOKIE, CSRF_HEADER, SAFE_METHODS
from app.errors import Forbidden, InvalidInput
from app.request_errors import operation_of
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
    header = request.headers.get("authorization")
    if header is None and COOKIE in request.cookies:  # the console's session, same roles
        principal = console_principal(request, services)
        if principal is not None:
            return services.auth.authorize(principal, allowed)
    principal = services.auth.authenticate(header, client)
    return services.auth.authorize(principal, allowed)


def console_principal(request: Request, services: Services) -> Principal | None:
    """The principal of a valid console session cookie; a change also needs its CSRF token."""
    session = services.sessions.read(request.cookies.get(COOKIE))
    if session is None:
        return None
    if request.method not in SAFE_METHODS and not services.sessions.csrf_ok(
        session, request.headers.get(CSRF_HEADER)
    ):
        raise Forbidden("a change made with a console session needs its CSRF token (X-CSRF-Token)")
    return services.auth.by_name(session.name)


BEARER: dict[str, Any] = {"security": [{_bearer.scheme_name: []}]}
"""``openapi_extra`` for routes that call :func:`authorize` inline instead of through a dependency."""


def require(*roles: Role) -> Callable[..., Awaitable[Principal]]:
    allowed = frozenset(roles)

    async def dependency(
        request: Request,
        _credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    ) -> Principal:
        principal = authorize(request, allowed)
        refuse_unknown_query(request)
        return principal

    return dependency


def refuse_unknown_query(request: Request) -> None:
    """Refuse a query parameter the route does not declare (its OpenAPI operation's), naming the ones
    it takes. Ignored, a misspelt filter answered as if none was given: ``/v1/mismatches?modul=auth``
    listed every module's samples, for a person to read as auth's. The ingest routes authorize inline
    and take no query parameters; routes outside the OpenAPI document (the console's) are not checked."""
    if not request.query_params:
        return
    operation = operation_of(request.app, request.scope.get("route"), request.method)
    if operation is None:
        return
    declared = sorted(p["name"] for p in operation.operation.get("parameters", []) if p.get("in") == "query")
    unknown = [name for name in dict.fromkeys(request.query_params.keys()) if name not in declared]
    if unknown:
        path = getattr(request.scope.get("route"), "path_format", request.url.path)
        takes = f"takes {', '.join(declared)}" if declared else "takes no query parameters"
        names = ", ".join(unknown)
        raise InvalidInput(
            f"unknown query parameter {names}: {request.method} {path} {takes}; check the spelling"
        )


Reader = Annotated[Principal, Depends(require(Role.READ))]
Operator = Annotated[Principal, Depends(require(Role.OPERATOR))]
Ingester = Annotated[Principal, Depends(require(Role.INGEST))]
AnyRole = Annotated[Principal, Depends(require(Role.READ, Role.INGEST, Role.OPERATOR))]

ModuleName = Annotated[str, Path(pattern=NAME_PATTERN, description="module name")]
QueryName = Annotated[str, Path(pattern=NAME_PATTERN, description="query name")]
OptionalName = Annotated[str | None, Query(pattern=NAME_PATTERN)]
