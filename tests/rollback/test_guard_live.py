"""The in-process guard through HTTP: mismatching pairs posted to a live service roll a module back.

The guard's rollback runs as a task after the request that tripped it, so tests poll the API with a
deadline. To show that something did *not* happen, they wait for a later trip of another module
(``settle``): the event loop runs scheduled guard tasks in order, so by then any earlier one has run.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.live import live_service
from tests.rollback.client import OPERATOR, TOKENS, Api, unique, wait_for

WINDOW, THRESHOLD, MINIMUM = 60, 0.05, 20


@pytest.fixture(scope="module")
def api(module_tmp: Path) -> Iterator[Api]:
    env = {
        "SHADOWDIFF_TOKENS": TOKENS,
        "SHADOWDIFF_DATA_DIR": str(module_tmp / "data"),
        "SHADOWDIFF_GUARD_ENABLED": "true",
        "SHADOWDIFF_GUARD_WINDOW_SECONDS": str(WINDOW),
        "SHADOWDIFF_GUARD_THRESHOLD": str(THRESHOLD),
        "SHADOWDIFF_GUARD_MIN_COMPARISONS": str(MINIMUM),
    }
    with live_service(env, module_tmp) as service:
        yield Api(service.url)


def actions(api: Api, module: str) -> list[str]:
    return [entry["action"] for entry in api.history(module)]


def settle(api: Api) -> None:
    """Trip the guard on a fresh notify-mode module and wait for its record (see the module docstring)."""
    sentinel = unique("sentinel")
    api.put_flag(sentinel, "orm", "notify")
    api.post_pairs(sentinel, MINIMUM, mismatch=True)
    wait_for(lambda: "rollback_notify" in actions(api, sentinel), 10, "the sentinel's guard record")


def test_mismatching_orm_module_is_rolled_back_by_the_guard(api: Api) -> None:
    module = unique("billing")
    api.put_flag(module, "orm", True)
    api.post_pairs(module, MINIMUM + 10, mismatch=True)
    wait_for(lambda: api.flag(module)["state"] == "shadow", 10, "the guard's rollback")
    entry = api.history(module)[0]
    assert (entry["action"], entry["actor"], entry["source"]) == ("rollback", "guard", "guard")


def test_guard_decision_record_explains_the_rollback(api: Api) -> None:
    module = unique("billing")
    api.put_flag(module, "orm", True)
    api.post_pairs(module, 10, mismatch=False)
    api.post_pairs(module, 10, mismatch=True, start=10)
    wait_for(lambda: api.flag(module)["state"] == "shadow", 10, "the guard's rollback")
    decision = api.history(module)[0]["decision"]
    assert decision["trigger"] == "guard"
    assert (decision["comparisons"], decision["mismatches"], decision["measured_rate"]) == (20, 10, 0.5)
    assert (decision["threshold"], decision["window_seconds"]) == (THRESHOLD, WINDOW)
    assert decision["samples"]["all"] == f"/v1/mismatches?module={module}"


def test_guard_rollback_is_counted_for_the_dashboard(api: Api) -> None:
    module = unique("billing")
    api.put_flag(module, "orm", True)
    api.post_pairs(module, MINIMUM, mismatch=True)
    wait_for(lambda: api.flag(module)["state"] == "shadow", 10, "the guard's rollback")
    assert api.metric("shadow_rollbacks_total", module=module, actor="guard") == 1


def test_notify_mode_records_once_per_trip_and_keeps_the_flag(api: Api) -> None:
    module = unique("billing")
    before = api.put_flag(module, "orm", "notify")
    api.post_pairs(module, MINIMUM, mismatch=True)
    wait_for(lambda: "rollback_notify" in actions(api, module), 10, "the guard's notify record")
    api.post_pairs(module, MINIMUM, mismatch=True, start=MINIMUM)
    settle(api)
    after = api.flag(module)
    assert actions(api, module) == ["rollback_notify", "create"]
    assert (after["state"], after["version"]) == ("orm", before["version"])


@pytest.mark.parametrize(
    ("matches", "mismatches", "state", "auto_rollback"),
    [
        pytest.param(39, 1, "orm", True, id="below-threshold"),
        pytest.param(0, MINIMUM - 1, "orm", True, id="below-minimum"),
        pytest.param(0, MINIMUM, "orm", False, id="auto-rollback-off"),
        pytest.param(0, MINIMUM, "shadow", True, id="shadow"),
    ],
)
def test_guard_leaves_the_module_alone(
    api: Api, matches: int, mismatches: int, state: str, auto_rollback: bool
) -> None:
    module = unique("billing")
    before = api.put_flag(module, state, auto_rollback)
    api.post_pairs(module, matches, mismatch=False)
    api.post_pairs(module, mismatches, mismatch=True, start=matches)
    settle(api)
    assert api.flag(module)["version"] == before["version"]
    assert actions(api, module) == ["create"]


def test_the_guard_view_and_re_promotion_while_it_would_act(api: Api) -> None:
    module = unique("billing")
    api.put_flag(module, "orm", True)
    api.post_pairs(module, MINIMUM, mismatch=True)
    wait_for(lambda: api.flag(module)["state"] == "shadow", 10, "the guard's rollback")
    view = api.get(f"/v1/flags/{module}/guard")
    assert view["replica"] and view["state"] == "shadow"
    assert (view["comparisons"], view["mismatches"], view["rate"]) == (MINIMUM, MINIMUM, 1.0)
    assert view["lower_bound"] > THRESHOLD == view["threshold"] and view["would_act"] is True
    body = {"state": "orm", "reason": "the fix is out", "force": False}
    refused = api._call("PUT", f"/v1/flags/{module}", OPERATOR, json=body)
    assert refused.status_code == 409
    assert "the guard would still roll" in refused.json()["message"]
    forced = api._call("PUT", f"/v1/flags/{module}", OPERATOR, json={**body, "force": True})
    assert forced.status_code == 200 and forced.json()["forced"] is True
    metrics = api._call("GET", "/metrics", None).text
    assert f'shadow_module_mismatch_threshold{{module="{module}"}} {THRESHOLD}' in metrics
