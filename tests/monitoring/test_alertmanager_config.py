"""The committed Alertmanager config, checked and routed by the real amtool."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from tests.monitoring.tools import PROMETHEUS_DIR, require, run

CONFIG = PROMETHEUS_DIR / "alertmanager.yml"
PAGE_AND_ROLL_BACK = "pager,shadowdiff-webhook"


def test_alertmanager_config_is_valid() -> None:
    amtool = require("amtool")
    result = run(amtool, "check-config", str(CONFIG))
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("labels", "receivers"),
    [
        (["severity=critical", "module=auth", "alertname=ShadowMismatchRateCritical"], PAGE_AND_ROLL_BACK),
        (["severity=critical", "module=teams", "alertname=ShadowOrmErrorRateSpike"], PAGE_AND_ROLL_BACK),
        (["severity=warning", "module=auth", "alertname=ShadowMismatchRateWarning"], "chat"),
        # an automatic rollback tells the team; it never reaches the webhook (nothing left to roll back)
        (["severity=warning", "module=auth", "actor=guard", "alertname=ShadowModuleRolledBack"], "chat"),
        (["severity=critical", "module=shadowdiff", "alertname=ShadowdiffTargetDown"], "pager"),
        (["severity=warning", "module=shadowdiff", "alertname=ShadowdiffFlagsStale"], "chat"),
        (["severity=info", "module=auth", "alertname=Unplanned"], "chat"),
        # another team's critical alert with a module label pages, and never reaches the webhook
        (["severity=critical", "module=auth", "alertname=PaymentsDatabaseDown"], "pager"),
        (["severity=critical", "module=auth", "alertname=ShadowMismatchRateCriticalCopy"], "pager"),
    ],
)
def test_alert_reaches_its_receivers(labels: list[str], receivers: str) -> None:
    amtool = require("amtool")
    result = run(amtool, "config", "routes", "test", f"--config.file={CONFIG}", *labels)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == receivers


def _chat_text(tmp_path: Path, annotations: dict[str, str]) -> str:
    """The chat receiver's text as Alertmanager renders it for one firing alert (amtool template render)."""
    amtool = require("amtool")
    config = yaml.safe_load(CONFIG.read_text())
    (chat,) = [r for r in config["receivers"] if r["name"] == "chat"]
    alert = {
        "status": "firing",
        "labels": {"alertname": "ShadowMismatchRateWarning", "module": "payments", "severity": "warning"},
        "annotations": annotations,
        "startsAt": "2026-11-30T02:33:41Z",
        "endsAt": "0001-01-01T00:00:00Z",
        "generatorURL": "",
        "fingerprint": "0",
    }
    data = {"receiver": "chat", "status": "firing", "alerts": [alert], "groupLabels": {}, "commonLabels": {}}
    (tmp_path / "data.json").write_text(json.dumps({**data, "commonAnnotations": {}, "externalURL": ""}))
    (tmp_path / "none.tmpl").write_text("")
    result = run(
        amtool,
        "template",
        "render",
        f"--template.glob={tmp_path / 'none.tmpl'}",
        f"--template.data={tmp_path / 'data.json'}",
        f"--template.text={chat['slack_configs'][0]['text']}",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_chat_message_names_the_worst_field_and_links_the_samples(tmp_path: Path) -> None:
    """The chat text carried only the summary and the runbook: the person told had to find the query,
    the field and the samples themselves, though the alert names and links them."""
    text = _chat_text(
        tmp_path,
        {
            "summary": "payments: 4.58% of compared pairs mismatch",
            "runbook_url": "https://runbooks.example/runbooks.md#shadowmismatchratewarning",
            "worst_field": "currency in getPayment",
            "console_url": "http://sd.example/ui/modules/payments",
            "history_url": "http://sd.example/ui/modules/payments/changes",
            "samples_url": "http://sd.example/v1/mismatches?module=payments",
            "dashboard_url": "http://grafana.example/d/shadowdiff-migration/?var-module=payments",
        },
    )
    assert text.splitlines() == [
        "payments: 4.58% of compared pairs mismatch (worst: currency in getPayment)",
        "runbook: https://runbooks.example/runbooks.md#shadowmismatchratewarning",
        "history: http://sd.example/ui/modules/payments/changes",
        "samples: http://sd.example/ui/modules/payments",
        "dashboard: http://grafana.example/d/shadowdiff-migration/?var-module=payments",
    ], text


def test_chat_message_of_an_alert_without_links_has_no_empty_lines(tmp_path: Path) -> None:
    text = _chat_text(tmp_path, {"summary": "shadowdiff x cannot be scraped", "runbook_url": "https://rb"})
    assert text.splitlines() == ["shadowdiff x cannot be scraped", "runbook: https://rb"], text
