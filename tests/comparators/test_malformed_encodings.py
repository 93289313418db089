"""Text and objects that only look like a well-known encoding stay what they are.

SPEC section 2's principle: a value equals another when it is a well-known encoding of it and the
decoding is exact. A PostgreSQL array literal that does not close, a Go wrapper whose ``Valid`` is not a
boolean, Extended JSON with a number that is not one, PHP's DateTime in a zone that does not exist: none
of these decode, so each is compared as the plain value it is, and the difference is named at its field.
The well-formed spellings next to them decode and match.
"""

from __future__ import annotations

from typing import Any

import pytest

from comparators import compare
from comparators.json_text import json_of_text


def _nested(element: Any, levels: int) -> Any:
    """``element`` inside ``levels`` arrays."""
    for _ in range(levels):
        element = [element]
    return element


def differing_fields(legacy: Any, orm: Any) -> set[str]:
    return {d.field for d in compare(legacy, orm).differences}


@pytest.mark.parametrize(
    ("legacy", "orm"),
    [
        pytest.param("{ a , b }", ["a", "b"], id="spaces around elements"),
        pytest.param('{"a\\\\b","c\\"d"}', ["a\\b", 'c"d'], id="backslash escapes in quoted elements"),
        pytest.param("{{1,2},{3,4}}", [[1, 2], [3, 4]], id="nested, elements by the number rule"),
        pytest.param("{NULL,x}", [None, "x"], id="NULL element"),
        pytest.param('{"",x}', ["", "x"], id="quoted empty element"),
        pytest.param('{"a" ,b}', ["a", "b"], id="space after a quoted element"),
        pytest.param("{" * 33 + "x" + "}" * 33, _nested("x", 33), id="33 levels deep, the most read"),
    ],
)
def test_a_well_formed_array_literal_matches_its_array(legacy: str, orm: list[Any]) -> None:
    assert compare({"v": legacy}, {"v": orm}).equal


@pytest.mark.parametrize(
    ("legacy", "orm"),
    [
        pytest.param("{a,b", ["a", "b"], id="no closing brace"),
        pytest.param("{a,,b}", ["a", "", "b"], id="empty unquoted element"),
        pytest.param('{"a}', ["a"], id="quote never closed"),
        pytest.param("{a,{b}", ["a", ["b"]], id="nested array never closed"),
        pytest.param('{"a\\', ["a"], id="escape at the end"),
        pytest.param("{a}x", ["a"], id="text after the closing brace"),
        pytest.param('{a"b"}', ["ab"], id="quote inside an unquoted element"),
        pytest.param("{a b}c}", ["a b"], id="brace inside"),
        pytest.param("{a,", ["a"], id="ends after a comma"),
        pytest.param("{{1}", [["1"]], id="outer array never closed after a nested one"),
        pytest.param("{{a,}}", [["a", ""]], id="malformed nested array"),
        pytest.param("{{1}}", ["1"], id="nested array against a scalar element"),
        pytest.param("{" * 34 + "x" + "}" * 34, _nested("x", 34), id="34 levels deep, beyond the limit"),
    ],
)
def test_a_malformed_array_literal_stays_text(legacy: str, orm: list[Any]) -> None:
    assert differing_fields({"v": legacy}, {"v": orm}) == {"v"}


@pytest.mark.parametrize(
    ("legacy", "orm"),
    [
        pytest.param(
            {"$date": {"$numberLong": "1735689600000"}}, "2025-01-01T00:00:00.000Z", id="$date canonical"
        ),
        pytest.param({"$date": 1735689600000}, "2025-01-01T00:00:00.000Z", id="$date epoch ms"),
        pytest.param({"$numberDouble": "2.5"}, 2.5, id="$numberDouble"),
        pytest.param({"$numberInt": "-7"}, -7, id="$numberInt negative"),
        pytest.param({"$numberDecimal": "12.50"}, "12.5", id="$numberDecimal"),
        pytest.param(
            {"$uuid": "6a2f41a3-c54c-fce8-32d2-0324e1c32e22"}, "6A2F41A3C54CFCE832D20324E1C32E22", id="$uuid"
        ),
        pytest.param(
            {"$binary": {"base64": "CgE=", "subType": "00"}},
            {"type": "Buffer", "data": [10, 1]},
            id="$binary",
        ),
        pytest.param({"$binary": "CgE=", "$type": "00"}, "\\x0a01", id="$binary legacy form"),
        pytest.param({"Float64": 1.5, "Valid": True}, 1.5, id="Go NullFloat64"),
        pytest.param({"Bool": False, "Valid": True}, False, id="Go NullBool"),
        pytest.param({"Time": "2024-01-02T03:04:05Z", "Valid": False}, None, id="Go NullTime invalid"),
        pytest.param(
            {"date": "2024-11-03 09:15:00.123456", "timezone_type": 1, "timezone": "+02:00"},
            "2024-11-03T07:15:00.123Z",
            id="PHP DateTime with an offset",
        ),
        pytest.param(
            {"date": "2024-07-03 09:15:00.000000", "timezone_type": 3, "timezone": "Europe/Berlin"},
            "2024-07-03T07:15:00.000Z",
            id="PHP DateTime in a named zone, summer time",
        ),
        pytest.param(
            {"date": "2024-11-03 09:15:00.000000", "timezone_type": 3, "timezone": "UTC"},
            "2024-11-03T09:15:00.000Z",
            id="PHP DateTime in UTC",
        ),
    ],
)
def test_a_well_formed_wrapper_matches_its_value(legacy: Any, orm: Any) -> None:
    assert compare({"v": legacy}, {"v": orm}).equal


@pytest.mark.parametrize(
    ("legacy", "orm"),
    [
        pytest.param({"String": "x", "Valid": "yes"}, "x", id="Go Valid not a boolean"),
        pytest.param({"Foo": 1, "Valid": True}, 1, id="Go wrapper with an unknown value key"),
        pytest.param({"$numberLong": "12a"}, 12, id="$numberLong not an integer"),
        pytest.param({"$numberLong": 12}, 12, id="$numberLong not text"),
        pytest.param({"$numberDouble": "abc"}, 0.0, id="$numberDouble not a number"),
        pytest.param({"$numberDouble": 2.5}, 2.5, id="$numberDouble not text"),
        pytest.param({"$numberDecimal": 12.5}, 12.5, id="$numberDecimal not text"),
        pytest.param(
            {"$binary": {"base64": "CgE=", "subType": "00", "x": 1}},
            {"type": "Buffer", "data": [10, 1]},
            id="$binary object with a third key",
        ),
        pytest.param(
            {"date": 1730625300, "timezone_type": 3, "timezone": "UTC"},
            1730625300,
            id="PHP date not text",
        ),
        pytest.param(
            {"date": "2024-11-03T09:15:00", "timezone_type": 3, "timezone": "UTC"},
            "2024-11-03T09:15:00.000Z",
            id="PHP date not in json_encode's layout",
        ),
        pytest.param({"$oid": 5}, 5, id="$oid not text"),
        pytest.param({"$date": [2025]}, "2025-01-01T00:00:00.000Z", id="$date of another type"),
        pytest.param(
            {"$binary": "!!!", "$type": "00"}, {"type": "Buffer", "data": []}, id="$binary not base64"
        ),
        pytest.param(
            {"$binary": {"base64": 5, "subType": "00"}},
            {"type": "Buffer", "data": [5]},
            id="$binary base64 not text",
        ),
        pytest.param(
            {"date": "2024-11-03 09:15:00", "timezone_type": 3, "timezone": "Mars/Olympus_Mons"},
            "2024-11-03T09:15:00.000Z",
            id="PHP zone that does not exist",
        ),
        pytest.param(
            {"date": "2024-11-03 09:15:00", "timezone_type": 2, "timezone": "QQQ"},
            "2024-11-03T09:15:00.000Z",
            id="PHP abbreviation that does not exist",
        ),
        pytest.param(
            {"date": "2024-11-03 09:15:00", "timezone_type": 1, "timezone": "two hours"},
            "2024-11-03T07:15:00.000Z",
            id="PHP offset that is not one",
        ),
        pytest.param(
            {"date": "2024-13-03 09:15:00", "timezone_type": 3, "timezone": "UTC"},
            "2024-12-03T09:15:00.000Z",
            id="PHP date that does not exist",
        ),
        pytest.param(
            {"date": "2024-11-03 09:15:00", "timezone_type": 4, "timezone": "UTC"},
            "2024-11-03T09:15:00.000Z",
            id="PHP timezone_type outside 1-3",
        ),
    ],
)
def test_a_malformed_wrapper_is_compared_as_the_object_it_is(legacy: Any, orm: Any) -> None:
    assert differing_fields({"v": legacy}, {"v": orm}) == {"v"}


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("[18446744073709551617, NaN]", id="NaN"),
        pytest.param("[18446744073709551617, Infinity]", id="Infinity"),
        pytest.param("[18446744073709551617, 1e400]", id="a number beyond a double"),
        pytest.param("[18446744073709551617] x", id="text after the array"),
    ],
)
def test_json_text_with_a_long_integer_is_held_to_the_same_grammar(text: str) -> None:
    """Text that may hold an integer beyond 64 bits takes the exact stdlib parser, which must refuse
    what orjson refuses for every other text."""
    assert json_of_text(text) is None
