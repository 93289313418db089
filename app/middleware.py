"""Two pure ASGI middlewares: the request body limit and the service's own HTTP metrics.

Pure ASGI rather than ``BaseHTTPMiddleware`` so the ingest path pays no extra task or body copy.
"""

from __future__ import annotations

import logging
import time

from starlette.requests import ClientDisconnect
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.errors import BodyTooLarge, error_body
from app.metrics import Metrics

UNMATCHED = "__unmatched__"
CLIENT_CLOSED = 499
"""nginx's status for a request whose client went away before the answer (SPEC 5): not a server error."""
READ_TIMEOUT_KEY = "shadowdiff.read_timeout"
"""Set in the request scope by the server protocol when it answered 408 (``app.server``): the
request is recorded as 408, not as a client that left."""
SHUTDOWN_KEY = "shadowdiff.shutdown"
"""Set by the server protocol when it answered 503 to a request still arriving at shutdown."""
DRAIN_PAST_LIMIT = 1024 * 1024
"""An over-limit body is read and thrown away up to this far past the limit before the 413, so a
client still sending gets the answer instead of a reset; past it the connection is closed."""

log = logging.getLogger("shadowdiff.http")


class BodyLimit:
    """413 for a body over ``limit`` bytes, known from Content-Length or found while it streams in.

    Either way the body is drained (up to :data:`DRAIN_PAST_LIMIT` past the limit) before the answer,
    which says ``Connection: close``.
    """

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope["headers"]:
            if name == b"content-length":
                try:
                    size = int(value)
                except ValueError:
                    size = 0
                if size > self.limit:
                    await _drain(receive, 0, self.limit + DRAIN_PAST_LIMIT)
                    await _reject(send, BodyTooLarge(self.limit, size))
                    return
                break
        received = 0
        limit = self.limit

        async def limited() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    if message.get("more_body", False):
                        await _drain(receive, received, limit + DRAIN_PAST_LIMIT)
                    raise BodyTooLarge(limit)
            return message

        async def closing(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] == 413:
                message = {**message, "headers": [*message.get("headers", []), (b"connection", b"close")]}
            await send(message)

        await self.app(scope, limited, closing)


async def _drain(receive: Receive, received: int, upto: int) -> None:
    """Read and discard the body until it ends, the client leaves, or ``upto`` bytes came in."""
    while received <= upto:
        message = await receive()
        if message["type"] != "http.request":
            return
        received += len(message.get("body", b""))
        if not message.get("more_body", False):
            return


async def _reject(send: Send, exc: BodyTooLarge) -> None:
    body = error_body("body_too_large", str(exc))
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class HttpMetrics:
    """``http_requests_total`` / ``http_request_duration_seconds`` by route template, never raw path.

    A client that leaves before its answer (mid-body, or while the answer was computed) is recorded
    as status 499, and its ``ClientDisconnect`` ends here: no traceback, no 500 that would feed the
    service's own 5xx alert.
    """

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = 500
        answered = False
        gone = False

        async def watch_receive() -> Message:
            nonlocal gone
            message = await receive()
            if message["type"] == "http.disconnect" and not answered:
                gone = True
            return message

        async def record_status(message: Message) -> None:
            nonlocal status, answered
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body" and not message.get("more_body", False):
                answered = True
            await send(message)

        try:
            await self.app(scope, watch_receive, record_status)
        except ClientDisconnect:
            gone = True
        except OSError:
            if not gone:
                raise
        finally:
            if gone and not answered:
                status = CLIENT_CLOSED
                if scope.get(READ_TIMEOUT_KEY):
                    status = 408
                elif scope.get(SHUTDOWN_KEY):
                    status = 503
            route = scope.get("route")
            template = getattr(route, "path", None) or UNMATCHED
            labels = (scope["method"], template, str(status))
            self.metrics.http_requests.labels(*labels).inc()
            self.metrics.http_duration.labels(*labels).observe(time.perf_counter() - start)
