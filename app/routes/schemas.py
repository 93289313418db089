"""JSON schemas for the OpenAPI document of the hand-validated ingest endpoints.

The ingest path validates by hand (see ``app.ingest``); these schemas only describe the same rules to
clients and to schemathesis, so they must be kept in step with ``app.ingest.parse_pair``.
"""

from __future__ import annotations

from typing import Any

from app.spec_cache import SpecSource
from app.validation import NAME_PATTERN
from comparators.rules import Rule
from comparators.spec import json_schema as spec_json_schema
from flags.errors import Remedy
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

SPEC: dict[str, Any] = spec_json_schema()
"""Derived from ``comparators.spec.OPTIONS``: the one definition of the spec options."""

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
        "normalized": {
            "type": "object",
            "description": "compared pairs: rule -> the legacy-side top-level fields it made equal",
            "propertyNames": {"enum": [r.value for r in Rule]},
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
        "warnings": {
            "type": "array",
            "description": "compared pairs: spec options that matched nothing",
            "items": {
                "type": "object",
                "required": ["option", "message"],
                "properties": {"option": {"type": "string"}, "message": {"type": "string"}},
            },
        },
        "spec": {
            "type": "object",
            "description": "compared pairs: the spec applied (options not at their default)",
        },
        "spec_source": {"enum": [s.value for s in SpecSource]},
    },
}

ERROR: dict[str, Any] = {
    "type": "object",
    "required": ["error", "message"],
    "properties": {
        "error": {"type": "string"},
        "message": {"type": "string"},
        "problem": {
            "type": "string",
            "description": "with remedies: the message without the advice, for a client that words its own",
            "examples": ["no flag for module 'orders'"],
        },
        "remedies": {
            "type": "array",
            "items": {"enum": [r.value for r in Remedy]},
            "description": "what can be done next, by name (the message says it for this API)",
            "examples": [["create"]],
        },
        "module": {
            "type": ["string", "null"],
            "description": "with remedies: the module they are about",
            "examples": ["orders"],
        },
    },
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
