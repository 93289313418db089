"""What issue 13's reliability work costs on the ingest path, every variant measured in one run.

Three shadowdiff processes (SQLite, one uvicorn worker each) get the same load through
``bench_ingest``'s keep-alive client: batches of 100 of the 10-row pair, with 0%, 1% and 100% of the
pairs mismatching (a mismatching pair keeps a sample):

- ``durable``: as shipped: the head-size / read-timeout protocol, and each answer waits for the group
  commit of its batch's samples (``SHADOWDIFF_SAMPLE_WAIT=true``);
- ``no wait``: the same build with the wait switched off (``SHADOWDIFF_SAMPLE_WAIT=false``);
- ``plain http``: the durable build served by uvicorn's own httptools protocol (no head limit, no read
  timeout): the price of the HTTP guard.

Rounds are alternated and the best of each kept, as in bench_ingest. Goals: durable within 10% of
``no wait`` at 1% mismatching; the guard's cost reported.

    python -m benchmarks.bench_reliability
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import orjson

from benchmarks.bench_ingest import BATCH, CONCURRENCY, the_pair, throughput
from tests.live import ROOT, LiveService, free_port, running_program

ROUNDS = 3
SHARES = (0.0, 0.01, 1.0)

PLAIN_LAUNCHER = """
import uvicorn
from app.main import create_app
from app.settings import Settings
settings = Settings()
uvicorn.run(create_app(settings), host=settings.host, port=settings.port, log_level="warning",
            access_log=False, lifespan="on", http="httptools")
"""


def mismatching(pair: dict[str, Any]) -> dict[str, Any]:
    rows = pair["orm"]["result"]
    return {**pair, "orm": {**pair["orm"], "result": [{**rows[0], "displayName": "someone else"}, *rows[1:]]}}


def batches(share: float) -> list[bytes]:
    """CONCURRENCY different batches, ``share`` of each batch's pairs mismatching."""
    every = round(1 / share) if share else 0
    return [
        orjson.dumps(
            {
                "pairs": [
                    mismatching(the_pair(f"b{k}-{i}")) if every and i % every == 0 else the_pair(f"b{k}-{i}")
                    for i in range(BATCH)
                ]
            }
        )
        for k in range(CONCURRENCY)
    ]


@contextmanager
def variant(name: str, workdir: Path) -> Iterator[LiveService]:
    port = free_port()
    data = workdir / name.replace(" ", "-")
    env = {
        **os.environ,
        "SHADOWDIFF_HOST": "127.0.0.1",
        "SHADOWDIFF_PORT": str(port),
        "SHADOWDIFF_DATA_DIR": str(data),
        "SHADOWDIFF_TOKENS": "",
        "SHADOWDIFF_LOG_LEVEL": "warning",
        "SHADOWDIFF_GUARD_ENABLED": "false",
        "SHADOWDIFF_SAMPLE_WAIT": "false" if name == "no wait" else "true",
    }
    args = [sys.executable, *(("-c", PLAIN_LAUNCHER) if name == "plain http" else ("-m", "app"))]
    url = f"http://127.0.0.1:{port}"
    log = workdir / f"{name.replace(' ', '-')}.log"
    with running_program(args, log, f"{url}/health", env=env, cwd=ROOT) as proc:
        yield LiveService(url, port, proc, log)


def main() -> None:
    names = ("durable", "no wait", "plain http")
    loads = {share: batches(share) for share in SHARES}
    results: dict[tuple[str, float], float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        with (
            variant(names[0], workdir) as a,
            variant(names[1], workdir) as b,
            variant(names[2], workdir) as c,
        ):
            urls = dict(zip(names, (a.url, b.url, c.url), strict=True))
            for _ in range(ROUNDS):
                for share in SHARES:
                    for name in names:
                        rate = asyncio.run(throughput(urls[name], "/v1/pairs/batch", loads[share], BATCH))
                        results[(name, share)] = max(results.get((name, share), 0.0), rate)
    print(f"batches of {BATCH} 10-row pairs, {CONCURRENCY} connections, SQLite, best of {ROUNDS} rounds")
    header = f"{'batch pairs/s':<16}" + "".join(f"{f'{s:.0%} mismatching':>18}" for s in SHARES)
    print(header)
    print("-" * len(header))
    for name in names:
        print(f"{name:<16}" + "".join(f"{results[(name, s)]:>18.0f}" for s in SHARES))
    for share in SHARES:
        cost = 1 - results[("durable", share)] / results[("no wait", share)]
        guard = 1 - results[("durable", share)] / results[("plain http", share)]
        note = f" (goal <= 10%: {'met' if cost <= 0.10 else 'NOT met'})" if share == 0.01 else ""
        print(f"{share:.0%} mismatching: wait costs {cost:+.1%}{note}; the HTTP guard costs {guard:+.1%}")


if __name__ == "__main__":
    main()
