"""A small HTTP client for the rollback tests: flags, pairs, the webhook and the metrics of a live service."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
from prometheus_client.parser import text_string_to_metric_families

OPERATOR = "operator-token-0001"
HOOK = "alertmanager-token-0001"
READER = "read-token-0001"
INGEST = "ingest-token-0001"

TOKENS = json.dumps(
    [
        {"name": "oncall", "token": OPERATOR, "roles": ["operator"]},
        {"name": "alertmanager-hook", "token": HOOK, "roles": ["operator"]},
        {"name": "dashboard", "token": READER, "roles": ["read"]},
        {"name": "backend", "token": INGEST, "roles": ["ingest"]},
    ]
)


def unique(prefix: str) -> str:
    """A module name no other test uses, so tests can share one live service."""
    return f"{prefix}_{uuid.uuid4().hex[:8]}"


def pair(module: str, index: int, mismatch: bool) -> dict[str, Any]:
    email = "ada@example.com"
    return {
        "module": module,
        "query_name": "getUserByEmail",
        "request_id": f"req-{index}",
        "legacy": {"result": [{"id": index, "email": email, "full_name": "Ada"}], "latency_ms": 2.0},
        "orm": {
            "result": [{"id": index, "email": email, "fullName": "Ada L." if mismatch else "Ada"}],
            "latency_ms": 2.5,
        },
    }


@dataclass
class Api:
    url: str

    def _call(
        self, method: str, path: str, token: str | None, headers: dict[str, str] | None = None, **kwargs: Any
    ) -> httpx.Response:
        sent = {**(headers or {}), **({"Authorization": f"Bearer {token}"} if token else {})}
        return httpx.request(method, self.url + path, headers=sent, timeout=10, **kwargs)

    def put_flag(self, module: str, state: str, auto_rollback: bool | str) -> dict[str, Any]:
        # force: the set-up jumps straight to a state, past the lifecycle rails (tested in tests/api)
        body = {"state": state, "auto_rollback": auto_rollback, "reason": "test set-up", "force": True}
        response = self._call("PUT", f"/v1/flags/{module}", OPERATOR, json=body)
        assert response.status_code in (200, 201), response.text
        result: dict[str, Any] = response.json()
        return result

    def flag(self, module: str) -> dict[str, Any]:
        response = self._call("GET", f"/v1/flags/{module}", READER)
        assert response.status_code == 200, response.text
        result: dict[str, Any] = response.json()
        return result

    def history(self, module: str) -> list[dict[str, Any]]:
        """Newest first."""
        response = self._call("GET", f"/v1/flags/{module}/history", READER)
        assert response.status_code == 200, response.text
        entries: list[dict[str, Any]] = response.json()["history"]
        return entries

    def get(self, path: str) -> dict[str, Any]:
        response = self._call("GET", path, READER)
        assert response.status_code == 200, response.text
        result: dict[str, Any] = response.json()
        return result

    def mismatches(self, module: str) -> list[dict[str, Any]]:
        samples: list[dict[str, Any]] = self.get(f"/v1/mismatches?module={module}")["mismatches"]
        return samples

    def post_pairs(self, module: str, count: int, mismatch: bool, start: int = 0) -> list[str]:
        if count == 0:
            return []
        pairs = [pair(module, start + i, mismatch) for i in range(count)]
        response = self._call("POST", "/v1/pairs/batch", INGEST, json={"pairs": pairs})
        assert response.status_code in (200, 202), response.text
        return [item["outcome"] for item in response.json()["results"]]

    def webhook(self, payload: dict[str, Any] | bytes, token: str | None = HOOK) -> httpx.Response:
        """POST a payload (a dict, or raw bytes to send malformed bodies) as Alertmanager does."""
        if isinstance(payload, bytes):
            headers = {"Content-Type": "application/json"}
            return self._call("POST", "/v1/alerts/alertmanager", token, content=payload, headers=headers)
        return self._call("POST", "/v1/alerts/alertmanager", token, json=payload)

    def metric(self, name: str, **labels: str) -> float:
        """The value of one sample of the exposition (0 when the series does not exist yet)."""
        response = self._call("GET", "/metrics", READER)
        assert response.status_code == 200, response.text
        for family in text_string_to_metric_families(response.text):
            for sample in family.samples:
                if sample.name == name and all(sample.labels.get(k) == v for k, v in labels.items()):
                    return float(sample.value)
        return 0.0


def wait_for(check: Callable[[], bool], seconds: float, what: str) -> None:
    """Poll ``check`` until it holds; fail naming ``what`` after ``seconds``."""
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} did not happen within {seconds:g} s")
        time.sleep(0.2)
