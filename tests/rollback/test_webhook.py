"""POST /v1/alerts/alertmanager against a live service, with payloads as Alertmanager 0.25 sends them.

The guard is off in this service, so every rollback seen here is the webhook's. History and
``shadow_rollbacks_total`` are read back through the API, as an operator would.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest

from tests.live import live_service
from tests.pg import fresh_database
from tests.rollback.client import HOOK, READER, TOKENS, Api, unique, wait_for
from tests.rollback.payloads import load, retarget

ALERT = "ShadowMismatchRateCritical"


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def api(module_tmp: Path, request: pytest.FixtureRequest) -> Iterator[Api]:
    """One service per store backend: idempotency (claim_once) and history live in the store."""
    env = {
        "SHADOWDIFF_TOKENS": TOKENS,
        "SHADOWDIFF_DATA_DIR": str(module_tmp / request.param),
        "SHADOWDIFF_GUARD_ENABLED": "false",
        "SHADOWDIFF_GUARD_WINDOW_SECONDS": "120",
        "SHADOWDIFF_GUARD_THRESHOLD": "0.001",
    }
    with ExitStack() as stack:
        if request.param == "postgres":
            env["DATABASE_URL"] = stack.enter_context(fresh_database())
        yield Api(stack.enter_context(live_service(env, module_tmp)).url)


def firing(module: str, **labels: str) -> dict[str, Any]:
    return retarget(load("firing"), {"auth": module}, **labels)


def results(response: Any) -> list[dict[str, Any]]:
    assert response.status_code == 200, response.text
    found: list[dict[str, Any]] = response.json()["results"]
    return found


def test_firing_critical_alert_rolls_the_module_back(api: Api) -> None:
    module = unique("auth")
    api.put_flag(module, "orm", True)
    [result] = results(api.webhook(firing(module)))
    assert (result["result"], result["changed"], api.flag(module)["state"]) == ("rolled_back", True, "shadow")


def test_rollback_history_names_alertmanager_the_alert_and_its_summary(api: Api) -> None:
    module = unique("auth")
    api.put_flag(module, "orm", True)
    api.webhook(firing(module))
    entry = api.history(module)[0]
    assert (entry["action"], entry["actor"], entry["source"]) == ("rollback", "alertmanager", "alertmanager")
    assert (entry["from"]["state"], entry["to"]["state"]) == ("orm", "shadow")
    assert ALERT in entry["reason"]
    assert f"{module} mismatch 5%" in entry["reason"]


def test_decision_record_holds_the_alert_and_links_to_samples(api: Api) -> None:
    module = unique("auth")
    api.put_flag(module, "orm", True)
    payload = firing(module)
    api.webhook(payload)
    decision = api.history(module)[0]["decision"]
    sent = payload["alerts"][0]
    assert decision["trigger"] == "alertmanager"
    assert decision["rule"] == ALERT
    assert decision["alert"]["labels"] == sent["labels"]
    assert decision["alert"]["startsAt"].startswith(sent["startsAt"][:19])
    assert decision["alert"]["fingerprint"] == sent["fingerprint"]
    assert decision["samples"]["all"] == f"/v1/mismatches?module={module}"
    assert {"measured_rate", "threshold", "comparisons", "window_seconds"} <= decision.keys()


def test_decision_record_uses_the_services_figures_when_the_alert_has_none(api: Api) -> None:
    module = unique("auth")
    api.put_flag(module, "orm", True)
    outcomes = api.post_pairs(module, 30, mismatch=True) + api.post_pairs(
        module, 10, mismatch=False, start=30
    )
    assert outcomes.count("mismatch") == 30
    api.webhook(firing(module))
    decision = api.history(module)[0]["decision"]
    figures = {k: decision[k] for k in ("measured_rate", "threshold", "comparisons", "window_seconds")}
    assert figures == {"measured_rate": 0.75, "threshold": 0.001, "comparisons": 40, "window_seconds": 120.0}
    assert decision["figures_from"]["measured_rate"] == "service"


def test_decision_record_links_to_the_modules_mismatch_samples(api: Api) -> None:
    module = unique("auth")
    api.put_flag(module, "orm", True)
    api.post_pairs(module, 5, mismatch=True)
    wait_for(lambda: bool(api.mismatches(module)), 10, "the background writer storing the mismatch samples")
    api.webhook(firing(module))
    examples = api.history(module)[0]["decision"]["samples"]["examples"]
    path = f"/v1/mismatches?module={module}&query_name=getUserByEmail&limit=10&field=full_name"
    assert [e["path"] for e in examples] == [path]
    assert api.get(path)["mismatches"]


def test_rollback_increments_shadow_rollbacks_total(api: Api) -> None:
    module = unique("auth")
    api.put_flag(module, "orm", True)
    api.webhook(firing(module))
    assert api.metric("shadow_rollbacks_total", module=module, actor="alertmanager") == 1


def test_grouped_notification_is_decided_per_alert(api: Api) -> None:
    a, b, c = unique("a"), unique("b"), unique("c")
    api.put_flag(a, "orm", True)
    api.put_flag(b, "shadow", True)
    api.put_flag(c, "orm", True)
    payload = retarget(load("grouped"), {"MODULE_A": a, "MODULE_B": b, "MODULE_C": c})
    by_module = {r["module"]: r["result"] for r in results(api.webhook(payload))}
    states = {m: api.flag(m)["state"] for m in (a, b, c)}
    assert by_module == {a: "rolled_back", b: "not_orm", c: "resolved"}
    assert states == {a: "shadow", b: "shadow", c: "orm"}


def test_figures_carried_by_the_alert_go_into_the_decision_record(api: Api) -> None:
    a, b, c = unique("a"), unique("b"), unique("c")
    api.put_flag(a, "orm", True)
    api.webhook(retarget(load("grouped"), {"MODULE_A": a, "MODULE_B": b, "MODULE_C": c}))
    decision = api.history(a)[0]["decision"]
    figures = {k: decision[k] for k in ("measured_rate", "threshold", "comparisons", "window_seconds")}
    assert figures == {
        "measured_rate": 0.025,
        "threshold": 0.001,
        "comparisons": 1200,
        "window_seconds": 300.0,
    }


@pytest.mark.parametrize(
    ("state", "auto_rollback", "payload", "expected"),
    [
        pytest.param(
            "orm", True, lambda m: retarget(load("resolved"), {"auth": m}), "resolved", id="resolved"
        ),
        pytest.param("orm", True, lambda m: firing(m, severity="warning"), "not_critical", id="warning"),
        pytest.param("shadow", True, firing, "not_orm", id="shadow"),
        pytest.param("legacy", True, firing, "not_orm", id="legacy"),
        pytest.param("migrated", True, firing, "not_orm", id="migrated"),
        pytest.param("orm", False, firing, "auto_rollback_off", id="auto-rollback-off"),
    ],
)
def test_alerts_that_must_not_act_change_nothing(
    api: Api, state: str, auto_rollback: bool, payload: Any, expected: str
) -> None:
    module = unique("m")
    before = api.put_flag(module, state, auto_rollback)
    [result] = results(api.webhook(payload(module)))
    after = api.flag(module)
    assert (result["result"], result["changed"]) == (expected, False)
    assert (after["state"], after["version"]) == (before["state"], before["version"])
    assert [e["action"] for e in api.history(module)] == ["create"]


def test_unknown_module_changes_nothing_and_says_so(api: Api) -> None:
    module = unique("ghost")
    [result] = results(api.webhook(firing(module)))
    assert (result["result"], result["changed"]) == ("unknown_module", False)
    assert api.metric("shadow_rollbacks_total", module=module, actor="alertmanager") == 0


def test_alert_without_a_module_label_changes_nothing(api: Api) -> None:
    payload = load("firing")
    for holder in (payload["alerts"][0]["labels"], payload["commonLabels"], payload["groupLabels"]):
        holder.pop("module")
    [result] = results(api.webhook(payload))
    assert (result["result"], result["module"]) == ("no_module", None)


def test_repeated_delivery_does_not_roll_back_a_re_promoted_module(api: Api) -> None:
    module = unique("auth")
    api.put_flag(module, "orm", True)
    payload = firing(module)
    api.webhook(payload)
    api.put_flag(module, "orm", True)  # a person re-arms the module while the same alert repeats
    [again] = results(api.webhook(payload))
    assert (again["result"], api.flag(module)["state"]) == ("duplicate", "orm")
    assert api.metric("shadow_rollbacks_total", module=module, actor="alertmanager") == 1


def test_a_new_firing_of_the_alert_acts_again(api: Api) -> None:
    module = unique("auth")
    api.put_flag(module, "orm", True)
    api.webhook(firing(module))
    api.put_flag(module, "orm", True)
    later = firing(module)
    later["alerts"][0]["startsAt"] = "2026-11-23T18:00:00.000000000Z"
    [result] = results(api.webhook(later))
    assert (result["result"], api.flag(module)["state"]) == ("rolled_back", "shadow")


def test_notify_mode_records_the_decision_and_leaves_the_flag(api: Api) -> None:
    module = unique("auth")
    before = api.put_flag(module, "orm", "notify")
    [result] = results(api.webhook(firing(module)))
    after = api.flag(module)
    entry = api.history(module)[0]
    assert result["result"] == "notified"
    assert (after["state"], after["version"]) == ("orm", before["version"])
    assert (entry["action"], entry["actor"], entry["decision"]["rule"]) == (
        "rollback_notify",
        "alertmanager",
        ALERT,
    )
    assert api.metric("shadow_rollbacks_total", module=module, actor="alertmanager") == 0


def test_notify_mode_records_a_repeated_delivery_once(api: Api) -> None:
    module = unique("auth")
    api.put_flag(module, "orm", "notify")
    payload = firing(module)
    api.webhook(payload)
    [again] = results(api.webhook(payload))
    assert again["result"] == "duplicate"
    assert [e["action"] for e in api.history(module)] == ["rollback_notify", "create"]


@pytest.mark.parametrize(
    ("token", "status"),
    [(None, 401), ("not-a-token-at-all", 401), (READER, 403)],
    ids=["no-token", "unknown-token", "read-role"],
)
def test_webhook_needs_an_operator_token(api: Api, token: str | None, status: int) -> None:
    module = unique("auth")
    api.put_flag(module, "orm", True)
    response = api.webhook(firing(module), token=token)
    assert (response.status_code, api.flag(module)["state"]) == (status, "orm")


@pytest.mark.parametrize(
    ("body", "status", "names"),
    [
        pytest.param(b'{"version": "4", "alerts": [', 400, "JSON", id="truncated-json"),
        pytest.param({**load("firing"), "version": "3"}, 422, "version", id="version-3"),
        pytest.param(
            {k: v for k, v in load("firing").items() if k != "alerts"}, 422, "alerts", id="no-alerts"
        ),
        pytest.param(
            {**load("firing"), "alerts": [{"status": "firing"}]}, 422, "labels", id="alert-no-labels"
        ),
        pytest.param([load("firing")], 422, "body", id="list-not-object"),
    ],
)
def test_malformed_payload_gets_a_4xx_naming_the_problem(
    api: Api, body: dict[str, Any] | list[Any] | bytes, status: int, names: str
) -> None:
    sent = body if isinstance(body, bytes) else json.dumps(body).encode()
    response = api.webhook(sent, token=HOOK)
    assert response.status_code == status, response.text
    assert names in response.json()["message"]
