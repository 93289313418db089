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
from tests.pg import fresh_database


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_a_restart_keeps_flags_and_history(backend: str, tmp_path: Path) -> None:
    module = unique()
    with ExitStack() as stack:
        env = {**backend_env(stack, backend, tmp_path / "data"), "SHADOWDIFF_TOKENS": TOKENS_ENV}
        with live_service(env, tmp_path) as first:
            api = Api(first.url)
            api.put_flag(module, state="shadow", reason="start")
            api.put_flag(module, state="orm", sample_rate=0.3, reason="promote")
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
                json={"state": "orm", "reason": "promote on replica one"},
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
