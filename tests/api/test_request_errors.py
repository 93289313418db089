"""A request refused by its declared types gets one sentence per field: the field, what was sent and
everything the field accepts, never pydantic's per-branch union text nor a regular expression.

Run against the app in this process (``tests.inprocess``): the wording comes from the route's OpenAPI
schema, which is the same in every deployment.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from app.main import create_app
from app.settings import Settings
from app.text_patterns import TEXT_PATTERNS
from tests.inprocess import inprocess_app

PYDANTIC_WORDING = ("Input should", "literal[", "should match pattern", "Input tag", "Unable to extract")
"""What pydantic says on its own; none of it tells a person what to send."""


def answers(tmp_path: Path, requests: list[tuple[str, str, Any]]) -> list[httpx.Response]:
    """Each request's answer from one app, where module ``orders`` exists."""

    async def send() -> list[httpx.Response]:
        async with inprocess_app(tmp_path, guard_enabled=False) as client:
            await client.put("/v1/flags/orders", json={"state": "shadow", "reason": "onboard"})
            return [await client.request(method, path, json=body) for method, path, body in requests]

    return asyncio.run(send())


def refusal(tmp_path: Path, method: str, path: str, body: Any = None) -> httpx.Response:
    return answers(tmp_path, [(method, path, body)])[0]


FLAG = "/v1/flags/orders"
RULES = "/v1/specs/orders/getOrder/rules"

# (method, path, body) -> the whole message of the 422
REFUSALS: dict[str, tuple[str, str, Any, str]] = {
    # unions and literals of request bodies
    "auto_rollback, a word": (
        "PUT", FLAG, {"auto_rollback": "maybe", "reason": "r"},
        'auto_rollback must be true, false or "notify", not "maybe"',
    ),
    "auto_rollback, a number": (
        "PUT", FLAG, {"auto_rollback": 1, "reason": "r"},
        'auto_rollback must be true, false or "notify", not 1',
    ),
    "state": (
        "PUT", FLAG, {"state": "live", "reason": "r"},
        'state must be "legacy", "shadow", "orm" or "migrated", not "live"',
    ),
    "rule option unknown": (
        "POST", RULES, {"option": "hide", "value": "updated_at", "reason": "r"},
        'option must be "ignore", "float_tolerance" or "types", not "hide"',
    ),
    "rule option left out": (
        "POST", RULES, {"value": "updated_at", "reason": "r"},
        'option is required; it must be "ignore", "float_tolerance" or "types"',
    ),
    "ignore rule, a number": (
        "POST", RULES, {"option": "ignore", "value": 5, "reason": "r"},
        "value must be a field name or dotted path without row keys or indexes (items.price, not "
        "items[0].price), not 5",
    ),
    "ignore rule, a path with an index": (
        "POST", RULES, {"option": "ignore", "value": "items[0].price", "reason": "r"},
        "value must be a field name or dotted path without row keys or indexes (items.price, not "
        'items[0].price), not "items[0].price"',
    ),
    "types rule, an unknown type": (
        "POST", RULES, {"option": "types", "value": {"flags": "int"}, "reason": "r"},
        'value.flags must be "bool", "json", "epoch_s", "epoch_ms", "epoch_us" or "text", not "int"',
    ),
    "types rule, a field with an index": (
        "POST", RULES, {"option": "types", "value": {"items[0]": "json"}, "reason": "r"},
        'value has the key "items[0]"; a key must be a field name or dotted path without row keys or '
        "indexes (items.price, not items[0].price)",
    ),
    "types rule, not an object": (
        "POST", RULES, {"option": "types", "value": "flags", "reason": "r"},
        "value must be a JSON object of exactly one entry mapping a field name or dotted path without "
        'row keys or indexes (items.price, not items[0].price) to "bool", "json", "epoch_s", "epoch_ms", '
        '"epoch_us" or "text", not "flags"',
    ),
    "tolerance rule, text": (
        "POST", RULES, {"option": "float_tolerance", "value": "small", "reason": "r"},
        'value must be a number at least 0 and below 1, not "small"',
    ),
    "tolerance rule, a boolean": (
        "POST", RULES, {"option": "float_tolerance", "value": True, "reason": "r"},
        "value must be a number at least 0 and below 1, not true",
    ),
    "rule expiry without an offset": (
        "POST", RULES,
        {"option": "ignore", "value": "a", "reason": "r", "expires_at": "2030-01-31T00:00:00"},
        "expires_at must be an ISO-8601 date and time with its offset, such as 2030-01-31T00:00:00Z or "
        '2030-01-31T00:00:00+02:00, not "2030-01-31T00:00:00"',
    ),
    "alert status": (
        "POST", "/v1/alerts/alertmanager",
        {"version": "4", "groupKey": "g", "status": "burning", "alerts": []},
        'status must be "firing" or "resolved", not "burning"',
    ),
    # patterns, of bodies and of parameters
    "blank reason": (
        "PUT", FLAG, {"state": "orm", "reason": "   "},
        'reason must be text that says why (not only whitespace), at most 2000 characters, not "   "',
    ),
    "reason left out": (
        "POST", f"{FLAG}/rollback", {},
        "reason is required; it must be text that says why (not only whitespace), at most 2000 characters",
    ),
    "a person with a line break": (
        "PUT", FLAG, {"reason": "r", "by": "dana\nops"},
        "by must be a person's name of 1 to 128 characters, no control characters, not \"dana\\nops\"",
    ),
    "metrics window": (
        "GET", "/metrics/json?window=7x", None,
        'query parameter window must be a duration like 15m, 1h, 24h or 7d, not "7x"',
    ),
    "a name in the query": (
        "GET", "/v1/mismatches?module=auth%20svc", None,
        'query parameter module must be a name of 1 to 128 of the characters A-Z a-z 0-9 _ . : -, '
        'not "auth svc"',
    ),
    "a name in the path": (
        "GET", "/v1/flags/auth%20svc", None,
        'path parameter module must be a name of 1 to 128 of the characters A-Z a-z 0-9 _ . : -, '
        'not "auth svc"',
    ),
    "a reason in the query": (
        "PUT", "/v1/specs/orders/getOrder?reason=%20", {"key": ["id"]},
        'query parameter reason must be text that says why (not only whitespace), at most 2000 '
        'characters, not " "',
    ),
    # numbers and their ranges
    "a rate above one": (
        "PUT", FLAG, {"sample_rate": 1.5, "reason": "r"}, "sample_rate must be a number from 0 to 1, not 1.5"
    ),
    "a nested override of the wrong type": (
        "PUT", FLAG, {"guard": {"threshold": "high"}, "reason": "r"},
        'guard.threshold must be a number from 0 to 1, not "high"',
    ),
    "a limit of zero": (
        "GET", "/v1/mismatches?limit=0", None,
        'query parameter limit must be an integer from 1 to 1000, not "0"',
    ),
}  # fmt: skip


@pytest.mark.parametrize(("method", "path", "body", "message"), list(REFUSALS.values()), ids=list(REFUSALS))
def test_a_refusal_names_the_field_what_was_sent_and_what_it_accepts(
    tmp_path: Path, method: str, path: str, body: Any, message: str
) -> None:
    response = refusal(tmp_path, method, path, body)
    assert response.status_code == 422, response.text
    assert response.json() == {"error": "invalid_request", "message": message}


def test_problems_in_two_fields_are_one_sentence_each(tmp_path: Path) -> None:
    body = {"auto_rollback": "maybe", "sample_rate": "half", "reason": "r"}
    message = refusal(tmp_path, "PUT", FLAG, body).json()["message"]
    assert message == (
        'sample_rate must be a number from 0 to 1, not "half"; '
        'auto_rollback must be true, false or "notify", not "maybe"'
    )


# -- every field of every request body model, and every pattern of the API ------------------------


@pytest.fixture(scope="module")
def doc() -> dict[str, Any]:
    async def fetch() -> dict[str, Any]:
        transport = httpx.ASGITransport(app=create_app(Settings()))
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            found: dict[str, Any] = (await client.get("/openapi.json")).json()
            return found

    return asyncio.run(fetch())


def _component(doc: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = doc["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return found


def model_fields(doc: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any], str, dict[str, Any]]]:
    """(method, path, a body fixing the model's tag, field, its schema) for every field of every
    request body that a pydantic model declares."""
    for path, operations in doc["paths"].items():
        url = path.replace("{module}", "orders").replace("{query_name}", "getOrder")
        for method, operation in operations.items():
            content = operation.get("requestBody", {}).get("content", {}).get("application/json", {})
            schema = content.get("schema", {})
            models: list[tuple[dict[str, Any], dict[str, Any]]]
            if "$ref" in schema:
                models = [({}, _component(doc, schema))]
            elif "discriminator" in schema:
                tag = schema["discriminator"]["propertyName"]
                mapping = schema["discriminator"]["mapping"]
                models = [({tag: value}, _component(doc, {"$ref": ref})) for value, ref in mapping.items()]
            else:
                continue  # a hand-validated body (pairs, specs, dry runs): app.ingest words its refusals
            for fixed, model in models:
                for field, field_schema in model["properties"].items():
                    if field not in fixed:
                        yield method.upper(), url, fixed, field, field_schema


def a_wrong_value(schema: dict[str, Any]) -> Any:
    """A value of no type the field takes: text for a list, else a list of lists."""
    return "x" if schema.get("type") == "array" else [[1]]


def test_every_field_of_every_request_body_model_is_refused_in_words(
    tmp_path: Path, doc: dict[str, Any]
) -> None:
    fields = list(model_fields(doc))
    requests = [
        (method, path, {**fixed, field: a_wrong_value(schema)})
        for method, path, fixed, field, schema in fields
    ]
    checked = []
    for (method, path, _, field, _), response in zip(fields, answers(tmp_path, requests), strict=True):
        message = response.json()["message"]
        assert response.status_code == 422, (method, path, field, response.text)
        assert f"{field} must be " in message, (method, path, field, message)
        assert not any(words in message for words in PYDANTIC_WORDING), (method, path, field, message)
        checked.append((path, field))
    assert ("/v1/flags/orders", "auto_rollback") in checked
    assert ("/v1/specs/orders/getOrder/rules", "value") in checked


def patterns_in(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        if isinstance(node.get("pattern"), str):
            yield node["pattern"]
        for key, value in node.items():
            if key == "patternProperties":
                yield from value
            yield from patterns_in(value)
    elif isinstance(node, list):
        for item in node:
            yield from patterns_in(item)


def test_every_pattern_the_api_checks_has_words(doc: dict[str, Any]) -> None:
    declared = set(patterns_in(doc["components"]["schemas"]))
    for operations in doc["paths"].values():
        declared.update(patterns_in([op.get("parameters", []) for op in operations.values()]))
    assert declared - {p.regex for p in TEXT_PATTERNS} == set()
