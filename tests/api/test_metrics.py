"""The metrics contract (SPEC section 5), read from the live /metrics after real traffic."""

from __future__ import annotations

from typing import Any

import pytest
from prometheus_client.parser import text_string_to_metric_families
from prometheus_client.samples import Sample

from tests.api.client import Api, pair, unique

CONTRACT = {
    # family name as the parser reports it: (type, label names of its samples)
    "shadow_mismatch": ("counter", {"module", "queryName", "field"}),
    "shadow_comparisons": ("counter", {"module", "queryName", "outcome"}),
    "db_query": ("counter", {"source", "module", "queryName"}),
    "db_sql_errors": ("counter", {"module", "queryName", "errorType"}),
    "db_prisma_errors": ("counter", {"module", "queryName", "errorType"}),
    "db_sql_latency_ms": ("histogram", {"module", "queryName"}),
    "db_prisma_latency_ms": ("histogram", {"module", "queryName"}),
    "migration_progress_total": ("gauge", {"module", "status"}),
    "feature_flag_enabled": ("gauge", {"flag"}),
    "shadow_sample_rate": ("gauge", set()),
    "shadow_module_sample_rate": ("gauge", {"module"}),
    "shadow_rollbacks": ("counter", {"module", "actor"}),
    "shadow_flag_changes": ("counter", {"module", "to", "actor"}),
    "shadow_module_mismatch_threshold": ("gauge", {"module"}),
    "shadow_normalizations": ("counter", {"module", "queryName", "rule"}),
    "shadow_flags_sync_age_seconds": ("gauge", set()),
    "http_requests": ("counter", {"method", "route", "status"}),
    "http_request_duration_seconds": ("histogram", {"method", "route", "status"}),
}
SERIES_SUFFIXES = ("_total", "_created", "_bucket", "_sum", "_count")


@pytest.fixture(scope="module")
def traffic(api: Api) -> dict[str, Any]:
    """One module with a match, a mismatch, an error on each side and a rollback; read the exposition."""
    module = unique("metrics")
    api.put_flag(module, state="orm", sample_rate=0.5, force=True)
    for request_id in ("a", "b", "c", "d", "e", "f"):
        api.pair(
            pair(
                module,
                {"id": 1, "name": "x"},
                {"id": 1, "name": "x"},
                query_name="getUser",
                request_id=request_id,
            )
        )
    # (n: a representation rule makes it equal, so the pair also counts a normalization)
    body = pair(
        module, {"id": 1, "name": "x", "n": "1.50"}, {"id": 1, "name": "y", "n": 1.5}, query_name="getUser"
    )
    api.request("PUT", f"/v1/flags/{module}", json={"sample_rate": 1, "reason": "all"})
    api.pair(body)
    errored = pair(module, None, None, query_name="getUser")
    errored["orm"]["error"] = {"type": "PrismaClientKnownRequestError"}
    errored["legacy"]["error"] = {"type": "QueryCanceled"}
    api.pair(errored)
    api.request("GET", f"/v1/flags/{module}", role="read")
    api.request("POST", f"/v1/flags/{module}/rollback", json={"reason": "test"})
    api.request("GET", f"/v1/no/such/{module}", role="read")
    summary = api.request("GET", "/metrics/json", role="read").json()["modules"][module]
    text = api.request("GET", "/metrics", role=None).text
    families = {f.name: f for f in text_string_to_metric_families(text)}
    return {"module": module, "families": families, "summary": summary}


def samples(traffic: dict[str, Any], family: str, suffix: str = "") -> list[Sample]:
    return [
        s
        for s in traffic["families"][family].samples
        if s.name == family + suffix and s.labels.get("module", s.labels.get("flag")) == traffic["module"]
    ]


@pytest.mark.parametrize(("name", "kind", "labels"), [(n, t, ls) for n, (t, ls) in CONTRACT.items()])
def test_every_metric_has_its_type_and_labels(
    traffic: dict[str, Any], name: str, kind: str, labels: set[str]
) -> None:
    family = traffic["families"].get(name)
    assert family is not None, f"{name} missing from /metrics"
    assert family.type == kind
    assert family.samples, f"{name} has no samples after traffic"
    for sample in family.samples:
        assert set(sample.labels) - {"le"} == labels, sample


def test_comparisons_count_each_outcome(traffic: dict[str, Any]) -> None:
    counted = {s.labels["outcome"]: s.value for s in samples(traffic, "shadow_comparisons", "_total")}
    from flags.sampling import bucket

    sampled = sum(bucket(traffic["module"], r) < 5000 for r in "abcdef")
    assert counted["match"] == sampled
    assert (counted["skipped"], counted["mismatch"], counted["error"]) == (6 - sampled, 1, 1)


def test_mismatch_counts_the_differing_field(traffic: dict[str, Any]) -> None:
    fields = {
        (s.labels["queryName"], s.labels["field"]): s.value
        for s in samples(traffic, "shadow_mismatch", "_total")
    }
    assert set(fields) == {("getUser", "name")}


def test_errors_are_counted_by_side_and_type(traffic: dict[str, Any]) -> None:
    sql = {s.labels["errorType"]: s.value for s in samples(traffic, "db_sql_errors", "_total")}
    prisma = {s.labels["errorType"]: s.value for s in samples(traffic, "db_prisma_errors", "_total")}
    assert (sql, prisma) == ({"QueryCanceled": 1.0}, {"PrismaClientKnownRequestError": 1.0})


def test_queries_and_latency_count_every_accepted_pair(traffic: dict[str, Any]) -> None:
    queries = {s.labels["source"]: s.value for s in samples(traffic, "db_query", "_total")}
    latency = [s.value for s in samples(traffic, "db_prisma_latency_ms", "_count")]
    assert queries["sql"] == queries["prisma"] == 8
    assert latency == [8.0]


def test_flag_gauges_follow_the_flag(traffic: dict[str, Any]) -> None:
    progress = {s.labels["status"]: s.value for s in samples(traffic, "migration_progress_total")}
    assert progress == {"legacy": 0.0, "shadow": 1.0, "orm": 0.0, "migrated": 0.0}
    assert [s.value for s in samples(traffic, "feature_flag_enabled")] == [0.0]
    assert [s.value for s in samples(traffic, "shadow_module_sample_rate")] == [1.0]


def test_the_rollback_is_counted_with_its_actor(traffic: dict[str, Any]) -> None:
    assert [(s.labels["actor"], s.value) for s in samples(traffic, "shadow_rollbacks", "_total")] == [
        ("api", 1.0)
    ]


def test_http_metrics_use_the_route_template(traffic: dict[str, Any]) -> None:
    routes = {s.labels["route"] for s in traffic["families"]["http_requests"].samples}
    assert "/v1/flags/{module}" in routes
    assert not any(traffic["module"] in r for r in routes)


def test_unmatched_paths_share_one_route_label(traffic: dict[str, Any]) -> None:
    unmatched = [
        s for s in traffic["families"]["http_requests"].samples if s.labels["route"] == "__unmatched__"
    ]
    assert {s.labels["status"] for s in unmatched} == {"404"}


def test_the_json_summary_totals_the_module(traffic: dict[str, Any]) -> None:
    summary = traffic["summary"]
    from flags.sampling import bucket

    sampled = sum(bucket(traffic["module"], r) < 5000 for r in "abcdef")
    assert summary["comparisons"] == {"match": sampled, "mismatch": 1, "error": 1, "skipped": 6 - sampled}
    assert summary["mismatch_rate"] == 1 / (sampled + 1)
    assert (summary["queries"], summary["errors"]) == ({"sql": 8, "prisma": 8}, {"sql": 1, "prisma": 1})
    assert summary["mismatched_fields"] == {"name": 1}
    assert summary["normalizations"] == {"getUser": {"number": 1}}  # per query, per rule
    assert (summary["state"], summary["sample_rate"]) == ("shadow", 1.0)  # after the rollback
