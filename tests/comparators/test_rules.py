"""One table per representation rule: pairs that must compare equal and pairs that must not.

Each pair is compared as the value of one field of one row, so the table also checks that the
difference is reported at that field.
"""

from __future__ import annotations

from typing import Any

import pytest

from comparators import Kind, Spec, compare


def _assert_equal(legacy: Any, orm: Any, spec: Spec | None = None) -> None:
    result = compare([{"id": 1, "v": legacy}], [{"id": 1, "v": orm}], spec)
    assert result.equal, result.differences
    assert result.differences == ()


def _assert_differs(legacy: Any, orm: Any, spec: Spec | None = None) -> None:
    result = compare([{"id": 1, "v": legacy}], [{"id": 1, "v": orm}], spec)
    assert not result.equal
    assert result.differences
    assert {d.field for d in result.differences} == {"v"}
    assert all(d.path.startswith("[id=1].v") for d in result.differences)


NUMBERS_EQUAL = [
    ("12.50", "12.5"),
    ("12.50", 12.5),
    ("12.5", 12.5),
    ("42", 42),
    ("-42", -42),
    ("0", 0),
    ("42.0", 42),
    ("9007199254740993", 9007199254740993),
    ("123456789012345678901234567890", 123456789012345678901234567890),
    ("13.750", 13.750000000000002),
    (1, 1.0),
    (0.1 + 0.2, 0.3),
    ("0.30000000000000004", 0.3),
    (1e20, 100000000000000000000),
    # exponent form, as decimal types print it, read exactly
    ("1e5", 100000),
    ("0E-8", 0),
    ("2.5E+3", "2500.00"),
    ("1.5e-3", "0.0015"),
    ("-1E+2", -100),
]
NUMBERS_DIFFER = [
    ("01234", "1234"),
    ("01234", 1234),
    ("+1", 1),
    (" 1", 1),
    ("01e5", 100000),
    ("1e5.0", 100000),
    ("1e+", 1),
    (".5", 0.5),
    ("1.", 1),
    ("9007199254740993", 9007199254740992),
    ("9007199254740993", "9007199254740992"),
    ("12.500000000001", "12.5"),
    ("12.51", 12.5),
    (13.75, 13.76),
    (1, 2),
    ("1,5", 1.5),
    ("١٢", 12),
]


@pytest.mark.parametrize(("legacy", "orm"), NUMBERS_EQUAL)
def test_numbers_equal(legacy: Any, orm: Any) -> None:
    _assert_equal(legacy, orm)
    _assert_equal(orm, legacy)


@pytest.mark.parametrize(("legacy", "orm"), NUMBERS_DIFFER)
def test_numbers_differ(legacy: Any, orm: Any) -> None:
    _assert_differs(legacy, orm)
    _assert_differs(orm, legacy)


@pytest.mark.parametrize(
    ("legacy", "orm", "tolerance", "equal"),
    [
        (1.0, 1.0001, 1e-3, True),
        (1.0, 1.0001, 1e-9, False),
        ("1.0", 1.0001, 1e-3, True),
        (1.0, 1.0 + 1e-15, 0.0, False),
        # integers and decimal strings on both sides compare exactly whatever the tolerance
        ("1.0", "1.0001", 1e-3, False),
        (1000, "1001", 1e-2, False),
    ],
)
def test_float_tolerance_is_relative_and_only_for_json_floats(
    legacy: Any, orm: Any, tolerance: float, equal: bool
) -> None:
    spec = Spec.from_dict({"float_tolerance": tolerance})
    (_assert_equal if equal else _assert_differs)(legacy, orm, spec)


BOOLEANS_DIFFER = [
    (True, 2),
    (True, 0),
    (False, 1),
    (True, "yes"),
    (False, None),
    (True, "10"),
    (False, ""),
    (True, 1.5),
]


@pytest.mark.parametrize(("legacy", "orm"), BOOLEANS_DIFFER)
def test_booleans_only_equal_their_well_known_encodings(legacy: Any, orm: Any) -> None:
    _assert_differs(legacy, orm)
    _assert_differs(orm, legacy)


@pytest.mark.parametrize(
    ("legacy", "orm"),
    [([True, 2], [2, 2]), ({"flag": True}, {"flag": 2}), ([[False]], [[1]])],
)
def test_booleans_nested_are_not_other_numbers(legacy: Any, orm: Any) -> None:
    assert not compare(legacy, orm).equal


INSTANTS_EQUAL = [
    ("2025-06-30T22:45:10.500Z", "2025-07-01T00:45:10.500000+02:00"),
    ("2025-06-30T22:45:10.500Z", "2025-06-30 22:45:10.5+00"),
    ("2025-06-30T22:45:10Z", "2025-06-30T22:45:10.000+00:00"),
    ("2025-06-30T22:45:10.123456Z", "2025-06-30T22:45:10.123Z"),
    ("2025-06-30T22:45:10.999Z", "2025-06-30T22:45:10Z"),
    ("2025-06-30t22:45:10z", "2025-06-30T22:45:10Z"),
    ("2025-06-30T22:45:10+0530", "2025-06-30T17:15:10Z"),
    ("2025-06-30T22:45Z", "2025-06-30T22:45:00Z"),
    ("2025-03-01", "2025-03-01T00:00:00.000Z"),
    ("2025-03-01", "2025-03-01 02:00:00+02"),
    ("2025-03-01T10:00:00", "2025-03-01T10:00:00Z"),
    ("2024-02-29T23:59:59.1Z", "2024-03-01T00:59:59.10+01:00"),
    ("1969-12-31T23:59:59Z", "1970-01-01T00:59:59+01:00"),
    ("2025-03-01", "2025-03-01t00:00-00:00"),
    ("2025-03-01", "2025-03-01 00:00:00,0000000000+0000"),
    ("2025-03-01", "2025-03-01T00:00:00"),
    ("2025-06-30T22:45:10,5-00", "2025-06-30 22:45:10.5000000000z"),
    ("2025-06-30 22:01:10.123456+02", "2025-06-30T20:01:10.123Z"),
    ("2025-06-30T22:01:10.5", "2025-06-30T22:01:10.59Z"),
    ("2025-06-30T23:59:59.999+01:30", "2025-06-30T22:29:59.9Z"),
    ("2025-06-30T22:01:10.5+02:00:00", "2025-06-30T20:01:10.5Z"),  # (fromisoformat reads it too)
    ("1900-01-01 00:19:32+00:19:32", "1900-01-01T00:00:00Z"),  # local mean time (PostgreSQL)
    ("2025-06-30T22:01:10.05Z", "2025-06-30T22:01:10Z"),
]
INSTANTS_DIFFER = [
    ("2025-06-30T22:45:10.500Z", "2025-06-30T22:45:10.400Z"),
    ("2025-06-30T22:45:10Z", "2025-06-30T22:45:11Z"),
    ("2025-06-30T22:45:10Z", "2025-06-30T22:45:10+02:00"),
    ("2025-03-01", "2025-03-01T10:00:00Z"),
    ("2025-03-01", "2025-03-02"),
    ("2025-03-01", "2025-02-28T23:00:00-01:00Z"),
    ("2025-02-30", "2025-03-02"),
    ("2025-06-30T24:00:00Z", "2025-07-01T00:00:00Z"),
    ("2025-06-30T22:45:10Z", "2025-06-30"),
    ("2025-02-30", "2025-02-30T00:00:00Z"),
    ("2025-06-30T22:45:10.Z", "2025-06-30T22:45:10Z"),
    ("2025-06-30T25:45:10Z", "2025-06-30 25:45:10+00"),
    ("2025-06-30T22:45:10.5+01", "2025-06-30 22:45:10.5+00"),
    ("2025-06-30T22:45:10.1234567Z", "2025-06-30T22:45:10.1234568Z"),
    ("2025-06-30X22:45:10Z", "2025-06-30T22:45:10Z"),
    ("2025-06-30T22Z", "2025-06-30T22:00Z"),
    ("2025-06-30 22:01:10.123456+02", "2025-06-30T20:01:10.124Z"),
    ("2025-06-30T22:01:10.5+02:00:01", "2025-06-30T20:01:10.5Z"),  # an offset's seconds count
    ("2025-06-30T22:01:10.000001Z", "2025-06-30T22:01:09.9Z"),
    ("2025-06-30T22:01:59.95+00:01", "2025-06-30T22:01:59.9Z"),
    ("2025-06-30T22:45.5Z", "2025-06-30T22:45:30Z"),
    ("2025-W27-1T22:45:10Z", "2025-06-30T22:45:10Z"),
]


@pytest.mark.parametrize(("legacy", "orm"), INSTANTS_EQUAL)
def test_instants_equal(legacy: str, orm: str) -> None:
    _assert_equal(legacy, orm)
    _assert_equal(orm, legacy)


@pytest.mark.parametrize(("legacy", "orm"), INSTANTS_DIFFER)
def test_instants_differ(legacy: str, orm: str) -> None:
    _assert_differs(legacy, orm)
    _assert_differs(orm, legacy)


@pytest.mark.parametrize(
    ("legacy", "orm", "options", "equal"),
    [
        ("2025-03-01T10:00:00", "2025-03-01T08:00:00Z", {"naive_time_zone": "+02:00"}, True),
        ("2025-03-01T10:00:00", "2025-03-01T10:00:00Z", {"naive_time_zone": "+02:00"}, False),
        ("2025-03-01", "2025-03-01T00:00:00", {"naive_time_zone": "+02:00"}, False),
        ("2025-03-01", "2025-03-01T00:00:00Z", {"naive_time_zone": "+02:00"}, True),
        ("2025-03-01T10:00:00.5", "2025-03-01 10:00:00.50", {"naive_time_zone": "Europe/Berlin"}, True),
        ("2025-07-01T10:00:00", "2025-07-01T08:00:00Z", {"naive_time_zone": "Europe/Berlin"}, True),
        ("2025-01-01T10:00:00", "2025-01-01T09:00:00Z", {"naive_time_zone": "Europe/Berlin"}, True),
        ("2025-03-01T10:00:00.1239Z", "2025-03-01T10:00:00.1231Z", {"time_precision": 3}, True),
        ("2025-03-01T10:00:00.1239Z", "2025-03-01T10:00:00.1231Z", {"time_precision": "us"}, False),
        ("2025-03-01T10:00:00.9Z", "2025-03-01T10:00:00.1Z", {"time_precision": "s"}, True),
        ("2025-03-01T10:00:00Z", "2025-03-01T11:00:00+01:00", {"strict_types": True}, False),
    ],
)
def test_instant_options(legacy: str, orm: str, options: dict[str, Any], equal: bool) -> None:
    (_assert_equal if equal else _assert_differs)(legacy, orm, Spec.from_dict(options))


DURATIONS_EQUAL = [
    ("P1DT02H00M00S", "1 day 02:00:00"),
    ("P1DT2H", "1 02:00:00"),
    ("PT26H", "26:00:00"),
    ("PT0.5S", "00:00:00.500000"),
    ("P1M", "30 days"),
    ("P1Y2M3DT4H5M6.789S", "1 year 2 mons 3 days 04:05:06.789"),
    ("-P1D", "-1 days"),
    ("PT22H", "-1 days +46:00:00"),
    ("P2W", "14 days"),
]
DURATIONS_DIFFER = [
    ("P1DT02H00M00S", "1 day 02:00:01"),
    ("PT0.5S", "00:00:00.4"),
    ("P1D", "-1 days"),
    ("P", "00:00:00"),
    ("1 day", "1 day 00:00:01"),
]


@pytest.mark.parametrize(("legacy", "orm"), DURATIONS_EQUAL)
def test_durations_equal(legacy: str, orm: str) -> None:
    _assert_equal(legacy, orm)
    _assert_equal(orm, legacy)


@pytest.mark.parametrize(("legacy", "orm"), DURATIONS_DIFFER)
def test_durations_differ(legacy: str, orm: str) -> None:
    _assert_differs(legacy, orm)
    _assert_differs(orm, legacy)


@pytest.mark.parametrize(
    ("legacy", "orm", "equal"),
    [
        ("550E8400-E29B-41D4-A716-446655440000", "550e8400-e29b-41d4-a716-446655440000", True),
        ("550e8400-e29b-41d4-a716-446655440000", "550e8400-e29b-41d4-a716-446655440001", False),
        ("550e8400e29b41d4a716446655440000", "550e8400-e29b-41d4-a716-446655440000", True),
        ("550e8400e29b41d4a716446655440000", "550e8400-e29b-41d4-a716-446655440001", False),
        ("ABCDEFGH-ijkl-mnop-qrst-uvwxyz012345", "abcdefgh-ijkl-mnop-qrst-uvwxyz012345", False),
        ("Hello", "hello", False),
        ("", None, False),
        ("a", "a ", False),
    ],
)
def test_uuids_ignore_case_and_other_text_does_not(legacy: str, orm: Any, equal: bool) -> None:
    (_assert_equal if equal else _assert_differs)(legacy, orm)


@pytest.mark.parametrize(
    ("legacy", "orm", "equal"),
    [
        ('{"a": 1, "b": [1, 2]}', {"a": 1, "b": [1, 2]}, True),
        (' [{"x": "12.50"}]', [{"x": 12.5}], True),
        ('{"userName": "a"}', '{"user_name": "a"}', True),
        ('{"a": 1}', {"a": 2}, False),
        ('{"a": 1', {"a": 1}, False),
        ("1", 1, True),  # a number in text, not JSON
        ('"a"', "a", False),
        ("[1, 2]", [2, 1], False),
        ("{}", {}, True),
        ("{}", [], True),  # a PostgreSQL empty array literal
        ("{}", {"a": 1}, False),
    ],
)
def test_json_text_equals_parsed_json(legacy: Any, orm: Any, equal: bool) -> None:
    (_assert_equal if equal else _assert_differs)(legacy, orm)
    (_assert_equal if equal else _assert_differs)(orm, legacy)


@pytest.mark.parametrize(
    ("legacy", "orm", "equal"),
    [
        ({"full_name": "a"}, {"fullName": "a"}, True),
        ({"full_name": "a"}, {"FullName": "a"}, True),
        ({"FULL_NAME": "a"}, {"fullName": "a"}, True),
        ({"address": {"zip_code": "1"}}, {"address": {"zipCode": "1"}}, True),
        ({"items": [{"unit_price": "1.5"}]}, {"items": [{"unitPrice": 1.5}]}, True),
        ({"full_name": "a"}, {"fullName": "b"}, False),
        ({"full_name": "a"}, {"name": "a"}, False),
        # a collision on one side: those keys fall back to exact names
        ({"user_id": 1, "userId": 2}, {"user_id": 1, "userId": 2}, True),
        ({"user_id": 1, "userId": 2}, {"userId": 1, "user_id": 2}, False),
        ({"user_id": 1, "userId": 2}, {"user_id": 1, "userid": 2}, False),
    ],
)
def test_field_names_compare_canonically(legacy: Any, orm: Any, equal: bool) -> None:
    assert compare(legacy, orm).equal is equal


def test_colliding_names_are_reported_by_exact_name() -> None:
    result = compare({"user_id": 1, "userId": 2}, {"user_id": 1, "userid": 2})
    assert {(d.field, d.kind) for d in result.differences} == {
        ("userId", Kind.MISSING),
        ("userid", Kind.MISSING),
    }


@pytest.mark.parametrize(
    ("legacy", "orm"),
    [({"a": 1}, {"a": 1, "b": None}), ({"a": 1, "b": None}, {"a": 1}), ({"b": 0}, {})],
)
def test_missing_key_differs_from_null(legacy: Any, orm: Any) -> None:
    result = compare(legacy, orm)
    assert [(d.field, d.kind, d.path) for d in result.differences] == [("b", Kind.MISSING, "b")]


@pytest.mark.parametrize(
    ("legacy", "orm", "equal"),
    [
        ("a", "a", True),
        ("", None, False),
        (None, None, True),
        ("a", "A", False),
        ("café", "cafe\u0301", False),
        ([1, 2, 3], [1, 2, 3], True),
        ([1, 2, 3], [1, 3, 2], False),
        ([1, 2], [1, 2, 3], False),
        ([], {}, False),
    ],
)
def test_plain_values(legacy: Any, orm: Any, equal: bool) -> None:
    (_assert_equal if equal else _assert_differs)(legacy, orm)


@pytest.mark.parametrize(
    ("legacy", "orm"),
    [
        ("12.50", 12.5),
        ("42", 42),
        ('{"a": 1}', {"a": 1}),
        ("2025-03-01", "2025-03-01T00:00:00Z"),
        ("550E8400-E29B-41D4-A716-446655440000", "550e8400-e29b-41d4-a716-446655440000"),
        ("P1D", "1 day"),
    ],
)
def test_strict_types_turns_coercions_off(legacy: Any, orm: Any) -> None:
    _assert_differs(legacy, orm, Spec.from_dict({"strict_types": True}))


def test_strict_types_keeps_canonical_names() -> None:
    assert compare({"full_name": 1}, {"fullName": 1}, Spec.from_dict({"strict_types": True})).equal
