"""The committed alertmanager.yml in a real Alertmanager: who gets paged, who gets told, what is inhibited.

The routes and inhibit rules are the committed ones. Only what cannot run here changes: each receiver
becomes a webhook to a local sink (the pager and chat integrations need the internet), the bearer token
file points at a temporary file, and the group waits shrink to a second. Alerts are posted to
Alertmanager's API directly, the way Prometheus sends them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from tests.live import free_port, running_program
from tests.monitoring.live_prometheus import wait_for
from tests.monitoring.receivers import Notification, Sink, notification_sink
from tests.monitoring.tools import PROMETHEUS_DIR, require

pytestmark = pytest.mark.e2e

TOKEN = "alertmanager-test-token-1"
SINK_PATHS = {"pager": "/pager", "chat": "/chat", "shadowdiff-webhook": "/v1/alerts/alertmanager"}
ALERTS = [
    {"alertname": "ShadowMismatchRateCritical", "severity": "critical", "module": "auth"},
    {"alertname": "ShadowMismatchRateWarning", "severity": "warning", "module": "auth"},
    {"alertname": "ShadowMismatchRateWarning", "severity": "warning", "module": "teams"},
    {"alertname": "ShadowdiffTargetDown", "severity": "critical", "module": "shadowdiff"},
]


def local_config(sink: Sink, token_file: Path) -> dict[str, Any]:
    config: dict[str, Any] = yaml.safe_load((PROMETHEUS_DIR / "alertmanager.yml").read_text())
    config["route"].update(group_wait="1s", group_interval="1s")
    for route in config["route"]["routes"]:
        for key in ("group_wait", "group_interval"):
            if key in route:
                route[key] = "1s"
    for receiver in config["receivers"]:
        name = receiver["name"]
        hook: dict[str, Any] = {"url": sink.url + SINK_PATHS[name], "send_resolved": True}
        for old in receiver.get("webhook_configs", []):
            hook["http_config"] = old["http_config"]
            hook["http_config"]["authorization"]["credentials_file"] = str(token_file)
        receiver.clear()
        receiver.update(name=name, webhook_configs=[hook])
    return config


@dataclass
class Alertmanager:
    url: str
    sink: Sink
    log_path: Path

    def alerts(self) -> list[dict[str, Any]]:
        response = httpx.get(f"{self.url}/api/v2/alerts", timeout=5)
        response.raise_for_status()
        alerts: list[dict[str, Any]] = response.json()
        return alerts

    def state_of(self, labels: dict[str, str]) -> str | None:
        for alert in self.alerts():
            if labels.items() <= alert["labels"].items():
                return str(alert["status"]["state"])
        return None

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


@pytest.fixture(scope="module")
def alertmanager(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Alertmanager]:
    binary = require("prometheus-alertmanager")
    workdir = tmp_path_factory.mktemp("alertmanager")
    token_file = workdir / "token"
    token_file.write_text(TOKEN)
    with notification_sink() as sink:
        config = workdir / "alertmanager.yml"
        config.write_text(yaml.safe_dump(local_config(sink, token_file), sort_keys=False))
        address = f"127.0.0.1:{free_port()}"
        log_path = workdir / "alertmanager.log"
        args = [
            binary,
            f"--config.file={config}",
            f"--storage.path={workdir / 'data'}",
            f"--web.listen-address={address}",
            "--cluster.listen-address=",
        ]
        with running_program(args, log_path, f"http://{address}/-/ready"):
            manager = Alertmanager(f"http://{address}", sink, log_path)
            posted = [{"labels": labels, "annotations": {"summary": "test"}} for labels in ALERTS]
            httpx.post(f"{manager.url}/api/v2/alerts", json=posted, timeout=5).raise_for_status()
            yield manager


def _notified(manager: Alertmanager, path: str, labels: dict[str, str]) -> list[Notification] | None:
    hits = [n for n in manager.sink.at(path) if any(labels.items() <= a.items() for a in n.alerts())]
    return hits or None


@pytest.mark.parametrize(
    ("labels", "state"),
    [
        ({"alertname": "ShadowMismatchRateWarning", "module": "auth"}, "suppressed"),
        ({"alertname": "ShadowMismatchRateWarning", "module": "teams"}, "active"),
        ({"alertname": "ShadowMismatchRateCritical", "module": "auth"}, "active"),
    ],
    ids=["warning-under-critical-of-same-module", "warning-of-other-module", "critical"],
)
def test_critical_inhibits_only_the_warning_of_its_module(
    alertmanager: Alertmanager, labels: dict[str, str], state: str
) -> None:
    # Inhibition is evaluated as alerts arrive, so the state settles at once.
    assert wait_for(
        f"{labels} {state}",
        lambda: alertmanager.state_of(labels) == state or None,
        10,
        alertmanager.log,
    )


@pytest.mark.parametrize(
    ("path", "labels"),
    [
        ("/pager", {"alertname": "ShadowMismatchRateCritical", "module": "auth"}),
        ("/v1/alerts/alertmanager", {"alertname": "ShadowMismatchRateCritical", "module": "auth"}),
        ("/chat", {"alertname": "ShadowMismatchRateWarning", "module": "teams"}),
        ("/pager", {"alertname": "ShadowdiffTargetDown", "module": "shadowdiff"}),
    ],
    ids=["critical-pages", "critical-reaches-webhook", "warning-to-chat", "service-alert-pages"],
)
def test_alert_is_delivered_to_its_receiver(
    alertmanager: Alertmanager, path: str, labels: dict[str, str]
) -> None:
    assert wait_for(
        f"{labels} at {path}", lambda: _notified(alertmanager, path, labels), 15, alertmanager.log
    )


def test_webhook_call_carries_the_bearer_token(alertmanager: Alertmanager) -> None:
    critical = {"alertname": "ShadowMismatchRateCritical", "module": "auth"}
    calls = wait_for(
        "webhook call",
        lambda: _notified(alertmanager, "/v1/alerts/alertmanager", critical),
        15,
        alertmanager.log,
    )
    assert {call.authorization for call in calls} == {f"Bearer {TOKEN}"}


@pytest.mark.parametrize(
    ("path", "labels"),
    [
        ("/chat", {"alertname": "ShadowMismatchRateWarning", "module": "auth"}),
        ("/v1/alerts/alertmanager", {"alertname": "ShadowdiffTargetDown"}),
        ("/v1/alerts/alertmanager", {"severity": "warning"}),
    ],
    ids=["inhibited-warning", "service-alert-not-to-webhook", "warnings-not-to-webhook"],
)
def test_alert_is_kept_from_the_wrong_receiver(
    alertmanager: Alertmanager, path: str, labels: dict[str, str]
) -> None:
    # Once the chat and the webhook have had their first notifications, every group has been flushed.
    teams_warning = {"alertname": "ShadowMismatchRateWarning", "module": "teams"}
    auth_critical = {"alertname": "ShadowMismatchRateCritical", "module": "auth"}
    wait_for("chat flushed", lambda: _notified(alertmanager, "/chat", teams_warning), 15, alertmanager.log)
    wait_for(
        "webhook flushed",
        lambda: _notified(alertmanager, "/v1/alerts/alertmanager", auth_critical),
        15,
        alertmanager.log,
    )
    assert _notified(alertmanager, path, labels) is None
