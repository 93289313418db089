"""The readiness verdict (pure): each criterion by table, log-bucket latency resolution."""

from __future__ import annotations

import math
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from flags.policy import READINESS_DEFAULTS, ReadinessCriteria
from flags.readiness import Figures, bucket_upper_ms, judge, latency_bucket, quantile_ms

NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)


def healthy(**changes: object) -> Figures:
    figures = Figures(match=1000, sql_queries=1000, prisma_queries=1000)
    figures.sql_buckets = Counter({latency_bucket(2.0): 1000})
    figures.prisma_buckets = Counter({latency_bucket(2.2): 1000})
    for name, value in changes.items():
        setattr(figures, name, value)
    return figures


@pytest.mark.parametrize("ms", [0.001, 0.05, 0.3, 0.5, 1, 7.3, 1000, 60_000])
def test_a_latency_falls_in_a_bucket_at_most_nine_percent_wide(ms: float) -> None:
    upper = bucket_upper_ms(latency_bucket(ms))
    assert ms <= upper < ms * 1.0906


def test_sub_millisecond_p95s_are_told_apart() -> None:
    fast = quantile_ms(Counter({latency_bucket(0.3): 100}), 0.95)
    slow = quantile_ms(Counter({latency_bucket(0.5): 100}), 0.95)
    assert fast is not None and slow is not None and slow / fast > 1.5


def test_a_healthy_query_is_ready() -> None:
    verdict = judge("orders", {"getOrder": healthy()}, {}, ReadinessCriteria(), NOW)
    assert (verdict.ready, verdict.reasons) == (True, [])
    assert verdict.to_wire()["queries"]["getOrder"]["verdict"] == "ready"


@pytest.mark.parametrize(
    ("figures", "quiet", "reason"),
    [
        (healthy(match=999), None, "999 compared pairs in the last 24h, needs 1000"),
        (healthy(mismatch=1, last_mismatch_at=NOW - timedelta(hours=3)), None, "last mismatch 3.00h ago"),
        (healthy(), NOW - timedelta(hours=23), "last mismatch 23.00h ago"),
        (
            healthy(prisma_buckets=Counter({latency_bucket(5.0): 1000})),
            None,
            "ORM p95 5.19 ms is 2.59x SQL p95 2 ms, allowed 1.2x or within 1 ms",
        ),
        (healthy(prisma_errors=3, sql_errors=1), None, "ORM error rate 0.300% is 0.200 points over"),
    ],
    ids=["too-few-pairs", "recent-mismatch", "mismatch-before-the-window", "latency", "errors"],
)
def test_each_criterion_fails_with_its_own_reason(
    figures: Figures, quiet: datetime | None, reason: str
) -> None:
    verdict = judge("orders", {"getOrder": figures}, {"getOrder": quiet}, ReadinessCriteria(), NOW)
    assert not verdict.ready
    assert len(verdict.reasons) == 1 and verdict.reasons[0].startswith("getOrder: ")
    assert reason in verdict.reasons[0]


def test_sub_millisecond_latency_passes_within_the_slack_and_fails_without_it() -> None:
    figures = healthy(
        sql_buckets=Counter({latency_bucket(0.3): 1000}), prisma_buckets=Counter({latency_bucket(0.5): 1000})
    )
    assert judge("m", {"q": figures}, {}, ReadinessCriteria(), NOW).ready
    strict = ReadinessCriteria(latency_slack_ms=0.0)
    verdict = judge("m", {"q": figures}, {}, strict, NOW)
    assert not verdict.ready and "ORM p95 0.5 ms is 1.54x SQL p95 0.324 ms" in verdict.reasons[0]


def test_a_module_without_pairs_is_not_ready_and_every_query_counts() -> None:
    assert judge("m", {}, {}, ReadinessCriteria(), NOW).reasons == [
        "no pairs of 'm' in the last 24h: nothing shows the ORM agrees"
    ]
    verdict = judge("m", {"a": healthy(), "b": healthy(match=5)}, {}, ReadinessCriteria(), NOW)
    assert not verdict.ready and [q.ready for q in verdict.queries] == [True, False]


def test_module_criteria_override_the_defaults_key_by_key() -> None:
    mine = ReadinessCriteria().merged({"min_pairs": 10})
    assert mine.effective() == ReadinessCriteria(**{**READINESS_DEFAULTS.to_wire(), "min_pairs": 10})
    assert mine.merged({"min_pairs": None}).effective() == READINESS_DEFAULTS


def test_absurd_latencies_stay_finite() -> None:
    bucket = latency_bucket(1e308)
    assert bucket == latency_bucket(2.0**40) and math.isfinite(bucket_upper_ms(bucket))
    assert quantile_ms(Counter({bucket: 3}), 0.95) == 2.0**32
