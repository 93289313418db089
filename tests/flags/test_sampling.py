"""Sampling is part of the wire contract: clients reimplement the hash, so its values are pinned."""

import hashlib
import random

import pytest

from flags.sampling import BUCKETS, bucket, is_sampled, is_served


@pytest.mark.parametrize(
    ("module", "request_id", "expected"),
    [
        ("auth", "req-1", 1814),
        ("auth", "req-2", 1975),
        ("billing", "req-1", 60),
        ("tasks", "550e8400-e29b-41d4-a716-446655440000", 3453),
    ],
)
def test_bucket_values_never_change(module: str, request_id: str, expected: int) -> None:
    assert bucket(module, request_id) == expected


def test_raising_the_rate_only_adds_pairs() -> None:
    ids = [f"r{i}" for i in range(5000)]
    at_1 = {r for r in ids if is_sampled("auth", r, 0.01)}
    at_5 = {r for r in ids if is_sampled("auth", r, 0.05)}
    assert at_1 < at_5


def test_rate_is_roughly_honoured() -> None:
    hits = sum(is_sampled("auth", f"r{i}", 0.25) for i in range(20_000))
    assert 0.23 < hits / 20_000 < 0.27


@pytest.mark.parametrize(("rate", "expected"), [(0.0, False), (1.0, True)])
def test_rate_zero_and_one_are_absolute(rate: float, expected: bool) -> None:
    assert all(is_sampled("m", f"r{i}", rate) is expected for i in range(200))
    assert is_sampled("m", None, rate) is expected


def test_without_request_id_the_decision_is_random() -> None:
    rng = random.Random(7)
    hits = sum(is_sampled("m", None, 0.5, rng) for _ in range(4000))
    assert 0.45 < hits / 4000 < 0.55


def test_buckets_cover_the_whole_range() -> None:
    seen = {bucket("m", str(i)) for i in range(50_000)}
    assert min(seen) == 0 and max(seen) == BUCKETS - 1


@pytest.mark.parametrize(
    ("module", "request_id", "expected"),
    [("auth", "req-1", 2575), ("billing", "req-1", 4573)],
)
def test_the_serving_ramp_hashes_module_and_serve(module: str, request_id: str, expected: int) -> None:
    """SPEC 3: the same function over ``module + "\\nserve"``; pinned like the sampling buckets."""
    digest = hashlib.sha256(f"{module}\nserve\n{request_id}".encode()).digest()
    assert int.from_bytes(digest[:8], "big") % BUCKETS == expected
    assert is_served(module, request_id, (expected + 1) / BUCKETS)
    assert not is_served(module, request_id, expected / BUCKETS)


def test_raising_serve_rate_only_adds_requests_and_is_independent_of_sampling() -> None:
    ids = [f"r{i}" for i in range(5000)]
    ramps = [{r for r in ids if is_served("auth", r, rate)} for rate in (0.01, 0.1, 0.5, 1.0)]
    assert ramps[0] < ramps[1] < ramps[2] < ramps[3] == set(ids)
    sampled = {r for r in ids if is_sampled("auth", r, 0.1)}
    assert sampled != ramps[1]  # its own salt: the compared tenth is not the served tenth
