"""Replays the SQL-vs-Prisma fixture corpus (tests/corpus/) through the engine.

Each fixture is a real pair: one query read through the `pg` driver and through Prisma 7, serialized as a
backend posts it. Pairs equal in data must compare equal (no false positive on a representation
difference); pairs with a planted porting bug must report exactly the expected (field, kind, path) set,
no more (noise) and no less (a miss). The test reads the committed JSON only: no Node, no database.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import orjson
import pytest

from comparators import Comparison, Spec, compare

FIXTURES = Path(__file__).resolve().parent.parent / "corpus" / "fixtures"

# Cases the engine gets wrong today. The expectation stays correct; the case is a strict xfail naming the
# gap, so fixing the engine turns it into an XPASS failure that asks for the mark to be removed.
_NULL_IS_CHANGED = (
    "a value against null is reported as kind 'type', but report.Kind documents CHANGED as 'both sides "
    "hold a value of the same kind (or one is null)'; diff._kind counts null as a kind of its own"
)
ENGINE_GAPS: dict[str, str] = {}


def _load(path: Path) -> dict[str, Any]:
    fixture: dict[str, Any] = orjson.loads(path.read_bytes())
    return fixture


def _cases() -> list[Any]:
    params = []
    for path in sorted(FIXTURES.glob("*.json")):
        fixture = _load(path)
        marks = []
        if fixture["case"] in ENGINE_GAPS:
            marks.append(pytest.mark.xfail(strict=True, reason=f"engine gap: {ENGINE_GAPS[fixture['case']]}"))
        params.append(pytest.param(fixture, id=fixture["case"], marks=marks))
    return params


def _reported(result: Comparison) -> Counter[tuple[str, str, str]]:
    return Counter((d.field, str(d.kind), d.path) for d in result.differences)


def _expected(fixture: dict[str, Any]) -> Counter[tuple[str, str, str]]:
    return Counter((d["field"], d["kind"], d["path"]) for d in fixture["expected"]["differences"])


def test_corpus_is_present_and_covers_both_outcomes() -> None:
    """An empty or one-sided corpus would make the replay below pass without testing anything."""
    fixtures = [_load(path) for path in FIXTURES.glob("*.json")]
    outcomes = Counter(f["expected"]["equal"] for f in fixtures)
    assert outcomes[True] >= 10
    assert outcomes[False] >= 10


def test_pairs_equal_in_data_differ_in_representation() -> None:
    """The equal pairs are there to catch false positives, so nearly all must differ as sent (key casing,
    numbers as text, instants spelled differently); a generator that made both sides alike would not."""
    equal_pairs = [f["pair"] for f in map(_load, FIXTURES.glob("*.json")) if f["expected"]["equal"]]
    spelled_differently = [
        p for p in equal_pairs if orjson.dumps(p["legacy"]["result"]) != orjson.dumps(p["orm"]["result"])
    ]
    assert len(spelled_differently) >= len(equal_pairs) - 3


@pytest.mark.parametrize("fixture", _cases())
def test_engine_reports_exactly_the_expected_differences(fixture: dict[str, Any]) -> None:
    pair = fixture["pair"]
    result = compare(pair["legacy"]["result"], pair["orm"]["result"], Spec.from_dict(pair.get("spec")))

    assert (result.equal, _reported(result)) == (fixture["expected"]["equal"], _expected(fixture))
