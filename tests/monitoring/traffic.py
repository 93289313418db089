"""Pairs for the live tests: a clean module, a module with planted mismatches, a few errors each side."""

from __future__ import annotations

from typing import Any

import httpx

PLANTED = "orders"  # one pair in five differs
CLEAN = "customers"  # every pair matches (representation differences only)


def pair(
    module: str, query_name: str, i: int, *, mismatch: bool = False, error: str | None = None
) -> dict[str, Any]:
    """One pair whose sides differ only in representation unless ``mismatch``; ``error`` fails a side."""
    legacy: dict[str, Any] = {
        "result": [{"id": i, "total": "12.50", "full_name": f"c{i}"}],
        "latency_ms": 3 + i % 7,
    }
    orm: dict[str, Any] = {
        "result": [{"id": i, "total": 13.25 if mismatch else 12.5, "fullName": f"c{i}"}],
        "latency_ms": 4 + i % 11,
    }
    if error == "sql":
        legacy = {"result": None, "latency_ms": 30, "error": {"type": "QueryCanceled", "message": "timeout"}}
    elif error == "prisma":
        orm = {
            "result": None,
            "latency_ms": 30,
            "error": {"type": "PrismaClientKnownRequestError", "message": "P2024"},
        }
    return {
        "module": module,
        "query_name": query_name,
        "request_id": f"{module}-{i}",
        "legacy": legacy,
        "orm": orm,
    }


def round_of_pairs(round_number: int, size: int = 50) -> list[dict[str, Any]]:
    start = round_number * size
    pairs = [pair(CLEAN, "getCustomer", i) for i in range(start, start + size)]
    pairs += [pair(PLANTED, "getOrder", i, mismatch=i % 5 == 0) for i in range(start, start + size)]
    pairs += [
        pair(CLEAN, "getCustomer", start, error="sql"),
        pair(CLEAN, "getCustomer", start + 1, error="prisma"),
        pair(PLANTED, "getOrder", start, error="prisma"),
    ]
    return pairs


def post(service_url: str, pairs: list[dict[str, Any]], token: str | None = None) -> dict[str, int]:
    """Post a batch; returns how many pairs came back with each outcome."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = httpx.post(f"{service_url}/v1/pairs/batch", json={"pairs": pairs}, headers=headers, timeout=30)
    assert response.status_code == 202, response.text
    outcomes: dict[str, int] = {}
    for result in response.json()["results"]:
        outcome = result.get("outcome", "rejected")
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    return outcomes
