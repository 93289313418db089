"""Flags over HTTP: create, optimistic concurrency, history, rollback, the cacheable config view."""

from __future__ import annotations

from tests.api.client import Api, unique


def test_put_creates_a_module_and_answers_its_version_as_etag(api: Api) -> None:
    module = unique()
    response = api.put_flag(
        module, state="orm", sample_rate=0.25, auto_rollback="notify", reason="go", force=True
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["state"], body["sample_rate"], body["auto_rollback"], body["version"]) == (
        "orm",
        0.25,
        "notify",
        1,
    )
    assert response.headers["etag"] == '"1"'
    assert body["updated_by"] == "alice"


def test_if_match_with_the_current_etag_updates(api: Api) -> None:
    module = unique()
    etag = api.put_flag(module, state="shadow").headers["etag"]
    response = api.put_flag(module, state="legacy", headers={"If-Match": etag})
    assert (response.status_code, response.json()["version"]) == (200, 2)


def test_sample_rate_null_returns_to_the_global_default(api: Api) -> None:
    module = unique()
    api.put_flag(module, sample_rate=0.1)
    body = api.put_flag(module, sample_rate=None).json()
    assert (body["sample_rate"], body["effective_sample_rate"]) == (None, 1.0)


def test_history_records_who_when_from_to_and_why(api: Api) -> None:
    module = unique()
    api.put_flag(module, state="shadow", reason="start shadowing")
    api.put_flag(module, state="orm", reason="mismatch rate is zero for a week", force=True)
    newest, oldest = api.history(module)
    assert (oldest["action"], oldest["from"], oldest["to"]["state"]) == ("create", None, "shadow")
    assert (newest["action"], newest["actor"], newest["source"]) == ("update", "alice", "api")
    assert (newest["from"]["state"], newest["to"]["state"]) == ("shadow", "orm")
    assert newest["forced"] is True and oldest["forced"] is False
    assert newest["reason"] == "mismatch rate is zero for a week"
    assert newest["at"] >= oldest["at"]


def test_rollback_moves_orm_back_to_shadow_and_is_in_the_history(api: Api) -> None:
    module = unique()
    api.put_flag(module, state="orm", force=True)
    response = api.request("POST", f"/v1/flags/{module}/rollback", json={"reason": "p95 doubled"})
    assert (response.status_code, response.json()["state"]) == (200, "shadow")
    latest = api.history(module)[0]
    assert (latest["action"], latest["reason"], latest["from"]["state"]) == ("rollback", "p95 doubled", "orm")


def test_config_is_cacheable_and_changes_with_a_flag(api: Api) -> None:
    first = api.request("GET", "/v1/config", role="ingest")
    assert first.status_code == 200
    etag = first.headers["etag"]
    assert api.request("GET", "/v1/config", role="ingest", headers={"If-None-Match": etag}).status_code == 304
    module = unique()
    api.put_flag(module, state="orm", sample_rate=0.5, serve_rate=0.25, force=True)
    after = api.request("GET", "/v1/config", role="ingest", headers={"If-None-Match": etag})
    assert after.status_code == 200
    assert after.json()["modules"][module] == {
        "state": "orm",
        "sample_rate": 0.5,
        "serve_rate": 0.25,
        "version": 1,
    }


def test_list_flags_includes_every_module(api: Api) -> None:
    modules = {unique(), unique()}
    for module in modules:
        api.put_flag(module)
    listed = api.request("GET", "/v1/flags", role="read").json()
    assert modules <= {f["module"] for f in listed["flags"]}
