"""A live service per test module and backend: the API tests run against SQLite and PostgreSQL alike.

Tests share a server, so each uses its own module names (``client.unique``).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest

from tests.api.client import TOKENS_ENV, Api
from tests.live import LiveService, live_service
from tests.pg import fresh_database

BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgres", id="postgres", marks=pytest.mark.postgres),
]


def backend_env(stack: ExitStack, backend: str, data_dir: Path) -> dict[str, str]:
    if backend == "postgres":
        return {"DATABASE_URL": stack.enter_context(fresh_database())}
    return {"SHADOWDIFF_DATA_DIR": str(data_dir)}


@pytest.fixture(scope="module", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="module")
def service(backend: str, module_tmp: Path) -> Iterator[LiveService]:
    data = module_tmp / f"data-{backend}"
    with ExitStack() as stack:
        env = {
            **backend_env(stack, backend, data),
            "SHADOWDIFF_TOKENS": TOKENS_ENV,
            "SHADOWDIFF_MAX_BODY_BYTES": "65536",
            "SHADOWDIFF_MAX_DEPTH": "16",
            "SHADOWDIFF_MAX_BATCH": "20",
            "SHADOWDIFF_MAX_DIFFERENCES": "5",
            "SHADOWDIFF_GUARD_ENABLED": "false",
        }
        yield stack.enter_context(live_service(env, module_tmp))


@pytest.fixture(scope="module")
def api(service: LiveService) -> Iterator[Api]:
    client = Api(service.url)
    yield client
    client.close()
