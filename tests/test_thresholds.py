"""The critical mismatch rate is defined once (``flags.policy``); every place that shows or applies a
default threshold takes it from there, and the alert rules compare against the exported gauge."""

from __future__ import annotations

from pathlib import Path

import yaml

from app.settings import Settings
from flags.policy import DEFAULT_MISMATCH_THRESHOLD
from grafana import generate

ROOT = Path(__file__).resolve().parent.parent


def test_the_guard_default_is_the_policy_threshold(tmp_path: Path) -> None:
    assert Settings(data_dir=tmp_path).guard_threshold == DEFAULT_MISMATCH_THRESHOLD


def test_the_dashboard_draws_the_policy_thresholds() -> None:
    assert generate.MISMATCH_CRITICAL == DEFAULT_MISMATCH_THRESHOLD
    assert generate.MISMATCH_WARNING == DEFAULT_MISMATCH_THRESHOLD / 10


def test_the_mismatch_alerts_compare_against_the_exported_threshold_not_a_number() -> None:
    rules = yaml.safe_load((ROOT / "prometheus/rules/alerts.yml").read_text(encoding="utf-8"))
    mismatch = [
        rule
        for group in rules["groups"]
        for rule in group["rules"]
        if rule.get("alert", "").startswith("ShadowMismatch")
    ]
    assert mismatch, "no mismatch alert found"
    for rule in mismatch:
        assert "shadow_module_mismatch_threshold" in rule["expr"], rule["alert"]
        assert str(DEFAULT_MISMATCH_THRESHOLD) not in rule["expr"], rule["alert"]
