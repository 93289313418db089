"""Field names: ``full_name``, ``fullName`` and ``FullName`` are one field."""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=4096)
def canonical_name(name: str) -> str:
    """Underscores and letter case do not count. Callers fall back to exact names when two keys of
    one object collide."""
    return name.replace("_", "").lower()
