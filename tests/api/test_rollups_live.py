"""The rollups behind ``/metrics/json`` and readiness survive a restart and add up across replicas."""

from __future__ import annotations

import time
from contextlib import ExitStack
from pathlib import Path

import pytest

from tests.api.client import TOKENS_ENV, Api, pair, unique
from tests.api.conftest import backend_env
from tests.live import live_service
from tests.pg import fresh_database


def summary(api: Api, module: str) -> dict[str, object]:
    response = api.request("GET", "/metrics/json?window=1h", role="read")
    assert response.status_code == 200, response.text
    return dict(response.json()["modules"][module])


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_a_restart_keeps_the_window(backend: str, tmp_path: Path) -> None:
    module = unique("restart")
    with ExitStack() as stack:
        env = {**backend_env(stack, backend, tmp_path / "data"), "SHADOWDIFF_TOKENS": TOKENS_ENV}
        with live_service(env, tmp_path) as first:
            api = Api(first.url)
            for i in range(4):
                assert api.pair(pair(module, {"i": i}, {"i": i})).status_code == 202
            api.close()  # stopped right away: the shutdown flush writes what the timer had not
        with live_service(env, tmp_path) as second:
            api = Api(second.url)
            assert summary(api, module)["comparisons"] == {
                "match": 4,
                "mismatch": 0,
                "error": 0,
                "skipped": 0,
            }
            api.close()


@pytest.mark.postgres
def test_two_replicas_add_up(tmp_path: Path) -> None:
    module = unique("replicas")
    with fresh_database() as dsn:
        env = {"DATABASE_URL": dsn, "SHADOWDIFF_TOKENS": TOKENS_ENV}
        with live_service(env, tmp_path) as one, live_service(env, tmp_path) as two:
            a, b = Api(one.url), Api(two.url)
            for i in range(3):
                assert a.pair(pair(module, {"i": i}, {"i": i})).status_code == 202
            assert b.pair(pair(module, {"i": 1}, {"i": 2})).status_code == 202
            # each reader flushes its own rows first; the other replica's arrive within a flush interval
            deadline = time.monotonic() + 10
            while True:
                seen = summary(a, module)["comparisons"]
                if (
                    seen == {"match": 3, "mismatch": 1, "error": 0, "skipped": 0}
                    or time.monotonic() > deadline
                ):
                    break
                time.sleep(0.2)
            assert seen == {"match": 3, "mismatch": 1, "error": 0, "skipped": 0}
            a.close()
            b.close()
