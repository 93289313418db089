"""JSON text: a string holding a JSON object or array against the parsed value.

Reference: :func:`json_of_text` (objects and arrays only: a JSON scalar in text stays text unless the
field is declared ``json``, which guards against double encoding) and :func:`declared_json_of`.
Accelerators: :func:`json_text_is` (one value spelled the same once parsed) and
:func:`json_text_column` (a whole column), both only able to say "equal".
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

import orjson

from comparators.rules import JSON_TEXT, NO

_LONG_INTEGER = re.compile(r"[0-9]{20}|-[0-9]{19}")
"""Where an integer beyond 64 bits can be: 20 digits (past 2**64 - 1), or a minus and 19 (past -2**63)."""

# The search above cost ~1 us on a 50-character JSON text, more than orjson.loads of it (~0.3 us),
# and a one-row pair with a JSON text column got 30% slower. Every match holds 19 digits in a row,
# found first with C loops over the bytes (each digit mapped to "0", all else to " "); the pattern
# then runs only on the rare text that has them.
_DIGITS_AS_ZEROS = bytes([0x30 if 0x30 <= byte <= 0x39 else 0x20 for byte in range(256)])
_NINETEEN_DIGITS = b"0" * 19


def may_hold_long_integer(text: str) -> bool:
    """Whether ``text`` has 20 digits in a row or a minus and 19 (``_LONG_INTEGER``; a property test
    ties the two)."""
    digits = text.encode("utf-8", "surrogatepass").translate(_DIGITS_AS_ZEROS)
    return _NINETEEN_DIGITS in digits and _LONG_INTEGER.search(text) is not None


def _finite_float(text: str) -> float:
    value = float(text)
    if math.isinf(value):
        raise ValueError(f"{text} is beyond a double's range")  # (orjson refuses it too)
    return value


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _loads(text: str) -> Any:
    """``orjson.loads``, except for text that may hold an integer beyond 64 bits: orjson reads one as a
    float, so ``[18446744073709551617]`` would equal ``[18446744073709551616]``, and SPEC compares
    integers exactly at any size. That rare text takes the stdlib parser, held to what orjson accepts
    (no NaN, no number beyond a double). Raises ValueError (or RecursionError) when it is not JSON."""
    if not may_hold_long_integer(text):
        return orjson.loads(text)
    return json.loads(text, parse_float=_finite_float, parse_constant=_no_constant)


def json_of_text(text: str) -> dict[str, Any] | list[Any] | None:
    """The object or array a string holds as JSON text (``'{"a": 1}'``, a json/jsonb column read as
    text), or None. Strings holding JSON scalars (``'1'``, ``'"a"'``) are not read: they are text."""
    first = text[:1]
    if first not in "{[" or not first:
        stripped = text.lstrip()
        first = stripped[:1]
        if first not in "{[" or not first:
            return None
    try:
        value = _loads(text)
    except (ValueError, RecursionError):  # (orjson.JSONDecodeError is a ValueError)
        return None
    return value if isinstance(value, dict | list) else None


def declared_json_of(value: Any) -> Any:
    """For a field declared ``json``: text holding any JSON value (scalars too) is that value, and
    every empty object is an empty array (PHP decodes objects into arrays, so ``{}`` and ``[]`` are
    one value). Text that is not JSON stays as it is."""
    if type(value) is str:
        try:
            value = _loads(value)
        except (ValueError, RecursionError):
            return value
    return _empty_objects_as_arrays(value)


def _empty_objects_as_arrays(value: Any) -> Any:
    kind = type(value)
    if kind is dict:
        if not value:
            return []
        return {k: _empty_objects_as_arrays(v) for k, v in value.items()}
    if kind is list:
        return [_empty_objects_as_arrays(v) for v in value]
    return value


def json_text_is(text: str, value: dict[str, Any] | list[Any]) -> bool:
    """Whether JSON text holds exactly ``value``, spelled the same (no rule needed): one parse, two dumps."""
    try:
        return orjson.dumps(orjson.loads(text)) == orjson.dumps(value)
    except (orjson.JSONDecodeError, orjson.JSONEncodeError):
        return False


def json_text_column(texts: tuple[Any, ...], values: tuple[Any, ...]) -> int:
    """A column of JSON texts against objects or arrays spelled the same once parsed."""
    if not set(map(type, values)) <= {dict, list}:
        return NO
    try:
        parsed = orjson.loads("[" + ",".join(texts) + "]")
    except orjson.JSONDecodeError:
        return NO
    # One value per text (a text holding "1,2" would shift the rest and fail this count), and the
    # same JSON as the other side, which holds objects or arrays only.
    if len(parsed) != len(texts):
        return NO
    try:
        return JSON_TEXT if orjson.dumps(parsed) == orjson.dumps(values) else NO
    except orjson.JSONEncodeError:
        return NO
