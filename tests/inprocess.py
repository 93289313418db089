"""The app in this process: ``create_app`` on a temporary SQLite store, reached through httpx's ASGI
transport, with its lifespan run (store opened, flag view loaded, writer started).

For logic that needs the whole app but not a live server: schemas, routes' rules, flag and spec
services. Nothing here binds a port or starts a process, so these tests run in ``make check``. The
live-uvicorn tests (``tests/live.py``) stay the contract suite: they alone see what uvicorn, the
socket and the middleware stack do to a request.

    async with inprocess_app(tmp_path, guard_enabled=False) as client:
        answer = await client.post("/v1/pairs", json=pair)
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx

from app.main import create_app
from app.settings import Settings


@asynccontextmanager
async def inprocess_app(data_dir: Path, **settings: Any) -> AsyncIterator[httpx.AsyncClient]:
    """An httpx client for a fresh app whose SQLite store lives in ``data_dir``; a loopback caller,
    so with no tokens configured it holds every role (as a local ``make run`` grants)."""
    app = create_app(Settings(data_dir=data_dir, **settings))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 50000))
        async with httpx.AsyncClient(transport=transport, base_url="http://shadowdiff.test") as client:
            yield client
