"""The nesting check agrees with a recursive reference, and parse_json names each problem."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.errors import InvalidPayload, MalformedJson
from app.validation import has_long_digit_run, nests_deeper, parse_json, too_deep

TRICKY_TEXT = st.text(alphabet='[]{}"\\ab\n\u00e9', max_size=8)
JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**63), 2**63 - 1) | TRICKY_TEXT,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(TRICKY_TEXT, children, max_size=3),
    max_leaves=30,
)


def depth(value: Any) -> int:
    if isinstance(value, dict):
        return 1 + max((depth(v) for v in value.values()), default=0)
    if isinstance(value, list):
        return 1 + max((depth(v) for v in value), default=0)
    return 0


@settings(max_examples=300, deadline=None)
@given(value=JSON, limit=st.integers(min_value=1, max_value=6))
def test_the_nesting_check_matches_the_depth(value: Any, limit: int) -> None:
    assert too_deep(value, limit) == (depth(value) > limit)
    if depth(value) > limit:
        with pytest.raises(InvalidPayload, match="deeper than the limit"):
            parse_json(orjson.dumps(value), limit)


@pytest.mark.parametrize(
    ("body", "error", "says"),
    [
        (b"", MalformedJson, "empty"),
        (b'{"a": [1, 2}', MalformedJson, "not valid JSON"),
        (b"[" * 40 + b"]" * 40, InvalidPayload, "deeper than the limit of 32"),
        (b"[" * 5000 + b"]" * 5000, InvalidPayload, "deeper than the limit of 32"),
    ],
)
def test_parse_json_names_the_problem(body: bytes, error: type[Exception], says: str) -> None:
    with pytest.raises(error, match=says):
        parse_json(body, 32)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b"[123456789012345678901234567890]", ["123456789012345678901234567890"]),
        (b"[-123456789012345678901234567890]", ["-123456789012345678901234567890"]),
        (b"[18446744073709551615, -9223372036854775808]", [18446744073709551615, -9223372036854775808]),
        (b"[-9223372036854775809]", ["-9223372036854775809"]),  # 19 digits, one below int64
        (b"[-9223372036854775808]", [-9223372036854775808]),
        (b'["12345678901234567890123", 1.5]', ["12345678901234567890123", 1.5]),
    ],
)
def test_integers_past_64_bits_arrive_as_exact_decimal_text(body: bytes, expected: Any) -> None:
    assert parse_json(body, 64) == expected


@pytest.mark.parametrize(
    ("body", "error", "words"),
    [
        (b"[123456789012345678901234567890, NaN]", MalformedJson, "NaN"),
        (b'[123456789012345678901234567890, "\\ud800"]', MalformedJson, "surrogates"),
        (b"[123456789012345678901234567890] x", MalformedJson, "Extra data"),
        (b"[" * 2000 + b"123456789012345678901234567890" + b"]" * 2000, InvalidPayload, "nests deeper"),
    ],
)
def test_the_exact_parser_names_each_problem(body: bytes, error: type[Exception], words: str) -> None:
    with pytest.raises(error, match=words):
        parse_json(body, 64)


@given(st.binary(max_size=80) | st.text(alphabet='0123456789 .e-"x', max_size=60).map(str.encode))
@settings(max_examples=300)
def test_the_long_digit_scan_agrees_with_a_regular_expression(body: bytes) -> None:
    assert has_long_digit_run(body) == (re.search(rb"[0-9]{20}|-[0-9]{19}", body) is not None)


def _escaping_slashes(text: str) -> str:
    """JSON as some encoders write it: "/" as "\\/" (it occurs only inside strings)."""
    return text.replace("/", "\\/")


ENCODINGS: dict[str, Callable[[Any], bytes]] = {
    "orjson": orjson.dumps,
    "ascii escapes": lambda value: json.dumps(value, ensure_ascii=True).encode(),
    "indented, raw UTF-8": lambda value: json.dumps(value, indent=1, ensure_ascii=False).encode(),
    "escaped slashes": lambda value: _escaping_slashes(json.dumps(value)).encode(),
}
ESCAPE_TEXT = st.text(alphabet='[]{}"\\/ubfnrt\n\t\u00e9\u2028\U0001f600', max_size=10)
ESCAPE_JSON = st.recursive(
    st.none() | st.integers(-5, 5) | ESCAPE_TEXT,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(ESCAPE_TEXT, children, max_size=3),
    max_leaves=40,
)


@settings(max_examples=600, deadline=None)
@given(
    value=ESCAPE_JSON,
    limit=st.integers(min_value=1, max_value=8),
    encoding=st.sampled_from(sorted(ENCODINGS)),
)
def test_the_byte_scan_agrees_with_the_walk_of_the_parsed_value(
    value: Any, limit: int, encoding: str
) -> None:
    body = ENCODINGS[encoding](value)
    assert nests_deeper(body, limit) == too_deep(orjson.loads(body), limit)


@pytest.mark.parametrize(
    ("body", "limit", "deeper"),
    [
        (b'{"a": "[[[[", "b": [1]}', 2, False),  # brackets inside a string are not nesting
        (b'["\\"[[", [[1]]]', 2, True),  # an escaped quote does not end the string
        (b'["\\\\", [[1]]]', 2, True),  # an escaped backslash before the closing quote
        (b'["\\\\\\"]]", {"k": [[]]}]', 4, False),
        (b'{"json": "{\\"a\\": [{\\"b\\": [1]}]}"}', 1, False),  # JSON text in a value
        (b'"[[[["', 1, False),
        (b"[[[]]]", 3, False),
        (b"[[[]]]", 2, True),
    ],
)
def test_the_byte_scan_reads_strings_and_escapes_as_a_parser_does(
    body: bytes, limit: int, deeper: bool
) -> None:
    assert nests_deeper(body, limit) is deeper
    assert too_deep(orjson.loads(body), limit) is deeper
