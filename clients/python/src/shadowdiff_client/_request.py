"""The per-request context variable that ``@shadow.experiment`` (and ``run``/``arun`` without explicit
arguments) read: the app sets it once per request, e.g. in a middleware.

    with request_scope(request_id=req.headers["x-request-id"], context={"user": user_id}):
        handle(req)

It is a ``contextvars.ContextVar``, so it follows asyncio tasks and is per thread for sync code.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class RequestInfo:
    request_id: str | None
    context: Mapping[str, Any] | None = None


current_request: contextvars.ContextVar[RequestInfo | None] = contextvars.ContextVar(
    "shadowdiff_request", default=None
)


def set_request(
    request_id: str | None, context: Mapping[str, Any] | None = None
) -> contextvars.Token[RequestInfo | None]:
    """Set this request's id and context; ``reset_request(token)`` when the request ends."""
    return current_request.set(RequestInfo(request_id, context))


def reset_request(token: contextvars.Token[RequestInfo | None]) -> None:
    current_request.reset(token)


@contextmanager
def request_scope(request_id: str | None, context: Mapping[str, Any] | None = None) -> Iterator[None]:
    token = set_request(request_id, context)
    try:
        yield
    finally:
        reset_request(token)
