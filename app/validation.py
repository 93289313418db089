"""Hand validation of request input: names, numbers and nesting depth, with messages that name the field.

The ingest path does not build pydantic models over result payloads (they are arbitrary JSON and the
models would cost more than the diff); these helpers check exactly what the service relies on.
"""

from __future__ import annotations

import math
import re
from typing import Any

import orjson

from app.errors import InvalidPayload, MalformedJson

NAME_PATTERN = r"^[A-Za-z0-9_.:-]{1,128}$"
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


def parse_json(body: bytes, max_depth: int) -> Any:
    """orjson.loads plus the nesting limit; errors say where the JSON broke."""
    if not body:
        raise MalformedJson("the request body is empty; send a JSON object")
    if body_too_deep(body, max_depth):
        raise InvalidPayload(
            f"the body nests deeper than the limit of {max_depth} levels (SHADOWDIFF_MAX_DEPTH)"
        )
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        if "recursion" in str(exc).lower():
            raise InvalidPayload(f"the body nests deeper than the limit of {max_depth} levels") from exc
        raise MalformedJson(f"the body is not valid JSON: {exc}") from exc
    return data


_BRACKETS_AND_QUOTES = b'[]{}"'
_ALL_BUT_BRACKETS = bytes(c for c in range(256) if c not in _BRACKETS_AND_QUOTES)
_INNERMOST = re.compile(rb"\[\]|\{\}")


def body_too_deep(body: bytes, limit: int) -> bool:
    """Whether the JSON text nests containers more than ``limit`` levels, decided on the bytes.

    Runs before parsing, in C-speed passes: drop escaped backslashes and quotes, keep only brackets
    and quotes, drop strings, then peel the innermost ``[]``/``{}`` pairs once per level. A body with
    fewer brackets than the limit is let through at once. Unbalanced text is left to the parser.
    """
    if body.count(b"[") + body.count(b"{") <= limit:
        return False
    if b"\\" in body:
        body = body.replace(b"\\\\", b"").replace(b'\\"', b"")
    # Quotes now only open and close strings: every other piece between them is inside one.
    text = b"".join(body.translate(None, _ALL_BUT_BRACKETS).split(b'"')[::2])
    for _ in range(limit):
        text, peeled = _INNERMOST.subn(b"", text)
        if not text or not peeled:
            return False
    return bool(text)


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
