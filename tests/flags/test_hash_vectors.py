"""clients/hash-vectors.json is what flags/sampling.py computes, and what SPEC section 3 says."""

from __future__ import annotations

import hashlib

import orjson

from flags.vectors import OUTPUT, render


def test_the_committed_vector_file_is_what_the_functions_compute() -> None:
    assert OUTPUT.read_bytes() == render(), "clients/hash-vectors.json drifted: run `python -m flags.vectors`"


def contract_bucket(module: str, request_id: str) -> int:
    """SPEC section 3 written out again from its text, independently of flags.sampling."""
    digest = hashlib.sha256((module + "\n" + request_id).encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") % 10_000


def test_every_vector_follows_the_contract_text() -> None:
    data = orjson.loads(OUTPUT.read_bytes())
    assert data["sample"] and data["serve"]
    for v in data["sample"]:
        assert v["bucket"] == contract_bucket(v["module"], v["request_id"])
    for v in data["serve"]:
        assert v["bucket"] == contract_bucket(v["module"] + "\nserve", v["request_id"])
    by_module = {(v["module"], v["request_id"]): v["bucket"] for v in data["sample"]}
    for v in data["sampled"]:
        buckets = next(t["buckets"] for t in data["threshold"] if t["rate"] == v["rate"])
        assert v["sampled"] == (by_module[v["module"], v["request_id"]] < buckets)


def test_rates_round_half_to_even() -> None:
    rounding = {t["rate"]: t["buckets"] for t in orjson.loads(OUTPUT.read_bytes())["threshold"]}
    assert rounding[0.00025] == 2  # 2.5 -> 2, not 3 (JavaScript's Math.round would say 3)
    assert rounding[0.00035] == 4  # 3.5 -> 4
    assert rounding[0.00005] == 0
    assert rounding[1.0] == 10_000
