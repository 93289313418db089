"""Richer mismatch samples and re-diffing them, against the live service on SQLite and PostgreSQL.

A sample keeps both sides' rows (redacted with keyed hashes), the spec, the module's state and version
and both latencies, within ``SHADOWDIFF_SAMPLE_MAX_BYTES``; ``POST /v1/specs/.../dry-run`` re-diffs
the stored samples of a query under a proposed spec without changing anything.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import orjson
import pytest

from tests.api.client import TOKENS_ENV, Api, pair, unique
from tests.api.conftest import backend_env
from tests.live import LiveService, live_service

MAX_BYTES = 2048


@pytest.fixture(scope="module")
def service(backend: str, module_tmp: Path) -> Iterator[LiveService]:
    with ExitStack() as stack:
        env = {
            **backend_env(stack, backend, module_tmp / f"data-{backend}"),
            "SHADOWDIFF_TOKENS": TOKENS_ENV,
            "SHADOWDIFF_GUARD_ENABLED": "false",
            "SHADOWDIFF_SAMPLE_MAX_BYTES": str(MAX_BYTES),
            "SHADOWDIFF_SECRET_KEY": "a-test-secret-of-some-length",
        }
        yield stack.enter_context(live_service(env, module_tmp))


def samples(api: Api, module: str, count: int, query_name: str | None = None) -> list[dict[str, Any]]:
    """The module's samples once ``count`` are stored (the writer works in the background)."""
    params: dict[str, Any] = {"module": module, "rows": "true"}
    if query_name:
        params["query_name"] = query_name
    deadline = time.monotonic() + 20
    while True:
        response = api.request("GET", "/v1/mismatches", role="read", params=params)
        assert response.status_code == 200, response.text
        found: list[dict[str, Any]] = response.json()["mismatches"]
        if len(found) >= count or time.monotonic() > deadline:
            return found
        time.sleep(0.1)


def post(api: Api, body: dict[str, Any]) -> dict[str, Any]:
    response = api.pair(body)
    assert response.status_code == 202, response.text
    answer: dict[str, Any] = response.json()
    return answer


def test_a_sample_keeps_rows_spec_state_and_latencies(api: Api) -> None:
    module = unique("rich")
    legacy = [{"id": 1, "name": "Ada", "password": "hunter2", "api_key": "k-1"}]
    orm = [{"id": 1, "name": "Ada L.", "password": "hunter2", "apiKey": "k-2"}]
    spec = {"key": ["id"]}
    assert post(api, pair(module, legacy, orm, spec=spec, request_id="r-1"))["outcome"] == "mismatch"
    (sample,) = samples(api, module, 1)
    detail = sample["detail"]
    assert (detail["state"], detail["version"]) == ("shadow", api.flag(module)["version"])
    assert detail["latency_ms"] == {"legacy": 2.0, "orm": 3.0}
    assert detail["spec"]["key"] == ["id"] and detail["spec_source"] == "inline"
    assert detail["rows_kept"] == "all" and sample["request_id"] == "r-1"
    assert detail["normalized"] == {}  # nothing absorbed here; test_normalized_is_kept shows one
    (left,), (right,) = detail["rows"]["legacy"], detail["rows"]["orm"]
    assert (left["name"], right["name"]) == ("Ada", "Ada L.")
    # masked values: equal ones look equal, different ones differ, and neither value is anywhere
    assert left["password"] == right["password"] and left["password"].startswith("***#")
    assert left["api_key"] != right["apiKey"] and right["apiKey"].startswith("***#")
    text = orjson.dumps(sample).decode()
    assert "hunter2" not in text and "k-1" not in text and "k-2" not in text
    # the answer to the posting client keeps the bare mask
    answer = post(api, pair(module, legacy, orm, spec=spec))
    assert {d["legacy"] for d in answer["differences"] if d["field"] == "api_key"} == {"***"}


def test_one_sample_by_id_has_its_rows_and_an_unknown_id_is_404(api: Api) -> None:
    module = unique("byid")
    post(api, pair(module, {"total": 1}, {"total": 2}))
    (listed,) = samples(api, module, 1)
    response = api.request("GET", f"/v1/mismatches/{listed['id']}", role="read")
    assert response.status_code == 200, response.text
    assert response.json()["detail"]["rows"] == {"legacy": {"total": 1}, "orm": {"total": 2}}
    plain = api.request("GET", "/v1/mismatches", role="read", params={"module": module}).json()
    assert "rows" not in plain["mismatches"][0]["detail"]
    missing = api.request("GET", "/v1/mismatches/999999999", role="read")
    assert missing.status_code == 404 and missing.json()["error"] == "not_found"


def test_rows_are_kept_within_the_size_bound(api: Api) -> None:
    module = unique("bound")
    filler = "x" * 100
    legacy = [{"id": i, "note": filler, "total": 1} for i in range(40)]
    orm = [{"id": i, "note": filler, "total": 2 if i == 7 else 1} for i in range(40)]
    post(api, pair(module, legacy, orm, query_name="keyed", spec={"key": ["id"]}))
    no_key = [{"note": filler * 30}]
    post(api, pair(module, no_key, [{"note": filler * 31}], query_name="unkeyed"))
    (keyed,) = samples(api, module, 1, "keyed")
    assert keyed["detail"]["rows_kept"] == "involved"
    assert keyed["detail"]["rows"] == {"legacy": [legacy[7]], "orm": [orm[7]]}
    (unkeyed,) = samples(api, module, 1, "unkeyed")
    assert unkeyed["detail"]["rows_kept"] == "none" and unkeyed["detail"]["rows"] is None
    assert str(MAX_BYTES) in unkeyed["detail"]["rows_note"]


def test_dry_run_sorts_samples_into_match_differ_and_cannot(api: Api) -> None:
    module = unique("dry")
    query = "getUser"
    # 1: only updated_at differs -> matches under ignore; 2: the name differs too -> still differs;
    # 3: only a masked token differs -> cannot be told; 4: rows over the bound -> cannot be re-diffed.
    post(api, pair(module, [{"id": 1, "updated_at": "a"}], [{"id": 1, "updated_at": "b"}], query))
    post(api, pair(module, [{"id": 2, "name": "x", "updated_at": "a"}], [{"id": 2, "name": "y"}], query))
    post(api, pair(module, [{"id": 3, "token": "s1"}], [{"id": 3, "token": "s2"}], query))
    post(api, pair(module, [{"blob": "z" * 3000}], [{"blob": "w" * 3000}], query))
    stored = samples(api, module, 4)
    assert len(stored) == 4
    proposed = {"spec": {"key": ["id"], "ignore": ["updated_at"]}}
    response = api.request("POST", f"/v1/specs/{module}/{query}/dry-run", role="read", json=proposed)
    assert response.status_code == 200, response.text
    result = response.json()
    assert result["counts"] == {"would_match": 1, "still_differs": 1, "cannot_rediff": 2}, result
    by_first = {}
    for item in result["samples"]:
        sample = next(s for s in stored if s["id"] == item["id"])
        rows = (sample["detail"]["rows"] or {}).get("legacy") or [{}]
        by_first[rows[0].get("id", "blob")] = item
    assert by_first[1]["verdict"] == "would_match"
    assert by_first[2]["verdict"] == "still_differs"
    assert {d["path"] for d in by_first[2]["differences"]} == {"[id=2].name"}
    assert by_first[3]["verdict"] == "cannot_rediff" and "masked" in by_first[3]["why"]
    assert by_first["blob"]["verdict"] == "cannot_rediff"
    # updated_at matched in samples 1 and 2: no warning for the run, though sample 3 has none
    assert result["warnings"] == [], result["warnings"]
    assert [w["option"] for w in by_first[3]["warnings"]] == ["ignore"]
    # nothing changed: no spec was stored
    specs = api.request("GET", "/v1/specs", role="read").json()["specs"]
    assert not [s for s in specs if s["module"] == module]


def test_dry_run_names_an_option_that_matched_nothing_in_any_sample(api: Api) -> None:
    """A typo (ignore: [curency]) read only as 'still differs' in every sample, with nothing to say why."""
    module = unique("typo")
    for i in (1, 2):
        post(api, pair(module, [{"id": i, "currency": "EUR"}], [{"id": i, "currency": "eur"}], "getPayment"))
    assert len(samples(api, module, 2)) == 2
    proposed = {"spec": {"key": ["id"], "ignore": ["curency"]}}
    response = api.request("POST", f"/v1/specs/{module}/getPayment/dry-run", role="read", json=proposed)
    assert response.status_code == 200, response.text
    result = response.json()
    assert result["counts"]["still_differs"] == 2
    assert [(w["option"], "'curency'" in w["message"]) for w in result["warnings"]] == [("ignore", True)]


def test_dry_run_refuses_a_bad_spec_naming_the_option(api: Api) -> None:
    response = api.request(
        "POST", f"/v1/specs/{unique()}/q/dry-run", role="read", json={"spec": {"colour": "red"}}
    )
    assert response.status_code == 422 and "colour" in response.json()["message"]
    response = api.request("POST", f"/v1/specs/{unique()}/q/dry-run", role="read", json={"key": ["id"]})
    assert response.status_code == 422


def test_normalized_is_kept_with_the_sample(api: Api) -> None:
    module = unique("norm")
    legacy = [{"id": 1, "total": "12.50", "name": "a"}]
    orm = [{"id": 1, "total": 12.5, "name": "b"}]
    answer = post(api, pair(module, legacy, orm))
    (sample,) = samples(api, module, 1)
    assert sample["detail"]["normalized"] == answer["normalized"]
    assert any("total" in fields for fields in answer["normalized"].values()), answer["normalized"]
