"""The closed sets of ``flags/vocabulary.py`` are the only spelling: the README's table, the OpenAPI
schema and the service's answers all agree with them."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from flags.errors import Remedy
from flags.vocabulary import Outcome, Reason, Side
from tests.inprocess import inprocess_app

pytestmark = pytest.mark.anyio

README = Path(__file__).resolve().parent.parent / "README.md"


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def readme_outcome_table() -> list[tuple[str, set[str]]]:
    text = README.read_text(encoding="utf-8")
    table = text.split("<!-- table:outcomes -->", 1)[1].split("<!-- /table:outcomes -->", 1)[0]
    rows = []
    for line in table.strip().splitlines()[2:]:
        outcome, reasons = (cell.strip() for cell in line.strip("|").split("|")[:2])
        rows.append((outcome.strip("`"), set(re.findall(r"`([a-z_]+)`", reasons))))
    return rows


def test_the_readme_table_lists_every_outcome_and_nothing_else() -> None:
    assert {outcome for outcome, _ in readme_outcome_table()} == {o.value for o in Outcome}


def test_the_readme_table_lists_every_reason_and_nothing_else() -> None:
    assert set().union(*(reasons for _, reasons in readme_outcome_table())) == {r.value for r in Reason}


def test_the_readme_names_every_remedy_an_error_may_carry() -> None:
    text = README.read_text(encoding="utf-8")
    listed = text.split("from\n`flags.errors.Remedy`:", 1)[1].split(";", 1)[0]
    assert set(re.findall(r"`([a-z_]+)`", listed)) == {r.value for r in Remedy}


def test_only_compared_outcomes_count_toward_a_mismatch_rate() -> None:
    assert {o for o in Outcome if o.compared} == {Outcome.MATCH, Outcome.MISMATCH}


def test_the_sides_keep_their_wire_names_in_metrics() -> None:
    assert {side.value: side.source for side in Side} == {"legacy": "sql", "orm": "prisma"}


async def test_the_openapi_schema_derives_outcomes_and_reasons_from_the_enums(tmp_path: Path) -> None:
    async with inprocess_app(tmp_path) as client:
        schema = (await client.get("/openapi.json")).json()
    result = _find_schema_with(schema, "outcome")
    assert result["properties"]["outcome"]["enum"] == [o.value for o in Outcome]
    reason_enums = [s["enum"] for s in result["properties"]["reason"]["anyOf"] if "enum" in s]
    assert reason_enums == [[r.value for r in Reason]]


def _find_schema_with(node: Any, prop: str) -> dict[str, Any]:
    if isinstance(node, dict):
        if prop in node.get("properties", {}):
            return node
        children = list(node.values())
    elif isinstance(node, list):
        children = node
    else:
        children = []
    for child in children:
        found = _find_schema_with(child, prop)
        if found:
            return found
    return {}


def pair(module: str, legacy: Any, orm: Any, **extra: Any) -> dict[str, Any]:
    return {
        "module": module,
        "query_name": "q",
        "legacy": {"result": legacy, "latency_ms": 1.0},
        "orm": {"result": orm, "latency_ms": 1.0},
        **extra,
    }


@pytest.mark.parametrize(
    ("body", "outcome", "reason"),
    [
        (pair("vocab", [{"id": 1}], [{"id": 1}]), Outcome.MATCH, None),
        (pair("vocab", [{"id": 1}], [{"id": 2}]), Outcome.MISMATCH, None),
        (
            {**pair("vocab", None, None), "legacy": {"result": None, "error": {"type": "Timeout"}}},
            Outcome.ERROR,
            Reason.LEGACY_ERROR,
        ),
        (
            {**pair("vocab", None, None), "orm": {"result": None, "error": {"type": "P2025"}}},
            Outcome.ERROR,
            Reason.ORM_ERROR,
        ),
    ],
    ids=["match", "mismatch", "legacy_error", "orm_error"],
)
async def test_a_pair_is_answered_in_the_vocabulary(
    tmp_path: Path, body: dict[str, Any], outcome: Outcome, reason: Reason | None
) -> None:
    async with inprocess_app(tmp_path, guard_enabled=False) as client:
        answer = (await client.post("/v1/pairs", json=body)).json()
    assert (answer["outcome"], answer["reason"]) == (outcome.value, reason)


async def test_a_module_in_legacy_is_skipped_as_module_off(tmp_path: Path) -> None:
    async with inprocess_app(tmp_path, guard_enabled=False) as client:
        put = await client.put("/v1/flags/off", json={"state": "legacy", "reason": "not yet"})
        assert put.status_code == 201, put.text
        answer = (await client.post("/v1/pairs", json=pair("off", 1, 1))).json()
    assert (answer["outcome"], answer["reason"]) == ("skipped", "module_off")


async def test_a_pair_outside_the_sample_is_skipped_as_not_sampled(tmp_path: Path) -> None:
    async with inprocess_app(tmp_path, guard_enabled=False) as client:
        put = await client.put("/v1/flags/rare", json={"state": "shadow", "sample_rate": 0, "reason": "off"})
        assert put.status_code == 201, put.text
        answer = (await client.post("/v1/pairs", json=pair("rare", 1, 1, request_id="r1"))).json()
    assert (answer["outcome"], answer["reason"]) == ("skipped", "not_sampled")
