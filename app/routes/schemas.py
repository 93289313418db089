"""JSON schemas for the OpenAPI document of the hand-validated ingest endpoints.

The ingest path validates by hand (see ``app.ingest``); these schemas only describe the same rules to
clients and to schemathesis, so they must be kept in step with ``app.ingest.parse_pair``.
"""

from __future__ import annotations

from typing import Any

from app.validation import NAME_PATTERN

NAME: dict[str, Any] = {"type": "string", "pattern": NAME_PATTERN}

SIDE: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
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

PAIR: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["module", "query_name", "legacy", "orm"],
    "properties": {
        "module": NAME,
        "query_name": NAME,
        "request_id": {"type": ["string", "null"], "maxLength": 256},
        "legacy": SIDE,
        "orm": SIDE,
        "spec": {"type": ["object", "null"], "description": "comparison options (overrides the stored spec)"},
    },
}

RESULT: dict[str, Any] = {
    "type": "object",
    "required": ["outcome", "reason", "differences"],
    "properties": {
        "outcome": {"enum": ["match", "mismatch", "error", "skipped"]},
        "reason": {"type": ["string", "null"]},
        "differences": {"type": "array", "items": {"type": "object"}},
        "difference_count": {"type": "integer"},
        "truncated": {"type": "boolean"},
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
