"""Deterministic sampling: part of the wire contract, so clients can decide locally.

``bucket(module, request_id)`` is the first 8 bytes of SHA-256 over ``module + "\\n" + request_id``
(UTF-8), read as a big-endian unsigned integer, modulo 10,000. A pair is sampled when its bucket is
below ``round(rate * 10000)``. Raising a rate therefore only adds buckets: a pair sampled at 1% is
still sampled at 5%. This function must never change; clients in other languages reimplement it.
"""

from __future__ import annotations

import hashlib
import random

BUCKETS = 10_000


def bucket(module: str, request_id: str) -> int:
    digest = hashlib.sha256(f"{module}\n{request_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") % BUCKETS


def threshold(rate: float) -> int:
    """Number of buckets (out of 10,000) that a rate samples."""
    return round(min(max(rate, 0.0), 1.0) * BUCKETS)


def is_sampled(module: str, request_id: str | None, rate: float, rng: random.Random | None = None) -> bool:
    """Without a request_id the decision is random (there is nothing for client and server to agree on)."""
    limit = threshold(rate)
    if limit >= BUCKETS:
        return True
    if limit <= 0:
        return False
    if request_id is None:
        return (rng or random).randrange(BUCKETS) < limit
    return bucket(module, request_id) < limit


SERVE_SALT = "\nserve"
"""The serving ramp hashes ``module + "\\nserve"`` in place of ``module`` (SPEC 3), so which requests the
ORM serves is independent of which requests are compared."""


def is_served(
    module: str, request_id: str | None, serve_rate: float, rng: random.Random | None = None
) -> bool:
    """In ``orm``: whether the ORM result is served for this request (the ramp). Same bucket rule as
    sampling, so raising ``serve_rate`` only adds requests."""
    return is_sampled(module + SERVE_SALT, request_id, serve_rate, rng)
