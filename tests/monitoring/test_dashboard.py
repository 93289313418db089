"""The committed dashboard JSON: generated, complete, and consistent with the rules and runbooks."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from grafana import generate
from prometheus.generate import read_links
from tests.monitoring.dashboard import (
    annotation_queries,
    load,
    panel_queries,
    panels,
    substitute,
    unsubstituted,
)
from tests.monitoring.tools import DASHBOARD, ROOT, RULE_FILES, RUNBOOKS

BOARD = load()
PANELS = {panel["title"]: panel for panel in panels(BOARD) if panel["type"] != "row"}
PROVISIONING = ROOT / "grafana" / "provisioning"

# The brief's eleven panels, by the title each has on the dashboard (the heatmap is one per path).
BRIEF_PANELS = [
    "Shadow mode mismatch rate",
    "SQL vs Prisma latency (p95)",
    "Error rate by source",
    "Query count by source",
    "Migration progress by module",
    "Top mismatches by query",
    "Feature flag status",
    "Latency heatmap: SQL",
    "Latency heatmap: Prisma",
    "Shadow mode sample rate",
    "Total DB queries",
    "Mismatch rate trend (24h)",
]


def test_committed_json_is_the_generators_output() -> None:
    assert DASHBOARD.read_text() == generate.render(), (
        "run `python -m grafana.generate` and commit the result"
    )


def test_generator_writes_where_asked(tmp_path: Path) -> None:
    target = tmp_path / "board.json"
    generate.main(["--output", str(target)])
    assert json.loads(target.read_text()) == BOARD


@pytest.mark.parametrize("title", BRIEF_PANELS)
def test_brief_panel_is_on_the_dashboard(title: str) -> None:
    assert title in PANELS


@pytest.mark.parametrize("title", sorted(PANELS))
def test_panel_has_a_datasource_and_non_empty_targets(title: str) -> None:
    panel = PANELS[title]
    assert panel["datasource"] == {"type": "prometheus", "uid": "shadowdiff-prometheus"}
    assert panel["targets"], "a panel without a query shows nothing"
    for target in panel["targets"]:
        assert target["expr"].strip()
        assert target["datasource"] == panel["datasource"]


@pytest.mark.parametrize("title", sorted(PANELS))
def test_panel_filters_on_environment(title: str) -> None:
    for target in PANELS[title]["targets"]:
        assert 'environment=~"$environment"' in target["expr"]


def test_panel_ids_are_unique() -> None:
    ids = [panel["id"] for panel in panels(BOARD)]
    assert len(ids) == len(set(ids))


def test_module_and_environment_variables_exist() -> None:
    variables = {v["name"]: v for v in BOARD["templating"]["list"]}
    assert set(variables) == {"environment", "module"}
    assert variables["module"]["multi"] and variables["module"]["allValue"] == ".*"


def test_annotations_cover_deployments_incidents_rollbacks_and_flag_changes() -> None:
    names = {a["name"]: a for a in BOARD["annotations"]["list"]}
    assert names.keys() == {"Deployments", "Incidents", "Rollbacks", "Flag changes"}
    assert "shadow_flag_changes_total" in names["Flag changes"]["expr"]
    assert names["Flag changes"]["tagKeys"] == "module,to,actor"
    assert names["Deployments"]["target"]["tags"] == ["deployment"]
    assert names["Incidents"]["target"]["tags"] == ["incident"]
    assert "shadow_rollbacks_total" in names["Rollbacks"]["expr"]


def test_recorded_series_used_by_panels_exist_in_the_rules() -> None:
    recorded = {
        rule["record"]
        for path in RULE_FILES
        for group in yaml.safe_load(path.read_text())["groups"]
        for rule in group["rules"]
        if "record" in rule
    }
    used = {name for q in panel_queries(BOARD) for name in re.findall(r"\b\w+:\w+:\w+\b", q.expr)}
    assert used, "the panels should read the recording rules where one fits"
    assert used <= recorded, f"panels read series no rule records: {sorted(used - recorded)}"


def test_runbooks_name_only_panels_that_exist() -> None:
    text = re.sub(r"\s+", " ", RUNBOOKS.read_text())
    named = set(re.findall(r"\*\*([^*]+)\*\* panels?\b", text))
    assert named, "the runbooks should point at panels"
    assert named <= set(PANELS), f"runbooks name missing panels: {sorted(named - set(PANELS))}"


def test_provisioned_datasource_is_the_one_panels_use() -> None:
    config = yaml.safe_load((PROVISIONING / "datasources" / "prometheus.yml").read_text())
    assert [d["uid"] for d in config["datasources"]] == [generate.DATASOURCE.uid]


def test_dashboard_provider_points_where_compose_mounts_the_dashboards() -> None:
    config = yaml.safe_load((PROVISIONING / "dashboards" / "shadowdiff.yml").read_text())
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    mounts = compose["services"]["grafana"]["volumes"]
    path = config["providers"][0]["options"]["path"]
    assert any(m.split(":")[:2] == ["./grafana/dashboards", path] for m in mounts)


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ('x{m=~"$module"}[$__rate_interval]', 'x{m=~"a|b"}[1m]'),
        ("x[$__range] offset ${__interval}", "x[5m] offset 15s"),
        ("[[module]] $modules", "a|b $modules"),
    ],
)
def test_substitute_fills_variables_like_grafana(expr: str, expected: str) -> None:
    variables = {"module": "a|b", "__rate_interval": "1m", "__range": "5m", "__interval": "15s"}
    assert substitute(expr, variables) == expected


def test_every_query_uses_only_known_variables() -> None:
    known = {"environment": "e", "module": "m", "__rate_interval": "1m", "__range": "1h", "__interval": "15s"}
    leftovers = {
        q.id: unsubstituted(substitute(q.expr, known))
        for q in panel_queries(BOARD) + annotation_queries(BOARD)
    }
    assert {k: v for k, v in leftovers.items() if v} == {}


def _shown(panel: dict[str, Any], value: float) -> tuple[str | None, str | None]:
    """(text, color) of the first value mapping that takes ``value``, the way Grafana applies them:
    a value map by the value's text, a range map inclusive at both ends; (None, None) when none does."""
    for mapping in panel["fieldConfig"]["defaults"].get("mappings", []):
        options = mapping["options"]
        if mapping["type"] == "value":
            result = options.get(f"{value:g}")
        elif mapping["type"] == "range":
            inside = options.get("from", float("-inf")) <= value <= options.get("to", float("inf"))
            result = options["result"] if inside else None
        else:
            result = None
        if result is not None:
            return result.get("text"), result.get("color")
    return None, None


@pytest.mark.parametrize(
    ("share", "text"), [(0, "SQL serves"), (1, "ORM serves"), (0.1, None), (0.5, None), (0.999, None)]
)
def test_feature_flag_status_shows_a_ramped_share_as_a_percentage(share: float, text: str | None) -> None:
    """feature_flag_enabled is serve_rate in orm: a module ramped to 10% showed a bare, unmapped 0.100
    (no unit, the default color). A share between 0 and 1 is a percentage of its own color; no text, so
    the value shows."""
    panel = PANELS["Feature flag status"]
    assert panel["fieldConfig"]["defaults"].get("unit") == "percentunit"
    shown_text, color = _shown(panel, share)
    assert shown_text == text and color is not None


def test_top_mismatches_links_each_bar_to_its_modules_samples_in_the_console() -> None:
    """The dashboard counted mismatching fields but led nowhere near their values: no metric holds them,
    the samples do. Each bar links to its module's console page, at the base URL the alerts use."""
    base = read_links()["shadowdiff_url"]
    links = PANELS["Top mismatches by query"]["fieldConfig"]["defaults"].get("links", [])
    assert [link["url"] for link in links] == [base + "/ui/modules/${__field.labels.module}"]
    assert base + "/ui/" in [link["url"] for link in BOARD["links"]]


def test_top_mismatches_lists_only_fields_that_mismatched_in_the_range() -> None:
    """topk(10, ...) alone filled the bars with fields whose increase over the range was 0 (mismatched
    before it), shown as top mismatches of a range that had none of them."""
    (expr,) = [t["expr"] for t in PANELS["Top mismatches by query"]["targets"]]
    assert re.fullmatch(r"topk\(10, sum by \(module, queryName, field\) \(increase\(.*\)\) > 0\)", expr), expr


def test_rollback_and_flag_change_annotations_link_to_the_modules_history_in_the_console() -> None:
    """The flag-change text named /v1/flags/{module}/history, an API path (a token needed, no host);
    the rollback text said only who. Both link the console's history of the module: who, why, the
    decision record."""
    base = read_links()["shadowdiff_url"]
    texts = {a["name"]: a.get("textFormat", "") for a in BOARD["annotations"]["list"]}
    for name in ("Rollbacks", "Flag changes"):
        assert f"{base}/ui/modules/{{{{module}}}}/changes" in texts[name], texts[name]
