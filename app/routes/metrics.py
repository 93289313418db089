"""``/metrics`` (Prometheus text, unauthenticated like any scrape target) and ``/metrics/json``."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest

from app.deps import Reader, ServicesDep
from app.flag_view import FlagView
from app.routes.schemas import ERRORS
from flags.vocabulary import Outcome, Side

router = APIRouter(tags=["metrics"])

SOURCES = tuple(side.source for side in Side)
SOURCE_OF_METRIC = {side.source: side.source for side in Side}
"""``db_<source>_...`` metric names carry the side's wire name; this reads it back."""


@router.get("/metrics", summary="Prometheus exposition", response_class=Response)
async def metrics(services: ServicesDep) -> Response:
    return Response(generate_latest(services.metrics.scrape), media_type=CONTENT_TYPE_LATEST)


@router.get("/metrics/json", summary="Per-module summary of the counters", responses=ERRORS)
async def metrics_json(_: Reader, services: ServicesDep) -> dict[str, Any]:
    return {"modules": summarize(services.registry, services.view)}


def summarize(registry: CollectorRegistry, view: FlagView) -> dict[str, dict[str, Any]]:
    """Totals per module from the live registry, plus each module's flag."""
    modules: dict[str, dict[str, Any]] = defaultdict(_empty)
    latency: dict[tuple[str, str], list[float]] = defaultdict(lambda: [0.0, 0.0])
    for family in registry.collect():
        for sample in family.samples:
            labels = sample.labels
            module = labels.get("module")
            if module is None:
                continue
            name = sample.name
            if name == "shadow_comparisons_total":
                modules[module]["comparisons"][labels["outcome"]] += sample.value
            elif name == "shadow_mismatch_total":
                fields = modules[module]["mismatched_fields"]
                fields[labels["field"]] = fields.get(labels["field"], 0) + sample.value
            elif name == "shadow_normalizations_total":
                rules = modules[module]["normalizations"].setdefault(labels["queryName"], {})
                rules[labels["rule"]] = rules.get(labels["rule"], 0) + sample.value
            elif name == "db_query_total":
                modules[module]["queries"][labels["source"]] += sample.value
            elif name in ("db_sql_errors_total", "db_prisma_errors_total"):
                modules[module]["errors"][SOURCE_OF_METRIC[name.split("_")[1]]] += sample.value
            elif name.endswith("_latency_ms_sum") or name.endswith("_latency_ms_count"):
                source = SOURCE_OF_METRIC[name.split("_")[1]]
                latency[(module, source)][0 if name.endswith("_sum") else 1] += sample.value
    for flag in view.all():
        modules[flag.module]["state"] = flag.state.value
        modules[flag.module]["sample_rate"] = flag.effective_rate(view.default_rate)
    for (module, source), (total, count) in latency.items():
        modules[module]["mean_latency_ms"][source] = total / count if count else None
    for summary in modules.values():
        c = summary["comparisons"]
        compared = sum(c[o] for o in Outcome if o.compared)
        summary["mismatch_rate"] = c[Outcome.MISMATCH] / compared if compared else None
    return dict(sorted(modules.items()))


def _empty() -> dict[str, Any]:
    return {
        "state": None,
        "sample_rate": None,
        "comparisons": dict.fromkeys(Outcome, 0.0),
        "queries": dict.fromkeys(SOURCES, 0.0),
        "errors": dict.fromkeys(SOURCES, 0.0),
        "mean_latency_ms": dict.fromkeys(SOURCES),
        "mismatched_fields": {},
        "normalizations": {},
        "mismatch_rate": None,
    }
