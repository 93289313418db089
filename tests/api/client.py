"""A small HTTP client for the live service, with the three test tokens."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import httpx
import orjson

TOKENS = {
    "ingest": "ingest-token-0123456789",
    "operator": "operator-token-0123456789",
    "read": "read-token-0123456789",
    "scoped": "scoped-token-0123456789",
}
TOKENS_ENV = orjson.dumps(
    [
        {"name": "backend", "token": TOKENS["ingest"], "roles": ["ingest"]},
        {"name": "alice", "token": TOKENS["operator"], "roles": ["operator"]},
        {"name": "viewer", "token": TOKENS["read"], "roles": ["read"]},
        {"name": "team-a", "token": TOKENS["scoped"], "roles": ["operator"], "modules": ["scoped_a"]},
    ]
).decode()


def unique(prefix: str = "m") -> str:
    return f"{prefix}_{uuid.uuid4().hex[:8]}"


def auth(role: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {TOKENS[role]}"}


@dataclass
class Api:
    url: str

    def __post_init__(self) -> None:
        self.http = httpx.Client(base_url=self.url, timeout=10)

    def close(self) -> None:
        self.http.close()

    def request(self, method: str, path: str, role: str | None = "operator", **kw: Any) -> httpx.Response:
        headers = {**(auth(role) if role else {}), **kw.pop("headers", {})}
        return self.http.request(method, path, headers=headers, **kw)

    def pair(self, body: dict[str, Any]) -> httpx.Response:
        return self.request("POST", "/v1/pairs", role="ingest", json=body)

    def batch(self, pairs: list[dict[str, Any]]) -> httpx.Response:
        return self.request("POST", "/v1/pairs/batch", role="ingest", json={"pairs": pairs})

    def put_flag(self, module: str, headers: dict[str, str] | None = None, **body: Any) -> httpx.Response:
        body.setdefault("reason", "test")
        return self.request("PUT", f"/v1/flags/{module}", json=body, headers=headers or {})

    def flag(self, module: str) -> dict[str, Any]:
        response = self.request("GET", f"/v1/flags/{module}", role="read")
        assert response.status_code == 200, response.text
        return dict(response.json())

    def history(self, module: str) -> list[dict[str, Any]]:
        response = self.request("GET", f"/v1/flags/{module}/history", role="read")
        assert response.status_code == 200, response.text
        return list(response.json()["history"])


def pair(
    module: str,
    legacy: Any,
    orm: Any,
    query_name: str = "q",
    **extra: Any,
) -> dict[str, Any]:
    return {
        "module": module,
        "query_name": query_name,
        "legacy": {"result": legacy, "latency_ms": 2.0},
        "orm": {"result": orm, "latency_ms": 3.0},
        **extra,
    }
