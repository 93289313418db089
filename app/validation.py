"""Hand validation of request input: names, numbers and nesting depth, with messages that name the field.

The ingest path does not build pydantic models over result payloads (they are arbitrary JSON and the
models would cost more than the diff); these helpers check exactly what the service relies on.
"""

from __future__ import annotations

import json
import math
import re
import zlib
from dataclasses import dataclass
from typing import Any

import orjson

from app.errors import BodyTooLarge, InvalidPayload, MalformedJson, UnsupportedEncoding
from app.text_patterns import NAME
from comparators.shape import shape

NAME_PATTERN = NAME.regex
_NAME = re.compile(NAME_PATTERN)


def check_name(value: object, what: str) -> str:
    if not isinstance(value, str):
        raise InvalidPayload(f"{what} must be a string matching [A-Za-z0-9_.:-]{{1,128}}, not {_kind(value)}")
    if _NAME.match(value) is None or value.endswith("\n"):
        shown = value if len(value) <= 40 else value[:40] + "..."
        raise InvalidPayload(
            f"{what} {shown!r} is not a valid name: use 1 to 128 of the characters A-Z a-z 0-9 _ . : -"
        )
    return value


def check_number(value: object, what: str, minimum: float = 0.0) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidPayload(f"{what} must be a number, not {_kind(value)}")
    number = float(value)
    if not math.isfinite(number) or number < minimum:
        raise InvalidPayload(f"{what} must be a finite number >= {minimum:g}, not {value!r}")
    return number


# orjson reads integers beyond 64 bits as floats, which would make 10**30 and 10**30 + 1 equal. Only a
# body with a run of 20 or more digits (past 2**64 - 1), or a minus and 19 (past -2**63: -2**63 - 1 has
# 19 digits), can hold one; those few take the exact stdlib parser. The scan runs only for a body in
# which orjson found a float of magnitude 2**63 or more (``parse_body``). The run is found by mapping
# every digit to "0", the minus to itself and anything else to " " (bytes.translate, then substring
# searches: C loops); a regular expression for the same run cost five times a whole orjson.loads.
_DIGITS_ONLY = bytes(0x30 if 0x30 <= byte <= 0x39 else byte if byte == 0x2D else 0x20 for byte in range(256))
_TWENTY_DIGITS = b"0" * 20
_MINUS_NINETEEN_DIGITS = b"-" + b"0" * 19


def has_long_digit_run(body: bytes) -> bool:
    digits = body.translate(_DIGITS_ONLY)
    return _TWENTY_DIGITS in digits or _MINUS_NINETEEN_DIGITS in digits


_INT64_MIN, _UINT64_MAX = -(2**63), 2**64 - 1


def _big_int_as_text(text: str) -> int | str:
    """Integers past orjson's 64-bit range are carried as their decimal text: by the comparison rules
    (SPEC 2) that text and the number are the same value, and orjson can serialize it back out."""
    value = int(text)
    return value if _INT64_MIN <= value <= _UINT64_MAX else text


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


class _OutOfRange(ValueError):
    pass


def _out_of_range(number: str, where: str = "") -> InvalidPayload:
    """One answer from both parsers: a number no double can hold is refused, never read as infinity."""
    shown = number if len(number) <= 40 else number[:40] + "..."
    return InvalidPayload(
        f"the number {shown}{where} is outside the range of a double (about ±1.8e308); "
        "send it as a string if the value is meant"
    )


def _finite_float(text: str) -> float:
    value = float(text)
    if math.isinf(value):
        raise _OutOfRange(text)
    return value


_NUMBER_AT = re.compile(rb"-?[0-9][0-9.eE+-]*")


def _infinite_number(body: bytes, pos: int) -> str:
    """The number orjson refused: at ``pos`` (a character index, a byte index in ASCII bodies),
    else the first number in the body that a double cannot hold."""
    found = _NUMBER_AT.match(body, pos)
    candidates = [found] if found else []
    candidates += list(_NUMBER_AT.finditer(body))
    for match in candidates:
        text = match.group().decode()
        try:
            if math.isinf(float(text)):
                return text
        except ValueError:
            continue
    return "?"


def _exact_loads(body: bytes, max_depth: int) -> Any:
    try:
        data = json.loads(
            body, parse_int=_big_int_as_text, parse_float=_finite_float, parse_constant=_no_constants
        )
        orjson.dumps(data)  # what orjson would refuse to read (a lone surrogate) it cannot write back
        return data
    except _OutOfRange as exc:
        raise _out_of_range(str(exc)) from exc
    except orjson.JSONEncodeError as exc:
        raise MalformedJson(f"the body is not valid JSON: {exc}") from exc
    except RecursionError as exc:
        raise InvalidPayload(
            f"the body nests deeper than the limit of {max_depth} levels (SHADOWDIFF_MAX_DEPTH)"
        ) from exc
    except (ValueError, UnicodeDecodeError) as exc:  # json.JSONDecodeError is a ValueError
        raise MalformedJson(f"the body is not valid JSON: {exc}") from exc


_GZIP = 16 + zlib.MAX_WBITS  # zlib's window bits for the gzip wrapper


def decode_body(body: bytes, encoding: str | None, limit: int) -> bytes:
    """The body as sent before ``Content-Encoding`` (``gzip`` or ``identity``), at most ``limit`` bytes.

    Inflation stops one byte past the limit (``max_length``), so a compression bomb costs at most
    ``limit`` bytes of memory and the time to inflate that much, then 413. Concatenated gzip members
    (what ``cat a.gz b.gz`` makes) are read like ``gzip.decompress`` reads them.
    """
    if encoding is None:
        return body
    coding = encoding.strip().lower()
    if coding in ("", "identity"):
        return body
    if coding not in ("gzip", "x-gzip"):
        raise UnsupportedEncoding(
            f"Content-Encoding {encoding!r} is not supported; send the body as is or gzip-compressed"
        )
    out: list[bytes] = []
    size = 0
    rest = body
    try:
        while rest:
            inflater = zlib.decompressobj(_GZIP)
            chunk = inflater.decompress(rest, limit + 1 - size)
            size += len(chunk)
            if size > limit or inflater.unconsumed_tail:
                raise BodyTooLarge(limit)
            out.append(chunk)
            if not inflater.eof:
                raise MalformedJson("the gzip body ends early (truncated); send the whole compressed body")
            rest = inflater.unused_data
    except zlib.error as exc:
        raise MalformedJson(f"the body says Content-Encoding: gzip but is not valid gzip: {exc}") from exc
    return b"".join(out)


@dataclass(frozen=True, slots=True)
class Parsed:
    """A request body as parsed: ``data``, and for a batch ``{"pairs": [...]}`` a bound per pair on its
    size as compact JSON, in bytes (``comparators.shape``: never below the size; ``None`` for any other
    body)."""

    data: Any
    pair_bounds: list[int] | None = None


def parse_json(body: bytes, max_depth: int) -> Any:
    """orjson.loads plus the nesting limit; errors say where the JSON broke."""
    return parse_body(body, max_depth).data


def parse_body(body: bytes, max_depth: int, *, batch: bool = False) -> Parsed:
    """``parse_json``, and with ``batch`` each pair's size bound, found in the same walk.

    Integers past 64 bits are read exactly (as their decimal text): orjson reads them through a
    float, which only a float of magnitude 2**63 or more can be, so only a body holding one (or a
    number orjson found infinite) is scanned for the digits and, when it has them, parsed again by
    the exact parser."""
    if not body:
        raise MalformedJson("the request body is empty; send a JSON object")
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        if "depth limit" in str(exc) or "recursion" in str(exc):  # orjson stops at 1024 levels
            raise _too_deep(max_depth) from exc
        if "infinity" in str(exc):  # orjson: "number is infinity when parsed as double"
            if has_long_digit_run(body):  # an integer too long for a double is still exact text
                return _shaped(_exact_loads(body, max_depth), max_depth, batch)[0]
            raise _out_of_range(_infinite_number(body, exc.pos), f" at character {exc.pos}") from exc
        raise MalformedJson(f"the body is not valid JSON: {exc}") from exc
    parsed, wide = _shaped(data, max_depth, batch)
    if wide and has_long_digit_run(body):
        parsed = _shaped(_exact_loads(body, max_depth), max_depth, batch)[0]
    return parsed


def _shaped(data: Any, max_depth: int, batch: bool) -> tuple[Parsed, bool]:
    """The nesting check (refuses past ``max_depth``), the pairs' size bounds, and whether a float
    orjson read may have been a 64-bit-overflowing integer."""
    pairs = data.get("pairs") if batch and max_depth >= 2 and type(data) is dict and len(data) == 1 else None
    if type(pairs) is not list:
        found = shape(data, max_depth)
        if found.deeper:
            raise _too_deep(max_depth)
        return Parsed(data), found.wide
    bounds: list[int] = []
    wide = False
    for item in pairs:  # a pair is two levels below the body: {"pairs": [pair]}
        found = shape(item, max_depth - 2)
        if found.deeper:
            raise _too_deep(max_depth)
        wide = wide or found.wide
        bounds.append(found.bound)
    return Parsed(data, bounds), wide


def _too_deep(max_depth: int) -> InvalidPayload:
    return InvalidPayload(
        f"the body nests deeper than the limit of {max_depth} levels (SHADOWDIFF_MAX_DEPTH)"
    )


def too_deep(value: Any, limit: int) -> bool:
    """Whether containers nest more than ``limit`` levels in the parsed value: the reference for
    ``comparators.shape``'s ``deeper``, and the check for a value that did not come from a body.

    Iterative (cannot overflow the stack) and with exact ``type() is`` checks, which cost a third of
    ``isinstance`` against a union here; orjson itself refuses nesting past 1024.
    """
    kind = type(value)
    if kind is not dict and kind is not list:
        return False
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        for child in node.values() if type(node) is dict else node:
            kind = type(child)
            if kind is dict or kind is list:
                if depth >= limit:
                    return True
                stack.append((child, depth + 1))
    return False


def _kind(value: object) -> str:
    if value is None:
        return "null"
    return {
        bool: "a boolean",
        int: "a number",
        float: "a number",
        str: "a string",
        list: "an array",
        dict: "an object",
    }.get(type(value), type(value).__name__)
