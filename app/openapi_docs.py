"""The OpenAPI document, completed: every parameter and field described with an example, every success
response with a schema.

Routes that answer plain dicts (most of them: the wire format is hand-built for speed and exactness)
give FastAPI no response model, so their answers are described here, once, by (method, path). Names
that mean the same thing everywhere (``module``, ``reason``, ``version``, ...) are described once in
:data:`FIELDS` and :data:`PARAMS`; a property or parameter that carries its own description or example
keeps it. ``tests/api/test_openapi_complete.py`` walks the served ``/openapi.json`` and fails on any
operation, parameter, body or field left without a description, an example or (2xx) a schema, so a new
endpoint or field must be documented here or where it is declared.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI

Doc = tuple[str, Any]  # (description, example)

PARAMS: dict[str, Doc] = {
    "module": ("the module's name: one flag, one part of the backend migrating", "orders"),
    "query_name": ("the query's name within its module", "getOrder"),
    "field": ("a differing field, by its legacy-side name", "total"),
    "limit": ("at most this many entries, newest first", 20),
    "rows": ("include both sides' kept rows in each sample's detail", False),
    "sample_id": ("the sample's id (GET /v1/mismatches)", 42),
    "open_only": ("only rules still in their spec (not expired or removed)", True),
    "window": ("the window the figures cover: 5m, 1h, 24h", "1h"),
    "If-Match": ('the ETag of GET /v1/flags/{module}, e.g. "3"; a stale one answers 412', '"3"'),
    "if-none-match": ("the ETag of the last /v1/config read; unchanged answers 304", '"a1b2c3"'),
}

FIELDS: dict[str, Doc] = {
    # pairs
    "module": ("the module's name", "orders"),
    "query_name": ("the query's name within its module", "getOrder"),
    "request_id": ("the sampling key: the same id is sampled alike by client and server", "req-7f3a"),
    "pair_id": ("idempotency key: the same pair posted again within 24 h gets its first answer", "p-1"),
    "context": ("the query's inputs (at most 8 KB; redacted like values)", {"order_id": 1007}),
    "legacy": ("the legacy SQL side", {"result": [{"id": 1, "total": "12.50"}], "latency_ms": 2.1}),
    "orm": ("the ORM side", {"result": [{"id": 1, "total": 12.5}], "latency_ms": 3.4}),
    "result": ("the query's result as JSON: rows, one object, a scalar or null", [{"id": 1}]),
    "latency_ms": ("the side's query time in milliseconds", 2.1),
    "error": ("an error answer's code, or (in a pair) the side's error {type, message}", "invalid_payload"),
    "type": ("the error's type (a metric label)", "PrismaClientKnownRequestError"),
    "message": ("what happened, for a person", "unique constraint failed"),
    "spec": ("comparison options (see the spec options table)", {"key": ["id"]}),
    "pairs": ("the pairs of the batch", []),
    "outcome": ("match, mismatch, error or skipped", "mismatch"),
    "reason": (
        "why: a skip's or error's reason; for a change, kept in the audit history",
        "green for a week",
    ),
    "differences": (
        "each difference: field, kind, path, legacy, orm",
        [{"field": "total", "kind": "changed", "path": "[id=1].total", "legacy": "12.50", "orm": "12.4"}],
    ),
    "difference_count": ("how many differences there were in all", 1),
    "truncated": ("whether the differences were cut at SHADOWDIFF_MAX_DIFFERENCES", False),
    "normalized": ("rule name -> the fields it made equal", {"decimal_text": ["total"]}),
    "warnings": ("spec options that could not apply", [{"option": "key", "message": "no row has 'uid'"}]),
    "spec_source": ("where the applied spec came from: none, stored, inline, merged", "stored"),
    "sample": ("what became of the mismatch sample: queued, stored or dropped", "stored"),
    "accepted": ("pairs of the batch accepted", 99),
    "rejected": ("pairs of the batch refused (each with its own error)", 1),
    "results": ("one result per item, in order", []),
    # flags
    "state": ("legacy, shadow, orm or migrated", "shadow"),
    "sample_rate": ("share of pairs compared (0..1); null: the global default", 0.5),
    "effective_sample_rate": ("the rate in force: the module's own or the global default", 1.0),
    "serve_rate": ("in orm, the share of requests the ORM serves (0..1)", 0.25),
    "auto_rollback": ("true, false or notify: what the guard and the webhook may do", True),
    "version": ("the flag's version; a change names the version it was based on", 3),
    "updated_at": ("when it last changed (UTC)", "2026-11-29T21:42:51.123456+00:00"),
    "updated_by": ("who changed it last (the token's name)", "alice"),
    "default_sample_rate": ("the rate of modules without their own", 1.0),
    "flags": ("every module's flag", []),
    "history": ("entries newest first", []),
    "id": ("the entry's id", 12),
    "action": ("create, update, rollback, rollback_notify, spec_rule, spec_rule_expired", "update"),
    "actor": ("who: a token's name, alertmanager, guard, expiry", "alice"),
    "source": ("through what: api, alertmanager, guard, ingest", "api"),
    "at": ("when (UTC)", "2026-11-29T21:42:51.123456+00:00"),
    "from": ("the flag before the change", {"state": "shadow", "version": 2}),
    "to": ("the flag after the change", {"state": "orm", "version": 3}),
    "decision": ("an automatic rollback's decision record", None),
    "modules": ("per module", {}),
    "default_state": ("the state of modules /v1/config does not list", "shadow"),
    "retired": ("whether the module is retired (clients keep serving one path and post nothing)", False),
    "serves": ("a retired module's path: legacy or orm", "orm"),
    "by": ("the person acting, recorded beside the token's name", "dana"),
    "force": ("allow a move the rails refuse (skip a stage, leave migrated), with a reason", False),
    # specs and samples
    "specs": ("every stored spec", []),
    "key": ("match rows by these fields", ["id"]),
    "ordered": ("report a different order of the rows (or these paths)", False),
    "ignore": ("field names or dotted paths not compared", ["updated_at"]),
    "rename": ("legacy name -> ORM name", {"full_name": "displayName"}),
    "types": ("field -> declared type (bool, json, epoch_s, epoch_ms, epoch_us, text)", {"flags": "json"}),
    "float_tolerance": ("relative tolerance when a side is a JSON float", 1e-9),
    "time_precision": ("compare instants no finer than this", "ms"),
    "naive_time_zone": ("the zone of times written without an offset", "UTC"),
    "strict_types": ("turn the coercions off", False),
    "mismatches": ("samples, newest first", []),
    "fields": ("the differing fields (legacy-side names)", ["total"]),
    "detail": ("rows, spec, state and version, latencies, normalized (see README)", {"rows_kept": "all"}),
    "limit": ("at most this many, newest first", 50),
    "current_spec": ("the stored spec of the query now (null: none)", {"key": ["id"]}),
    "counts": ("samples per verdict", {"would_match": 3, "still_differs": 1, "cannot_rediff": 0}),
    "samples": ("one verdict per stored sample", []),
    "rule": (
        "a triage rule as kept beside the spec, or the guard's rule in words",
        {"id": 1, "option": "ignore", "value": "updated_at"},
    ),
    "rules": ("triage rules, newest first", []),
    "option": ("the spec option a rule sets", "ignore"),
    "value": ("the rule's value", "updated_at"),
    "expires_at": ("when the rule is taken out again (null: never)", "2030-01-31T00:00:00+00:00"),
    "created_at": ("when the rule was added", "2026-11-29T21:42:51+00:00"),
    "removed_at": ("when the rule was taken out (null: still in force)", None),
    "removed_by": ("who took it out: a token's name or expiry", None),
    # readiness, the guard, promotion (issue 14)
    "verdict": ("ready or not_ready", "not_ready"),
    "reasons": ("why not ready, one line per failed criterion", ["getOrder: 120 compared pairs, needs 1000"]),
    "criteria": ("the module's readiness criteria in force", {"min_pairs": 1000, "quiet_hours": 24}),
    "queries": ("per query (readiness: figures and verdict; /metrics/json: queries by source)", {}),
    "readiness": ("the module's readiness criteria (overrides of the defaults)", {"min_pairs": 500}),
    "guard": ("the module's guard settings (overrides of the defaults)", {"threshold": 0.001}),
    "min_pairs": ("compared pairs each query needs in the window", 1000),
    "window_hours": ("the hours readiness looks back", 24),
    "quiet_hours": ("hours without a mismatch readiness needs", 24),
    "max_latency_ratio": ("ORM p95 allowed as a multiple of SQL p95", 1.2),
    "latency_slack_ms": ("ORM p95 within this many ms of SQL p95 always passes", 1.0),
    "max_error_rate_increase": ("ORM error rate allowed over SQL's (fraction)", 0.001),
    "window_seconds": ("the guard's (or the figures') window in seconds", 300.0),
    "comparisons": ("compared pairs in the window (guard), or pairs by outcome (/metrics/json)", 1200),
    "rate": ("mismatching / compared pairs in the window", 0.0025),
    "lower_bound": ("the Wilson lower bound (z = 1.96) of the rate", 0.0011),
    "threshold": ("the critical mismatch rate", 0.001),
    "min_comparisons": ("fewer compared pairs never trip the guard", 100),
    "consecutive_windows": ("windows over the threshold in a row before the guard acts", 1),
    "windows_over_before": ("windows over the threshold in a row so far", 0),
    "would_act": ("whether the guard would roll the module back now", False),
    "enabled": ("whether the guard acts at all on this replica", True),
    "replica": ("which replica answered (the guard's view is per replica)", "shadowdiff-0:8000"),
    "changed": ("how many alerts of the notification changed a flag", 1),
    # health, metrics, alerts
    "status": ("ok / ready, or the webhook's status", "ok"),
    "sync_age_seconds": ("seconds since this replica last confirmed its flags", 0.4),
    "store": ("the store's state", "ok"),
    "receiver": ("Alertmanager's receiver", "shadowdiff-webhook"),
    "alerts": ("the alerts of the notification", []),
    "groupKey": ("Alertmanager's group key", '{}:{alertname="ShadowMismatchRateCritical"}'),
    "groupLabels": ("labels the alerts were grouped by", {"module": "orders"}),
    "commonLabels": ("labels every alert shares", {"severity": "critical"}),
    "commonAnnotations": ("annotations every alert shares", {}),
    "externalURL": ("Alertmanager's URL", "http://alertmanager:9093"),
    "truncatedAlerts": ("alerts Alertmanager left out", 0),
    "labels": ("the alert's labels", {"alertname": "ShadowMismatchRateCritical", "module": "orders"}),
    "annotations": ("the alert's annotations", {"mismatch_rate": "0.025"}),
    "startsAt": ("when the alert started firing", "2026-11-29T21:00:00Z"),
    "endsAt": ("when it stopped (zero time while firing)", "0001-01-01T00:00:00Z"),
    "generatorURL": ("the Prometheus graph of the alert", "http://prometheus:9090/graph"),
    "fingerprint": ("the alert's identity", "a1b2c3d4"),
    "duplicate": ("whether this delivery was seen before", False),
}


def _obj(*names: str, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    props: dict[str, Any] = {name: {} for name in names}
    props.update(extra or {})
    return {"type": "object", "properties": props}


FLAG = _obj(
    "module",
    "state",
    "sample_rate",
    "effective_sample_rate",
    "auto_rollback",
    "version",
    "updated_at",
    "updated_by",
)
HISTORY_ENTRY = _obj("id", "module", "action", "actor", "source", "reason", "at", "from", "to", "decision")
STORED_SPEC = _obj("module", "query_name", "spec", "updated_at", "updated_by")
SAMPLE = _obj("id", "module", "query_name", "fields", "differences", "request_id", "context", "at", "detail")
RULE = _obj(
    "id",
    "module",
    "query_name",
    "option",
    "value",
    "reason",
    "actor",
    "created_at",
    "expires_at",
    "removed_at",
    "removed_by",
)

RESPONSES: dict[tuple[str, str], dict[str, Any]] = {
    ("get", "/v1/flags"): _obj("default_sample_rate", extra={"flags": {"type": "array", "items": FLAG}}),
    ("get", "/v1/flags/{module}"): FLAG,
    ("put", "/v1/flags/{module}"): FLAG,
    ("post", "/v1/flags/{module}/rollback"): FLAG,
    ("get", "/v1/flags/{module}/history"): _obj(
        "module", extra={"history": {"type": "array", "items": HISTORY_ENTRY}}
    ),
    ("get", "/v1/config"): _obj("default_sample_rate", "default_state", "modules"),
    ("put", "/v1/specs/{module}/{query_name}"): STORED_SPEC,
    ("get", "/v1/specs"): _obj(extra={"specs": {"type": "array", "items": STORED_SPEC}}),
    ("post", "/v1/specs/{module}/{query_name}/dry-run"): _obj(
        "module", "query_name", "spec", "current_spec", "counts", "samples"
    ),
    ("post", "/v1/specs/{module}/{query_name}/rules"): _obj("spec", extra={"rule": RULE}),
    ("get", "/v1/spec-rules"): _obj(extra={"rules": {"type": "array", "items": RULE}}),
    ("get", "/v1/mismatches"): _obj(extra={"mismatches": {"type": "array", "items": SAMPLE}}),
    ("get", "/v1/mismatches/{sample_id}"): SAMPLE,
    ("get", "/v1/flags/{module}/readiness"): _obj(
        "module", "state", "verdict", "reasons", "criteria", "queries"
    ),
    ("get", "/v1/flags/{module}/guard"): _obj(
        "module",
        "replica",
        "state",
        "window_seconds",
        "comparisons",
        "mismatches",
        "rate",
        "lower_bound",
        "threshold",
        "min_comparisons",
        "consecutive_windows",
        "windows_over_before",
        "would_act",
        "rule",
        "enabled",
        "auto_rollback",
    ),
    ("get", "/v1/specs/{module}/{query_name}"): STORED_SPEC,
    ("get", "/v1/history"): _obj(extra={"history": {"type": "array", "items": HISTORY_ENTRY}}),
    ("get", "/health"): _obj("status"),
    ("get", "/ready"): _obj("status", "sync_age_seconds", "store"),
    ("get", "/ready/store"): _obj("status", "sync_age_seconds"),
    ("get", "/metrics/json"): _obj("modules"),
    ("post", "/v1/alerts/alertmanager"): _obj("status", "results"),
}

TEXT_RESPONSES: dict[tuple[str, str], tuple[str, str]] = {
    ("get", "/metrics"): ("text/plain", "the Prometheus text exposition format (version 0.0.4)"),
}

BODY_EXAMPLES: dict[tuple[str, str], Any] = {
    ("post", "/v1/pairs"): {
        "module": "orders",
        "query_name": "getOrder",
        "request_id": "req-7f3a",
        "context": {"order_id": 1007},
        "legacy": {
            "result": [{"id": 1007, "total": "12.50", "placed_at": "2025-06-30 22:45:10+00"}],
            "latency_ms": 2.1,
        },
        "orm": {
            "result": [{"id": 1007, "total": 12.5, "placedAt": "2025-06-30T22:45:10.000Z"}],
            "latency_ms": 3.4,
        },
    },
    ("post", "/v1/pairs/batch"): {
        "pairs": [
            {
                "module": "orders",
                "query_name": "getOrder",
                "legacy": {"result": [{"id": 1}]},
                "orm": {"result": [{"id": 1}]},
            }
        ]
    },
    ("put", "/v1/flags/{module}"): {"state": "orm", "reason": "readiness green all week", "version": 3},
    ("post", "/v1/flags/{module}/rollback"): {"reason": "mismatches on getOrder since the deploy"},
    ("put", "/v1/specs/{module}/{query_name}"): {"key": ["id"], "ignore": ["updated_at"]},
    ("post", "/v1/specs/{module}/{query_name}/rules"): {
        "option": "ignore",
        "value": "updated_at",
        "reason": "the ORM stamps updated_at itself (JIRA-42)",
        "expires_at": "2030-01-31T00:00:00Z",
    },
    ("post", "/v1/alerts/alertmanager"): {
        "version": "4",
        "status": "firing",
        "receiver": "shadowdiff-webhook",
        "groupKey": '{}:{alertname="ShadowMismatchRateCritical"}',
        "alerts": [
            {
                "status": "firing",
                "labels": {
                    "alertname": "ShadowMismatchRateCritical",
                    "severity": "critical",
                    "module": "orders",
                },
                "annotations": {"mismatch_rate": "0.025"},
                "startsAt": "2026-11-29T21:00:00Z",
                "fingerprint": "a1b2c3d4",
            }
        ],
    },
}


def _fill_property(prop: dict[str, Any], name: str) -> None:
    known = FIELDS.get(name)
    if known is None:
        return
    if "$ref" in prop:  # siblings of $ref are allowed in OpenAPI 3.1
        prop.setdefault("description", known[0])
    prop.setdefault("description", known[0])
    if not any(k in prop for k in ("example", "examples", "default", "const", "enum", "$ref")):
        prop["examples"] = [known[1]]


def _walk(schema: Any, seen: set[int]) -> None:
    if not isinstance(schema, dict) or id(schema) in seen:
        return
    seen.add(id(schema))
    for name, prop in (schema.get("properties") or {}).items():
        if isinstance(prop, dict):
            _fill_property(prop, name)
            _walk(prop, seen)
    for key in ("anyOf", "oneOf", "allOf", "prefixItems"):
        for sub in schema.get(key) or []:
            _walk(sub, seen)
    for key in ("items", "additionalProperties"):
        _walk(schema.get(key), seen)


def complete(doc: dict[str, Any]) -> dict[str, Any]:
    """Fill the document in place from the tables above (only where a route did not say it itself)."""
    for path, operations in doc.get("paths", {}).items():
        for method, op in operations.items():
            for param in op.get("parameters", []):
                known = PARAMS.get(param["name"])
                if known is not None:
                    param.setdefault("description", known[0])
                    if "example" not in param and "examples" not in param:
                        param["example"] = known[1]
            content = op.get("requestBody", {}).get("content", {})
            example = BODY_EXAMPLES.get((method, path))
            for media in content.values():
                if example is not None and "example" not in media and "examples" not in media:
                    media["example"] = example
                _walk(media.get("schema"), set())
            for code, response in op.get("responses", {}).items():
                if not str(code).startswith("2"):
                    for media in (response.get("content") or {}).values():
                        _walk(media.get("schema"), set())
                    continue
                schema = RESPONSES.get((method, path))
                text = TEXT_RESPONSES.get((method, path))
                media_types = response.setdefault("content", {})
                if text is not None:
                    media_types.pop("application/json", None)
                    media_types[text[0]] = {"schema": {"type": "string", "description": text[1]}}
                elif schema is not None:
                    current = media_types.get("application/json", {}).get("schema") or {}
                    if not current.get("properties") and "$ref" not in current:
                        media_types["application/json"] = {"schema": copy.deepcopy(schema)}
                for media in media_types.values():
                    _walk(media.get("schema"), set())
    for schema in doc.get("components", {}).get("schemas", {}).values():
        _walk(schema, set())
    return doc


def install(app: FastAPI) -> None:
    """Serve the completed document at /openapi.json (built once, on the first request)."""
    build: Callable[[], dict[str, Any]] = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = complete(build())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
