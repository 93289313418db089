"""Readiness and the per-minute rollups through the live service, on both backends: the verdict per
query with its reasons, ``shadow -> orm`` refused (409, with the reasons) until ready, ``/metrics/json``
over a window from the stored rollups."""

from __future__ import annotations

from typing import Any

from tests.api.client import Api, pair, unique

FEW = {"min_pairs": 20}  # module criteria, so a test posts 20 pairs rather than 1,000


def post(api: Api, pairs: list[dict[str, Any]]) -> None:
    for start in range(0, len(pairs), 20):  # the test service's SHADOWDIFF_MAX_BATCH
        response = api.batch(pairs[start : start + 20])
        assert response.status_code == 202 and response.json()["rejected"] == 0, response.text


def matching(
    module: str, count: int, query: str = "getOrder", sql_ms: float = 0.3, orm_ms: float = 0.5
) -> list[dict[str, Any]]:
    made = []
    for i in range(count):
        item = pair(module, {"id": i}, {"id": i}, query_name=query)
        item["legacy"]["latency_ms"], item["orm"]["latency_ms"] = sql_ms, orm_ms
        made.append(item)
    return made


def readiness(api: Api, module: str) -> dict[str, Any]:
    response = api.request("GET", f"/v1/flags/{module}/readiness", role="read")
    assert response.status_code == 200, response.text
    return dict(response.json())


def test_shadow_to_orm_is_refused_with_the_reasons_until_ready(api: Api) -> None:
    module = unique("ready")
    api.put_flag(module, state="shadow", readiness=FEW)
    post(api, matching(module, 12))
    verdict = readiness(api, module)
    assert verdict["verdict"] == "not_ready"
    assert verdict["reasons"] == ["getOrder: 12 compared pairs in the last 24h, needs 20"]
    assert verdict["queries"]["getOrder"]["compared"] == 12
    refused = api.put_flag(module, state="orm", reason="looks fine to me")
    assert refused.status_code == 409, refused.text
    body = refused.json()
    assert body["error"] == "not_ready" and body["reasons"] == verdict["reasons"]
    assert "GET /v1/flags/" in body["message"] and '"force": true' in body["message"]
    assert api.flag(module)["state"] == "shadow"
    post(api, matching(module, 8))
    verdict = readiness(api, module)
    assert (verdict["verdict"], verdict["reasons"]) == ("ready", [])
    # 0.3 ms against 0.5 ms: told apart, and within the 1 ms slack
    p95 = verdict["queries"]["getOrder"]["p95_latency_ms"]
    assert 0.3 <= p95["sql"] < 0.33 and 0.5 <= p95["prisma"] < 0.55
    promoted = api.put_flag(module, state="orm", reason="ready")
    assert (promoted.status_code, promoted.json()["state"], promoted.json()["forced"]) == (200, "orm", False)


def test_a_mismatch_and_an_error_gap_are_reasons(api: Api) -> None:
    module = unique("ready")
    api.put_flag(module, state="shadow", readiness={**FEW, "latency_slack_ms": 0})
    bad = matching(module, 20, query="listOrders")
    bad.append(pair(module, {"id": 1}, {"id": 2}, query_name="listOrders"))
    failing = pair(module, {"id": 1}, None, query_name="listOrders")
    failing["orm"]["error"] = {"type": "PrismaClientKnownRequestError"}
    bad.append(failing)
    post(api, bad)
    reasons = readiness(api, module)["reasons"]
    assert [r.split(":")[0] for r in reasons] == ["listOrders"] * 3
    assert "last mismatch" in reasons[0] and "needs none in the last 24h" in reasons[0]
    assert "ORM p95" in reasons[1] and "within 0 ms" in reasons[1]
    assert "ORM error rate" in reasons[2]
    forced = api.put_flag(module, state="orm", reason="incident override", force=True)
    assert (forced.status_code, forced.json()["forced"]) == (200, True)
    assert api.history(module)[0]["forced"] is True


def test_metrics_json_reads_the_rollups_per_module_and_query(api: Api) -> None:
    module = unique("rollup")
    post(api, matching(module, 3, query="a") + matching(module, 2, query="b"))
    post(api, [pair(module, {"x": 1}, {"x": 2}, query_name="b")])
    response = api.request("GET", "/metrics/json?window=5m", role="read")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["window_seconds"] == 300
    summary = body["modules"][module]
    assert summary["comparisons"] == {"match": 5, "mismatch": 1, "error": 0, "skipped": 0}
    assert summary["queries"] == {"sql": 6, "prisma": 6}
    assert summary["by_query"]["b"]["mismatched_fields"] == {"x": 1}
    assert summary["by_query"]["a"]["comparisons"]["match"] == 3
    assert summary["last_mismatch_at"] is not None and summary["state"] == "shadow"
    bad = api.request("GET", "/metrics/json?window=forever", role="read")
    assert bad.status_code == 422
