"""The shape walk agrees with its references, bodies read as the exact parser reads them, and
parse_json names each problem."""

from __future__ import annotations

import json
import re
from typing import Any

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.errors import InvalidPayload, MalformedJson
from app.validation import _big_int_as_text, has_long_digit_run, parse_body, parse_json, too_deep
from comparators.shape import shape

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
        (b"[123456789012345678901234567890, NaN]", MalformedJson, "not valid JSON"),
        (b'[123456789012345678901234567890, "\\ud800"]', MalformedJson, "not valid JSON"),
        (b"[" + b"1" * 400 + b', "\\ud800"]', MalformedJson, "surrogates"),  # the exact parser's own
        (b"[" + b"1" * 400 + b", NaN]", MalformedJson, "NaN"),
        (b"[123456789012345678901234567890] x", MalformedJson, "not valid JSON"),
        (b"[" + b"1" * 400 + b"] x", MalformedJson, "Extra data"),
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


# Every float orjson can read back, and integers on both sides of 64 bits.
NUMBER = st.integers(-(2**70), 2**70) | st.floats(allow_nan=False, allow_infinity=False)
SHAPED_TEXT = st.text(alphabet='[]{}"\\ab\n\x00\x1f\u00e9\u2028\U0001f600', max_size=8)
SHAPED_JSON = st.recursive(
    st.none() | st.booleans() | NUMBER | SHAPED_TEXT,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(SHAPED_TEXT, children, max_size=4),
    max_leaves=40,
)


def exact(body: bytes) -> Any:
    """The reference reading of a body: the stdlib parser, integers past 64 bits as decimal text."""
    return json.loads(body, parse_int=_big_int_as_text)


def holds_wide_float(value: Any) -> bool:
    if isinstance(value, dict):
        return any(holds_wide_float(v) for v in value.values())
    if isinstance(value, list):
        return any(holds_wide_float(v) for v in value)
    return isinstance(value, float) and abs(value) >= 2.0**63


@settings(max_examples=600, deadline=None)
@given(value=SHAPED_JSON, limit=st.integers(min_value=0, max_value=6))
def test_the_shape_walk_agrees_with_its_references(value: Any, limit: int) -> None:
    """``deeper`` is ``too_deep``; ``bound`` is never under the JSON size; ``wide`` finds every float
    at or past 2**63 (what orjson makes of an integer past 64 bits)."""
    parsed = orjson.loads(json.dumps(value))  # as the service reads it: big integers become floats
    found = shape(parsed, limit)
    assert found.deeper == (depth(parsed) > limit)
    if limit >= 1:
        assert found.deeper == too_deep(parsed, limit)
    if not found.deeper:
        assert found.bound >= len(orjson.dumps(parsed))
        assert found.wide == holds_wide_float(parsed)


@settings(max_examples=400, deadline=None)
@given(value=SHAPED_JSON)
def test_bodies_read_as_the_exact_parser_reads_them(value: Any) -> None:
    """orjson plus the gate on wide floats gives what the stdlib parser gives, integers past 64 bits
    included: no body with one slips through as a float."""
    body = json.dumps(value).encode()
    assert parse_json(body, 64) == exact(body)


@settings(max_examples=200, deadline=None)
@given(pairs=st.lists(SHAPED_JSON, max_size=5), limit=st.integers(min_value=2, max_value=6))
def test_a_batch_is_checked_and_bounded_pair_by_pair(pairs: list[Any], limit: int) -> None:
    body = json.dumps({"pairs": pairs}).encode()
    whole = exact(body)
    if too_deep(whole, limit):
        with pytest.raises(InvalidPayload, match="deeper than the limit"):
            parse_body(body, limit, batch=True)
        return
    parsed = parse_body(body, limit, batch=True)
    assert parsed.data == whole
    assert parsed.pair_bounds is not None
    assert len(parsed.pair_bounds) == len(pairs)
    for bound, pair in zip(parsed.pair_bounds, whole["pairs"], strict=True):
        assert bound >= len(orjson.dumps(pair))


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b"[1e19, 12345678901234567890123]", [1e19, "12345678901234567890123"]),
        (b"[1e19]", [1e19]),  # a wide float without the digits stays a float
        (b"[" + b"7" * 400 + b"]", ["7" * 400]),  # past a double's range: orjson refuses, exact reads
        (b'{"pairs": [{"n": 18446744073709551616}]}', {"pairs": [{"n": "18446744073709551616"}]}),
    ],
)
def test_the_exact_parser_takes_over_where_orjson_went_through_a_float(body: bytes, expected: Any) -> None:
    assert parse_json(body, 64) == expected
    assert parse_body(body, 64, batch=True).data == expected


@pytest.mark.parametrize(
    ("body", "limit", "deeper"),
    [
        (b'{"a": "[[[[", "b": [1]}', 2, False),  # brackets inside a string are not nesting
        (b'["\\"[[", [[1]]]', 2, True),
        (b'{"json": "{\\"a\\": [{\\"b\\": [1]}]}"}', 1, False),  # JSON text in a value
        (b'"[[[["', 1, False),
        (b"[[[]]]", 3, False),
        (b"[[[]]]", 2, True),
        (b'{"pairs": [[[]]]}', 4, False),  # a batch's pairs sit two levels down
        (b'{"pairs": [[[]]]}', 3, True),
        (b'{"pairs": []}', 1, True),
    ],
)
def test_nesting_is_counted_over_the_whole_body(body: bytes, limit: int, deeper: bool) -> None:
    for batch in (False, True):
        if deeper:
            with pytest.raises(InvalidPayload, match="deeper than the limit"):
                parse_body(body, limit, batch=batch)
        else:
            assert parse_body(body, limit, batch=batch).data == orjson.loads(body)
