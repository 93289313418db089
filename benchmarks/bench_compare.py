"""Time per pair of ``comparators.compare`` against DeepDiff and against the ``orjson.loads`` floor.

Pairs are what a raw-SQL driver and an ORM return for the same query: about ten mixed columns,
where the two sides spell most values differently (bigint as text vs number, numeric text vs float,
snake_case vs camelCase, two timestamp spellings, date vs midnight instant, UUID case, JSON text vs
object). "equal" pairs hold the same data; "1 diff" pairs have one changed field in one row.

A second pair family is MySQL-style (``mysql2`` against Prisma on MariaDB/SQLite): 0/1 booleans against
true/false, epoch milliseconds against ISO instants, float32 short decimals against their widened
doubles, SET text against arrays, times of day against instants on 1970-01-01; held to the same goals.

Counting rule hits (``normalized``) must not cost an equal pair more than 10%: each equal pair is also
timed with ``compare(..., announce=False)`` in the same interleaved rounds.

Everything is measured in one run (``timeit``, best of interleaved rounds) and printed as ratios:
``vs DeepDiff`` is how many times faster ``compare`` is than ``DeepDiff(legacy, orm, ignore_order=True)``;
``vs parse`` is how many times slower it is than ``orjson.loads`` of the pair's JSON (the floor for any
JSON service). Goals: equal pairs >= 100x vs DeepDiff and <= 3x vs parse; 1-diff pairs >= 20x vs DeepDiff.
"""

from __future__ import annotations

import copy
import struct
import sys
import time
import timeit
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import orjson
from deepdiff import DeepDiff

from comparators import compare

SIZES = (1, 10, 100, 1000)


def legacy_row(i: int) -> dict[str, Any]:
    """A row as a raw SQL driver renders it (text for bigint/numeric/json, PostgreSQL timestamp text)."""
    return {
        "id": i,
        "account_id": str(9_007_199_254_740_993 + i),
        "amount": f"{1000 + i}.50",
        "display_name": f"User {i}",
        "created_at": f"2025-06-30 22:{i % 60:02d}:10.5+00",
        "birth_date": f"1990-03-{1 + i % 28:02d}",
        "external_id": f"550E8400-E29B-41D4-A716-{i:012X}",
        "settings": f'{{"theme": "dark", "notify": {{"email": true, "limit": {i}}}}}',
        "is_active": i % 2 == 0,
        "deleted_at": None,
    }


def orm_row(i: int) -> dict[str, Any]:
    """The same row as an ORM serializes it (camelCase, numbers, ISO instants, parsed JSON)."""
    return {
        "id": i,
        "accountId": 9_007_199_254_740_993 + i,
        "amount": 1000 + i + 0.5,
        "displayName": f"User {i}",
        "createdAt": f"2025-06-30T22:{i % 60:02d}:10.500Z",
        "birthDate": f"1990-03-{1 + i % 28:02d}T00:00:00.000Z",
        "externalId": f"550e8400-e29b-41d4-a716-{i:012x}",
        "settings": {"theme": "dark", "notify": {"email": True, "limit": i}},
        "isActive": i % 2 == 0,
        "deletedAt": None,
    }


_EPOCH_MS = 1_735_689_600_000


def _float32(value: float) -> float:
    return float(struct.unpack("f", struct.pack("f", value))[0])


def mysql_legacy_row(i: int) -> dict[str, Any]:
    """A row as ``mysql2`` (or better-sqlite3) renders it: TINYINT(1) as 0/1, DATETIME stored as epoch
    ms, FLOAT as its short decimal, SET as comma-separated text, TIME as HH:MM:SS."""
    return {
        "id": i,
        "display_name": f"Member {i}",
        "is_active": i % 2,
        "archived": 1 - i % 2,
        "updated_at": _EPOCH_MS + i * 61_001,
        "ratio": round(0.1 + (i % 97) * 0.013, 3),
        "flags": "beta,internal" if i % 3 else "",
        "starts_at": f"{8 + i % 10:02d}:{i % 60:02d}:{i % 7:02d}",
    }


def mysql_orm_row(i: int) -> dict[str, Any]:
    """The same row from Prisma: booleans, ISO instants, the float32 widened to a double, arrays, and
    a time of day as an instant on 1970-01-01."""
    ms = _EPOCH_MS + i * 61_001
    moment = datetime.fromtimestamp(ms / 1000, UTC)
    return {
        "id": i,
        "displayName": f"Member {i}",
        "isActive": bool(i % 2),
        "archived": not i % 2,
        "updatedAt": moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{ms % 1000:03d}Z",
        "ratio": _float32(round(0.1 + (i % 97) * 0.013, 3)),
        "flags": ["beta", "internal"] if i % 3 else [],
        "startsAt": f"1970-01-01T{8 + i % 10:02d}:{i % 60:02d}:{i % 7:02d}.000Z",
    }


FAMILIES: dict[str, tuple[Callable[[int], dict[str, Any]], Callable[[int], dict[str, Any]], str]] = {
    "pg": (legacy_row, orm_row, "amount"),
    "mysql": (mysql_legacy_row, mysql_orm_row, "flags"),
}
"""Pair family -> (legacy row, ORM row, the ORM field the 1-diff pair changes)."""


def pairs(rows: int, family: str = "pg") -> tuple[tuple[Any, Any], tuple[Any, Any]]:
    """(equal pair, one-field-different pair), each round-tripped through JSON like a posted pair."""
    make_legacy, make_orm, field = FAMILIES[family]
    legacy = [make_legacy(i) for i in range(rows)]
    orm = [make_orm(i) for i in range(rows)]
    changed = copy.deepcopy(orm)
    changed[rows // 2][field] = changed[rows // 2][field] + 1 if field == "amount" else ["beta"]
    load = orjson.loads
    return (load(orjson.dumps(legacy)), load(orjson.dumps(orm))), (
        load(orjson.dumps(legacy)),
        load(orjson.dumps(changed)),
    )


def calls_per_round(fn: Callable[[], object], budget: float) -> int:
    """How many calls of ``fn`` take about ``budget`` seconds of CPU time."""
    number, elapsed = timeit.Timer(fn, timer=time.process_time).autorange()
    return max(1, int(number * budget / max(elapsed, 1e-9)))


def best_seconds(contenders: dict[str, Callable[[], object]], *, rounds: int = 7) -> dict[str, float]:
    """Best CPU time of one call of each contender, over ``rounds`` rounds that time them in turn.

    CPU time (``process_time``), not wall time, and interleaved rounds: on a shared machine another
    process's burst of load then lands on every contender alike instead of skewing one ratio.
    """
    timers = {name: timeit.Timer(fn, timer=time.process_time) for name, fn in contenders.items()}
    numbers = {name: calls_per_round(fn, 0.05) for name, fn in contenders.items()}
    best = dict.fromkeys(contenders, float("inf"))
    for _ in range(rounds):
        for name, timer in timers.items():
            best[name] = min(best[name], timer.timeit(numbers[name]) / numbers[name])
    return best


def measure(legacy: Any, orm: Any, *, expect_equal: bool) -> dict[str, float]:
    """Best CPU seconds per call of compare, compare without rule attribution, DeepDiff and the parse."""
    result = compare(legacy, orm)
    if result.equal is not expect_equal or (not expect_equal and len(result.differences) != 1):
        raise SystemExit(f"benchmark pair misjudged: {result}")
    blob = orjson.dumps({"legacy": legacy, "orm": orm})
    contenders: dict[str, Callable[[], object]] = {
        "compare": lambda: compare(legacy, orm),
        "parse": lambda: orjson.loads(blob),
        "deepdiff": lambda: DeepDiff(legacy, orm, ignore_order=True),
    }
    if expect_equal:
        contenders["uncounted"] = lambda: compare(legacy, orm, announce=False)
    return best_seconds(contenders)


def _verdict(met: bool) -> str:
    return "met" if met else "NOT met"


def main() -> None:
    print(f"Python {sys.version.split()[0]}; CPU time per pair, best of 7 interleaved timeit rounds")
    columns: tuple[str, ...] = ("pair", "rows", "kind", "compare", "DeepDiff", "orjson.loads")
    columns += ("vs DeepDiff", "vs parse", "counting")
    header = "{:<6} {:>5} {:<7} {:>11} {:>11} {:>12} {:>12} {:>9} {:>9}".format(*columns)
    print(header)
    print("-" * len(header))
    verdicts: list[str] = []
    for family in FAMILIES:
        for rows in SIZES:
            equal_pair, diff_pair = pairs(rows, family)
            for label, (legacy, orm), expect_equal in (
                ("equal", equal_pair, True),
                ("1 diff", diff_pair, False),
            ):
                best = measure(legacy, orm, expect_equal=expect_equal)
                ours, deep, floor = best["compare"], best["deepdiff"], best["parse"]
                faster, slower = deep / ours, ours / floor
                counting = ours / best["uncounted"] - 1 if expect_equal else None
                shown = f"{counting:+.0%}" if counting is not None else "-"
                print(
                    f"{family:<6} {rows:>5} {label:<7} {ours * 1e6:>9.1f}us {deep * 1e6:>9.0f}us"
                    f" {floor * 1e6:>10.1f}us {faster:>11.0f}x {slower:>8.1f}x {shown:>9}"
                )
                where = f"{family} {rows} rows"
                if counting is not None:
                    verdicts.append(
                        f"{where} equal: {faster:.0f}x vs DeepDiff (goal >= 100x: {_verdict(faster >= 100)}),"
                        f" {slower:.1f}x the parse floor (goal <= 3x: {_verdict(slower <= 3)}),"
                        f" counting rules {counting:+.0%} (goal <= +10%: {_verdict(counting <= 0.10)})"
                    )
                else:
                    verdicts.append(
                        f"{where} 1 diff: {faster:.0f}x vs DeepDiff (goal >= 20x: {_verdict(faster >= 20)})"
                    )
    print()
    for line in verdicts:
        print(line)
    met = sum(line.count(": met)") for line in verdicts)
    missed = sum(line.count(": NOT met)") for line in verdicts)
    print(f"\n{met} goals met, {missed} not met" + ("" if missed else ": every goal met"))


if __name__ == "__main__":
    main()
