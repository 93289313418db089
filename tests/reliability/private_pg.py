"""A private PostgreSQL cluster for tests that stop, kill or freeze the database.

The shared server on 5432 is never touched: :func:`private_cluster` runs ``initdb`` into a temporary
directory and ``pg_ctl`` on a free port of its own (as the ``postgres`` user when the tests run as
root, which PostgreSQL refuses to run as), and removes everything afterwards. The test can then
``stop()`` / ``start()`` it (an outage), ``freeze()`` / ``thaw()`` it (SIGSTOP on every server
process: a database that accepts connections and never answers, like a network partition).
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

from tests.live import free_port

RUN_AS = "postgres"  # the OS user the server runs as when the tests run as root
SUPERUSER = "postgres"  # the cluster's superuser (initdb -U), whoever runs it


def _bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if not found:
        raise RuntimeError(f"{name} not found under /usr/lib/postgresql/*/bin: apt-get install postgresql")
    return found[-1]


def _as_owner(args: list[str]) -> list[str]:
    return ["runuser", "-u", RUN_AS, "--", *args] if os.geteuid() == 0 else args


@dataclass
class PrivateCluster:
    directory: Path
    port: int

    @property
    def data(self) -> Path:
        return self.directory / "data"

    @property
    def dsn(self) -> str:
        return f"postgresql://{SUPERUSER}@127.0.0.1:{self.port}/postgres"

    def _ctl(self, *args: str) -> None:
        subprocess.run(
            _as_owner([_bin("pg_ctl"), "-D", str(self.data), *args]),
            check=True,
            capture_output=True,
            timeout=120,
        )

    def start(self) -> None:
        options = f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 -c fsync=on"
        self._ctl("-o", options, "-l", str(self.directory / "server.log"), "-w", "-t", "60", "start")

    def stop(self) -> None:
        """An outage: the server goes away at once (connections reset, new ones refused)."""
        self._ctl("-m", "immediate", "-w", "stop")

    def _pids(self) -> list[int]:
        postmaster = int((self.data / "postmaster.pid").read_text().splitlines()[0])
        children = subprocess.run(["pgrep", "-P", str(postmaster)], capture_output=True, text=True).stdout
        return [postmaster, *(int(p) for p in children.split())]

    def freeze(self) -> None:
        """The server accepts TCP connections (the kernel does) but never answers."""
        for pid in self._pids():
            os.kill(pid, signal.SIGSTOP)

    def thaw(self) -> None:
        for pid in self._pids():
            os.kill(pid, signal.SIGCONT)

    def log(self) -> str:
        path = self.directory / "server.log"
        return path.read_text(errors="replace") if path.exists() else ""


@contextmanager
def private_cluster() -> Iterator[PrivateCluster]:
    directory = Path(tempfile.mkdtemp(prefix="shadowdiff-pg-"))
    if os.geteuid() == 0:
        owner = pwd.getpwnam(RUN_AS)
        os.chown(directory, owner.pw_uid, owner.pw_gid)
    directory.chmod(0o700)
    cluster = PrivateCluster(directory, free_port())
    try:
        subprocess.run(
            _as_owner([_bin("initdb"), "-D", str(cluster.data), "-A", "trust", "-U", SUPERUSER, "--no-sync"]),
            check=True,
            capture_output=True,
            timeout=300,
        )
        cluster.start()
        yield cluster
    finally:
        try:
            if (cluster.data / "postmaster.pid").exists():
                with suppress(OSError, ValueError):
                    cluster.thaw()
                cluster.stop()
        finally:
            shutil.rmtree(directory, ignore_errors=True)
