"""Reading the live service from the client tests: flags, metrics by module, mismatch samples."""

from __future__ import annotations

import time
from typing import Any

import httpx
from prometheus_client.parser import text_string_to_metric_families
from shadowdiff_client import Shadow

from tests.api.client import Api


def outcomes(api: Api, module: str) -> dict[str, float]:
    """``shadow_comparisons_total`` of one module by outcome (zeros left out)."""
    return _by_label(api, "shadow_comparisons", module, "outcome")


def orm_errors(api: Api, module: str) -> dict[str, float]:
    """``db_prisma_errors_total`` of one module by error type."""
    return _by_label(api, "db_prisma_errors", module, "errorType")


def _by_label(api: Api, family_name: str, module: str, label: str) -> dict[str, float]:
    found: dict[str, float] = {}
    for family in text_string_to_metric_families(api.request("GET", "/metrics", role=None).text):
        if family.name == family_name:
            for sample in family.samples:
                if sample.name.endswith("_total") and sample.labels.get("module") == module:
                    key = sample.labels[label]
                    found[key] = found.get(key, 0.0) + sample.value
    return {k: v for k, v in found.items() if v}


def wait_for(check: Any, timeout: float = 15.0, what: str = "condition") -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


def wait_for_config(shadow: Shadow) -> None:
    wait_for(lambda: shadow.stats()["config_age_s"] is not None, what="the first /v1/config answer")


def set_state(api: Api, module: str, state: str) -> None:
    """Move a module's flag; a move the service gates (readiness, skipped stage) is forced."""
    response = api.put_flag(module, state=state)
    if response.status_code in (409, 422):
        response = api.put_flag(module, state=state, force=True)
    assert response.status_code in (200, 201), response.text


def mismatches(api: Api, module: str) -> list[dict[str, Any]]:
    response = api.request("GET", f"/v1/mismatches?module={module}", role="read")
    assert response.status_code == 200, response.text
    return list(response.json()["mismatches"])


class LoseFirstBatchAnswer(httpx.BaseTransport):
    """A real HTTP transport that delivers the first batch post to the service and then loses its
    answer (as a dropped connection would): the client must retry, and the service count it once."""

    def __init__(self) -> None:
        self.inner = httpx.HTTPTransport()
        self.lost = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        if request.url.path == "/v1/pairs/batch" and not self.lost:
            response.read()
            response.close()
            self.lost += 1
            raise httpx.ReadError("connection lost before the answer arrived", request=request)
        return response

    def close(self) -> None:
        self.inner.close()
