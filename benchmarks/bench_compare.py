"""Time per pair of ``comparators.compare`` against DeepDiff and against the ``orjson.loads`` floor.

Pairs are what a raw-SQL driver and an ORM return for the same query: about ten mixed columns,
where the two sides spell most values differently (bigint as text vs number, numeric text vs float,
snake_case vs camelCase, two timestamp spellings, date vs midnight instant, UUID case, JSON text vs
object). "equal" pairs hold the same data; "1 diff" pairs have one changed field in one row.

Everything is measured in one run (``timeit``, best of interleaved rounds) and printed as ratios:
``vs DeepDiff`` is how many times faster ``compare`` is than ``DeepDiff(legacy, orm, ignore_order=True)``;
``vs parse`` is how many times slower it is than ``orjson.loads`` of the pair's JSON (the floor for any
JSON service). Goals: equal pairs >= 100x vs DeepDiff and <= 3x vs parse; 1-diff pairs >= 20x vs DeepDiff.
"""

from __future__ import annotations

import copy
import sys
import time
import timeit
from collections.abc import Callable
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


def pairs(rows: int) -> tuple[tuple[Any, Any], tuple[Any, Any]]:
    """(equal pair, one-field-different pair), each round-tripped through JSON like a posted pair."""
    legacy = [legacy_row(i) for i in range(rows)]
    orm = [orm_row(i) for i in range(rows)]
    changed = copy.deepcopy(orm)
    changed[rows // 2]["amount"] += 1
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


def measure(legacy: Any, orm: Any, *, expect_equal: bool) -> tuple[float, float, float]:
    result = compare(legacy, orm)
    if result.equal is not expect_equal or (not expect_equal and len(result.differences) != 1):
        raise SystemExit(f"benchmark pair misjudged: {result}")
    blob = orjson.dumps({"legacy": legacy, "orm": orm})
    best = best_seconds(
        {
            "compare": lambda: compare(legacy, orm),
            "parse": lambda: orjson.loads(blob),
            "deepdiff": lambda: DeepDiff(legacy, orm, ignore_order=True),
        }
    )
    return best["compare"], best["deepdiff"], best["parse"]


def _verdict(met: bool) -> str:
    return "met" if met else "NOT met"


def main() -> None:
    print(f"Python {sys.version.split()[0]}; CPU time per pair, best of 7 interleaved timeit rounds")
    columns = ("rows", "pair", "compare", "DeepDiff", "orjson.loads", "vs DeepDiff", "vs parse")
    header = "{:>5} {:<7} {:>11} {:>11} {:>12} {:>12} {:>9}".format(*columns)
    print(header)
    print("-" * len(header))
    verdicts: list[str] = []
    for rows in SIZES:
        equal_pair, diff_pair = pairs(rows)
        for label, (legacy, orm), expect_equal in (("equal", equal_pair, True), ("1 diff", diff_pair, False)):
            ours, deep, floor = measure(legacy, orm, expect_equal=expect_equal)
            faster, slower = deep / ours, ours / floor
            print(
                f"{rows:>5} {label:<7} {ours * 1e6:>9.1f}us {deep * 1e6:>9.0f}us {floor * 1e6:>10.1f}us"
                f" {faster:>11.0f}x {slower:>8.1f}x"
            )
            if expect_equal:
                verdicts.append(
                    f"{rows} rows equal: {faster:.0f}x vs DeepDiff (goal >= 100x: {_verdict(faster >= 100)}),"
                    f" {slower:.1f}x the parse floor (goal <= 3x: {_verdict(slower <= 3)})"
                )
            else:
                verdicts.append(
                    f"{rows} rows 1 diff: {faster:.0f}x vs DeepDiff (goal >= 20x: {_verdict(faster >= 20)})"
                )
    print()
    for line in verdicts:
        print(line)


if __name__ == "__main__":
    main()
