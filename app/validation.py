"""Hand validation of request input: names, numbers and nesting depth, with messages that name the field.

The ingest path does not build pydantic models over result payloads (they are arbitrary JSON and the
models would cost more than the diff); these helpers check exactly what the service relies on.
"""

from __future__ import annotations

import json
import math
import re
import zlib
from typing import Any

import orjson

from app.errors import BodyTooLarge, InvalidPayload, MalformedJson, UnsupportedEncoding
from app.text_patterns import NAME

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
# 19 digits), can hold one; those few take the exact stdlib parser. The run is found by mapping every
# digit to "0", the minus to itself and anything else to " " (bytes.translate, then substring
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


def parse_json(body: bytes, max_depth: int) -> Any:
    """orjson.loads plus the nesting limit; errors say where the JSON broke."""
    if not body:
        raise MalformedJson("the request body is empty; send a JSON object")
    if has_long_digit_run(body):
        data = _exact_loads(body, max_depth)
    else:
        try:
            data = orjson.loads(body)
        except orjson.JSONDecodeError as exc:
            if "depth limit" in str(exc) or "recursion" in str(exc):  # orjson stops at 1024 levels
                raise InvalidPayload(
                    f"the body nests deeper than the limit of {max_depth} levels (SHADOWDIFF_MAX_DEPTH)"
                ) from exc
            if "infinity" in str(exc):  # orjson: "number is infinity when parsed as double"
                raise _out_of_range(_infinite_number(body, exc.pos), f" at character {exc.pos}") from exc
            raise MalformedJson(f"the body is not valid JSON: {exc}") from exc
    # A body with fewer brackets than the limit cannot nest deeper: skip the scan (single pairs).
    shallow = len(body) < 65536 and body.count(b"[") + body.count(b"{") <= max_depth
    if not shallow and nests_deeper(body, max_depth):
        raise InvalidPayload(
            f"the body nests deeper than the limit of {max_depth} levels (SHADOWDIFF_MAX_DEPTH)"
        )
    return data


# The nesting check on the body's bytes, an accelerator of ``too_deep`` (a property test ties them).
# Walking the parsed value visits every leaf: 28 us a pair of the ingest benchmark's 100-pair batch,
# 13% of the server's time under load (py-spy). This keeps only the bytes that decide nesting, with
# C loops (translate, replace, one regular expression): brackets as "(" and ")", quotes, and each
# backslash with the character after it ("x" for an escape other than \" or \\), so that escaped
# quotes can be told from real ones. It is exact for a body that parsed as JSON: a UTF-8 body never
# holds these bytes inside a multi-byte character, and every backslash starts a two-character escape.
_KEPT = b'[]{}"'
_ESCAPE_SECONDS = b"bfnrtu/"  # the escapes besides \" and \\ (\uXXXX keeps its u)
_MARKS = bytes(
    0x28 if byte in b"[{" else 0x29 if byte in b"]}" else 0x78 if byte in _ESCAPE_SECONDS else byte
    for byte in range(256)
)
_NOT_MARKS = bytes(byte for byte in range(256) if byte not in _KEPT)
_NOT_ESCAPE_MARKS = bytes(byte for byte in range(256) if byte not in _KEPT + b"\\" + _ESCAPE_SECONDS)
_QUOTED = re.compile(rb'"[^"]*"')


def nests_deeper(body: bytes, limit: int) -> bool:
    """Whether the JSON ``body`` (already parsed, so known to be valid) nests containers more than
    ``limit`` levels: ``too_deep(parse(body), limit)`` without walking the parsed value."""
    if b'\\"' in body:  # else no quote follows a backslash: every quote opens or closes a string
        marks = body.translate(_MARKS, _NOT_ESCAPE_MARKS)
        # Escapes pair up from the left, as a parser reads them: first the escaped backslashes, then
        # what remains before a quote is an escaped quote; the other escapes then go.
        marks = marks.replace(b"\\\\", b"").replace(b'\\"', b"").translate(None, b"\\x")
    else:
        marks = body.translate(_MARKS, _NOT_MARKS)
    # Adjacent quotes are an empty string or the end of one and the start of the next: dropping them
    # leaves every bracket on the same side of a string boundary, and most strings gone.
    marks = marks.replace(b'""', b"")
    if b'"' in marks:
        marks = _QUOTED.sub(b"", marks)  # brackets inside strings (JSON text) are not nesting
    # Only brackets remain. Each pass removes the innermost pairs, one level of the whole tree.
    for _ in range(limit):
        if not marks:
            return False
        marks = marks.replace(b"()", b"")
    return bool(marks)


def too_deep(value: Any, limit: int) -> bool:
    """Whether containers nest more than ``limit`` levels in the parsed value: the reference for
    ``nests_deeper``, and the check for a value that did not come from a body.

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
