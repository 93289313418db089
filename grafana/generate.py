"""The migration dashboard, built with grafana-foundation-sdk and written as the committed JSON.

Run ``python -m grafana.generate`` after editing; ``tests/monitoring/test_dashboard.py`` fails while the
committed file differs from what this module builds, so the JSON is never edited by hand.

Panels read the recording rules of ``prometheus/rules/recording.yml`` where one fits (the same numbers
the alerts fire on) and raw metrics elsewhere. Every query filters on ``$environment`` (a target label set
in the scrape config) and ``$module``.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from grafana_foundation_sdk.builders import bargauge, dashboard, heatmap, prometheus, stat, table, timeseries
from grafana_foundation_sdk.builders.common import (
    GraphThresholdsStyleConfig,
    ReduceDataOptions,
    VizLegendOptions,
)
from grafana_foundation_sdk.cog.builder import Builder
from grafana_foundation_sdk.cog.encoder import JSONEncoder
from grafana_foundation_sdk.models import common
from grafana_foundation_sdk.models import dashboard as model
from grafana_foundation_sdk.models.heatmap import HeatmapColorMode
from grafana_foundation_sdk.models.prometheus import PromQueryFormat

from flags.policy import DEFAULT_MISMATCH_THRESHOLD
from prometheus.generate import read_links

OUTPUT = Path(__file__).resolve().parent / "dashboards" / "shadowdiff-migration.json"
UID = "shadowdiff-migration"
# The provisioned data source (grafana/provisioning/datasources/prometheus.yml) has this uid.
DATASOURCE = model.DataSourceRef(type_val="prometheus", uid="shadowdiff-prometheus")
GRAFANA = model.DataSourceRef(type_val="grafana", uid="-- Grafana --")

# Series selectors shared by every query.
SELECTED = 'environment=~"$environment", module=~"$module"'
FLAG_SELECTED = 'environment=~"$environment", flag=~"$module"'

# The alert thresholds (SPEC section 5), drawn on the mismatch-rate panel: the default critical rate,
# defined once in flags.policy, and the warning at a tenth of it, as the alert rules compare
# (prometheus/templates/alerts.yml: 0.1 * shadow_module_mismatch_threshold).
MISMATCH_CRITICAL = DEFAULT_MISMATCH_THRESHOLD
MISMATCH_WARNING = MISMATCH_CRITICAL / 10


def query(expr: str, legend: str = "__auto", ref_id: str = "A") -> prometheus.Dataquery:
    return prometheus.Dataquery().expr(expr).legend_format(legend).ref_id(ref_id).datasource(DATASOURCE)


def instant(expr: str, legend: str = "__auto", ref_id: str = "A") -> prometheus.Dataquery:
    return query(expr, legend, ref_id).instant()


def thresholds(*steps: tuple[float | None, str]) -> dashboard.ThresholdsConfig:
    return (
        dashboard.ThresholdsConfig()
        .mode(model.ThresholdsMode.ABSOLUTE)
        .steps([model.Threshold(value=value, color=color) for value, color in steps])
    )


def last_value() -> ReduceDataOptions:
    """Single-value panels show each series' latest value (Grafana's own default, made explicit)."""
    return ReduceDataOptions().calcs(["lastNotNull"]).values(False)


def legend_table() -> VizLegendOptions:
    return (
        VizLegendOptions()
        .display_mode(common.LegendDisplayMode.TABLE)
        .placement(common.LegendPlacement.RIGHT)
        .show_legend(True)
        .calcs(["lastNotNull", "max"])
    )


def mismatch_rate() -> timeseries.Panel:
    return (
        timeseries.Panel()
        .title("Shadow mode mismatch rate")
        .description(
            "Share of diffed pairs (matches plus mismatches) whose SQL and ORM results differ, per module, "
            "over 5 minutes: the number the mismatch alerts fire on (warning 0.01%, critical 0.1%)."
        )
        .datasource(DATASOURCE)
        .with_target(
            query(f"environment_module:shadow_mismatch_ratio:rate5m{{{SELECTED}}}", "{{module}}"),
        )
        .unit("percentunit")
        .min(0)
        .thresholds(thresholds((None, "green"), (MISMATCH_WARNING, "orange"), (MISMATCH_CRITICAL, "red")))
        .thresholds_style(GraphThresholdsStyleConfig().mode(common.GraphThresholdsStyleMode.DASHED))
        .legend(legend_table())
        .span(12)
        .height(8)
    )


def latency_comparison() -> timeseries.Panel:
    return (
        timeseries.Panel()
        .title("SQL vs Prisma latency (p95)")
        .description("p95 latency of each path per module over 5 minutes: what the latency alerts compare.")
        .datasource(DATASOURCE)
        .with_target(
            query(f"environment_module:db_sql_latency_ms:p95_5m{{{SELECTED}}}", "SQL {{module}}", "A"),
        )
        .with_target(
            query(f"environment_module:db_prisma_latency_ms:p95_5m{{{SELECTED}}}", "Prisma {{module}}", "B")
        )
        .unit("ms")
        .min(0)
        .legend(legend_table())
        .span(12)
        .height(8)
    )


def error_rate() -> timeseries.Panel:
    return (
        timeseries.Panel()
        .title("Error rate by source")
        .description("Share of each path's queries that failed, per module, over 5 minutes.")
        .datasource(DATASOURCE)
        .with_target(
            query(f"environment_module:db_sql_error_ratio:rate5m{{{SELECTED}}}", "SQL {{module}}", "A"),
        )
        .with_target(
            query(f"environment_module:db_prisma_error_ratio:rate5m{{{SELECTED}}}", "Prisma {{module}}", "B")
        )
        .unit("percentunit")
        .min(0)
        .legend(legend_table())
        .span(12)
        .height(8)
    )


def query_count() -> timeseries.Panel:
    return (
        timeseries.Panel()
        .title("Query count by source")
        .description("Queries per second on each path (sql, prisma), every accepted pair counted.")
        .datasource(DATASOURCE)
        .with_target(
            query(f"sum by (source) (rate(db_query_total{{{SELECTED}}}[$__rate_interval]))", "{{source}}"),
        )
        .unit("ops")
        .min(0)
        .span(12)
        .height(8)
    )


def migration_progress() -> table.Panel:
    return (
        table.Panel()
        .title("Migration progress by module")
        .description("Where each module is in legacy → shadow → orm → migrated.")
        .datasource(DATASOURCE)
        .with_target(
            instant(
                f"max by (module, status) (migration_progress_total{{{SELECTED}}}) == 1", "{{module}}"
            ).format(PromQueryFormat.TABLE)
        )
        .with_transformation(
            model.DataTransformerConfig(
                id_val="organize",
                options={
                    "excludeByName": {"Time": True, "Value": True},
                    "renameByName": {"module": "Module", "status": "State"},
                },
            )
        )
        .span(8)
        .height(8)
    )


def console_link(title: str, path: str) -> dashboard.DashboardLink:
    """A link into shadowdiff's console (base URL from prometheus/links.yml, as the alerts' links): the
    samples behind a number, which no metric holds. A browser lands there after the console's login."""
    return (
        dashboard.DashboardLink(title)
        .type(model.DashboardLinkType.LINK)
        .url(read_links()["shadowdiff_url"] + path)
        .target_blank(True)
    )


def top_mismatches() -> bargauge.Panel:
    return (
        bargauge.Panel()
        .title("Top mismatches by query")
        .description(
            "The ten query fields with the most differing pairs over the dashboard's time range. Click a bar "
            "for the module's mismatch samples in shadowdiff's console: both results and the values that "
            "differ."
        )
        .datasource(DATASOURCE)
        .with_target(
            instant(
                # > 0: a field whose mismatches all fell before the range is not a top mismatch of it
                "topk(10, sum by (module, queryName, field) "
                f"(increase(shadow_mismatch_total{{{SELECTED}}}[$__range])) > 0)",
                "{{module}} {{queryName}}.{{field}}",
            )
        )
        .orientation(common.VizOrientation.HORIZONTAL)
        .display_mode(common.BarGaugeDisplayMode.GRADIENT)
        .reduce_options(last_value())
        .unit("short")
        .min(0)
        .data_links(
            [
                console_link(
                    "Mismatch samples of ${__field.labels.module}", "/ui/modules/${__field.labels.module}"
                )
            ]
        )
        .span(8)
        .height(8)
    )


def feature_flags() -> stat.Panel:
    return (
        stat.Panel()
        .title("Feature flag status")
        .description(
            "Which path serves each module: SQL in legacy and shadow, the ORM in migrated, and in orm the "
            "share of requests the ORM serves (serve_rate: a percentage while the module is ramped)."
        )
        .datasource(DATASOURCE)
        .with_target(instant(f"feature_flag_enabled{{{FLAG_SELECTED}}}", "{{flag}}"))
        # feature_flag_enabled is a share (SPEC 5: serve_rate in orm), not a 0/1 switch: a ramped module
        # shows its percentage (no text, so the value shows) in orange, not a bare 0.100.
        .unit("percentunit")
        .mappings(
            [
                model.ValueMap(
                    options={
                        "0": model.ValueMappingResult(text="SQL serves", color="blue", index=0),
                        "1": model.ValueMappingResult(text="ORM serves", color="green", index=1),
                    }
                ),
                model.RangeMap(
                    options=model.DashboardRangeMapOptions(
                        from_val=0.00001, to=0.99999, result=model.ValueMappingResult(color="orange", index=2)
                    )
                ),
            ]
        )
        .color_mode(common.BigValueColorMode.BACKGROUND)
        .text_mode(common.BigValueTextMode.VALUE_AND_NAME)
        .graph_mode(common.BigValueGraphMode.NONE)
        .reduce_options(last_value())
        .span(8)
        .height(8)
    )


def latency_heatmap(source: str, title: str) -> heatmap.Panel:
    return (
        heatmap.Panel()
        .title(f"Latency heatmap: {title}")
        .description(f"How the {title} path's query latencies spread over the histogram buckets.")
        .datasource(DATASOURCE)
        .with_target(
            query(
                f"sum by (le) (increase(db_{source}_latency_ms_bucket{{{SELECTED}}}[$__rate_interval]))",
                "{{le}}",
            ).format(PromQueryFormat.HEATMAP)
        )
        .calculate(False)
        .y_axis(heatmap.YAxisConfig().unit("ms"))
        .color(heatmap.HeatmapColorOptions().mode(HeatmapColorMode.SCHEME).scheme("Oranges"))
        .span(12)
        .height(8)
    )


def sample_rate() -> stat.Panel:
    return (
        stat.Panel()
        .title("Shadow mode sample rate")
        .description("Share of pairs diffed: the global default, and each module's effective rate.")
        .datasource(DATASOURCE)
        .with_target(instant('max(shadow_sample_rate{environment=~"$environment"})', "default", "A"))
        .with_target(instant(f"shadow_module_sample_rate{{{SELECTED}}}", "{{module}}", "B"))
        .unit("percentunit")
        .graph_mode(common.BigValueGraphMode.NONE)
        .reduce_options(last_value())
        .text_mode(common.BigValueTextMode.VALUE_AND_NAME)
        .span(8)
        .height(6)
    )


def total_queries() -> stat.Panel:
    return (
        stat.Panel()
        .title("Total DB queries")
        .description("Queries on both paths over the dashboard's time range.")
        .datasource(DATASOURCE)
        .with_target(instant(f"sum(increase(db_query_total{{{SELECTED}}}[$__range]))", "queries"))
        .unit("short")
        .graph_mode(common.BigValueGraphMode.NONE)
        .reduce_options(last_value())
        .span(4)
        .height(6)
    )


def mismatch_trend() -> timeseries.Panel:
    compared = f'shadow_comparisons_total{{{SELECTED}, outcome=~"match|mismatch"}}'
    mismatched = f'shadow_comparisons_total{{{SELECTED}, outcome="mismatch"}}'
    return (
        timeseries.Panel()
        .title("Mismatch rate trend (24h)")
        .description("Mismatch rate per module in hourly windows over the last 24 hours, any time picker.")
        .datasource(DATASOURCE)
        .with_target(
            query(
                f"sum by (module) (rate({mismatched}[1h])) / sum by (module) (rate({compared}[1h]))",
                "{{module}}",
            )
        )
        .time_from("24h")
        .interval("5m")
        .unit("percentunit")
        .min(0)
        .thresholds(thresholds((None, "green"), (MISMATCH_WARNING, "orange"), (MISMATCH_CRITICAL, "red")))
        .thresholds_style(GraphThresholdsStyleConfig().mode(common.GraphThresholdsStyleMode.DASHED))
        .span(12)
        .height(6)
    )


def rollback_expr() -> str:
    """Rollbacks in each step, including a module's first one.

    ``increase()`` misses the first rollback of a module (the counter series only appears with value 1),
    so the value is compared with the one a step earlier, a missing earlier value counting as 0.
    """
    rollbacks = f"shadow_rollbacks_total{{{SELECTED}}}"
    return f"sum by (module, actor) ({rollbacks} - ({rollbacks} offset $__interval or {rollbacks} * 0)) > 0"


def flag_change_expr() -> str:
    """Every flag change in each step (promotion, ramp, rollback, forced move), by module, new state
    and mechanism; the first change of a series counts as rollbacks do (see :func:`rollback_expr`)."""
    changes = f"shadow_flag_changes_total{{{SELECTED}}}"
    return f"sum by (module, to, actor) ({changes} - ({changes} offset $__interval or {changes} * 0)) > 0"


def annotation_queries() -> list[Builder[model.AnnotationQuery]]:
    def tagged(name: str, tag: str, color: str) -> dashboard.AnnotationQuery:
        return (
            dashboard.AnnotationQuery()
            .name(name)
            .datasource(GRAFANA)
            .enable(True)
            .icon_color(color)
            .target(dashboard.AnnotationTarget().type("tags").tags([tag]).match_any(True).limit(100))
        )

    return [
        tagged("Deployments", "deployment", "blue"),
        tagged("Incidents", "incident", "red"),
        dashboard.AnnotationQuery()
        .name("Rollbacks")
        .datasource(DATASOURCE)
        .enable(True)
        .icon_color("orange")
        .expr(rollback_expr()),
        dashboard.AnnotationQuery()
        .name("Flag changes")
        .datasource(DATASOURCE)
        .enable(True)
        .icon_color("purple")
        .expr(flag_change_expr()),
    ]


# Prometheus annotation options the SDK's AnnotationQuery does not model; merged into the JSON.
ROLLBACK_ANNOTATION_EXTRAS = {
    "step": "15s",
    "titleFormat": "Rollback of {{module}}",
    "textFormat": "by {{actor}}; why: __SHADOWDIFF_URL__/ui/modules/{{module}}/changes",
    "tagKeys": "module,actor",
    "useValueForTime": False,
}


FLAG_CHANGE_ANNOTATION_EXTRAS = {
    "step": "15s",
    "titleFormat": "{{module}} → {{to}}",
    # who and why: the console's history of the module (a person, a reason, a decision record); the
    # base URL is prometheus/links.yml's, filled in by build()
    "textFormat": "by {{actor}}; who and why: __SHADOWDIFF_URL__/ui/modules/{{module}}/changes",
    "tagKeys": "module,to,actor",
    "useValueForTime": False,
}


def variables() -> list[dashboard.QueryVariable]:
    return [
        dashboard.QueryVariable("environment")
        .label("Environment")
        .datasource(DATASOURCE)
        .query('label_values(up{job="shadowdiff"}, environment)')
        .refresh(model.VariableRefresh.ON_DASHBOARD_LOAD)
        .sort(model.VariableSort.ALPHABETICAL_ASC)
        .include_all(True)
        .all_value(".*"),
        dashboard.QueryVariable("module")
        .label("Module")
        .datasource(DATASOURCE)
        .query('label_values(migration_progress_total{environment=~"$environment"}, module)')
        .refresh(model.VariableRefresh.ON_TIME_RANGE_CHANGED)
        .sort(model.VariableSort.ALPHABETICAL_ASC)
        .multi(True)
        .include_all(True)
        .all_value(".*"),
    ]


def build() -> dict[str, Any]:
    """The dashboard as the JSON object Grafana provisions."""
    board = (
        dashboard.Dashboard("shadowdiff — SQL → ORM migration")
        .uid(UID)
        .description("Legacy SQL and ORM results compared per module, from shadowdiff's metrics.")
        .tags(["shadowdiff", "migration", "prisma"])
        .editable()
        .time("now-1h", "now")
        .refresh("30s")
        .timezone("browser")
        .tooltip(model.DashboardCursorSync.CROSSHAIR)
        .variables(list(variables()))
        .annotations(annotation_queries())
        .link(
            dashboard.DashboardLink("Runbooks")
            .type(model.DashboardLinkType.LINK)
            .url("https://github.com/shadowdiff/shadowdiff/blob/main/docs/runbooks.md")
            .target_blank(True)
        )
        .link(console_link("shadowdiff console", "/ui/"))
    )
    panels = (
        mismatch_rate(),
        latency_comparison(),
        error_rate(),
        query_count(),
        migration_progress(),
        top_mismatches(),
        feature_flags(),
        latency_heatmap("sql", "SQL"),
        latency_heatmap("prisma", "Prisma"),
        sample_rate(),
        total_queries(),
        mismatch_trend(),
    )
    for panel in panels:
        board = board.with_panel(panel)
    built = board.build()
    for index, panel_model in enumerate(built.panels or [], start=1):
        if isinstance(panel_model, model.Panel):
            panel_model.id_val = index  # stable ids keep Grafana links to a panel (viewPanel=N) working
    data: dict[str, Any] = json.loads(JSONEncoder(sort_keys=True).encode(built))
    for annotation in data["annotations"]["list"]:
        extras = {"Rollbacks": ROLLBACK_ANNOTATION_EXTRAS, "Flag changes": FLAG_CHANGE_ANNOTATION_EXTRAS}
        if annotation["name"] in extras:
            base = read_links()["shadowdiff_url"]
            annotation.update(
                {
                    k: v.replace("__SHADOWDIFF_URL__", base) if isinstance(v, str) else v
                    for k, v in extras[annotation["name"]].items()
                }
            )
    return data


def render() -> str:
    return json.dumps(build(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=OUTPUT, help=f"where to write (default {OUTPUT})")
    args = parser.parse_args(argv)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(render())
    print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
