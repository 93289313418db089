"""The served /openapi.json documents everything: each operation has a summary or description, each
parameter a description and an example, each request body an example, each success response a schema
(JSON with its properties, or text), and every property of every schema a description and an example
(or a default, a const or an enum). A new endpoint or field without them fails here, naming it."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from app.main import create_app
from app.settings import Settings

VALUE_HINTS = ("example", "examples", "default", "const", "enum")


@pytest.fixture(scope="module")
def doc() -> dict[str, Any]:
    async def fetch() -> dict[str, Any]:
        app = create_app(Settings())
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            response = await client.get("/openapi.json")
        assert response.status_code == 200
        found: dict[str, Any] = response.json()
        return found

    import asyncio

    return asyncio.run(fetch())


def _target(doc: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref")
    if not ref:
        return schema
    found: dict[str, Any] = doc["components"]["schemas"][ref.rsplit("/", 1)[-1]]
    return found


def _has_value_hint(doc: dict[str, Any], schema: dict[str, Any]) -> bool:
    if any(k in schema for k in VALUE_HINTS):
        return True
    target = _target(doc, schema)
    if target is not schema and _has_value_hint(doc, target):
        return True
    return any(_has_value_hint(doc, s) for s in schema.get("anyOf", []) + schema.get("oneOf", []))


def _property_problems(doc: dict[str, Any], schema: Any, where: str, seen: set[str]) -> list[str]:
    if not isinstance(schema, dict):
        return []
    ref = schema.get("$ref")
    if ref:
        if ref in seen:
            return []
        seen.add(ref)
        return _property_problems(doc, _target(doc, schema), f"{where}<{ref.rsplit('/', 1)[-1]}>", seen)
    problems = []
    for name, prop in (schema.get("properties") or {}).items():
        here = f"{where}.{name}"
        described = prop.get("description") or _target(doc, prop).get("description")
        if not described:
            problems.append(f"{here}: no description")
        if not _has_value_hint(doc, prop):
            problems.append(f"{here}: no example")
        problems += _property_problems(doc, prop, here, seen)
    for key in ("anyOf", "oneOf", "allOf"):
        for sub in schema.get(key) or []:
            problems += _property_problems(doc, sub, where, seen)
    for key in ("items", "additionalProperties"):
        problems += _property_problems(doc, schema.get(key), where, seen)
    return problems


def test_every_operation_parameter_body_and_response_is_documented(doc: dict[str, Any]) -> None:
    problems: list[str] = []
    for path, operations in doc["paths"].items():
        for method, op in operations.items():
            where = f"{method.upper()} {path}"
            if not (op.get("summary") or op.get("description")):
                problems.append(f"{where}: no summary or description")
            for param in op.get("parameters", []):
                name = f"{where} parameter {param['name']}"
                if not param.get("description"):
                    problems.append(f"{name}: no description")
                if (
                    "example" not in param
                    and "examples" not in param
                    and not _has_value_hint(doc, param.get("schema", {}))
                ):
                    problems.append(f"{name}: no example")
            for media_type, media in op.get("requestBody", {}).get("content", {}).items():
                if (
                    "example" not in media
                    and "examples" not in media
                    and not _has_value_hint(doc, media.get("schema", {}))
                ):
                    problems.append(f"{where} body ({media_type}): no example")
            success = {c: r for c, r in op.get("responses", {}).items() if str(c).startswith("2")}
            if not success:
                problems.append(f"{where}: no success response")
            for code, response in success.items():
                if code == "304" or not response.get("content"):
                    continue
                for media_type, media in response["content"].items():
                    schema = _target(doc, media.get("schema") or {})
                    if media_type == "application/json" and not (
                        schema.get("properties") or schema.get("items")
                    ):
                        problems.append(f"{where} {code}: no response schema (properties)")
                    elif media_type != "application/json" and not schema.get("type"):
                        problems.append(f"{where} {code} ({media_type}): no response schema")
    assert not problems, "\n".join(problems)


def test_every_property_of_every_schema_is_documented(doc: dict[str, Any]) -> None:
    problems: list[str] = []
    for name, schema in doc["components"]["schemas"].items():
        problems += _property_problems(doc, schema, name, set())
    for path, operations in doc["paths"].items():
        for method, op in operations.items():
            where = f"{method.upper()} {path}"
            for media in op.get("requestBody", {}).get("content", {}).values():
                problems += _property_problems(doc, media.get("schema"), f"{where} body", set())
            for code, response in op.get("responses", {}).items():
                for media in (response.get("content") or {}).values():
                    problems += _property_problems(doc, media.get("schema"), f"{where} {code}", set())
    assert not problems, "\n".join(sorted(set(problems)))


def test_the_docs_page_loads_swagger_ui_from_this_service(doc: dict[str, Any]) -> None:
    async def fetch() -> tuple[str, int, int]:
        app = create_app(Settings())
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            page = (await client.get("/docs")).text
            js = await client.get("/docs/static/swagger-ui-bundle.js")
            css = await client.get("/docs/static/swagger-ui.css")
        return page, js.status_code, css.status_code

    import asyncio

    page, js, css = asyncio.run(fetch())
    assert "/docs/static/swagger-ui-bundle.js" in page and (js, css) == (200, 200)
    assert "cdn" not in page.lower() and "https://" not in page
