"""The committed Alertmanager config, checked and routed by the real amtool."""

from __future__ import annotations

import pytest

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
