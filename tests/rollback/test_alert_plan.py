"""Webhook payload parsing and the per-alert decision, without a service (pure functions)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from pydantic import ValidationError

from app.rollback import (
    AlertmanagerAlert,
    AlertmanagerPayload,
    Verdict,
    alert_figures,
    delivery_key,
    parse_number,
    parse_window,
    plan,
)
from flags.guard import WindowCounts
from flags.model import AutoRollback, Flag, FlagState, now
from tests.rollback.payloads import fingerprint, load

ORM_ON = Flag("auth", FlagState.ORM, None, AutoRollback.ON, 4, now(), "test")


def alert(**changes: Any) -> AlertmanagerAlert:
    data = load("firing")["alerts"][0]
    labels = {**data["labels"], **changes.pop("labels", {})}
    return AlertmanagerAlert.model_validate({**data, **changes, "labels": labels})


@pytest.mark.parametrize("name", ["firing", "resolved", "grouped"])
def test_captured_payloads_parse(name: str) -> None:
    raw = load(name)
    payload = AlertmanagerPayload.model_validate(raw)
    assert (payload.group_key, len(payload.alerts)) == (raw["groupKey"], len(raw["alerts"]))


@pytest.mark.parametrize(
    ("change", "names"),
    [
        pytest.param({"version": "3"}, 'version "4"', id="old-version"),
        pytest.param({"groupKey": None}, "groupKey", id="no-group-key"),
        pytest.param({"status": "pending"}, "status", id="bad-status"),
        pytest.param({"alerts": {"a": 1}}, "alerts", id="alerts-not-a-list"),
        pytest.param(
            {"alerts": [{"status": "firing", "labels": {"module": 3}}]}, "labels.module", id="label-type"
        ),
        pytest.param({"alerts": [{"status": "firing", "labels": {}}]}, "startsAt", id="no-start"),
    ],
)
def test_malformed_payload_names_the_problem(change: dict[str, Any], names: str) -> None:
    raw = {**load("firing"), **change}
    raw = {k: v for k, v in raw.items() if v is not None}
    with pytest.raises(ValidationError, match=names):
        AlertmanagerPayload.model_validate(raw)


@pytest.mark.parametrize(
    ("given", "flag", "verdict"),
    [
        pytest.param(alert(), ORM_ON, Verdict.ROLLED_BACK, id="firing-critical-orm-on"),
        pytest.param(
            alert(), replace(ORM_ON, auto_rollback=AutoRollback.NOTIFY), Verdict.NOTIFIED, id="notify"
        ),
        pytest.param(alert(status="resolved"), ORM_ON, Verdict.RESOLVED, id="resolved"),
        pytest.param(alert(labels={"severity": "warning"}), ORM_ON, Verdict.NOT_CRITICAL, id="warning"),
        pytest.param(alert(labels={"module": "not a name"}), ORM_ON, Verdict.NO_MODULE, id="bad-module-name"),
        pytest.param(alert(), None, Verdict.UNKNOWN_MODULE, id="unknown-module"),
        pytest.param(alert(), replace(ORM_ON, state=FlagState.SHADOW), Verdict.NOT_ORM, id="shadow"),
        pytest.param(alert(), replace(ORM_ON, state=FlagState.MIGRATED), Verdict.NOT_ORM, id="migrated"),
        pytest.param(
            alert(), replace(ORM_ON, auto_rollback=AutoRollback.OFF), Verdict.AUTO_ROLLBACK_OFF, id="off"
        ),
    ],
)
def test_plan(given: AlertmanagerAlert, flag: Flag | None, verdict: Verdict) -> None:
    assert plan(given, flag).verdict is verdict


def test_alert_without_module_label_is_not_acted_on() -> None:
    data = load("firing")["alerts"][0]
    data["labels"].pop("module")
    assert plan(AlertmanagerAlert.model_validate(data), ORM_ON).verdict is Verdict.NO_MODULE


SERVICE = WindowCounts(comparisons=400, mismatches=8)


@pytest.mark.parametrize(
    ("annotations", "labels", "expected"),
    [
        pytest.param(
            {"mismatch_rate": "0.025", "threshold": "0.001", "comparisons": "1200", "window": "5m"},
            {},
            {"measured_rate": 0.025, "threshold": 0.001, "comparisons": 1200, "window_seconds": 300.0},
            id="all-from-annotations",
        ),
        pytest.param(
            {"value": "2.5%"},
            {"threshold": "0.1%"},
            {"measured_rate": 0.025, "threshold": 0.001, "comparisons": 400, "window_seconds": 60.0},
            id="percentages-labels-and-service-rest",
        ),
        pytest.param(
            {"summary": "Mismatch rate is high"},
            {},
            {"measured_rate": 0.02, "threshold": 0.005, "comparisons": 400, "window_seconds": 60.0},
            id="service-figures",
        ),
        pytest.param(
            {"mismatch_rate": "NaN", "window": "five minutes"},
            {},
            {"measured_rate": 0.02, "threshold": 0.005, "comparisons": 400, "window_seconds": 60.0},
            id="unreadable-values-fall-back",
        ),
    ],
)
def test_alert_figures(annotations: dict[str, str], labels: dict[str, str], expected: dict[str, Any]) -> None:
    figures = alert_figures(
        alert(annotations=annotations, labels=labels), SERVICE, threshold=0.005, window=60.0
    )
    assert {k: figures[k] for k in expected} == expected


def test_alert_figures_say_where_each_figure_came_from() -> None:
    figures = alert_figures(
        alert(annotations={"mismatch_rate": "0.5"}), SERVICE, threshold=0.005, window=60.0
    )
    assert figures["figures_from"] == {
        "measured_rate": "alert",
        "threshold": "service",
        "comparisons": "service",
        "window_seconds": "service",
    }


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("300", 300.0),
        ("5m", 300.0),
        ("1h30m", 5400.0),
        ("500ms", 0.5),
        ("1d", 86400.0),
        ("5 m", None),
        ("", None),
    ],
)
def test_parse_window(text: str, seconds: float | None) -> None:
    assert parse_window(text) == seconds


@pytest.mark.parametrize(
    ("text", "value"), [("0.5", 0.5), ("12.5%", 0.125), ("1e-3", 0.001), ("inf", None), ("x", None)]
)
def test_parse_number(text: str, value: float | None) -> None:
    assert parse_number(text) == value


def test_delivery_key_is_the_same_for_a_repeated_delivery() -> None:
    first, again = (AlertmanagerPayload.model_validate(load("firing")) for _ in range(2))
    assert delivery_key(first, first.alerts[0]) == delivery_key(again, again.alerts[0])


@pytest.mark.parametrize(
    "change",
    [
        {"groupKey": '{}:{alertname="Other"}'},
        {"alerts": [{**load("firing")["alerts"][0], "fingerprint": "0000000000000000"}]},
        {"alerts": [{**load("firing")["alerts"][0], "startsAt": "2026-11-23T17:00:00Z"}]},
    ],
    ids=["group-key", "fingerprint", "starts-at"],
)
def test_delivery_key_differs_for_a_different_alert(change: dict[str, Any]) -> None:
    base = AlertmanagerPayload.model_validate(load("firing"))
    other = AlertmanagerPayload.model_validate({**load("firing"), **change})
    assert delivery_key(base, base.alerts[0]) != delivery_key(other, other.alerts[0])


@pytest.mark.parametrize("name", ["firing", "resolved", "grouped"])
def test_fingerprints_are_recomputed_as_alertmanager_computes_them(name: str) -> None:
    """The helper that renames modules in captured payloads keeps them as Alertmanager would send them."""
    assert all(fingerprint(a["labels"]) == a["fingerprint"] for a in load(name)["alerts"])
