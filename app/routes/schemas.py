"""JSON schemas for the OpenAPI document of the hand-validated ingest endpoints.

The ingest path validates by hand (see ``app.ingest``); these schemas only describe the same rules to
clients and to schemathesis, so they must be kept in step with ``app.ingest.parse_pair``.
"""

from __future__ import annotations

from typing import Any

from app.validation import NAME_PATTERN
from flags.vocabulary import Outcome, Reason

NAME: dict[str, Any] = {"type": "string", "pattern": NAME_PATTERN}

SIDE: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["result"],
    "properties": {
        "result": {"description": "the query's result as JSON: rows, one object, a scalar or null"},
        "latency_ms": {"type": ["number", "null"], "minimum": 0},
        "error": {
            "type": ["object", "null"],
            "properties": {"type": NAME, "message": {"type": ["string", "null"]}},
            "required": ["type"],
        },
    },
}

# A field name or dotted path, without row keys or indexes (comparators.spec refuses "[" and "]").
FIELD_NAME: dict[str, Any] = {"type": "string", "pattern": r"^[^.\[\]]+(\.[^.\[\]]+)*$"}

SPEC: dict[str, Any] = {
    "type": "object",
    "description": "comparison options (comparators.Spec); an inline spec overrides the stored one",
    "additionalProperties": False,
    "properties": {
        "key": {
            "anyOf": [
                {"type": "null"},
                FIELD_NAME,
                {"type": "array", "items": FIELD_NAME, "minItems": 1},
            ]
        },
        "ordered": {"type": ["boolean", "null"]},
        "ignore": {"anyOf": [{"type": "null"}, {"type": "array", "items": FIELD_NAME}]},
        "rename": {
            "anyOf": [
                {"type": "null"},
                # the legacy name is one field; only the ORM side may be a dotted path (comparators.spec)
                {
                    "type": "object",
                    "propertyNames": {"type": "string", "pattern": r"^[^.\[\]]+$"},
                    "additionalProperties": FIELD_NAME,
                },
            ]
        },
        "float_tolerance": {
            "anyOf": [{"type": "null"}, {"type": "number", "minimum": 0, "exclusiveMaximum": 1}]
        },
        "time_precision": {
            "anyOf": [
                {"type": "null"},
                {"enum": list(range(10))},
                {"enum": ["s", "ms", "us", "ns"]},
            ]
        },
        "naive_time_zone": {
            "description": "UTC, an offset such as +02:00, or an IANA zone name",
            "anyOf": [
                {"type": "null"},
                {"enum": ["UTC", "Z", "GMT"]},
                {"type": "string", "pattern": r"^[+-](0\d|1\d|2[0-3]):?[0-5]\d$"},
            ],
        },
        "strict_types": {"type": ["boolean", "null"]},
    },
}

PAIR: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["module", "query_name", "legacy", "orm"],
    "properties": {
        "module": NAME,
        "query_name": NAME,
        "request_id": {"type": ["string", "null"], "maxLength": 256},
        "pair_id": {
            "type": ["string", "null"],
            "minLength": 1,
            "maxLength": 128,
            "description": "idempotency key: the same id posted again within 24 h to the same replica is "
            "answered with its first outcome and not counted again",
        },
        "context": {
            "type": ["object", "null"],
            "description": "the query's inputs (at most 8 KB as JSON), redacted, kept with mismatch samples",
        },
        "legacy": SIDE,
        "orm": SIDE,
        "spec": {"anyOf": [{"type": "null"}, SPEC]},
    },
}

RESULT: dict[str, Any] = {
    "type": "object",
    "required": ["outcome", "reason", "differences"],
    "properties": {
        "outcome": {"enum": [o.value for o in Outcome]},
        "reason": {"anyOf": [{"type": "null"}, {"enum": [r.value for r in Reason]}]},
        "differences": {"type": "array", "items": {"type": "object"}},
        "difference_count": {"type": "integer"},
        "truncated": {"type": "boolean"},
        "state": {"enum": ["legacy", "shadow", "orm", "migrated"], "description": "the module's state now"},
        "version": {"type": "integer", "description": "the module's flag version now"},
        "duplicate": {"type": "boolean", "description": "true: a repeated pair_id, not counted again"},
    },
}

ERROR: dict[str, Any] = {
    "type": "object",
    "required": ["error", "message"],
    "properties": {"error": {"type": "string"}, "message": {"type": "string"}},
}


def body(schema: dict[str, Any]) -> dict[str, Any]:
    return {"requestBody": {"required": True, "content": {"application/json": {"schema": schema}}}}


def json_response(description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


ERRORS: dict[int | str, dict[str, Any]] = {
    code: json_response(text, ERROR)
    for code, text in {
        400: "malformed JSON",
        401: "missing or unknown bearer token",
        403: "the token lacks the role",
        404: "unknown module or resource",
        409: "version conflict or transition not allowed",
        412: "If-Match names a stale version",
        413: "body over the size limit",
        422: "invalid input; the message names the field",
        503: "the store is unreachable",
    }.items()
}
