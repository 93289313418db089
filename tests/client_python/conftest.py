"""A live shadowdiff (uvicorn over HTTP, SQLite store) per test module, and a fresh PostgreSQL database
with the shop's users per test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.api.client import TOKENS, TOKENS_ENV, Api
from tests.client_python.shop import shop_database
from tests.live import LiveService, live_service

INGEST_TOKEN = TOKENS["ingest"]


def service_env(data_dir: Path) -> dict[str, str]:
    return {
        "SHADOWDIFF_DATA_DIR": str(data_dir),
        "SHADOWDIFF_TOKENS": TOKENS_ENV,
        "SHADOWDIFF_GUARD_ENABLED": "false",
    }


@pytest.fixture(scope="module")
def service(module_tmp: Path) -> Iterator[LiveService]:
    with live_service(service_env(module_tmp / "data"), module_tmp) as live:
        yield live


@pytest.fixture(scope="module")
def api(service: LiveService) -> Iterator[Api]:
    client = Api(service.url)
    yield client
    client.close()


@pytest.fixture
def dsn() -> Iterator[str]:
    with shop_database() as found:
        yield found
