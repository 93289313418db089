"""POST /v1/pairs and /v1/pairs/batch against the live service: outcomes, sampling, specs, redaction."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.client import Api, pair, unique

ROWS = [{"id": 1, "full_name": "Ada", "balance": "12.50"}, {"id": 2, "full_name": "Bob", "balance": "3"}]
ORM_ROWS = [{"id": 1, "fullName": "Ada", "balance": 12.5}, {"id": 2, "fullName": "Bob", "balance": 3}]


def post(api: Api, body: dict[str, Any]) -> dict[str, Any]:
    response = api.pair(body)
    assert response.status_code == 202, response.text
    return dict(response.json())


ANNOUNCED = ("normalized", "warnings", "spec", "spec_source")
"""What a compared pair's answer also carries (SPEC 2): the rules used, spec warnings, the spec applied."""


def core(answer: dict[str, Any]) -> dict[str, Any]:
    """The outcome part of an answer (every answer also carries the module's state and version)."""
    return {k: v for k, v in answer.items() if k not in ("state", "version", *ANNOUNCED)}


def test_the_answer_names_the_rules_that_made_fields_equal(api: Api) -> None:
    legacy = [{"id": 1, "is_active": 1, "updated_at": 1735689600000, "full_name": "Ada"}]
    orm = [{"id": 1, "isActive": True, "updatedAt": "2025-01-01T00:00:00.000Z", "fullName": "Ada"}]
    answer = post(api, pair(unique(), legacy, orm))
    assert answer["outcome"] == "match"
    # field-name canonicalization is not a rule; each rule names the legacy-side field
    assert answer["normalized"] == {"boolean": ["is_active"], "epoch": ["updated_at"]}
    assert (answer["warnings"], answer["spec"], answer["spec_source"]) == ([], {}, "none")


def test_a_mismatch_also_names_the_rules_its_equal_fields_needed(api: Api) -> None:
    answer = post(
        api, pair(unique(), [{"id": 1, "n": "12.50", "s": "OPEN"}], [{"id": 1, "n": 12.5, "s": "open"}])
    )
    assert answer["outcome"] == "mismatch"
    assert [d["field"] for d in answer["differences"]] == ["s"]
    assert answer["normalized"] == {"number": ["n"]}


def test_an_inline_spec_is_merged_over_the_stored_one_option_by_option(api: Api) -> None:
    module = unique()
    stored = {"key": ["id"], "ignore": ["updated_at"]}
    assert api.request("PUT", f"/v1/specs/{module}/q", json=stored).status_code == 200
    legacy = [{"id": 1, "updated_at": "x", "tags": "{b,a}"}]
    orm = [{"id": 1, "updatedAt": "y", "tags": ["b", "a"]}]
    only_stored = post(api, pair(module, legacy, orm))
    assert (only_stored["outcome"], only_stored["spec_source"], only_stored["spec"]) == (
        "match",
        "stored",
        stored,
    )
    merged = post(api, pair(module, legacy, orm, spec={"ordered": True}))
    assert merged["outcome"] == "match"  # the stored ignore still applies
    assert (merged["spec_source"], merged["spec"]) == ("merged", {**stored, "ordered": True})
    removed = post(api, pair(module, legacy, orm, spec={"ignore": None}))
    assert (removed["outcome"], removed["spec"]) == ("mismatch", {"key": ["id"]})
    inline_only = post(api, pair(unique(), legacy, orm, spec={"ignore": ["updated_at"]}))
    assert (inline_only["outcome"], inline_only["spec_source"]) == ("match", "inline")


def test_spec_options_that_match_nothing_are_warned_about(api: Api) -> None:
    spec = {"key": "uid", "ignore": ["updatd_at"], "rename": {"author_name": "author.name"}}
    answer = post(api, pair(unique(), [{"id": 1, "a": 1}], [{"id": 1, "a": 1}], spec=spec))
    assert answer["outcome"] == "match"
    assert sorted(w["option"] for w in answer["warnings"]) == ["ignore", "key", "rename"]
    assert all("matched no field" in w["message"] or "no row has" in w["message"] for w in answer["warnings"])


def test_normalizations_are_counted_per_rule_and_shown_per_query(api: Api) -> None:
    module = unique()
    legacy = [{"id": 1, "ok": 1, "at": 1735689600000}]
    orm = [{"id": 1, "ok": True, "at": "2025-01-01T00:00:00.000Z"}]
    for _ in range(3):
        post(api, pair(module, legacy, orm, query_name="getA"))
    post(api, pair(module, [{"id": 1, "ok": "t"}], [{"id": 1, "ok": True}], query_name="getB"))
    text = api.request("GET", "/metrics", role="read").text
    line = f'shadow_normalizations_total{{module="{module}",queryName="getA",rule="boolean"}} 3.0'
    assert line in text
    summary = api.request("GET", "/metrics/json", role="read").json()["modules"][module]
    assert summary["normalizations"] == {"getA": {"boolean": 3.0, "epoch": 3.0}, "getB": {"boolean": 1.0}}


def test_representation_differences_match(api: Api) -> None:
    assert core(post(api, pair(unique(), ROWS, ORM_ROWS))) == {
        "outcome": "match",
        "reason": None,
        "differences": [],
    }


def test_a_real_difference_is_reported_by_field_and_path(api: Api) -> None:
    orm = [dict(ORM_ROWS[0], balance=13), ORM_ROWS[1]]
    answer = post(api, pair(unique(), ROWS, orm))
    assert answer["outcome"] == "mismatch"
    assert [(d["field"], d["legacy"], d["orm"]) for d in answer["differences"]] == [("balance", "12.50", 13)]
    assert "balance" in answer["differences"][0]["path"]


def test_differences_are_capped_in_the_answer(api: Api) -> None:
    legacy = {f"f{i}": i for i in range(12)}
    orm = {f"f{i}": i + 100 for i in range(12)}
    answer = post(api, pair(unique(), legacy, orm))
    assert (len(answer["differences"]), answer["difference_count"], answer["truncated"]) == (5, 12, True)


@pytest.mark.parametrize(
    ("legacy_error", "orm_error", "reason"),
    [
        (None, {"type": "PrismaClientKnownRequestError", "message": "P2002"}, "orm_error"),
        ({"type": "UniqueViolation"}, None, "legacy_error"),
        ({"type": "Timeout"}, {"type": "Timeout"}, "both_error"),
    ],
)
def test_a_side_with_an_error_is_outcome_error_and_not_diffed(
    api: Api, legacy_error: Any, orm_error: Any, reason: str
) -> None:
    body = pair(unique(), [1], [2])
    body["legacy"]["error"] = legacy_error
    body["orm"]["error"] = orm_error
    assert core(post(api, body)) == {"outcome": "error", "reason": reason, "differences": []}


def test_a_module_first_seen_is_registered_in_shadow_at_the_default_rate(api: Api) -> None:
    module = unique()
    post(api, pair(module, 1, 1))
    flag = api.flag(module)
    assert (flag["state"], flag["sample_rate"], flag["effective_sample_rate"], flag["version"]) == (
        "shadow",
        None,
        1.0,
        1,
    )
    assert [(h["action"], h["source"], h["actor"]) for h in api.history(module)] == [
        ("create", "ingest", "backend")
    ]


@pytest.mark.parametrize("state", ["legacy", "migrated"])
def test_modules_that_do_not_compare_are_skipped(api: Api, state: str) -> None:
    module = unique()
    assert api.put_flag(module, state=state, force=True).status_code == 201
    assert core(post(api, pair(module, 1, 2))) == {
        "outcome": "skipped",
        "reason": "module_off",
        "differences": [],
    }


def test_sampling_is_deterministic_on_request_id(api: Api) -> None:
    from flags.sampling import bucket

    module = unique()
    assert api.put_flag(module, state="shadow", sample_rate=0.5).status_code == 201
    for i in range(12):
        request_id = f"req-{i}"
        expected = "mismatch" if bucket(module, request_id) < 5000 else "skipped"
        assert post(api, pair(module, 1, 2, request_id=request_id))["outcome"] == expected


def test_rate_zero_skips_as_not_sampled(api: Api) -> None:
    module = unique()
    api.put_flag(module, sample_rate=0)
    assert post(api, pair(module, 1, 2))["reason"] == "not_sampled"


def test_a_stored_spec_is_used_and_an_inline_spec_overrides_it(api: Api) -> None:
    module = unique()
    legacy, orm = [{"id": 1}, {"id": 2}], [{"id": 2}, {"id": 1}]
    assert post(api, pair(module, legacy, orm))["outcome"] == "match"
    assert api.request("PUT", f"/v1/specs/{module}/q", json={"ordered": True}).status_code == 200
    assert post(api, pair(module, legacy, orm))["outcome"] == "mismatch"
    assert post(api, pair(module, legacy, orm, spec={"ordered": False}))["outcome"] == "match"


def test_sensitive_values_are_masked_in_the_answer_and_the_stored_sample(api: Api) -> None:
    module = unique()
    legacy = {"id": 1, "password_hash": "abc", "profile": {"apiKey": "k1", "city": "Oslo"}}
    orm = {"id": 1, "passwordHash": "abd", "profile": {"apiKey": "k2", "city": "Bergen"}}
    answer = post(api, pair(module, legacy, orm))
    shown = {d["field"]: d for d in answer["differences"]}
    assert (shown["password_hash"]["legacy"], shown["password_hash"]["orm"]) == ("***", "***")
    stored = wait_for_samples(api, module)
    text = str(stored)
    assert "abc" not in text and "k1" not in text and "k2" not in text
    assert "Oslo" in text


def wait_for_samples(api: Api, module: str, count: int = 1) -> list[dict[str, Any]]:
    import time

    deadline = time.monotonic() + 5
    while True:
        response = api.request("GET", "/v1/mismatches", role="read", params={"module": module})
        assert response.status_code == 200, response.text
        samples = list(response.json()["mismatches"])
        if len(samples) >= count or time.monotonic() > deadline:
            return samples
        time.sleep(0.05)


def test_mismatch_samples_are_filtered_by_query_and_field(api: Api) -> None:
    module = unique()
    post(api, pair(module, {"a": 1, "b": 1}, {"a": 2, "b": 1}, query_name="one"))
    post(api, pair(module, {"a": 1, "b": 1}, {"a": 1, "b": 2}, query_name="two"))
    wait_for_samples(api, module, 2)
    by_field = api.request("GET", "/v1/mismatches", role="read", params={"module": module, "field": "b"})
    assert [(s["query_name"], s["fields"]) for s in by_field.json()["mismatches"]] == [("two", ["b"])]
    by_query = api.request(
        "GET", "/v1/mismatches", role="read", params={"module": module, "query_name": "one"}
    )
    assert [s["fields"] for s in by_query.json()["mismatches"]] == [["a"]]


def test_a_batch_answers_each_pair_and_a_bad_item_does_not_sink_it(api: Api) -> None:
    module = unique()
    response = api.batch([pair(module, 1, 1), {"module": "bad name!", "query_name": "q"}, pair(module, 1, 2)])
    assert response.status_code == 202, response.text
    body = response.json()
    assert (body["accepted"], body["rejected"]) == (2, 1)
    assert [r.get("outcome") for r in body["results"]] == ["match", None, "mismatch"]
    assert body["results"][1]["error"] == "invalid_payload"
    assert "pairs[1].module" in body["results"][1]["message"]


BIG = 123456789012345678901234567890  # past 64 bits: orjson alone would read it as a float


@pytest.mark.parametrize(
    ("legacy", "orm", "outcome"),
    [
        (BIG, BIG, "match"),
        (BIG, str(BIG), "match"),
        (BIG, BIG + 1, "mismatch"),
        (str(BIG), BIG + 1, "mismatch"),
    ],
)
def test_integers_past_64_bits_compare_exactly(api: Api, legacy: Any, orm: Any, outcome: str) -> None:
    answer = post(api, pair(unique(), [{"id": 1, "total": legacy}], [{"id": 1, "total": orm}]))
    assert answer["outcome"] == outcome
