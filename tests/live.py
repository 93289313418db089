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
def running_program(
    args: list[str],
    log_path: Path,
    ready_url: str,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
) -> Iterator[subprocess.Popen[bytes]]:
    """Run an external program until the block ends (terminate, then kill); fail with its log if it
    exits or does not answer ``ready_url`` with 200 in time.

    The deadline is generous because CI machines are loaded; it is a hang guard, not a measurement.
    """
    name = Path(args[0]).name

    def log_text() -> str:
        return log_path.read_text(errors="replace")

    with log_path.open("wb") as log:
        proc = subprocess.Popen(args, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"{name} exited with {proc.returncode}:\n{log_text()}")
            try:
                if httpx.get(ready_url, timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"{name} did not answer {ready_url} within {STARTUP_SECONDS} s:\n{log_text()}"
                )
            time.sleep(0.1)
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@contextmanager
def live_service(env: Mapping[str, str], log_dir: Path, port: int | None = None) -> Iterator[LiveService]:
    """Run ``python -m app`` until the block ends; fail with its log if it does not come up in time."""
    port = port or free_port()
    full_env = {**os.environ, "SHADOWDIFF_HOST": "127.0.0.1", "SHADOWDIFF_PORT": str(port), **env}
    url = f"http://127.0.0.1:{port}"
    log_path = log_dir / f"shadowdiff-{port}.log"
    args = [sys.executable, "-m", "app"]
    with running_program(args, log_path, f"{url}/health", env=full_env, cwd=ROOT) as proc:
        yield LiveService(url, port, proc, log_path)
