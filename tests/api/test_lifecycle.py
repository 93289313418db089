"""The lifecycle rails over HTTP, on both backends: adjacent moves, force, no-ops, auto_rollback arming,
the ramp's end, idempotent rollback, ``by`` beside the token's name."""

from __future__ import annotations

from tests.api.client import Api, unique


def test_a_skip_is_refused_with_409_then_forced_and_recorded_as_forced(api: Api) -> None:
    module = unique()
    assert api.put_flag(module, state="legacy").status_code == 201
    refused = api.put_flag(module, state="orm", reason="skip ahead")
    assert refused.status_code == 409, refused.text
    assert refused.json()["error"] == "invalid_transition"
    assert "skips 'shadow'" in refused.json()["message"] and '"force": true' in refused.json()["message"]
    assert api.flag(module)["version"] == 1
    forced = api.put_flag(module, state="orm", reason="hotfix window", force=True)
    assert (forced.status_code, forced.json()["state"], forced.json()["forced"]) == (200, "orm", True)
    newest = api.history(module)[0]
    assert (newest["forced"], newest["reason"], newest["to"]["state"]) == (True, "hotfix window", "orm")


def test_creating_a_module_in_orm_or_migrated_needs_force(api: Api) -> None:
    for state in ("orm", "migrated"):
        module = unique()
        refused = api.put_flag(module, state=state)
        assert refused.status_code == 409 and "directly in" in refused.json()["message"]
        assert api.request("GET", f"/v1/flags/{module}", role="read").status_code == 404
        assert api.put_flag(module, state=state, force=True).status_code == 201


def test_leaving_migrated_needs_force_even_one_stage_back(api: Api) -> None:
    module = unique()
    api.put_flag(module, state="migrated", force=True)
    refused = api.put_flag(module, state="orm")
    assert refused.status_code == 409 and "SQL path" in refused.json()["message"]
    assert api.put_flag(module, state="orm", force=True).json()["state"] == "orm"


def test_a_no_op_put_changes_nothing(api: Api) -> None:
    module = unique()
    api.put_flag(module, state="shadow", sample_rate=0.5)
    again = api.put_flag(module, state="shadow", sample_rate=0.5, reason="same again")
    assert again.status_code == 200
    body = again.json()
    assert (body["version"], body["changed"]) == (1, False)
    assert [h["action"] for h in api.history(module)] == ["create"]


def test_entering_orm_arms_auto_rollback_unless_the_change_sets_it(api: Api) -> None:
    armed, kept = unique(), unique()
    for module in (armed, kept):
        api.put_flag(module, state="legacy")
        api.put_flag(module, state="shadow")
    body = api.put_flag(armed, state="orm", force=True).json()
    assert body["auto_rollback"] is True
    assert any("auto_rollback turned on" in note for note in body["notes"])
    body = api.put_flag(kept, state="orm", auto_rollback="notify", force=True).json()
    assert (body["auto_rollback"], body["notes"]) == ("notify", [])


def test_orm_to_migrated_needs_serve_rate_one_or_force(api: Api) -> None:
    module = unique()
    api.put_flag(module, state="orm", serve_rate=0.3, force=True)
    refused = api.put_flag(module, state="migrated")
    assert refused.status_code == 409 and "ramp serve_rate to 1" in refused.json()["message"]
    done = api.put_flag(module, state="migrated", serve_rate=1)
    assert (done.status_code, done.json()["state"], done.json()["forced"]) == (200, "migrated", False)


def test_rollback_is_idempotent_from_shadow_and_refused_from_migrated(api: Api) -> None:
    module = unique()
    api.put_flag(module, state="orm", force=True)
    first = api.request("POST", f"/v1/flags/{module}/rollback", json={"reason": "p95 doubled"})
    assert (first.status_code, first.json()["state"], first.json()["changed"]) == (200, "shadow", True)
    entries = len(api.history(module))
    again = api.request("POST", f"/v1/flags/{module}/rollback", json={"reason": "p95 doubled"})
    assert again.status_code == 200, again.text
    assert again.json()["changed"] is False and "already rolled back" in again.json()["message"]
    assert len(api.history(module)) == entries
    gone = unique()
    api.put_flag(gone, state="migrated", force=True)
    refused = api.request("POST", f"/v1/flags/{gone}/rollback", json={"reason": "panic"})
    assert refused.status_code == 409
    message = refused.json()["message"]
    assert "SQL path may be gone" in message and '"force": true' in message


def test_an_idempotent_rollback_says_already_rolled_back_once(api: Api) -> None:
    module = unique()
    api.put_flag(module, state="shadow")
    again = api.request("POST", f"/v1/flags/{module}/rollback", json={"reason": "pager"})
    assert again.json()["message"] == (
        f"module {module!r} is already rolled back: it is in 'shadow', SQL serves; nothing recorded"
    )


def test_by_names_the_person_beside_the_token(api: Api) -> None:
    module = unique()
    api.put_flag(module, state="legacy", by="Dana Scully", reason="onboard")
    api.put_flag(module, state="orm", by="Fox Mulder", reason="trust no one", force=True)
    back = api.request("POST", f"/v1/flags/{module}/rollback", json={"reason": "x", "by": "Walter Skinner"})
    assert back.status_code == 200
    assert [(h["actor"], h["by"]) for h in api.history(module)] == [
        ("alice", "Walter Skinner"),
        ("alice", "Fox Mulder"),
        ("alice", "Dana Scully"),
    ]


def test_the_ramp_is_in_config_and_in_feature_flag_enabled(api: Api) -> None:
    module = unique()
    api.put_flag(module, state="orm", serve_rate=0.25, force=True)
    config = api.request("GET", "/v1/config", role="ingest").json()["modules"][module]
    assert (config["state"], config["serve_rate"]) == ("orm", 0.25)
    exposition = api.request("GET", "/metrics", role=None).text
    assert f'feature_flag_enabled{{flag="{module}"}} 0.25' in exposition
    api.put_flag(module, serve_rate=0.5, reason="ramp to half")
    exposition = api.request("GET", "/metrics", role=None).text
    assert f'feature_flag_enabled{{flag="{module}"}} 0.5' in exposition
    assert f'shadow_flag_changes_total{{actor="api",module="{module}",to="orm"}} 2.0' in exposition
