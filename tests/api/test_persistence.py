"""Flags and their history survive a restart; with PostgreSQL, replicas see each other's changes."""

from __future__ import annotations

import time
from contextlib import ExitStack
from pathlib import Path

import httpx
import pytest

from tests.api.client import TOKENS_ENV, Api, auth, unique
from tests.api.conftest import backend_env
from tests.live import live_service
from tests.pg import admin_execute, connections_refused, database_of, fresh_database, run_sync


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_a_restart_keeps_flags_and_history(backend: str, tmp_path: Path) -> None:
    module = unique()
    with ExitStack() as stack:
        env = {**backend_env(stack, backend, tmp_path / "data"), "SHADOWDIFF_TOKENS": TOKENS_ENV}
        with live_service(env, tmp_path) as first:
            api = Api(first.url)
            api.put_flag(module, state="shadow", reason="start")
            api.put_flag(module, state="orm", sample_rate=0.3, reason="promote", force=True)
            before = (api.flag(module), api.history(module))
            api.close()
        with live_service(env, tmp_path) as second:
            api = Api(second.url)
            assert (api.flag(module), api.history(module)) == before
            config = api.request("GET", "/v1/config", role="read").json()
            assert config["modules"][module]["state"] == "orm"
            api.close()


@pytest.mark.postgres
def test_two_replicas_see_each_others_flag_change_within_two_seconds(tmp_path: Path) -> None:
    module = unique()
    with fresh_database() as dsn:
        env = {"DATABASE_URL": dsn, "SHADOWDIFF_TOKENS": TOKENS_ENV, "SHADOWDIFF_SPEC_RELOAD_SECONDS": "0.2"}
        with live_service(env, tmp_path) as one, live_service(env, tmp_path) as two:
            # the first pair registers the module through replica two
            pair = {"module": module, "query_name": "q", "legacy": {"result": 1}, "orm": {"result": 1}}
            assert httpx.post(f"{two.url}/v1/pairs", json=pair, headers=auth("ingest")).status_code == 202
            assert seen_state(one.url, module, "shadow")
            changed = httpx.put(
                f"{one.url}/v1/flags/{module}",
                json={"state": "orm", "reason": "promote on replica one", "force": True},
                headers=auth("operator"),
            )
            assert changed.status_code == 200, changed.text
            assert seen_state(two.url, module, "orm")
            back = httpx.post(
                f"{two.url}/v1/flags/{module}/rollback", json={"reason": "on two"}, headers=auth("operator")
            )
            assert back.status_code == 200, back.text
            assert seen_state(one.url, module, "shadow")
            spec = httpx.put(
                f"{one.url}/v1/specs/{module}/q", json={"ordered": True}, headers=auth("operator")
            )
            assert spec.status_code == 200, spec.text
            assert judged(two.url, module, "mismatch")


def judged(url: str, module: str, outcome: str, within: float = 2.0) -> bool:
    """Whether a pair in reversed order gets ``outcome`` (i.e. the stored spec reached the replica)."""
    rows, reversed_rows = [{"id": 1}, {"id": 2}], [{"id": 2}, {"id": 1}]
    pair = {"module": module, "query_name": "q", "legacy": {"result": rows}, "orm": {"result": reversed_rows}}
    deadline = time.monotonic() + within
    while True:
        answer = httpx.post(f"{url}/v1/pairs", json=pair, headers=auth("ingest")).json()
        if answer["outcome"] == outcome:
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)


def seen_state(url: str, module: str, state: str, within: float = 2.0) -> bool:
    """Whether the replica's in-memory view (GET /v1/config) shows ``state`` within the time limit."""
    deadline = time.monotonic() + within
    while True:
        config = httpx.get(f"{url}/v1/config", headers=auth("read")).json()
        if config["modules"].get(module, {}).get("state") == state:
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)


@pytest.mark.postgres
def test_ready_names_the_degraded_store_and_the_store_check_answers_503(tmp_path: Path) -> None:
    with fresh_database() as dsn, live_service({"DATABASE_URL": dsn}, tmp_path) as service:
        assert httpx.get(f"{service.url}/ready").status_code == 200
        database = database_of(dsn)
        with connections_refused(database):
            run_sync(
                admin_execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1", database
                )
            )
            degraded = httpx.get(f"{service.url}/ready", timeout=30)
            assert degraded.status_code == 200, degraded.text  # ingest still works (SPEC 1)
            assert degraded.json()["store"] == "unavailable" and degraded.json()["store_message"]
            down = httpx.get(f"{service.url}/ready/store", timeout=30)
            assert down.status_code == 503, down.text
            assert down.json()["error"] == "store_unavailable" and down.json()["message"]
            assert httpx.get(f"{service.url}/health").status_code == 200
        assert eventually_ready(service.url)


def eventually_ready(url: str, within: float = 10.0) -> bool:
    deadline = time.monotonic() + within
    while httpx.get(f"{url}/ready/store", timeout=30).status_code != 200:
        if time.monotonic() > deadline:
            return False
        time.sleep(0.2)
    return True


def test_mismatch_samples_posted_right_before_a_shutdown_are_kept(tmp_path: Path) -> None:
    module = unique()
    env = {"SHADOWDIFF_DATA_DIR": str(tmp_path / "data")}
    pairs = [
        {"module": module, "query_name": "q", "legacy": {"result": {"n": i}}, "orm": {"result": {"n": -i}}}
        for i in range(1, 41)
    ]
    with live_service(env, tmp_path) as first:
        answer = httpx.post(f"{first.url}/v1/pairs/batch", json={"pairs": pairs}).json()
        assert answer["accepted"] == 40
    with live_service(env, tmp_path) as second:
        stored = httpx.get(f"{second.url}/v1/mismatches", params={"module": module, "limit": 100}).json()
        assert len(stored["mismatches"]) == 20  # SHADOWDIFF_MISMATCH_KEEP per module/query/field
