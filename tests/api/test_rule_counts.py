"""``shadow_normalizations_total`` counts each rule once per pair that needed it, whatever set of rules
the pair needed, and a retired module's series leave the scrape."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, generate_latest

from app.metrics import Metrics


def series(metrics: Metrics) -> dict[tuple[str, str, str], float]:
    found: dict[tuple[str, str, str], float] = {}
    for family in metrics.registry.collect():
        for sample in family.samples:
            if sample.name == "shadow_normalizations_total":
                labels = sample.labels
                found[labels["module"], labels["queryName"], labels["rule"]] = sample.value
    return found


def test_each_rule_counts_once_per_pair_across_sets_of_rules() -> None:
    metrics = Metrics(registry=CollectorRegistry())
    q = metrics.for_query("billing", "getInvoice")
    for rules in [("number", "instant"), ("number",), ("instant", "number"), ("boolean",)]:
        metrics.count_normalizations(q, rules)
    metrics.count_normalizations(metrics.for_query("auth", "getUser"), ("names",))
    assert series(metrics) == {
        ("billing", "getInvoice", "number"): 3.0,
        ("billing", "getInvoice", "instant"): 2.0,
        ("billing", "getInvoice", "boolean"): 1.0,
        ("auth", "getUser", "names"): 1.0,
    }
    text = generate_latest(metrics.scrape).decode()
    assert "# TYPE shadow_normalizations_total counter" in text
    assert 'shadow_normalizations_total{module="billing",queryName="getInvoice",rule="number"} 3.0' in text


def test_a_forgotten_module_leaves_the_normalization_series() -> None:
    metrics = Metrics(registry=CollectorRegistry())
    metrics.count_normalizations(metrics.for_query("billing", "getInvoice"), ("number",))
    metrics.count_normalizations(metrics.for_query("auth", "getUser"), ("names",))
    metrics.forget("billing")
    assert series(metrics) == {("auth", "getUser", "names"): 1.0}
