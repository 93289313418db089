"""Hostile HTTP clients on plain sockets: what httpx will not do (stall mid-body, send a 1 MiB header,
hang up halfway), against the live service."""

from __future__ import annotations

import re
import socket
import time
from urllib.parse import urlsplit

import httpx


def connect(url: str, timeout: float = 30.0) -> socket.socket:
    parts = urlsplit(url)
    sock = socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 80), timeout=timeout)
    return sock


def head(method: str, path: str, headers: dict[str, str]) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", "Host: test", *(f"{k}: {v}" for k, v in headers.items())]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def read_answer(sock: socket.socket) -> tuple[int, bytes]:
    """Status and everything the server sent until it closed (or the socket timed out)."""
    data = b""
    try:
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
            if b"\r\n\r\n" in data:
                head_part, _, body = data.partition(b"\r\n\r\n")
                found = re.search(rb"content-length: *(\d+)", head_part, re.IGNORECASE)
                if found and len(body) >= int(found.group(1)):
                    break
    except (TimeoutError, ConnectionResetError):
        pass
    match = re.match(rb"HTTP/1\.1 (\d{3})", data)
    return (int(match.group(1)) if match else 0), data


def counter(url: str, name: str, **labels: str) -> float:
    """One sample of ``name`` from /metrics (0 when absent)."""
    text = httpx.get(f"{url}/metrics", timeout=10).text
    for line in text.splitlines():
        if not line.startswith(name + "{"):
            continue
        found = dict(re.findall(r'(\w+)="([^"]*)"', line.split("}", 1)[0]))
        if all(found.get(k) == v for k, v in labels.items()):
            return float(line.rsplit(" ", 1)[1])
    return 0.0


def wait_for(check: object, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if callable(check) and check():
            return
        time.sleep(0.05)
    raise AssertionError(f"not true within {timeout} s: {check}")
