"""The README's Metrics paragraph names every metric family the service exports."""

from __future__ import annotations

import re
from pathlib import Path

from prometheus_client import CollectorRegistry

from app.flag_view import FlagView
from app.metrics import FlagCollector, Metrics

README = Path(__file__).resolve().parent.parent / "README.md"


def exported_names() -> set[str]:
    registry = CollectorRegistry()
    metrics = Metrics(registry=registry)
    metrics.registry.register(FlagCollector(FlagView(1.0), lambda: 0.0, 0.001))
    return {family.name for family in registry.collect()}


def test_the_metrics_paragraph_names_every_exported_metric() -> None:
    """It listed neither shadow_flag_changes_total, shadow_normalizations_total nor
    shadow_module_mismatch_threshold, though the dashboard and the alerts read them."""
    section = README.read_text().split("### Metrics", 1)[1].split("\n### ", 1)[0]
    named = set(re.findall(r"`([a-z_]+)`", section))
    # prometheus-client names a counter's family without its _total suffix
    missing = {n for n in exported_names() if n not in named and f"{n}_total" not in named}
    assert not missing, f"README '### Metrics' does not name {sorted(missing)}"
