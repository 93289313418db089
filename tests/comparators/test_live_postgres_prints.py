"""PostgreSQL's own prints of the values whose text rules read them, fetched from the real server, and
compared by the engine against the plain value a migrated path serves: ``money`` as ``cash_out``
prints it (asyncpg and psycopg 3 hand that text over as is), the IEEE specials of ``float8`` and
``numeric`` as text against MongoDB Extended JSON's ``$numberDouble``. Each row is also changed by the
smallest amount the value has (one cent, the sign) and must then differ, named at its field.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import asyncpg
import pytest

from comparators import compare
from tests.pg import fresh_database, run_sync

AMOUNTS = [
    "1234.50",
    "-1234.50",
    "0.00",
    "0.01",
    "-0.01",
    "1000.00",
    "999.99",
    "92233720368547758.07",
    "-92233720368547758.08",
]


async def _fetch(dsn: str, sql: str, *args: Any) -> list[asyncpg.Record]:
    conn = await asyncpg.connect(dsn, timeout=10)
    try:
        await conn.execute("SET lc_monetary = 'C'")  # the locale the money rule assumes (README)
        return list(await conn.fetch(sql, *args))
    finally:
        await conn.close()


@pytest.fixture(scope="module")
def dsn() -> Any:
    with fresh_database() as found:
        yield found


def test_money_prints_equal_their_amount_and_differ_by_a_cent(dsn: str) -> None:
    rows = run_sync(
        _fetch(
            dsn,
            "SELECT a::numeric::money AS m, a::numeric::money::numeric::text AS n FROM unnest($1::text[]) a",
            AMOUNTS,
        )
    )
    assert [r["m"] for r in rows][:2] == ["$1,234.50", "-$1,234.50"]  # the print the rule reads
    for row in rows:
        money, amount = row["m"], Decimal(row["n"])
        for other in (
            str(amount),
            format(amount.normalize(), "f"),
            float(amount),
            {"$numberDecimal": str(amount)},
        ):
            result = compare({"m": money}, {"m": other})
            assert result.equal, (money, other, [d.to_wire() for d in result.differences])
            assert "number" in dict(result.normalized)
        for changed in (
            amount + Decimal("0.01"),
            amount - Decimal("0.01"),
            -amount if amount else Decimal("0.01"),
        ):
            result = compare({"m": money}, {"m": str(changed)})
            assert not result.equal and result.fields == ("m",), (money, changed)


def test_float_and_numeric_specials_equal_extended_json_doubles(dsn: str) -> None:
    rows = run_sync(
        _fetch(
            dsn,
            "SELECT 'Infinity'::float8::text AS a, '-Infinity'::float8::text AS b, 'NaN'::float8::text AS c,"
            " 'Infinity'::numeric::text AS d, 'NaN'::numeric::text AS e",
        )
    )
    printed = dict(rows[0])
    assert printed == {"a": "Infinity", "b": "-Infinity", "c": "NaN", "d": "Infinity", "e": "NaN"}
    doubles = {"a": "Infinity", "b": "-Infinity", "c": "NaN", "d": "Infinity", "e": "NaN"}
    result = compare(printed, {k: {"$numberDouble": v} for k, v in doubles.items()})
    assert result.equal, [d.to_wire() for d in result.differences]
    flipped = {"a": "-Infinity", "b": "Infinity", "c": "Infinity", "d": "NaN", "e": "0"}
    result = compare(printed, {k: {"$numberDouble": v} for k, v in flipped.items()})
    assert set(result.fields) == set(printed)
