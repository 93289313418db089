"""The sampling contract (shadowdiff SPEC section 3), so client and service agree on every request.

``bucket`` is the first 8 bytes of SHA-256 over the UTF-8 of ``module + "\\n" + request_id``, read as a
big-endian unsigned integer, modulo 10,000; a request is in when its bucket is below
``round(rate * 10000)`` (Python's ``round``: half to even, 0.00025 -> 2). The serving ramp
(``serve_rate`` in ``orm``) uses the same function over ``module + "\\nserve"``. Tested against the
service's own vectors (``clients/hash-vectors.json``).
"""

from __future__ import annotations

import hashlib

BUCKETS = 10_000
SERVE_SALT = "\nserve"


def bucket(module: str, request_id: str) -> int:
    digest = hashlib.sha256(f"{module}\n{request_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") % BUCKETS


def threshold(rate: float) -> int:
    return round(min(max(rate, 0.0), 1.0) * BUCKETS)


def sampled(module: str, request_id: str, rate: float) -> bool:
    return bucket(module, request_id) < threshold(rate)


def orm_serves(module: str, request_id: str, serve_rate: float) -> bool:
    """In ``orm``: whether this request is in the ramp (the ORM serves it)."""
    return bucket(module + SERVE_SALT, request_id) < threshold(serve_rate)
