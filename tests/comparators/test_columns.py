"""The column-at-a-time path (8 rows or more): each C-level check must never call a bad row equal."""

from __future__ import annotations

from typing import Any

import pytest

from comparators import Spec, compare
from comparators.columns import MIN_ROWS

ROWS = MIN_ROWS + 2


def _rows(legacy_value: Any, orm_value: Any, odd_legacy: Any, odd_orm: Any) -> tuple[list[Any], list[Any]]:
    """ROWS keyed rows holding one equal pair, except the last, which holds the odd pair."""
    legacy = [{"id": i, "v": legacy_value} for i in range(ROWS - 1)] + [{"id": ROWS - 1, "v": odd_legacy}]
    orm = [{"id": i, "v": orm_value} for i in range(ROWS - 1)] + [{"id": ROWS - 1, "v": odd_orm}]
    return legacy, orm


UUID = "550e8400-e29b-41d4-a716-446655440000"
PG = "2025-06-30 22:45:10.123456+00"
PRISMA = "2025-06-30T22:45:10.123Z"


@pytest.mark.parametrize(
    ("legacy_value", "orm_value", "odd_legacy", "odd_orm"),
    [
        ("42", 42, "042", 42),
        ("42", 42, "43", 42),
        ("12.50", 12.5, "012.50", 12.5),
        ("12.50", 12.5, "12.51", 12.5),
        ("12.50", 12.5, "01e1", 10.0),
        ("12.50", 12.5, "+12.5", 12.5),
        ("12.50", 12.5, " 12.5", 12.5),
        ("12.50", 12.5, "1_2.5", 12.5),
        ("12.50", 12.5, ".5", 0.5),
        ("12.50", 12.5, "5.", 5.0),
        ("12.50", 12.5, "", 0.0),
        ("12.50", 12.5, "12.5,1", 12.5),
        ("12.50", 12.5, "Infinity", float("-inf")),  # (the same infinity is equal: NaN and infinities)
        ("42", 42, "4,2", 42),
        ("42", 42, "+42", 42),
        (UUID.upper(), UUID, UUID.upper(), UUID.replace("0", "1")),
        (UUID.upper(), UUID, "ZZZ" + UUID.upper()[3:], "zzz" + UUID[3:]),
        (UUID.upper(), UUID, " " + UUID.upper()[1:], " " + UUID[1:]),
        (UUID.upper(), UUID, "  " + UUID.upper()[2:], "  " + UUID[2:]),
        (UUID.upper(), UUID, UUID.upper()[:35] + "\n", UUID[:35] + "\n"),
        (UUID.upper(), UUID, UUID.upper().replace("-", "0", 1), UUID.replace("-", "0", 1)),
        (UUID.upper(), UUID, UUID.upper()[:34] + "-0", UUID[:34] + "-0"),
        (PG, PRISMA, PG, "2025-06-30T22:45:10.124Z"),
        (PG, PRISMA, PG, "2025-06-30T22:45:11.123Z"),
        (PG, PRISMA, "2025-06-30 22:45:10.123456+02", PRISMA),
        (PG, PRISMA, "2025-02-30 22:45:10.1+00", "2025-02-30T22:45:10.100Z"),
        ("2025-03-01", "2025-03-01T00:00:00.000Z", "2025-03-02", "2025-03-02T00:00:01.000Z"),
        ("2025-03-01", "2025-03-01T00:00:00.000Z", "2025-02-30", "2025-02-30T00:00:00.000Z"),
        ("2025-03-01", "2025-03-01T00:00:00.000Z", "2025-03-01", "2025-03-01T00:00:00.Z"),
        ("2025-03-01", "2025-03-01T00:00:00.000Z", "2025-3-01", "2025-3-01T00:00:00.000Z"),
        (PG, PRISMA, "2025-06-30 22:45:10.+00", "2025-06-30T22:45:10.Z"),
        (PG, PRISMA, "2025-06-30 22:45:60.1+00", "2025-06-30T22:45:60.1Z"),
        (PG, PRISMA, "2025-06-30 22:45:10.1+00", "2025-06-30X22:45:10.1Z"),
        ('{"a": 1}', {"a": 1}, '{"a": 1}, {"a": 2}', {"a": 1}),
        ('{"a": 1}', {"a": 1}, '{"a": true}', {"a": 2}),
        (True, True, True, 2),
        # A value of another type further down a column (only the first row's types pick the check).
        ("42", 42, "yes", True),
        ("42", 42, "None", None),
        ("42", 42, None, "None"),
        ("12.50", 12.5, "2", True),
        ('{"a": 1}', {"a": 1}, '"x"', "x"),
        ('{"a": 1}', {"a": 1}, "[2]", [True]),
        (UUID.upper(), UUID, 5, UUID),
        (PG, PRISMA, PG, 1),
        ("2025-03-01", "2025-03-01T00:00:00.000Z", ["2025-03-01"], "2025-03-01T00:00:00.000Z"),
        ("2025-03-01", "2025-03-01T00:00:00.000Z", "2025-03-01", {"2025-03-01": 1}),
        # Each column check meeting a value it cannot read (the reference then reads the row).
        ("2025-03-01", "2025-03-01T00:00:00.000Z", "2025-ab-01", "2025-ab-01T00:00:00.000Z"),
        ("14:15:00", "1970-01-01T14:15:00Z", "25:00:00", "1970-01-01T25:00:00Z"),
        ("14:15:00", "1970-01-01T14:15:00Z", "14:15:0x", "1970-01-01T14:15:0xZ"),
        ("14:15:00", "1970-01-01T14:15:00Z", "14:15:0\u00e9", "1970-01-01T14:15:0\u00e9Z"),
        ("1970-01-01T14:15:00Z", "14:15:00", "1970-01-01T14:15:01Z", "14:15:00"),
        (1735689600000, "2025-01-01T00:00:00.000Z", 1740873600000, "2025-02-30T00:00:00.000Z"),
        (1735689600000, "2025-01-01T00:00:00.000Z", 1735689600000, "2025-01-01T01:00:00.000Z"),
        (True, 1, True, 2),
        (1, True, 2, True),
        ("a,b", ["a", "b"], "a,b", ["a", 1]),
        ("a,b", ["a", "b"], "a,b", "a,b,c"),
        ("[1, 2]", [1, 2], "[1, 3]", [1, 3, 4]),
        ('{"a": 1}', {"a": 1}, '{"a": 1', {"a": 1}),
        (2**70, 2**70, 2**70, 2**70 + 1),
    ],
)
def test_one_bad_row_among_many_is_found(
    legacy_value: Any, orm_value: Any, odd_legacy: Any, odd_orm: Any
) -> None:
    legacy, orm = _rows(legacy_value, orm_value, odd_legacy, odd_orm)
    result = compare(legacy, orm)
    assert len(result.differences) == 1
    assert result.differences[0].field == "v"
    assert result.differences[0].path.startswith(f"[id={ROWS - 1}].v")


@pytest.mark.parametrize(
    ("legacy_value", "orm_value"),
    [
        ("42", 42),
        ("12.50", 12.5),
        (UUID.upper(), UUID),
        (PG, PRISMA),
        ("2025-06-30 22:45:10.123456", PRISMA),
        ("2025-06-30 22:45:10,1+00:00", "2025-06-30t22:45:10.10000000000-0000"),
        ("2025-03-01", "2025-03-01T00:00:00.000Z"),
        ("2025-03-01", "2025-03-01 00:00:00.123+00"),
        ('{"a": 1, "b": [1, 2]}', {"a": 1, "b": [1, 2]}),
        (None, None),
        ("14:15:00", "1970-01-01T14:15:00.000Z"),
        ("2000-01-01 14:15:00+00", "14:15:00"),
        (1735689600000, "2025-01-01T00:00:00.000Z"),
        (7258118400, "2200-01-01T00:00:00Z"),
        (1735689600000, "2025-01-01T01:00:00.000+01:00"),
        ("18446744073709551616", 18446744073709551616),
        (2**70, 2**70),
        ("a,b", ["a", "b"]),
        ("[1, 2]", [1, 2]),
        (True, 1),
    ],
)
def test_many_equal_rows_are_equal(legacy_value: Any, orm_value: Any) -> None:
    legacy, orm = _rows(legacy_value, orm_value, legacy_value, orm_value)
    assert compare(legacy, orm).equal


@pytest.mark.parametrize(
    ("legacy_value", "orm_value", "odd_legacy", "odd_orm"),
    [
        ("2025-03-01", "2025-03-01T00:00:00.000Z", "2025-03-02", "2025-03-02 00:00:00+00"),
        ("2025-03-01", "2025-03-01T00:00:00.000Z", "2025-03-02T00:00:00Z", "2025-03-02"),
        (UUID.upper(), UUID, UUID, UUID.upper()),
        ("42", 42, "-7", -7),
        (True, 1, True, 1.0),
        ('{"a": 1}', {"a": 1}, '{"a": 18446744073709551616}', {"a": 18446744073709551616}),
    ],
)
def test_a_row_spelled_otherwise_among_many_is_still_equal(
    legacy_value: Any, orm_value: Any, odd_legacy: Any, odd_orm: Any
) -> None:
    legacy, orm = _rows(legacy_value, orm_value, odd_legacy, odd_orm)
    assert compare(legacy, orm).equal


def test_rows_with_another_key_set_are_not_taken_as_one_column() -> None:
    legacy, orm = _rows(1, 1, 1, 1)
    legacy[-1] = {"id": ROWS - 1, "w": 1}
    orm[-1] = {"id": ROWS - 1, "v": 1}
    assert [d.path for d in compare(legacy, orm).differences] == [f"[id={ROWS - 1}].w", f"[id={ROWS - 1}].v"]


def test_rename_keeps_nested_spellings_apart() -> None:
    legacy, orm = _rows({"a": 1, "b": 2}, {"a": 1, "b": 2}, {"a": 1, "b": 2}, {"a": 1, "b": 2})
    assert not compare(legacy, orm, Spec.from_dict({"rename": {"a": "b", "b": "a"}})).equal


@pytest.mark.parametrize(
    ("odd_legacy", "odd_orm"),
    [
        ("2025-06-30 22:45:10.123456+00", "2025-06-30T22:45:10.124Z"),
        ("2025-06-30 22:45:10.+00", "2025-06-30T22:45:10.Z"),
        ("2025-06-30 24:45:10.1+00", "2025-06-30T24:45:10.1Z"),
        ("2025-06-30 22:45:10.1+02", "2025-06-30T22:45:10.1Z"),
        ("2025-02-30 22:45:10.1+00", "2025-02-30T22:45:10.1Z"),
        ("2025-06-30 22:45:10.1+00", "2025-06-30T22:45:11.1Z"),
    ],
)
def test_one_bad_instant_among_varying_fractions_is_found(odd_legacy: str, odd_orm: str) -> None:
    """Fractions that differ from row to row (PostgreSQL drops trailing zeros) take another check."""
    fractions = [f"{(i + 1) * 7919:06d}" for i in range(ROWS)]
    legacy = [{"id": i, "v": f"2025-06-30 22:45:10.{f.rstrip('0')}+00"} for i, f in enumerate(fractions)]
    orm = [{"id": i, "v": f"2025-06-30T22:45:10.{f[:3]}Z"} for i, f in enumerate(fractions)]
    assert compare(legacy, orm).equal
    legacy[-1]["v"], orm[-1]["v"] = odd_legacy, odd_orm
    assert [d.path for d in compare(legacy, orm).differences] == [f"[id={ROWS - 1}].v"]


@pytest.mark.parametrize(
    ("odd_legacy", "odd_orm"),
    [
        ("2025-06-30 22:45:10.123456+00", "2025-06-30T22:45:10.124Z"),
        ("2025-06-30 22:45:10.+00", "2025-06-30T22:45:10.Z"),
        ("2025-06-30 22:45:10.1+02", "2025-06-30T22:45:10.1Z"),
        ("2025-06-30 22:45:10.1+00", "2025-06-30T22:45:10.2"),
    ],
)
def test_one_bad_instant_after_many_alike_is_found(odd_legacy: str, odd_orm: str) -> None:
    """The first rows share their fraction digits, the last ones do not: the rest is still checked."""
    rows = 24
    legacy = [{"id": i, "v": "2025-06-30 22:45:10.5+00"} for i in range(rows)]
    orm = [{"id": i, "v": "2025-06-30T22:45:10.500Z"} for i in range(rows)]
    for i in range(rows - 6, rows):
        legacy[i]["v"] = f"2025-06-30 22:45:10.{i}{i}+00"
        orm[i]["v"] = f"2025-06-30T22:45:10.{i}Z"
    assert compare(legacy, orm).equal
    legacy[-1]["v"], orm[-1]["v"] = odd_legacy, odd_orm
    assert [d.path for d in compare(legacy, orm).differences] == [f"[id={rows - 1}].v"]
