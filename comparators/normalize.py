"""Canonical (hashable) forms of values, for row keys and for pairing identical rows.

Each representation rule lives in its family's module (numbers, booleans, instants, durations, binary,
text_arrays, wrappers, json_text, uuids); this module only builds a hashable form under which values
the rules call equal are (nearly always) equal, from those modules' reference readers.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from datetime import tzinfo
from decimal import Decimal
from typing import Any

from comparators.durations import duration_of, looks_like_duration
from comparators.instants import instant_of, looks_like_instant
from comparators.json_text import json_of_text
from comparators.names import canonical_name
from comparators.numbers import number_of_text
from comparators.uuids import UUID_LENGTHS, uuid_of
from comparators.wrappers import looks_wrapped, unwrap

__all__ = ["canonical_name", "canonical_value"]


def canonical_value(
    value: Any,
    *,
    strict: bool,
    naive_tz: tzinfo | None,
    rename: Mapping[str, str] | None = None,
    ignore: frozenset[str] = frozenset(),
) -> Hashable:
    """A hashable form under which values the rules call equal are (nearly always) equal.

    Used to key rows (``1007`` and ``"1007"``, ``{"$oid": "65a…"}`` and ``"65a…"`` address the same
    row) and to pair identical rows before any field is compared. Exact for integers, decimals, text,
    UUIDs, durations, JSON text and wrappers; floats are taken at their shortest repr, instants at full
    written precision with trailing zeros dropped, so values equal only through the tolerance, the
    coarser-precision rule or a cross-type rule (booleans, epochs, bytes) get different forms: callers
    fall back to pairwise comparison for what this does not pair.
    """
    kind = type(value)
    if value is None:
        return None
    if kind is bool:
        return ("b", value)
    if kind is int:
        return ("n", value)
    if kind is float:
        return ("n", Decimal(repr(value)))
    if kind is str:
        return _canonical_text(value, strict, naive_tz, rename, ignore)
    if kind is dict:
        if not strict and looks_wrapped(value):
            unwrapped = unwrap(value)
            if unwrapped is not None:
                return canonical_value(unwrapped[1], strict=strict, naive_tz=naive_tz, ignore=ignore)
        items = []
        for key, item in value.items():
            name = canonical_name(rename.get(key, key) if rename else key)
            if name in ignore:
                continue
            items.append((name, canonical_value(item, strict=strict, naive_tz=naive_tz, ignore=ignore)))
        return ("o", frozenset(items))
    if kind is list:
        members = [canonical_value(v, strict=strict, naive_tz=naive_tz, ignore=ignore) for v in value]
        if value and all(type(v) is dict for v in value):
            counts: dict[Hashable, int] = {}
            for member in members:
                counts[member] = counts.get(member, 0) + 1
            return ("A", frozenset(counts.items()))
        return ("a", tuple(members))
    if kind is bytes:
        return ("x", value)
    return ("?", repr(value))


def _canonical_text(
    text: str, strict: bool, naive_tz: tzinfo | None, rename: Mapping[str, str] | None, ignore: frozenset[str]
) -> Hashable:
    if strict or not text:
        return ("s", text)
    number = number_of_text(text)
    if number is not None:
        return ("n", number)
    if looks_like_instant(text):
        instant = instant_of(text, naive_tz)
        if instant is not None:
            return ("t", instant[0], instant[1].rstrip("0"))
    if len(text) in UUID_LENGTHS:
        found = uuid_of(text)
        if found is not None:
            return ("u", found)
    if looks_like_duration(text):
        duration = duration_of(text)
        if duration is not None:
            return ("d", duration)
    parsed = json_of_text(text)
    if parsed is not None:
        return canonical_value(parsed, strict=strict, naive_tz=naive_tz, rename=rename, ignore=ignore)
    return ("s", text)
