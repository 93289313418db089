"""Issue 13: what happens at the process's edges, against the real ``python -m app``: a SIGTERM with
a stalled client still drains and closes (item 2); ``kill -9`` loses no acknowledged sample (item 5);
an unreachable database or a malformed URL at start is one line and exit code 2 (item 11); a large
pair is compared without stalling other requests, and stores a bounded sample (item 7)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest

from tests.api.client import TOKENS_ENV, auth, unique
from tests.live import ROOT, free_port, live_service
from tests.reliability.raw import connect, head, wait_for


def mismatch(module: str, rid: str, query_name: str = "q") -> dict[str, object]:
    return {
        "module": module,
        "query_name": query_name,
        "request_id": rid,
        "legacy": {"result": [{"id": 1, "v": rid}]},
        "orm": {"result": [{"id": 1, "v": "other"}]},
    }


# -- 2. a bounded graceful shutdown that drains and closes -----------------------------------------------


def test_sigterm_with_a_stalled_client_ends_in_bounds_and_drains(tmp_path: Path) -> None:
    env = {
        "SHADOWDIFF_DATA_DIR": str(tmp_path / "data"),
        "SHADOWDIFF_READ_TIMEOUT_SECONDS": "300",  # the stalled client is not cut off by the read timeout
        "SHADOWDIFF_SHUTDOWN_SECONDS": "2",
    }
    module = unique()
    with live_service(env, tmp_path) as service:
        stalled = connect(service.url)
        stalled.sendall(head("POST", "/v1/pairs", {"Content-Length": "1000"}) + b"{")
        answer = httpx.post(f"{service.url}/v1/pairs", json=mismatch(module, "kept"), timeout=30)
        assert answer.json()["outcome"] == "mismatch"
        started = time.monotonic()
        service.process.send_signal(signal.SIGTERM)
        code = service.process.wait(timeout=60)
        took = time.monotonic() - started
        stalled.close()
    assert code in (0, -signal.SIGTERM), service.log()[-2000:]  # uvicorn re-raises the signal it caught
    assert took < 2 + 10 + 10, f"shutdown took {took:.1f} s"
    log = service.log()
    assert "shutdown: mismatch sample queue drained" in log
    assert "shutdown: store closed" in log
    assert "Traceback" not in log
    with live_service(env, tmp_path) as again:
        found = httpx.get(f"{again.url}/v1/mismatches", params={"module": module}, timeout=30).json()
        assert [m["request_id"] for m in found["mismatches"]] == ["kept"]


# -- 5. kill -9: every acknowledged sample is there after the restart ------------------------------------


def test_every_acknowledged_sample_survives_kill_9(tmp_path: Path) -> None:
    env = {"SHADOWDIFF_DATA_DIR": str(tmp_path / "data"), "SHADOWDIFF_MISMATCH_KEEP": "100000"}
    modules = [unique() for _ in range(6)]
    acknowledged: list[tuple[str, str, str]] = []  # (module, query_name, request_id)
    lock = threading.Lock()
    stop = threading.Event()

    def post(module: str, url: str) -> None:
        with httpx.Client(base_url=url, timeout=30) as client:
            for i in range(900):
                if stop.is_set():
                    return
                # 500 pairs per query, so each query's samples fit in one /v1/mismatches answer
                # (limit 1000) however fast this machine acknowledges them
                query_name = f"q{i // 100}"
                pairs = [mismatch(module, f"{i}-{j}", query_name) for j in range(5)]
                try:
                    answer = client.post("/v1/pairs/batch", json={"pairs": pairs})
                except httpx.TransportError:
                    return
                for p, result in zip(pairs, answer.json()["results"], strict=True):
                    if result.get("sample") == "stored":
                        with lock:
                            acknowledged.append((module, query_name, str(p["request_id"])))

    with live_service(env, tmp_path) as service, ThreadPoolExecutor(max_workers=len(modules)) as pool:
        for module in modules:
            pool.submit(post, module, service.url)
        time.sleep(2.0)
        service.process.send_signal(signal.SIGKILL)
        service.process.wait(timeout=30)
        stop.set()
    assert len(acknowledged) > 50, "too few pairs acknowledged to say anything"
    with live_service(env, tmp_path) as again:
        missing = []
        for module, query_name in sorted({(m, q) for m, q, _ in acknowledged}):
            found = httpx.get(
                f"{again.url}/v1/mismatches",
                params={"module": module, "query_name": query_name, "limit": 1000},
                timeout=30,
            ).json()["mismatches"]
            assert len(found) < 1000, "a query's samples must fit in one answer for this check"
            have = {m["request_id"] for m in found}
            missing += [
                rid for m, q, rid in acknowledged if (m, q) == (module, query_name) and rid not in have
            ]
    assert missing == [], f"{len(missing)} of {len(acknowledged)} acknowledged samples lost"


# -- 11. refusing to start: one line, exit code 2 ----------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [f"postgresql://postgres@127.0.0.1:{free_port()}/nothing", "postgresql://u@host:notaport/db"],
    ids=["unreachable", "malformed"],
)
def test_a_store_it_cannot_use_at_start_is_one_line_and_exit_2(tmp_path: Path, url: str) -> None:
    env = {**os.environ, "DATABASE_URL": url, "SHADOWDIFF_PORT": str(free_port())}
    done = subprocess.run(
        [sys.executable, "-m", "app"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    output = done.stdout + done.stderr
    assert done.returncode == 2, output
    assert "Traceback" not in output
    errors = [line for line in output.splitlines() if " ERROR " in line]
    assert len(errors) == 1 and "refusing to start: store:" in errors[0], output


# -- 7. a large pair never stalls other requests; its sample is bounded ---------------------------------


def test_a_large_pair_does_not_stall_health_and_stores_a_bounded_sample(tmp_path: Path) -> None:
    env = {
        "SHADOWDIFF_DATA_DIR": str(tmp_path / "data"),
        "SHADOWDIFF_TOKENS": TOKENS_ENV,
        "SHADOWDIFF_MAX_BODY_BYTES": str(8 * 1024 * 1024),
    }
    module = unique()
    keys = 120_000
    legacy = [{"id": 1, **{f"k{i}": i for i in range(keys)}}]
    orm = [{"id": 1, **{f"k{i}": i + 1 for i in range(keys)}}]
    # Encoded up front: json-encoding 3.6 MB in this process would stall the probe thread (the GIL)
    # and be counted against the service.
    body = orjson.dumps(
        {"module": module, "query_name": "q", "legacy": {"result": legacy}, "orm": {"result": orm}}
    )
    with live_service(env, tmp_path) as service:
        gaps: list[float] = []
        stop = threading.Event()

        def probe() -> None:
            with httpx.Client(timeout=30) as client:
                client.get(f"{service.url}/health")
                while not stop.is_set():
                    started = time.monotonic()
                    client.get(f"{service.url}/health")
                    gaps.append(time.monotonic() - started)
                    time.sleep(0.01)

        prober = threading.Thread(target=probe)
        prober.start()
        try:
            with httpx.Client(timeout=120, headers=auth("ingest")) as client:
                for _ in range(2):  # the first also starts the worker processes
                    answer = client.post(f"{service.url}/v1/pairs", content=body)
                    assert answer.status_code == 202, answer.text
        finally:
            stop.set()
            prober.join()
        result = answer.json()
        assert result["outcome"] == "mismatch" and result["difference_count"] == keys
        assert len(result["differences"]) == 50 and result["truncated"] is True
        gaps.sort()
        assert len(gaps) > 20
        # The compare alone held the loop 1.7 s per pair before; a loaded CI box may stretch an answer.
        assert gaps[-1] < 1.5, f"/health waited {gaps[-1] * 1000:.0f} ms (max) while the pair was compared"
        assert gaps[len(gaps) * 95 // 100] < 0.1, f"p95 of /health: {gaps[len(gaps) * 95 // 100]:.3f} s"

        def stored() -> list[dict[str, Any]]:
            found: list[dict[str, Any]] = httpx.get(
                f"{service.url}/v1/mismatches", params={"module": module}, headers=auth("read"), timeout=30
            ).json()["mismatches"]
            return found

        wait_for(lambda: len(stored()) == 2)
        assert all(len(s["fields"]) == 50 and len(s["differences"]) == 50 for s in stored())
        flag_write_started = time.monotonic()
        write = httpx.put(
            f"{service.url}/v1/flags/{module}", json={"reason": "r"}, headers=auth("operator"), timeout=30
        )
        assert write.status_code == 200 and time.monotonic() - flag_write_started < 1.0


# -- Also: SHADOWDIFF_TOKENS_FILE is read by the service itself ------------------------------------------


def test_the_service_reads_its_tokens_from_a_file(tmp_path: Path) -> None:
    tokens = tmp_path / "tokens.json"
    tokens.write_text(TOKENS_ENV)
    env = {"SHADOWDIFF_DATA_DIR": str(tmp_path / "data"), "SHADOWDIFF_TOKENS_FILE": str(tokens)}
    with live_service(env, tmp_path) as service:
        assert httpx.get(f"{service.url}/v1/flags", timeout=30).status_code == 401
        assert httpx.get(f"{service.url}/v1/flags", headers=auth("read"), timeout=30).status_code == 200
        assert "NO TOKENS CONFIGURED" not in service.log()
