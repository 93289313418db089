"""Issue 13 items 4 and 11: the store goes away (stopped) or hangs (frozen), against a private
PostgreSQL cluster this module starts and stops itself on its own port; the shared server is never
touched. Bounds are generous hang guards; what they guard is "seconds, not tens of seconds"."""

from __future__ import annotations

import signal
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.api.client import TOKENS_ENV, Api, auth, unique
from tests.live import LiveService, live_service
from tests.reliability.private_pg import PrivateCluster, private_cluster
from tests.reliability.raw import counter, wait_for

STORE_TIMEOUT = 2.0
pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def cluster() -> Iterator[PrivateCluster]:
    with private_cluster() as pg:
        yield pg


@pytest.fixture(scope="module")
def service(cluster: PrivateCluster, module_tmp: Path) -> Iterator[LiveService]:
    env = {
        "DATABASE_URL": cluster.dsn,
        "SHADOWDIFF_TOKENS": TOKENS_ENV,
        "SHADOWDIFF_STORE_TIMEOUT_SECONDS": str(STORE_TIMEOUT),
        "SHADOWDIFF_MISMATCH_KEEP": "100000",
        "SHADOWDIFF_GUARD_ENABLED": "false",
    }
    with live_service(env, module_tmp) as live:
        yield live


@pytest.fixture(scope="module")
def api(service: LiveService) -> Iterator[Api]:
    client = Api(service.url)
    yield client
    client.close()


def mismatches(module: str, request_ids: list[str]) -> list[dict[str, object]]:
    return [
        {
            "module": module,
            "query_name": "q",
            "request_id": rid,
            "legacy": {"result": [{"id": 1, "v": rid}]},
            "orm": {"result": [{"id": 1, "v": "other"}]},
        }
        for rid in request_ids
    ]


def stored_ids(api: Api, module: str) -> set[str]:
    found = api.request("GET", f"/v1/mismatches?module={module}&limit=1000", role="read")
    return {m["request_id"] for m in found.json()["mismatches"]} if found.status_code == 200 else set()


def timed(call: object) -> tuple[httpx.Response, float]:
    started = time.monotonic()
    response = call()  # type: ignore[operator]
    return response, time.monotonic() - started


# -- 4. samples survive an outage while the queue has room ------------------------------------------------


def test_samples_posted_during_an_outage_are_stored_when_it_ends(
    cluster: PrivateCluster, service: LiveService, api: Api
) -> None:
    module = unique()
    assert api.pair(mismatches(module, ["warm-up"])[0]).json()["sample"] == "stored"
    log_before = service.log()
    ids = [f"r{i}" for i in range(300)]
    cluster.stop()
    try:
        answers = []
        for start in range(0, len(ids), 100):
            batch = {"pairs": mismatches(module, ids[start : start + 100])}
            answer, took = timed(
                lambda b=batch: api.request("POST", "/v1/pairs/batch", role="ingest", json=b)
            )
            assert answer.status_code == 202, answer.text
            assert took < STORE_TIMEOUT + 8, f"a batch waited {took:.1f} s for a store that is down"
            answers += answer.json()["results"]
        assert {a["sample"] for a in answers} == {"queued"}  # acknowledged, but not claimed stored
        time.sleep(3)  # the writer keeps retrying while the store stays down
    finally:
        cluster.start()
    wait_for(lambda: stored_ids(api, module) >= set(ids), timeout=60)
    assert counter(service.url, "shadowdiff_mismatch_samples_dropped_total") == 0
    outage_log = service.log()[len(log_before) :]
    assert outage_log.count("store unavailable, mismatch samples wait") == 1, outage_log[-3000:]
    assert outage_log.count("store back after") == 1, outage_log[-3000:]
    writer_lines = [line for line in outage_log.splitlines() if "shadowdiff.samples" in line]
    assert len(writer_lines) == 2, writer_lines
    assert api.pair(mismatches(module, ["after"])[0]).json()["sample"] == "stored"


# -- 11. a frozen store: every call bounded, reads from memory, /ready names it ------------------------------


def test_a_frozen_store_answers_fast_and_serves_flags_from_memory(
    cluster: PrivateCluster, service: LiveService, api: Api
) -> None:
    known = unique()
    assert api.pair(mismatches(known, ["x"])[0]).status_code == 202
    assert api.request("PUT", f"/v1/flags/{known}", json={"reason": "r", "sample_rate": 1}).status_code == 200
    bound = STORE_TIMEOUT + 3  # the store's bound plus a loaded machine's slack
    cluster.freeze()
    try:
        ready, took = timed(lambda: httpx.get(f"{service.url}/ready", timeout=30))
        assert ready.status_code == 200 and took < bound, (ready.text, took)
        assert ready.json()["store"] == "unavailable" and "PostgreSQL" in ready.json()["store_message"]

        store_only, took = timed(lambda: httpx.get(f"{service.url}/ready/store", timeout=30))
        assert store_only.status_code == 503 and took < bound, (store_only.text, took)

        one, took = timed(lambda: api.request("GET", f"/v1/flags/{known}", role="read"))
        assert one.status_code == 200 and took < bound, (one.text, took)
        assert one.json()["version"] == 2  # the change made before the freeze
        assert one.headers["X-Shadowdiff-Served-From"] == "memory"

        every, took = timed(lambda: api.request("GET", "/v1/flags", role="read"))
        assert every.status_code == 200 and took < bound, (every.text, took)
        assert known in {f["module"] for f in every.json()["flags"]}

        config, took = timed(lambda: api.request("GET", "/v1/config", role="read"))
        assert config.status_code == 200 and took < bound

        first_pair, took = timed(lambda: api.pair(mismatches(unique(), ["new"])[0]))
        assert first_pair.status_code == 503 and took < bound, (first_pair.text, took)
        assert first_pair.json()["error"] == "store_unavailable"

        known_pair, took = timed(lambda: api.pair(mismatches(known, ["y"])[0]))
        assert known_pair.status_code == 202 and took < bound + STORE_TIMEOUT, (known_pair.text, took)
        assert known_pair.json()["sample"] == "queued"

        write, took = timed(
            lambda: api.request("PUT", f"/v1/flags/{known}", json={"reason": "r", "sample_rate": 1})
        )
        assert write.status_code == 503 and took < bound, (write.text, took)

        health, took = timed(lambda: httpx.get(f"{service.url}/health", timeout=30))
        assert health.status_code == 200 and took < 1.0
    finally:
        cluster.thaw()
    wait_for(lambda: httpx.get(f"{service.url}/ready/store", timeout=30).status_code == 200, timeout=60)
    wait_for(lambda: "y" in stored_ids(api, known), timeout=60)
    assert (
        api.request("GET", f"/v1/flags/{known}", role="read").headers.get("X-Shadowdiff-Served-From") is None
    )
    assert auth("read")


# -- 2 with 11: a SIGTERM while the store is frozen still ends, in bounds -----------------------------------


def test_sigterm_with_the_store_frozen_ends_in_bounds(cluster: PrivateCluster, module_tmp: Path) -> None:
    env = {
        "DATABASE_URL": cluster.dsn,
        "SHADOWDIFF_STORE_TIMEOUT_SECONDS": str(STORE_TIMEOUT),
        "SHADOWDIFF_SHUTDOWN_SECONDS": "2",
        "SHADOWDIFF_GUARD_ENABLED": "false",
    }
    module = unique()
    with live_service(env, module_tmp) as service:
        first = httpx.post(f"{service.url}/v1/pairs", json=mismatches(module, ["a"])[0], timeout=30)
        assert first.json()["sample"] == "stored"
        cluster.freeze()
        try:
            queued = httpx.post(f"{service.url}/v1/pairs", json=mismatches(module, ["b"])[0], timeout=30)
            assert queued.json()["sample"] == "queued"
            started = time.monotonic()
            service.process.send_signal(signal.SIGTERM)
            service.process.wait(timeout=60)
            took = time.monotonic() - started
        finally:
            cluster.thaw()
    log = service.log()
    assert took < 2 + 2 + 5 + 10, f"shutdown took {took:.1f} s with the store frozen"
    assert "shutdown: 1 mismatch samples could not be stored in 2 s; dropped" in log, log[-2000:]
    assert "shutdown: store closed" in log
