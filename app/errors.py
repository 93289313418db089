"""Every error the API can answer with, and the one table that maps each to HTTP.

Domain errors come from the core (``flags.errors``, ``comparators.SpecError``) and the store
(``StoreUnavailable``); the service adds its own for the request edge::

    ServiceError
    ├── Unauthenticated      no or unknown bearer token                          (401)
    ├── Forbidden            the token lacks the role the endpoint needs         (403)
    ├── NotFound             nothing at that name                                (404)
    ├── PreconditionFailed   If-Match names a version that is not current        (412)
    ├── BodyTooLarge         body over SHADOWDIFF_MAX_BODY_BYTES (also inflated) (413)
    ├── UnsupportedEncoding  a Content-Encoding other than gzip or identity      (415)
    └── InvalidInput         malformed JSON, wrong types, bad names, too deep    (400/422)
        ├── MalformedJson                                                        (400)
        └── InvalidPayload                                                       (422)

``ERROR_TABLE`` is looked up along the exception's MRO; a test walks every domain error class and
fails if one has no entry of its own, so a new error type cannot silently become a 500.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import orjson
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException
from starlette.responses import Response

from app import request_errors
from app.store.base import StoreUnavailable
from comparators import SpecError
from flags.errors import (
    AlreadyRolledBack,
    FlagError,
    InvalidFlag,
    InvalidTransition,
    NotReady,
    UnknownModule,
    VersionConflict,
)

log = logging.getLogger("shadowdiff.errors")


class ServiceError(Exception):
    """Base of the errors raised at the HTTP edge; ``str(err)`` says what to fix."""


class Unauthenticated(ServiceError):
    pass


class Forbidden(ServiceError):
    pass


class NotFound(ServiceError):
    pass


class PreconditionFailed(ServiceError):
    pass


class BodyTooLarge(ServiceError, HTTPException):
    """Also an HTTPException so FastAPI's own body parsing re-raises it instead of answering 400."""

    def __init__(self, limit: int, size: int | None = None) -> None:
        got = f"{size} bytes" if size is not None else "more than that"
        message = (
            f"request body is {got}; the limit is {limit} bytes (SHADOWDIFF_MAX_BODY_BYTES): "
            "split the batch or send fewer rows"
        )
        HTTPException.__init__(self, status_code=413, detail=message)
        Exception.__init__(self, message)

    def __str__(self) -> str:
        return str(self.detail)


class UnsupportedEncoding(ServiceError):
    pass


class InvalidInput(ServiceError):
    pass


class MalformedJson(InvalidInput):
    pass


class InvalidPayload(InvalidInput):
    pass


@dataclass(frozen=True, slots=True)
class Mapping:
    status: int
    code: str


ERROR_TABLE: dict[type[Exception], Mapping] = {
    # flags.errors
    FlagError: Mapping(400, "flag_error"),
    InvalidFlag: Mapping(422, "invalid_flag"),
    UnknownModule: Mapping(404, "unknown_module"),
    VersionConflict: Mapping(409, "version_conflict"),
    InvalidTransition: Mapping(409, "invalid_transition"),
    NotReady: Mapping(409, "not_ready"),
    AlreadyRolledBack: Mapping(409, "already_rolled_back"),  # the rollback route answers it with 200
    # comparators
    SpecError: Mapping(422, "invalid_spec"),
    # store
    StoreUnavailable: Mapping(503, "store_unavailable"),
    # the HTTP edge
    ServiceError: Mapping(400, "bad_request"),
    Unauthenticated: Mapping(401, "unauthenticated"),
    Forbidden: Mapping(403, "forbidden"),
    NotFound: Mapping(404, "not_found"),
    PreconditionFailed: Mapping(412, "precondition_failed"),
    BodyTooLarge: Mapping(413, "body_too_large"),
    UnsupportedEncoding: Mapping(415, "unsupported_encoding"),
    InvalidInput: Mapping(422, "invalid_input"),
    MalformedJson: Mapping(400, "malformed_json"),
    InvalidPayload: Mapping(422, "invalid_payload"),
}

DOMAIN_ROOTS: tuple[type[Exception], ...] = (FlagError, SpecError, StoreUnavailable, ServiceError)


def mapping_for(exc: BaseException) -> Mapping | None:
    for cls in type(exc).__mro__:
        found = ERROR_TABLE.get(cls)
        if found is not None:
            return found
    return None


def error_body(code: str, message: str, **extra: Any) -> bytes:
    return orjson.dumps({"error": code, "message": message, **extra})


def json_response(status: int, body: bytes, headers: dict[str, str] | None = None) -> Response:
    return Response(body, status_code=status, media_type="application/json", headers=headers)


def to_response(exc: Exception) -> Response:
    found = mapping_for(exc)
    if found is None:  # pragma: no cover - the mapping test keeps this unreachable for domain errors
        log.exception("unmapped error", exc_info=exc)
        return json_response(500, error_body("internal", "internal error; see the service log"))
    headers = {"WWW-Authenticate": "Bearer"} if isinstance(exc, Unauthenticated) else None
    extra: dict[str, Any] = {}
    if isinstance(exc, FlagError) and exc.remedies:
        # what to do, by name, beside the problem alone: a client in other terms (the CLI) words it
        extra = {"problem": exc.problem, "remedies": [r.value for r in exc.remedies], "module": exc.module}
    if isinstance(exc, VersionConflict):
        extra |= {"expected_version": exc.expected, "current_version": exc.actual}
    elif isinstance(exc, NotReady):
        extra |= {"reasons": exc.reasons, "readiness": exc.readiness}
    return json_response(found.status, error_body(found.code, str(exc), **extra), headers)


def install(app: FastAPI, extra: Iterable[type[Exception]] = ()) -> None:
    """Register one handler per table entry plus FastAPI's own request errors."""

    async def domain_handler(request: Request, exc: Exception) -> Response:
        return to_response(exc)

    for cls in (*ERROR_TABLE, *extra):
        app.add_exception_handler(cls, domain_handler)

    async def validation_handler(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        errors = exc.errors()
        content_type = request.headers.get("content-type", "")
        if "json" not in content_type and any(tuple(e.get("loc", ())) == ("body",) for e in errors):
            # FastAPI reads a body as JSON only when the request says so: `curl -d` sends a form type.
            message = (
                "send the body as JSON with the header Content-Type: application/json "
                f"(this request said {content_type or 'nothing'!r})"
            )
            return json_response(415, error_body("unsupported_media_type", message))
        code = "malformed_json" if any(e.get("type") == "json_invalid" for e in errors) else "invalid_request"
        status = 400 if code == "malformed_json" else 422
        operation = request_errors.operation_of(request.app, request.scope.get("route"), request.method)
        return json_response(status, error_body(code, request_errors.describe(errors, operation)))

    async def http_handler(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        if isinstance(exc, BodyTooLarge):
            return to_response(exc)
        message = str(exc.detail)
        if exc.status_code == 404:
            message = f"no endpoint at {request.url.path}; see /docs or /openapi.json"
        elif exc.status_code == 405:
            message = f"{request.method} is not allowed on {request.url.path}"
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        return json_response(exc.status_code, error_body(code, message), dict(exc.headers or {}))

    app.add_exception_handler(RequestValidationError, validation_handler)
    app.add_exception_handler(HTTPException, http_handler)
