"""``python -m app``: read the settings from the environment, say how callers are authorised, serve.

Exit codes: 0 after a clean shutdown; 2 when it refuses to start (bad settings, its port already in
use, a malformed ``DATABASE_URL``, a database it cannot reach), always with one line naming the problem.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import gc
import logging
import socket
import sys

import uvicorn
from pydantic import ValidationError
from pydantic_settings import SettingsError

from app.errors import InvalidPayload
from app.main import create_app
from app.middleware import UNMATCHED
from app.server import guarded_protocol
from app.services import Services
from app.settings import Settings
from app.spec_cache import read_specs_file
from app.store import create_store

log = logging.getLogger("shadowdiff")

PREFLIGHT_SECONDS = 15.0


async def preflight(settings: Settings) -> str | None:
    """Open the store once (connect, migrate) and close it: the problem in one line, or None.

    Done before uvicorn starts, so an unreachable database or a malformed URL is a refusal with exit
    code 2, not a lifespan traceback."""
    try:
        store = create_store(settings.database_url, settings.data_dir, settings.flag_poll_seconds)
        await asyncio.wait_for(store.open(), PREFLIGHT_SECONDS)
    except TimeoutError:
        return f"the store did not answer within {PREFLIGHT_SECONDS:g} s"
    except Exception as exc:  # StoreUnavailable, or the driver's ValueError for a malformed URL
        return str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    with contextlib.suppress(Exception):  # a connection we are done with; serving opens its own
        await asyncio.wait_for(store.close(), PREFLIGHT_SECONDS)
    return None


def port_problem(host: str, port: int) -> str | None:
    """Whether another process already listens on ``host:port``: the problem in one line, or None.

    Checked before the store is opened and uvicorn starts: uvicorn would open the store, log that it is
    ready, then fail to bind with ``[Errno 98]`` and exit 3, with no word on how to pick another port.
    The probe binds as uvicorn does (``SO_REUSEADDR``), so a port left in TIME_WAIT is not called busy."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
        with socket.socket(family, kind, proto) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind(address)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            return (
                f"{host}:{port} is already in use (another shadowdiff, or another program); "
                f"serve on a free port with SHADOWDIFF_PORT, e.g. SHADOWDIFF_PORT={port + 1} make run, "
                f"and point the CLI at it with SHADOWDIFF_URL=http://{host}:{port + 1}"
            )
        return f"cannot listen on {host}:{port}: {exc.strerror or exc}"
    return None


def _where(loc: tuple[object, ...]) -> str:
    """Name a bad setting by the variable a person sets: ``SHADOWDIFF_DEFAULT_SAMPLE_RATE``, not the field."""
    if not loc:
        return "settings"
    inner = ".".join(map(str, loc[1:]))
    field = Settings.model_fields.get(str(loc[0]))
    if field is None:
        return ".".join(map(str, loc))
    env = "DATABASE_URL" if loc[0] == "database_url" else f"SHADOWDIFF_{str(loc[0]).upper()}"
    return f"{env} ({inner})" if inner else env


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        settings = Settings()
    except ValidationError as exc:
        problems = "; ".join(f"{_where(tuple(e['loc']))}: {e['msg']}" for e in exc.errors())
        log.error("refusing to start: %s", problems)
        return 2
    except SettingsError as exc:
        log.error("refusing to start: %s", exc)
        return 2
    if settings.specs_file is not None:
        try:
            read_specs_file(settings.specs_file)
        except InvalidPayload as exc:
            log.error("refusing to start: %s", exc)
            return 2
    busy = port_problem(settings.host, settings.port)
    if busy is not None:
        log.error("refusing to start: %s", busy)
        return 2
    problem = asyncio.run(preflight(settings))
    if problem is not None:
        log.error("refusing to start: store: %s", problem)
        return 2
    if settings.auth_enabled:
        log.info("bearer-token auth on: %d tokens configured", len(settings.tokens))
    else:
        log.warning(
            "NO TOKENS CONFIGURED (SHADOWDIFF_TOKENS): listening on loopback %s only and granting every "
            "role (ingest, operator, read) to every local caller",
            settings.host,
        )
    store = "PostgreSQL" if settings.database_url else f"SQLite in {settings.data_dir}"
    log.info("store: %s; listening on http://%s:%d", store, settings.host, settings.port)
    app = create_app(settings)
    services: Services = app.state.services

    def record(method: str, status: int) -> None:
        services.metrics.http_requests.labels(method, UNMATCHED, str(status)).inc()

    # What is built by now (imports, routes, models) lives as long as the process, and a full
    # collection walked it every few batches: ~36 ms each time for the ~64,000 objects after import
    # (22 ms of it FastAPI's own), 16% of the time of in-process batch ingest. Frozen, the collector
    # skips it (full collections over 200 batches of 100 pairs: 490 ms before, 7 ms after).
    gc.collect()
    gc.freeze()

    uvicorn.run(
        app,
        host=settings.host,
        port=settings.port,
        log_level=settings.log_level,
        access_log=False,
        lifespan="on",
        http=guarded_protocol(settings.max_header_bytes, settings.read_timeout_seconds, record),
        timeout_graceful_shutdown=int(max(1, round(settings.shutdown_seconds))),
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
