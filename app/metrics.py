"""The metrics contract of SPEC section 5, on the app's own registry (never the global one).

Counters and histograms are pushed on the ingest path through per-(module, queryName) handles cached
here, so a pair costs a dict lookup instead of a ``labels()`` call per metric. Gauges that only mirror
flag state (``migration_progress_total``, ``feature_flag_enabled``, the sample rates, the sync age) are
produced by :class:`FlagCollector` at scrape time from the in-memory flag view.

Label sets are capped: past ``max_query_names`` query names of a module, ``max_fields`` fields of a
query or ``max_error_types`` error types of a module, new values are reported as ``__other__``; so is
any value longer than ``max_label_length`` (a field name comes from a result's keys, of any length).

Scrapes leave out the ``_created`` series (:class:`ScrapeRegistry`): a timestamp per child that no
query reads, a quarter of the text at the caps.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from app.flag_view import FlagView
from flags.model import FlagState
from flags.vocabulary import Outcome, Side

OTHER = "__other__"
LATENCY_BUCKETS_MS = (1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000)


MAX_LABEL_LENGTH = 128
"""Longest label value kept as is (the length of a name in SPEC 1); longer ones fold into ``__other__``."""


class LabelCap:
    """Keeps at most ``limit`` distinct values per scope, none longer than ``max_length``; later
    newcomers and longer values become ``__other__``."""

    def __init__(self, limit: int, max_length: int = MAX_LABEL_LENGTH) -> None:
        self.limit = limit
        self.max_length = max_length
        self._seen: dict[object, set[str]] = {}

    def fold(self, scope: object, value: str) -> str:
        seen = self._seen.get(scope)
        if seen is None:
            seen = self._seen[scope] = set()
        if value in seen:
            return value
        if len(seen) >= self.limit or len(value) > self.max_length:
            return OTHER
        seen.add(value)
        return value


@dataclass(slots=True)
class QueryMetrics:
    """The label children of one (module, queryName), resolved once."""

    module: str
    query_name: str  # already folded
    outcome: dict[str, Counter]
    sql_queries: Counter
    prisma_queries: Counter
    sql_latency: Histogram
    prisma_latency: Histogram


class Metrics:
    def __init__(
        self,
        *,
        registry: CollectorRegistry,
        max_query_names: int = 500,
        max_fields: int = 200,
        max_error_types: int = 50,
        max_label_length: int = MAX_LABEL_LENGTH,
    ) -> None:
        self.registry = registry
        self.mismatch = Counter(
            "shadow_mismatch_total",
            "Differing fields of mismatching pairs (one per field per pair).",
            ["module", "queryName", "field"],
            registry=registry,
        )
        self.comparisons = Counter(
            "shadow_comparisons_total",
            "Pairs by outcome: the denominator of every rate.",
            ["module", "queryName", "outcome"],
            registry=registry,
        )
        self.queries = Counter(
            "db_query_total",
            "Queries reported, by the path that ran them (sql = legacy, prisma = the ORM).",
            ["source", "module", "queryName"],
            registry=registry,
        )
        self.sql_errors = Counter(
            "db_sql_errors_total",
            "Legacy SQL path errors.",
            ["module", "queryName", "errorType"],
            registry=registry,
        )
        self.prisma_errors = Counter(
            "db_prisma_errors_total",
            "ORM path errors.",
            ["module", "queryName", "errorType"],
            registry=registry,
        )
        self.sql_latency = Histogram(
            "db_sql_latency_ms",
            "Legacy SQL latency in milliseconds as reported by the client.",
            ["module", "queryName"],
            buckets=LATENCY_BUCKETS_MS,
            registry=registry,
        )
        self.prisma_latency = Histogram(
            "db_prisma_latency_ms",
            "ORM latency in milliseconds as reported by the client.",
            ["module", "queryName"],
            buckets=LATENCY_BUCKETS_MS,
            registry=registry,
        )
        self.rollbacks = Counter(
            "shadow_rollbacks_total",
            "Rollbacks orm -> shadow, by who did them (api, alertmanager, guard).",
            ["module", "actor"],
            registry=registry,
        )
        self.flag_changes = Counter(
            "shadow_flag_changes_total",
            "Flag changes by module, new state and mechanism (api, alertmanager, guard): the dashboard's "
            "annotations; who and why are in the history.",
            ["module", "to", "actor"],
            registry=registry,
        )
        self.http_requests = Counter(
            "http_requests_total",
            "Requests to this service by route template.",
            ["method", "route", "status"],
            registry=registry,
        )
        self.http_duration = Histogram(
            "http_request_duration_seconds",
            "Time to answer a request, by route template.",
            ["method", "route", "status"],
            registry=registry,
        )
        self.normalizations = RuleCounts()
        registry.register(self.normalizations)
        self.samples_dropped = Counter(
            "shadowdiff_mismatch_samples_dropped_total",
            "Mismatch samples not stored because the background writer's queue was full or the store failed.",
            registry=registry,
        )
        self.scrape = ScrapeRegistry(registry)
        self._query_cap = LabelCap(max_query_names, max_label_length)
        self._field_cap = LabelCap(max_fields, max_label_length)
        self._error_cap = LabelCap(max_error_types, max_label_length)
        self._handles: dict[tuple[str, str], QueryMetrics] = {}

    def forget(self, module: str) -> None:
        """Drop every label child of a retired module: it leaves /metrics (and so the dashboard)."""
        for metric in (
            self.mismatch,
            self.comparisons,
            self.queries,
            self.sql_errors,
            self.prisma_errors,
            self.sql_latency,
            self.prisma_latency,
            self.rollbacks,
            self.flag_changes,
        ):
            index = list(metric._labelnames).index("module")
            for labels in list(metric._metrics):
                if labels[index] == module:
                    metric.remove(*labels)
        for key in [k for k in self._handles if k[0] == module]:
            del self._handles[key]
        self.normalizations.forget(module)

    def for_query(self, module: str, query_name: str) -> QueryMetrics:
        handle = self._handles.get((module, query_name))
        if handle is not None:
            return handle
        folded = self._query_cap.fold(module, query_name)
        handle = self._handles.get((module, folded))
        if handle is None:
            handle = QueryMetrics(
                module,
                folded,
                {o: self.comparisons.labels(module, folded, o) for o in Outcome},
                self.queries.labels(Side.LEGACY.source, module, folded),
                self.queries.labels(Side.ORM.source, module, folded),
                self.sql_latency.labels(module, folded),
                self.prisma_latency.labels(module, folded),
            )
            self._handles[(module, folded)] = handle
        if folded == query_name:
            self._handles[(module, query_name)] = handle
        return handle

    def count_mismatch_field(self, q: QueryMetrics, field: str) -> str:
        """Count one differing field; the label it was counted under (``__other__`` past the cap)."""
        folded = self._field_cap.fold((q.module, q.query_name), field)
        self.mismatch.labels(q.module, q.query_name, folded).inc()
        return folded

    def count_normalizations(self, q: QueryMetrics, rules: tuple[str, ...]) -> None:
        """One per rule that made a field of this pair equal. Rule names are a closed set
        (``comparators.Rule``) and the query name is already folded, so the labels stay capped."""
        self.normalizations.count(q.module, q.query_name, rules)

    def count_mismatch_other(self, q: QueryMetrics, count: int) -> None:
        """``count`` differing fields of one pair past the label cap, in one increment."""
        self.mismatch.labels(q.module, q.query_name, OTHER).inc(count)

    def count_error(self, side: Side, q: QueryMetrics, error_type: str) -> None:
        counter = self.sql_errors if side is Side.LEGACY else self.prisma_errors
        counter.labels(q.module, q.query_name, self._error_cap.fold(q.module, error_type)).inc()


class RuleCounts(Collector):
    """``shadow_normalizations_total{module, queryName, rule}``, counted per set of rules.

    A pair's answer names the rules that made its fields equal, and a query's pairs mostly need the
    same set; so a pair adds one to its set's count (one dict entry) and the scrape spreads the sets
    into per-rule counters. A prometheus ``Counter`` child per rule cost one locked increment per rule
    per pair, ~3% of batch ingest (callgrind). Counts only grow, as a counter's must."""

    NAME = "shadow_normalizations"
    HELP = "Compared pairs in which a representation rule made a field equal, per rule (SPEC 2)."

    def __init__(self) -> None:
        self._sets: dict[tuple[str, str], dict[tuple[str, ...], int]] = {}

    def count(self, module: str, query_name: str, rules: tuple[str, ...]) -> None:
        sets = self._sets.get((module, query_name))
        if sets is None:
            sets = self._sets[module, query_name] = {}
        sets[rules] = sets.get(rules, 0) + 1

    def forget(self, module: str) -> None:
        for key in [k for k in self._sets if k[0] == module]:
            del self._sets[key]

    def collect(self) -> Iterator[Metric]:
        family = CounterMetricFamily(self.NAME, self.HELP, labels=["module", "queryName", "rule"])
        for (module, query_name), sets in sorted(self._sets.items()):
            per_rule: dict[str, int] = {}
            for rules, count in sets.items():
                for rule in rules:
                    per_rule[rule] = per_rule.get(rule, 0) + count
            for rule, count in sorted(per_rule.items()):
                family.add_metric([module, query_name, rule], count)
        yield family


class ScrapeRegistry(CollectorRegistry):
    """What ``/metrics`` exposes: ``registry`` without the ``_created`` series.

    prometheus-client can only turn those off process-wide (``disable_created_metrics``); filtering
    the one scrape keeps every app's registry its own, as the factory promises.
    """

    def __init__(self, registry: CollectorRegistry) -> None:
        super().__init__(auto_describe=False)
        self._source = registry

    def collect(self) -> Iterator[Metric]:
        for family in self._source.collect():
            samples = [s for s in family.samples if not s.name.endswith("_created")]
            if len(samples) != len(family.samples):
                trimmed = Metric(family.name, family.documentation, family.type, family.unit)
                trimmed.samples = samples
                family = trimmed
            yield family


class FlagCollector(Collector):
    """Flag-derived gauges computed at scrape time from the in-memory view."""

    def __init__(self, view: FlagView, sync_age: Callable[[], float], default_threshold: float) -> None:
        self._view = view
        self._sync_age = sync_age
        self._default_threshold = default_threshold

    def collect(self) -> Iterator[Metric]:
        flags = self._view.active()
        progress = GaugeMetricFamily(
            "migration_progress_total",
            "Migration state per module, one-hot over legacy/shadow/orm/migrated.",
            labels=["module", "status"],
        )
        enabled = GaugeMetricFamily(
            "feature_flag_enabled",
            "The share of requests the ORM serves: 0 in legacy/shadow, serve_rate in orm, 1 in migrated.",
            labels=["flag"],
        )
        module_rate = GaugeMetricFamily(
            "shadow_module_sample_rate", "Effective sample rate per module.", labels=["module"]
        )
        threshold = GaugeMetricFamily(
            "shadow_module_mismatch_threshold",
            "The guard's critical mismatch rate per module; the mismatch alerts compare on (module).",
            labels=["module"],
        )
        for flag in flags:
            own = flag.guard.threshold
            threshold.add_metric([flag.module], self._default_threshold if own is None else own)
            for state in FlagState:
                progress.add_metric([flag.module, state.value], 1.0 if flag.state is state else 0.0)
            enabled.add_metric([flag.module], flag.orm_share)
            module_rate.add_metric([flag.module], flag.effective_rate(self._view.default_rate))
        yield progress
        yield enabled
        yield GaugeMetricFamily(
            "shadow_sample_rate", "Global default sample rate.", value=self._view.default_rate
        )
        yield module_rate
        yield threshold
        yield GaugeMetricFamily(
            "shadow_flags_sync_age_seconds",
            "Seconds since this replica's view of the flags was last confirmed current.",
            value=self._sync_age(),
        )

    def describe(self) -> Iterator[Metric]:
        return iter(())
