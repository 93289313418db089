"""``/metrics`` (Prometheus text, unauthenticated like any scrape target) and ``/metrics/json``."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from app.deps import Reader, ServicesDep
from app.errors import InvalidPayload
from app.flag_view import FlagView
from app.routes.schemas import ERRORS
from app.text_patterns import WINDOW
from flags.readiness import Figures
from flags.vocabulary import Outcome, Side

router = APIRouter(tags=["metrics"])

SOURCES = tuple(side.source for side in Side)  # the keys sql / prisma, as the metrics name the sides


@router.get("/metrics", summary="Prometheus exposition", response_class=Response)
async def metrics(services: ServicesDep) -> Response:
    return Response(generate_latest(services.metrics.scrape), media_type=CONTENT_TYPE_LATEST)


_WINDOW = re.compile(WINDOW.regex)
WINDOW_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_window(text: str, retention_hours: float) -> float:
    """``30m``, ``1h``, ``24h``, ``7d``, clamped to whole minutes from one minute to the rollup
    retention (the answer's ``window_seconds`` says what was read)."""
    match = _WINDOW.match(text.strip())
    if match is None:
        raise InvalidPayload(f"query parameter window must be {WINDOW.accepts}, not {json.dumps(text)}")
    seconds = float(match.group(1)) * WINDOW_SECONDS[match.group(2)]
    return min(max(seconds, 60.0), retention_hours * 3600)


@router.get(
    "/metrics/json",
    summary="Per module and per query, over a window, from the stored per-minute rollups",
    responses=ERRORS,
)
async def metrics_json(
    _: Reader,
    services: ServicesDep,
    window: Annotated[str, Query(pattern=WINDOW.regex, description="5m, 1h, 24h, 7d")] = "1h",
) -> dict[str, Any]:
    seconds = parse_window(window, services.settings.rollup_retention_hours)
    figures = await services.rollups.figures(seconds)
    return {
        "window": window,
        "window_seconds": seconds,
        "modules": summarize(figures, services.view),
    }


def figures_wire(f: Figures) -> dict[str, Any]:
    return {
        "comparisons": {o.value: getattr(f, o.value) for o in Outcome},
        "mismatch_rate": f.mismatch_rate,
        "last_mismatch_at": None if f.last_mismatch_at is None else f.last_mismatch_at.isoformat(),
        "queries": {s: getattr(f, f"{s}_queries") for s in SOURCES},
        "errors": {s: getattr(f, f"{s}_errors") for s in SOURCES},
        "mean_latency_ms": {s: f.mean(s) for s in SOURCES},
        "p95_latency_ms": {s: f.p95(s) for s in SOURCES},
        "mismatched_fields": dict(sorted(f.fields.items())),
        "normalizations": dict(sorted(f.rules.items())),
    }


def summarize(figures: dict[tuple[str, str], Figures], view: FlagView) -> dict[str, dict[str, Any]]:
    """Per module: the flag, the module's totals and each query's (``by_query``)."""
    per_module: dict[str, dict[str, Figures]] = defaultdict(dict)
    retired = {f.module for f in view.all() if f.retired}
    for (module, query), f in figures.items():
        if module not in retired:
            per_module[module][query] = f
    for known in view.active():
        per_module.setdefault(known.module, {})
    out: dict[str, dict[str, Any]] = {}
    for module in sorted(per_module):
        flag = view.get(module)
        total = Figures()
        for f in per_module[module].values():
            total.add(f)
        out[module] = {
            "state": None if flag is None else flag.state.value,
            "sample_rate": None if flag is None else flag.effective_rate(view.default_rate),
            "serve_rate": None if flag is None else flag.orm_share,
            **figures_wire(total),
            # per query, per rule: pairs whose fields a representation rule made equal (SPEC 2)
            "normalizations": {
                q: dict(sorted(f.rules.items())) for q, f in sorted(per_module[module].items()) if f.rules
            },
            "by_query": {q: figures_wire(f) for q, f in sorted(per_module[module].items())},
        }
    return out
