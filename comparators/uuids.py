"""UUIDs by their 128-bit value: hyphenated or 32 hex digits, braces or ``urn:uuid:``, any letter case.

Reference: :func:`uuid_of`. Accelerators: :func:`uuids_equal` (the usual pair: hyphenated, another
letter case) and :func:`uuid_column` (a whole column of those), both only able to say "equal".
"""

from __future__ import annotations

import re
from typing import Any, Final

from comparators.rules import NO, UUID

_HEX = "[0-9a-f]"
_UUID_LOWER = re.compile(rf"{_HEX}{{8}}-{_HEX}{{4}}-{_HEX}{{4}}-{_HEX}{{4}}-{_HEX}{{12}}")
_UUID_ANY = re.compile(
    r"(?:urn:uuid:|\{)?+([0-9a-f]{8})-?+([0-9a-f]{4})-?+([0-9a-f]{4})-?+([0-9a-f]{4})-?+([0-9a-f]{12})\}?+"
)
_UUIDS = re.compile(rf"(?:{_UUID_LOWER.pattern}\n)*+{_UUID_LOWER.pattern}")
UUID_LENGTHS: Final = frozenset({32, 36, 38, 45})
"""32 hex digits, hyphenated, in braces, after ``urn:uuid:``."""


def uuid_of(text: str) -> int | None:
    """The 128-bit value of a UUID in any of its spellings, or None. Hyphens are all there (8-4-4-4-12)
    or none are; braces come in pairs; ``urn:uuid:`` only before a hyphenated one."""
    if len(text) not in UUID_LENGTHS:
        return None
    lowered = text.lower()
    match = _UUID_ANY.fullmatch(lowered)
    if match is None:
        return None
    hyphens = lowered.count("-")
    if hyphens not in (0, 4):
        return None
    braced = lowered[0] == "{"
    if braced != (lowered[-1] == "}") or (lowered.startswith("urn:uuid:") and hyphens != 4):
        return None
    return int("".join(match.groups()), 16)


def uuid_rules(a: str, b: str) -> int:
    left = uuid_of(a)
    return UUID if left is not None and left == uuid_of(b) else NO


def uuids_equal(a: str, b: str) -> bool:
    """Two hyphenated UUIDs that differ only in letter case (the commonest pair)."""
    lower = a.lower()
    return lower == b.lower() and _UUID_LOWER.fullmatch(lower) is not None


def uuid_column(legacy: tuple[Any, ...], orm: tuple[Any, ...]) -> int:
    """A column of hyphenated UUIDs against the same in another letter case: one join, one pattern."""
    lowered = "\n".join(legacy).lower()
    return UUID if lowered == "\n".join(orm).lower() and _UUIDS.fullmatch(lowered) is not None else NO
