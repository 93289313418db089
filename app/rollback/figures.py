"""Figures for a rollback decision record: what the alert carries, else the service's own window,
and API paths to example mismatch samples."""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Callable
from typing import Any, Protocol
from urllib.parse import urlencode

from app.rollback.payload import AlertmanagerAlert
from app.store.base import MismatchSample, StoreUnavailable
from flags.guard import WindowCounts

log = logging.getLogger("shadowdiff.rollback")

SAMPLE_EXAMPLES = 5


class Samples(Protocol):
    async def recent_mismatches(
        self, module: str | None, query_name: str | None, field: str | None, limit: int
    ) -> list[MismatchSample]: ...


RATE_KEYS = ("mismatch_rate", "measured_rate", "rate", "value")
THRESHOLD_KEYS = ("threshold", "mismatch_threshold")
COMPARISONS_KEYS = ("comparisons",)
WINDOW_KEYS = ("window", "window_seconds", "range")
DURATION = re.compile(r"(\d+(?:\.\d+)?)(ms|s|m|h|d)")
DURATION_SECONDS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0}


def parse_number(text: str) -> float | None:
    """``0.25``, ``25%`` or ``2.5e-1``; None for anything else (a summary sentence, NaN)."""
    text = text.strip()
    scale = 1.0
    if text.endswith("%"):
        text, scale = text[:-1].strip(), 0.01
    try:
        value = float(text) * scale
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def parse_window(text: str) -> float | None:
    """A Prometheus duration (``5m``, ``1h30m``) or a number of seconds."""
    text = text.strip()
    number = parse_number(text)
    if number is not None:
        return number
    parts = DURATION.findall(text)
    if not parts or "".join(n + u for n, u in parts) != text:
        return None
    return sum(float(n) * DURATION_SECONDS[u] for n, u in parts)


def _carried(alert: AlertmanagerAlert, keys: tuple[str, ...]) -> str | None:
    for source in (alert.annotations, alert.labels):
        for key in keys:
            if key in source:
                return source[key]
    return None


def alert_figures(
    alert: AlertmanagerAlert, service: WindowCounts, threshold: float, window: float
) -> dict[str, Any]:
    """The measured figures the alert carries (annotations first, then labels); where it carries none,
    the service's own figures for the module over the guard window, and ``figures_from`` says which."""
    figures: dict[str, Any] = {}
    sources: dict[str, str] = {}
    pairs: tuple[tuple[str, tuple[str, ...], Callable[[str], float | None], float], ...] = (
        ("measured_rate", RATE_KEYS, parse_number, service.rate),
        ("threshold", THRESHOLD_KEYS, parse_number, threshold),
        ("comparisons", COMPARISONS_KEYS, parse_number, float(service.comparisons)),
        ("window_seconds", WINDOW_KEYS, parse_window, window),
    )
    for name, keys, parse, fallback in pairs:
        raw = _carried(alert, keys)
        value = parse(raw) if raw is not None else None
        if value is None:
            figures[name], sources[name] = fallback, "service"
        else:
            figures[name], sources[name] = value, "alert"
    figures["comparisons"] = int(figures["comparisons"])
    if sources["measured_rate"] == "service":
        figures["mismatches"] = service.mismatches
    figures["figures_from"] = sources
    return figures


def mismatches_path(module: str, **filters: str | int) -> str:
    return "/v1/mismatches?" + urlencode({"module": module, **filters})


async def sample_links(store: Samples, module: str) -> dict[str, Any]:
    """API paths to example mismatch samples: the module's list, and one per recent (query, field)."""
    links: dict[str, Any] = {"all": mismatches_path(module), "examples": []}
    try:
        recent = await store.recent_mismatches(module, None, None, SAMPLE_EXAMPLES * 4)
    except StoreUnavailable:
        log.warning("no example mismatch samples for the decision record of %r: store unavailable", module)
        return links
    seen: set[tuple[str, str]] = set()
    for sample in recent:
        field = sample.fields[0] if sample.fields else ""
        if (sample.query_name, field) in seen:
            continue
        seen.add((sample.query_name, field))
        filters: dict[str, str | int] = {"query_name": sample.query_name, "limit": 10}
        if field:
            filters["field"] = field
        links["examples"].append(
            {
                "query_name": sample.query_name,
                "fields": list(sample.fields),
                "at": sample.at.isoformat(),
                "path": mismatches_path(module, **filters),
            }
        )
        if len(links["examples"]) >= SAMPLE_EXAMPLES:
            break
    return links
