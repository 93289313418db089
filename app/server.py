"""The HTTP server: uvicorn with httptools, plus the two limits it lacks (SPEC 1: "every input is
bounded: body and header size, read time").

uvicorn's httptools protocol reads a request head of any size (one 128 MiB header is buffered whole
while other clients wait) and waits for a slow body forever (a client that announces 1000 bytes and
sends one holds its connection, and a graceful shutdown waits on it). :func:`guarded_protocol` builds
a subclass that adds, at the protocol level where the bytes arrive:

- a head limit: more than ``max_head_bytes`` before the end of the headers answers ``431`` and closes
  the connection without reading the rest;
- a read timeout: a request whose head or body has started but stalls for ``read_timeout`` seconds
  answers ``408`` (when no answer has started yet) and closes. Idle keep-alive connections are
  uvicorn's own ``timeout_keep_alive``.

Both answers are the API's error body and are counted in ``http_requests_total`` (route
``__unmatched__`` for a head that never completed). Cost per request: a length addition per received
chunk and one timer re-arm; measured in ``benchmarks/bench_ingest`` (README "Reliability").

A graceful shutdown (SIGTERM) is bounded by ``timeout_graceful_shutdown``: a request still arriving
gets 503 at once, requests already read run on, those still running at the deadline are cancelled,
and the lifespan shutdown (drain the mismatch queue, close the store) always runs.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import orjson
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from app.middleware import READ_TIMEOUT_KEY, SHUTDOWN_KEY

STATUS_TEXT = {408: b"Request Timeout", 431: b"Request Header Fields Too Large", 503: b"Service Unavailable"}

Recorder = Callable[[str, int], None]
"""``(method, status)`` for answers the protocol gives itself (the app never sees the request)."""


def _raw_answer(status: int, code: str, message: str) -> bytes:
    body = orjson.dumps({"error": code, "message": message})
    return b"".join(
        [
            b"HTTP/1.1 %d %s\r\n" % (status, STATUS_TEXT[status]),
            b"content-type: application/json\r\n",
            b"content-length: %d\r\n" % len(body),
            b"connection: close\r\n\r\n",
            body,
        ]
    )


def guarded_protocol(
    max_head_bytes: int, read_timeout: float, record: Recorder | None = None
) -> type[HttpToolsProtocol]:
    """An ``HttpToolsProtocol`` with a head-size limit (431) and a read timeout (408)."""

    class GuardedHttpToolsProtocol(HttpToolsProtocol):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._in_head = True  # between requests and while a head arrives
            self._head_bytes = 0
            self._body_pending = False
            self._read_timer: asyncio.TimerHandle | None = None

        # -- what arrives ------------------------------------------------------------------------

        def data_received(self, data: bytes) -> None:
            if self._in_head:
                self._head_bytes += len(data)
            super().data_received(data)
            if self.transport.is_closing():
                self._cancel_read_timer()
                return
            if self._in_head and self._head_bytes > max_head_bytes:
                self._refuse(
                    431,
                    "headers_too_large",
                    f"the request head is over {max_head_bytes} bytes (SHADOWDIFF_MAX_HEADER_BYTES); "
                    "send fewer or shorter headers",
                )
                return
            self._arm_read_timer()

        def on_headers_complete(self) -> None:
            self._in_head = False
            self._head_bytes = 0
            self._body_pending = True
            super().on_headers_complete()

        def on_message_complete(self) -> None:
            self._in_head = True
            self._head_bytes = 0
            self._body_pending = False
            self._cancel_read_timer()
            super().on_message_complete()

        def connection_lost(self, exc: Exception | None) -> None:
            self._cancel_read_timer()
            super().connection_lost(exc)

        # -- the read timeout --------------------------------------------------------------------

        def _reading(self) -> bool:
            return (self._in_head and self._head_bytes > 0) or self._body_pending

        def _arm_read_timer(self) -> None:
            self._cancel_read_timer()
            if self._reading():
                self._read_timer = self.loop.call_later(read_timeout, self._read_timed_out)

        def _cancel_read_timer(self) -> None:
            if self._read_timer is not None:
                self._read_timer.cancel()
                self._read_timer = None

        def _read_timed_out(self) -> None:
            self._read_timer = None
            if self.transport.is_closing() or not self._reading():
                return
            if self.flow.read_paused:  # the app has not taken what came in yet: not the client's fault
                self._arm_read_timer()
                return
            cycle = self.cycle
            if self._body_pending and cycle is not None and cycle.response_started:
                self.transport.close()  # answered already (e.g. an early error): just stop waiting
                return
            if self._body_pending:
                self.scope[READ_TIMEOUT_KEY] = True  # type: ignore[literal-required]
            self._refuse(
                408,
                "request_timeout",
                f"no request data for {read_timeout:g} s (SHADOWDIFF_READ_TIMEOUT_SECONDS); "
                "send the whole request without pausing",
                count=not self._body_pending,  # a started request is counted by the app's middleware
            )

        def shutdown(self) -> None:
            """A request still arriving at shutdown gets 503 now (its client retries elsewhere) instead
            of holding the shutdown until the deadline cancels it; requests already read run to the end."""
            cycle = self.cycle
            unanswered = cycle is None or cycle.response_complete or not cycle.response_started
            if self._reading() and not self.transport.is_closing() and unanswered:
                if self._body_pending:
                    self.scope[SHUTDOWN_KEY] = True  # type: ignore[literal-required]
                self._refuse(
                    503,
                    "shutting_down",
                    "the service is shutting down; send the request again",
                    count=not self._body_pending,
                )
                return
            super().shutdown()

        # -- answering without the app -----------------------------------------------------------

        def _refuse(self, status: int, code: str, message: str, count: bool = True) -> None:
            self._cancel_read_timer()
            self.transport.write(_raw_answer(status, code, message))
            self.transport.close()
            if record is not None and count:
                method = self.scope.get("method", "UNKNOWN") if self.scope else "UNKNOWN"
                record(method, status)

    return GuardedHttpToolsProtocol
