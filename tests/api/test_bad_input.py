"""Bad input of every kind gets the right 4xx and a message naming the problem, never a 500."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import orjson
import pytest

from tests.api.client import Api, pair, unique


def nested(depth: int) -> Any:
    value: Any = 1
    for _ in range(depth):
        value = [value]
    return value


@dataclass(frozen=True)
class Case:
    method: str
    path: str
    status: int
    says: str  # a substring the message must contain
    body: Any = None
    raw: bytes | None = None
    role: str | None = "operator"
    headers: dict[str, str] = field(default_factory=dict)
    setup: dict[str, Any] | None = None  # a flag created first at /v1/flags/{m}


GOOD = pair("M", 1, 1)


def with_(**changes: Any) -> dict[str, Any]:
    return {**GOOD, **changes}


CASES = {
    "malformed json": Case("POST", "/v1/pairs", 400, "not valid JSON", raw=b'{"module": ', role="ingest"),
    "empty body": Case("POST", "/v1/pairs", 400, "empty", raw=b"", role="ingest"),
    "top level array": Case("POST", "/v1/pairs", 422, "must be a JSON object", body=[GOOD], role="ingest"),
    "module not a string": Case(
        "POST", "/v1/pairs", 422, "module must be a string", body=with_(module=5), role="ingest"
    ),
    "bad module name": Case(
        "POST", "/v1/pairs", 422, "not a valid name", body=with_(module="auth svc"), role="ingest"
    ),
    "query name too long": Case(
        "POST", "/v1/pairs", 422, "query_name", body=with_(query_name="q" * 129), role="ingest"
    ),
    "unknown field": Case(
        "POST", "/v1/pairs", 422, "unknown field(s) colour", body=with_(colour=1), role="ingest"
    ),
    "side not an object": Case(
        "POST", "/v1/pairs", 422, "legacy must be an object", body=with_(legacy=[1]), role="ingest"
    ),
    "side left out": Case(
        "POST",
        "/v1/pairs",
        422,
        "orm is missing (or null): a pair needs both sides",
        body={k: v for k, v in GOOD.items() if k != "orm"},
        role="ingest",
    ),
    "misspelt side field": Case(
        "POST",
        "/v1/pairs",
        422,
        "orm has unknown field(s) reslt; a side has error, latency_ms, result",
        body=with_(orm={"reslt": 1}),
        role="ingest",
    ),
    "missing result": Case(
        "POST", "/v1/pairs", 422, "legacy.result is missing", body=with_(legacy={}), role="ingest"
    ),
    "latency a string": Case(
        "POST",
        "/v1/pairs",
        422,
        "orm.latency_ms must be a number",
        body=with_(orm={"result": 1, "latency_ms": "3"}),
        role="ingest",
    ),
    "negative latency": Case(
        "POST",
        "/v1/pairs",
        422,
        "latency_ms must be a finite number >= 0",
        body=with_(orm={"result": 1, "latency_ms": -1}),
        role="ingest",
    ),
    "error type not a name": Case(
        "POST",
        "/v1/pairs",
        422,
        "orm.error.type",
        body=with_(orm={"result": None, "error": {"type": "no spaces allowed"}}),
        role="ingest",
    ),
    "request id not a string": Case(
        "POST", "/v1/pairs", 422, "request_id", body=with_(request_id=7), role="ingest"
    ),
    "huge body": Case(
        "POST",
        "/v1/pairs",
        413,
        "the limit is 65536 bytes",
        body=with_(legacy={"result": "x" * 70000}),
        role="ingest",
    ),
    "deep nesting": Case(
        "POST",
        "/v1/pairs",
        422,
        "deeper than the limit of 16",
        body=with_(legacy={"result": nested(20)}),
        role="ingest",
    ),
    "unknown inline spec option": Case(
        "POST", "/v1/pairs", 422, "keys", body=with_(spec={"keys": ["id"]}), role="ingest"
    ),
    "inline spec not an object": Case(
        "POST", "/v1/pairs", 422, "spec must be an object", body=with_(spec=[1]), role="ingest"
    ),
    "batch over the limit": Case(
        "POST", "/v1/pairs/batch", 422, "the limit is 20", body={"pairs": [GOOD] * 21}, role="ingest"
    ),
    "batch without pairs": Case(
        "POST", "/v1/pairs/batch", 422, '{"pairs"', body={"items": []}, role="ingest"
    ),
    "unknown stored spec option": Case("PUT", "/v1/specs/{m}/q", 422, "colour", body={"colour": "red"}),
    "stored spec bad value": Case(
        "PUT", "/v1/specs/{m}/q", 422, "float_tolerance", body={"float_tolerance": "x"}
    ),
    "bad flag state": Case("PUT", "/v1/flags/{m}", 422, "state", body={"state": "live", "reason": "r"}),
    "rate above one": Case(
        "PUT", "/v1/flags/{m}", 422, "sample_rate", body={"sample_rate": 1.5, "reason": "r"}
    ),
    "rate a boolean": Case(
        "PUT", "/v1/flags/{m}", 422, "sample_rate", body={"sample_rate": True, "reason": "r"}
    ),
    "auto_rollback a number": Case(
        "PUT", "/v1/flags/{m}", 422, "auto_rollback", body={"auto_rollback": 1, "reason": "r"}
    ),
    "version negative": Case("PUT", "/v1/flags/{m}", 422, "version", body={"version": -1, "reason": "r"}),
    "bad auto_rollback": Case(
        "PUT", "/v1/flags/{m}", 422, "auto_rollback", body={"auto_rollback": "maybe", "reason": "r"}
    ),
    "missing reason": Case("PUT", "/v1/flags/{m}", 422, "reason", body={"state": "orm"}),
    "blank reason": Case("PUT", "/v1/flags/{m}", 422, "reason", body={"state": "orm", "reason": "   "}),
    "unknown flag field": Case("PUT", "/v1/flags/{m}", 422, "colour", body={"colour": 1, "reason": "r"}),
    "misspelt flag field names the known ones": Case(
        "PUT",
        "/v1/flags/{m}",
        422,
        "smaple_rate: unknown field; check its spelling (the fields are state, sample_rate, auto_rollback, "
        "serve_rate, guard, readiness, force, by, reason, version)",
        body={"smaple_rate": 0.5, "reason": "r"},
    ),
    "misspelt nested flag field names the nested fields": Case(
        "PUT",
        "/v1/flags/{m}",
        422,
        "readiness.min_pair: unknown field; check its spelling (the fields are min_pairs, window_hours",
        body={"readiness": {"min_pair": 200}, "reason": "r"},
    ),
    "misspelt rollback field": Case(
        "POST",
        "/v1/flags/{m}/rollback",
        422,
        "reasn: unknown field; check its spelling (the fields are reason, by)",
        body={"reasn": "r", "reason": "r"},
        setup={"state": "orm", "force": True},
    ),
    "malformed flag json": Case(
        "PUT", "/v1/flags/{m}", 400, "malformed JSON", raw=b"{", headers={"content-type": "application/json"}
    ),
    "stale version": Case(
        "PUT", "/v1/flags/{m}", 409, "is at version 1, not 0", body={"reason": "r", "version": 0}, setup={}
    ),
    "stale if-match": Case(
        "PUT",
        "/v1/flags/{m}",
        412,
        "is at version 1, not 7",
        body={"reason": "r"},
        headers={"If-Match": '"7"'},
        setup={},
    ),
    "garbage if-match": Case(
        "PUT", "/v1/flags/{m}", 412, "If-Match", body={"reason": "r"}, headers={"If-Match": "abc"}, setup={}
    ),
    "bad module in path": Case("GET", "/v1/flags/bad%20name", 422, "module", role="read"),
    "unknown module": Case("GET", "/v1/flags/{m}", 404, "no flag for module", role="read"),
    "rollback of a legacy module": Case(
        "POST",
        "/v1/flags/{m}/rollback",
        409,
        "state 'legacy'",
        body={"reason": "r"},
        setup={"state": "legacy"},
    ),
    "rollback without reason": Case(
        "POST", "/v1/flags/{m}/rollback", 422, "reason", body={}, setup={"state": "orm", "force": True}
    ),
    "mismatch limit zero": Case("GET", "/v1/mismatches?limit=0", 422, "limit", role="read"),
    "mismatch bad field name": Case("GET", "/v1/mismatches?field=a%20b", 422, "field", role="read"),
    # a misspelt filter was ignored: every module's samples, answered as if for the one asked
    "misspelt mismatch filter": Case(
        "GET",
        "/v1/mismatches?modul=auth",
        422,
        "unknown query parameter modul: GET /v1/mismatches takes field, limit, module, query_name, rows",
        role="read",
    ),
    "query parameter where none is taken": Case(
        "GET", "/v1/flags?state=orm", 422, "GET /v1/flags takes no query parameters", role="read"
    ),
    "misspelt history filter": Case(
        "GET", "/v1/history?modules=a&by=x", 422, "parameter modules:", role="read"
    ),
    "missing token": Case("GET", "/v1/flags", 401, "missing bearer token", role=None),
    # a person who followed an alert's samples_url in a browser: where to get a session instead
    "missing token in a browser": Case(
        "GET", "/v1/mismatches", 401, "in a browser, sign in to the console at /ui/ first", role=None
    ),
    "wrong token": Case(
        "GET",
        "/v1/flags",
        401,
        "unknown bearer token",
        role=None,
        headers={"Authorization": "Bearer nope-nope-nope"},
    ),
    "not bearer": Case(
        "GET", "/v1/flags", 401, "Bearer <token>", role=None, headers={"Authorization": "Basic abc"}
    ),
    "read token changes a flag": Case(
        "PUT", "/v1/flags/{m}", 403, "operator", body={"reason": "r"}, role="read"
    ),
    "ingest token changes a flag": Case(
        "PUT", "/v1/flags/{m}", 403, "operator", body={"reason": "r"}, role="ingest"
    ),
    "read token posts a pair": Case("POST", "/v1/pairs", 403, "ingest", body=GOOD, role="read"),
    "ingest token reads history": Case("GET", "/v1/flags/{m}/history", 403, "read", role="ingest", setup={}),
    "unknown route": Case("GET", "/v1/nothing", 404, "no endpoint", role="read"),
    "flag change sent as a form (curl -d)": Case(
        "PUT",
        "/v1/flags/{m}",
        415,
        "Content-Type: application/json",
        body={"state": "orm", "reason": "r"},
        headers={"content-type": "application/x-www-form-urlencoded"},
    ),
}


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_bad_input_gets_a_4xx_that_names_the_problem(api: Api, case: Case) -> None:
    module = unique()
    if case.setup is not None:
        assert api.put_flag(module, **case.setup).status_code == 201
    content = case.raw if case.raw is not None else orjson.dumps(case.body) if case.body is not None else None
    headers = {"content-type": "application/json", **case.headers} if content is not None else case.headers
    response = api.request(
        case.method, case.path.replace("{m}", module), role=case.role, content=content, headers=headers
    )
    assert response.status_code == case.status, response.text
    body = response.json()
    assert case.says in body["message"], body
    assert body["error"]


def test_a_chunked_body_over_the_limit_gets_413(api: Api) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"module": "m", "query_name": "q", "legacy": {"result": "'
        for _ in range(20):
            yield b"x" * 4096
        yield b'"}, "orm": {"result": null}}'

    response = api.request("POST", "/v1/pairs", role="ingest", content=chunks())
    assert response.status_code == 413, response.text
    assert "the limit is 65536 bytes" in response.json()["message"]
