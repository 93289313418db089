"""How a refusal puts each kind of schema into words, for schemas the API does not use today.

``test_request_errors.py`` checks every field of the real API through the app; these call
:func:`app.request_errors.describe` with one-field schemas, so that a route given a new kind of
constraint (a text length, an exclusive bound, a map of at least two entries) already gets a sentence a
person can act on, and a schema it cannot read gets pydantic's words with what was sent.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from app.request_errors import Operation, describe, operation_of
from app.text_patterns import NAME


def _operation(field: Any, components: dict[str, Any] | None = None) -> Operation:
    """An operation whose JSON body is an object with the one field ``f``."""
    body = {"type": "object", "properties": {"f": field}}
    doc = {"components": {"schemas": components or {}}}
    return Operation(doc, {"requestBody": {"content": {"application/json": {"schema": body}}}})


def _error(kind: str, given: Any, *loc: Any, **ctx: Any) -> dict[str, Any]:
    return {
        "loc": ("body", "f", *loc),
        "type": kind,
        "input": given,
        "msg": "Input should be valid",
        "ctx": ctx,
    }


@pytest.mark.parametrize(
    ("field", "error", "sentence"),
    [
        pytest.param(
            {"type": "number", "exclusiveMinimum": 0},
            _error("greater_than", 0),
            "f must be a number above 0, not 0",
            id="an exclusive lower bound",
        ),
        pytest.param(
            {"type": "integer", "maximum": 10},
            _error("less_than_equal", 11),
            "f must be an integer at most 10, not 11",
            id="an upper bound alone",
        ),
        pytest.param(
            {"type": "number", "exclusiveMaximum": 1.5},
            _error("less_than", 2),
            "f must be a number below 1.5, not 2",
            id="an exclusive upper bound",
        ),
        pytest.param(
            {"type": "string", "minLength": 2, "maxLength": 5},
            _error("string_too_short", "x"),
            'f must be text of 2 to 5 characters, not "x"',
            id="a text length from and to",
        ),
        pytest.param(
            {"type": "string", "maxLength": 5},
            _error("string_too_long", "abcdef"),
            'f must be text of at most 5 characters, not "abcdef"',
            id="a text length at most",
        ),
        pytest.param(
            {"type": "object", "minProperties": 2},
            _error("too_short", {"a": 1}),
            'f must be a JSON object of at least 2 entries, not {"a": 1}',
            id="a map of at least two entries",
        ),
        pytest.param(
            {},
            _error("string_pattern_mismatch", "a b", pattern=NAME.regex),
            f'f must be {NAME.accepts}, not "a b"',
            id="a pattern the schema does not carry, from the error",
        ),
        pytest.param(
            {"type": "null"},
            _error("none_required", 1),
            "f: input should be valid, not 1",
            id="nothing to go by: pydantic's words",
        ),
        pytest.param(
            {},
            _error("int_type", "x", "g"),
            'f.g: input should be valid, not "x"',
            id="a place below a field the schema does not describe",
        ),
        pytest.param(
            {
                "anyOf": [
                    {"type": "object", "properties": {"a": {"type": "integer"}}},
                    {"type": "object", "properties": {"b": {"type": "string"}}},
                ]
            },
            _error("int_type", "x", "a"),
            'f.a must be an integer, not "x"',
            id="the one union branch that has the field",
        ),
    ],
)
def test_each_kind_of_schema_is_put_into_words(field: Any, error: dict[str, Any], sentence: str) -> None:
    assert describe([error], _operation(field)) == sentence


def test_a_ref_cycle_in_the_document_ends_in_pydantics_words() -> None:
    loop = {"$ref": "#/components/schemas/Loop"}
    operation = _operation(loop, {"Loop": loop})
    assert describe([_error("int_type", "x")], operation) == 'f: input should be valid, not "x"'


def test_a_query_parameter_the_operation_does_not_declare_is_named() -> None:
    error = {"loc": ("query", "window"), "type": "value_error", "input": "7x", "ctx": {"error": "bad window"}}
    assert describe([error], _operation({})) == "query parameter window: bad window"


@pytest.mark.parametrize(
    "route",
    [
        pytest.param(SimpleNamespace(), id="a route without a path"),
        pytest.param(SimpleNamespace(path_format="/console", include_in_schema=False), id="outside /docs"),
    ],
)
def test_a_route_outside_the_openapi_document_has_no_operation(route: Any) -> None:
    assert operation_of(None, route, "GET") is None
