"""Readiness for ``shadow -> orm`` (SPEC 3, issue 14): per query, from the per-minute rollups.

Pure: the service reads the rollups of the window from the store and hands their sums here as
:class:`Figures`. Latency is kept as counts in log-spaced buckets, eight per doubling (each bucket
about 9% wide, from 1 µs up), so the p95 of a 0.3 ms query and of a 0.5 ms query are told apart,
which the Prometheus histogram's 1 ms first bucket cannot do.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flags.policy import ReadinessCriteria

BUCKETS_PER_DOUBLING = 8
LOWEST_BUCKET = -10 * BUCKETS_PER_DOUBLING  # 2**-10 ms, about 1 µs: anything faster counts here
HIGHEST_BUCKET = 32 * BUCKETS_PER_DOUBLING  # 2**32 ms, about 50 days: anything slower counts here
LONGEST_MS = 2.0**32


def clamp_ms(ms: float) -> float:
    """A reported latency as the rollups keep it: 0 to :data:`LONGEST_MS` (sums stay finite)."""
    return min(max(ms, 0.0), LONGEST_MS)


def latency_bucket(ms: float) -> int:
    """The log bucket whose upper bound is the smallest ``2 ** (b / 8)`` at or above ``ms``."""
    if not ms > 0:
        return LOWEST_BUCKET
    if ms >= LONGEST_MS:
        return HIGHEST_BUCKET
    return max(LOWEST_BUCKET, math.ceil(math.log2(ms) * BUCKETS_PER_DOUBLING - 1e-9))


def bucket_upper_ms(bucket: int) -> float:
    return float(2.0 ** (min(max(bucket, LOWEST_BUCKET), HIGHEST_BUCKET) / BUCKETS_PER_DOUBLING))


def quantile_ms(buckets: Counter[int], q: float) -> float | None:
    """The upper bound of the bucket holding the q-quantile (None without observations); at most one
    bucket width (9%) above the true value."""
    total = sum(buckets.values())
    if total <= 0:
        return None
    rank = q * total
    seen = 0
    for bucket in sorted(buckets):
        seen += buckets[bucket]
        if seen >= rank:
            return bucket_upper_ms(bucket)
    return bucket_upper_ms(max(buckets))  # pragma: no cover - rank <= total always ends the loop


@dataclass
class Figures:
    """The sums of one query's rollup rows over a window."""

    match: int = 0
    mismatch: int = 0
    error: int = 0
    skipped: int = 0
    sql_queries: int = 0
    prisma_queries: int = 0
    sql_errors: int = 0
    prisma_errors: int = 0
    sql_latency_sum: float = 0.0
    prisma_latency_sum: float = 0.0
    last_mismatch_at: datetime | None = None
    sql_buckets: Counter[int] = field(default_factory=Counter)
    prisma_buckets: Counter[int] = field(default_factory=Counter)
    fields: Counter[str] = field(default_factory=Counter)
    rules: Counter[str] = field(default_factory=Counter)  # pairs per representation rule

    @property
    def compared(self) -> int:
        return self.match + self.mismatch

    @property
    def mismatch_rate(self) -> float | None:
        return self.mismatch / self.compared if self.compared else None

    def p95(self, side: str) -> float | None:
        return quantile_ms(self.sql_buckets if side == "sql" else self.prisma_buckets, 0.95)

    def mean(self, side: str) -> float | None:
        count = sum((self.sql_buckets if side == "sql" else self.prisma_buckets).values())
        total = self.sql_latency_sum if side == "sql" else self.prisma_latency_sum
        return total / count if count else None

    def error_rate(self, side: str) -> float | None:
        queries = self.sql_queries if side == "sql" else self.prisma_queries
        errors = self.sql_errors if side == "sql" else self.prisma_errors
        return errors / queries if queries else None

    def add(self, other: Figures) -> None:
        for name in (
            "match",
            "mismatch",
            "error",
            "skipped",
            "sql_queries",
            "prisma_queries",
            "sql_errors",
            "prisma_errors",
            "sql_latency_sum",
            "prisma_latency_sum",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        if other.last_mismatch_at is not None and (
            self.last_mismatch_at is None or other.last_mismatch_at > self.last_mismatch_at
        ):
            self.last_mismatch_at = other.last_mismatch_at
        self.sql_buckets.update(other.sql_buckets)
        self.prisma_buckets.update(other.prisma_buckets)
        self.fields.update(other.fields)
        self.rules.update(other.rules)


@dataclass(frozen=True, slots=True)
class QueryReadiness:
    query_name: str
    ready: bool
    reasons: list[str]
    figures: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Readiness:
    """The verdict for a module: ready when it has compared pairs and every query passes."""

    module: str
    ready: bool
    reasons: list[str]
    criteria: ReadinessCriteria
    queries: list[QueryReadiness]

    def to_wire(self) -> dict[str, Any]:
        return {
            "module": self.module,
            "verdict": "ready" if self.ready else "not_ready",
            "reasons": self.reasons,
            "criteria": self.criteria.to_wire(),
            "queries": {
                q.query_name: {
                    "verdict": "ready" if q.ready else "not_ready",
                    "reasons": q.reasons,
                    **q.figures,
                }
                for q in self.queries
            },
        }


def _ms(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def judge_query(name: str, figures: Figures, criteria: ReadinessCriteria, now: datetime) -> QueryReadiness:
    """One query against the (effective) criteria; every failed criterion is one reason."""
    c = criteria
    assert c.min_pairs is not None and c.window_hours is not None and c.quiet_hours is not None
    assert c.max_latency_ratio is not None and c.latency_slack_ms is not None
    assert c.max_error_rate_increase is not None
    reasons: list[str] = []
    if figures.compared < c.min_pairs:
        reasons.append(
            f"{name}: {figures.compared} compared pairs in the last {c.window_hours:g}h, needs {c.min_pairs}"
        )
    since_mismatch = (
        None if figures.last_mismatch_at is None else (now - figures.last_mismatch_at).total_seconds()
    )
    if since_mismatch is not None and since_mismatch < c.quiet_hours * 3600:
        reasons.append(
            f"{name}: last mismatch {since_mismatch / 3600:.2f}h ago, needs none in the last "
            f"{c.quiet_hours:g}h ({figures.mismatch} mismatching pairs in the window)"
        )
    sql_p95, orm_p95 = figures.p95("sql"), figures.p95("prisma")
    ratio = None if sql_p95 is None or orm_p95 is None or sql_p95 <= 0 else orm_p95 / sql_p95
    if sql_p95 is not None and orm_p95 is not None:
        within = orm_p95 <= c.max_latency_ratio * sql_p95 or orm_p95 - sql_p95 <= c.latency_slack_ms
        if not within:
            reasons.append(
                f"{name}: ORM p95 {orm_p95:.3g} ms is {ratio or math.inf:.2f}x SQL p95 {sql_p95:.3g} ms, "
                f"allowed {c.max_latency_ratio:g}x or within {c.latency_slack_ms:g} ms"
            )
    sql_err, orm_err = figures.error_rate("sql"), figures.error_rate("prisma")
    increase = None if sql_err is None or orm_err is None else orm_err - sql_err
    if increase is not None and increase > c.max_error_rate_increase:
        reasons.append(
            f"{name}: ORM error rate {orm_err:.3%} is {increase * 100:.3f} points over SQL's {sql_err:.3%}, "
            f"allowed {c.max_error_rate_increase * 100:g} points"
        )
    wire = {
        "compared": figures.compared,
        "mismatches": figures.mismatch,
        "last_mismatch_at": None
        if figures.last_mismatch_at is None
        else figures.last_mismatch_at.isoformat(),
        "seconds_since_last_mismatch": None if since_mismatch is None else round(since_mismatch, 1),
        "p95_latency_ms": {"sql": _ms(sql_p95), "prisma": _ms(orm_p95)},
        "latency_ratio": None if ratio is None else round(ratio, 4),
        "error_rate": {"sql": sql_err, "prisma": orm_err},
        "error_rate_increase": increase,
    }
    return QueryReadiness(name, not reasons, reasons, wire)


def judge(
    module: str,
    window: dict[str, Figures],
    quiet: dict[str, datetime | None],
    criteria: ReadinessCriteria,
    now: datetime,
) -> Readiness:
    """``window``: per query, figures over ``window_hours``; ``quiet``: per query, the last mismatch
    over the longer of the two windows (a mismatch older than the figures' window still counts)."""
    effective = criteria.effective()
    queries: list[QueryReadiness] = []
    for name in sorted(set(window) | set(quiet)):
        figures = window.get(name) or Figures()
        last = quiet.get(name)
        if last is not None and (figures.last_mismatch_at is None or last > figures.last_mismatch_at):
            figures.last_mismatch_at = last
        queries.append(judge_query(name, figures, effective, now))
    reasons = [r for q in queries for r in q.reasons]
    if not queries:
        reasons = [
            f"no pairs of {module!r} in the last {effective.window_hours:g}h: nothing shows the ORM agrees"
        ]
    return Readiness(module, not reasons, reasons, effective, queries)
