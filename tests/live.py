"""A real shadowdiff process over HTTP, for tests that need the live service.

Starts ``python -m app`` (uvicorn) on a free loopback port with the given environment and waits for
``/health``. Used by the API, monitoring and rollback tests alike.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
STARTUP_SECONDS = 60


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class LiveService:
    url: str
    port: int
    process: subprocess.Popen[bytes]
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


@contextmanager
def live_service(env: Mapping[str, str], log_dir: Path, port: int | None = None) -> Iterator[LiveService]:
    """Run the service until the block ends; fail with its log if it does not come up in time.

    The deadline is generous because CI machines are loaded; it is a hang guard, not a measurement.
    """
    port = port or free_port()
    full_env = {**os.environ, "SHADOWDIFF_HOST": "127.0.0.1", "SHADOWDIFF_PORT": str(port), **env}
    log_path = log_dir / f"shadowdiff-{port}.log"
    with log_path.open("wb") as log:
        proc = subprocess.Popen([sys.executable, "-m", "app"], cwd=ROOT, env=full_env, stdout=log, stderr=log)
    service = LiveService(f"http://127.0.0.1:{port}", port, proc, log_path)
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"shadowdiff exited with {proc.returncode}:\n{service.log()}")
            try:
                if httpx.get(f"{service.url}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"shadowdiff did not answer /health within {STARTUP_SECONDS} s:\n{service.log()}"
                )
            time.sleep(0.1)
        yield service
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
