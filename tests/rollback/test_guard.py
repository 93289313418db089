"""The guard's window and trip rules, by table, on a clock the test holds (no sleeping)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import Any

import pytest

from flags.guard import (
    Guard,
    GuardAction,
    GuardConfigError,
    GuardRule,
    SlidingWindow,
    WindowCounts,
    wilson_lower_bound,
)
from flags.model import AutoRollback, Flag, FlagState, now
from flags.vocabulary import Outcome

# 60 s window in six 10 s buckets; critical above 10% with at least 10 compared pairs.
RULE = GuardRule(window_seconds=60, threshold=0.1, min_comparisons=10, buckets=6)


def flag(state: FlagState = FlagState.ORM, auto: AutoRollback = AutoRollback.ON, version: int = 3) -> Flag:
    return Flag("auth", state, None, auto, version, now(), "test")


def pairs(at: float, outcome: Outcome, count: int) -> list[tuple[float, Outcome]]:
    return [(at, outcome)] * count


def feed(guard: Guard, events: Iterable[tuple[float, Outcome]], current: Flag | None) -> list[GuardAction]:
    trips = (guard.observe("auth", outcome, at, current) for at, outcome in events)
    return [trip.action for trip in trips if trip is not None]


ORM_ON = flag()


@pytest.mark.parametrize(
    ("events", "current", "expected"),
    [
        pytest.param(
            pairs(0, Outcome.MATCH, 6) + pairs(1, Outcome.MISMATCH, 6),
            ORM_ON,
            [GuardAction.ROLLBACK],
            id="over-with-confidence",  # 6 of 12: Wilson lower bound 25% > 10%
        ),
        pytest.param(
            pairs(0, Outcome.MATCH, 8) + pairs(1, Outcome.MISMATCH, 2),
            ORM_ON,
            [],
            id="over-but-not-confident",  # 2 of 10 is 20%, but the lower bound is 5.7%
        ),
        pytest.param(
            pairs(0, Outcome.MATCH, 18) + pairs(1, Outcome.MISMATCH, 2),
            ORM_ON,
            [],
            id="at-threshold-not-over",
        ),
        pytest.param(
            pairs(0, Outcome.MATCH, 90) + pairs(1, Outcome.MISMATCH, 5), ORM_ON, [], id="below-threshold"
        ),
        pytest.param(pairs(0, Outcome.MISMATCH, 9), ORM_ON, [], id="below-minimum"),
        pytest.param(
            pairs(0, Outcome.MISMATCH, 5) + pairs(70, Outcome.MATCH, 10), ORM_ON, [], id="window-expiry"
        ),
        pytest.param(
            pairs(0, Outcome.MISMATCH, 5) + pairs(45, Outcome.MATCH, 10),
            ORM_ON,
            [GuardAction.ROLLBACK],
            id="in-window",
        ),
        pytest.param(
            pairs(0, Outcome.ERROR, 8) + pairs(1, Outcome.MISMATCH, 2), ORM_ON, [], id="errors-not-compared"
        ),
        pytest.param(
            pairs(0, Outcome.SKIPPED, 8) + pairs(1, Outcome.MISMATCH, 2), ORM_ON, [], id="skips-not-compared"
        ),
        pytest.param(
            pairs(0, Outcome.MATCH, 8) + pairs(1, Outcome.MISMATCH, 20),
            flag(auto=AutoRollback.NOTIFY),
            [GuardAction.NOTIFY],
            id="notify-once-per-trip",
        ),
        pytest.param(pairs(0, Outcome.MISMATCH, 20), flag(auto=AutoRollback.OFF), [], id="auto-rollback-off"),
        pytest.param(
            pairs(0, Outcome.MISMATCH, 20), flag(state=FlagState.SHADOW), [], id="shadow-not-serving"
        ),
        pytest.param(pairs(0, Outcome.MISMATCH, 20), flag(state=FlagState.MIGRATED), [], id="migrated"),
        pytest.param(pairs(0, Outcome.MISMATCH, 20), None, [], id="unknown-module"),
        pytest.param(
            pairs(0, Outcome.MISMATCH, 30), ORM_ON, [GuardAction.ROLLBACK], id="one-request-per-version"
        ),
    ],
)
def test_trip_rules(
    events: list[tuple[float, Outcome]], current: Flag | None, expected: list[GuardAction]
) -> None:
    assert feed(Guard(RULE), events, current) == expected


def test_trip_carries_the_measured_figures() -> None:
    guard = Guard(RULE)
    feed(guard, pairs(0, Outcome.MATCH, 8) + pairs(1, Outcome.MISMATCH, 3), ORM_ON)  # bound 9.75%
    trip = guard.observe("auth", Outcome.MISMATCH, 2, ORM_ON)
    assert trip is not None
    assert (trip.module, trip.counts, trip.flag_version) == ("auth", WindowCounts(12, 4), 3)
    figures = trip.figures()
    assert figures.pop("lower_bound") == pytest.approx(0.1381, abs=1e-4)
    assert figures.pop("measured_rate") == pytest.approx(1 / 3)
    assert figures == {
        "trigger": "guard",
        "rule": "mismatch rate > 0.1 with 95% confidence (Wilson lower bound) over 60s, "
        "with at least 10 comparisons",
        "threshold": 0.1,
        "consecutive_windows": 1,
        "comparisons": 12,
        "mismatches": 4,
        "min_comparisons": 10,
        "window_seconds": 60,
    }


def test_notify_trips_again_after_the_rate_recovered() -> None:
    guard, notify = Guard(RULE), flag(auto=AutoRollback.NOTIFY)
    first = feed(guard, pairs(0, Outcome.MISMATCH, 10), notify)
    recovered = feed(guard, pairs(100, Outcome.MATCH, 10), notify)
    second = feed(guard, pairs(110, Outcome.MISMATCH, 5), notify)
    assert (first, recovered, second) == ([GuardAction.NOTIFY], [], [GuardAction.NOTIFY])


def test_re_promotion_while_still_failing_trips_again() -> None:
    guard = Guard(RULE)
    feed(guard, pairs(0, Outcome.MISMATCH, 10), ORM_ON)
    rolled_back = replace(ORM_ON, state=FlagState.SHADOW, version=4)
    assert feed(guard, pairs(1, Outcome.MISMATCH, 5), rolled_back) == []
    re_promoted = replace(ORM_ON, version=5)
    assert feed(guard, pairs(2, Outcome.MISMATCH, 1), re_promoted) == [GuardAction.ROLLBACK]


def test_release_lets_a_failed_rollback_be_asked_for_again() -> None:
    guard = Guard(RULE)
    feed(guard, pairs(0, Outcome.MISMATCH, 10), ORM_ON)
    guard.release("auth")
    assert feed(guard, pairs(1, Outcome.MISMATCH, 1), ORM_ON) == [GuardAction.ROLLBACK]


def test_modules_have_separate_windows() -> None:
    guard = Guard(RULE)
    feed(guard, pairs(0, Outcome.MISMATCH, 9), ORM_ON)
    assert guard.observe("billing", Outcome.MISMATCH, 0, replace(ORM_ON, module="billing")) is None


@pytest.mark.parametrize(
    ("events", "at", "expected"),
    [
        pytest.param([], 0, WindowCounts(0, 0), id="empty"),
        pytest.param([(0, True), (5, False), (59, False)], 59, WindowCounts(3, 1), id="all-in-window"),
        pytest.param(
            [(0, True), (5, False), (59, False)], 60, WindowCounts(1, 0), id="first-bucket-slid-out"
        ),
        pytest.param([(0, True), (15, True), (25, False)], 79, WindowCounts(1, 0), id="two-buckets-slid-out"),
        pytest.param([(0, True), (15, True)], 1000, WindowCounts(0, 0), id="long-idle"),
        pytest.param([(30, True), (10, False)], 30, WindowCounts(2, 1), id="clock-going-back"),
    ],
)
def test_window_counts(events: list[tuple[float, bool]], at: float, expected: WindowCounts) -> None:
    window = SlidingWindow(60, 6)
    for t, mismatch in events:
        window.add(mismatch, t)
    assert window.counts(at) == expected


@pytest.mark.parametrize(
    ("kwargs", "names"),
    [
        ({"window_seconds": 0, "threshold": 0.1, "min_comparisons": 1}, "window"),
        ({"window_seconds": 60, "threshold": 1.5, "min_comparisons": 1}, "threshold"),
        ({"window_seconds": 60, "threshold": -0.1, "min_comparisons": 1}, "threshold"),
        ({"window_seconds": 60, "threshold": 0.1, "min_comparisons": 0}, "minimum comparisons"),
        ({"window_seconds": 60, "threshold": 0.1, "min_comparisons": 1, "buckets": 0}, "bucket"),
    ],
)
def test_bad_rule_names_the_setting(kwargs: dict[str, Any], names: str) -> None:
    with pytest.raises(GuardConfigError, match=names):
        GuardRule(**kwargs)


@pytest.mark.parametrize(
    ("bad", "total", "low", "high"),
    [
        (0, 0, 0, 0),
        (0, 100, 0, 1e-12),
        (2, 10, 0.0566, 0.0568),
        (6, 12, 0.2537, 0.2539),
        (3, 1000, 0.00099, 0.00104),
    ],
)
def test_the_wilson_lower_bound(bad: int, total: int, low: float, high: float) -> None:
    assert low <= wilson_lower_bound(bad, total) <= high


def test_a_module_may_set_its_own_threshold_window_and_minimum() -> None:
    from flags.policy import GuardSettings

    strict = replace(ORM_ON, guard=GuardSettings(threshold=0.5, min_comparisons=20))
    assert feed(Guard(RULE), pairs(0, Outcome.MATCH, 6) + pairs(1, Outcome.MISMATCH, 6), strict) == []
    assert Guard(RULE).status("auth", 0, strict)["threshold"] == 0.5
    loose = replace(ORM_ON, guard=GuardSettings(min_comparisons=3))
    assert feed(Guard(RULE), pairs(0, Outcome.MISMATCH, 3), loose) == [GuardAction.ROLLBACK]


def test_consecutive_windows_need_every_window_over() -> None:
    from flags.policy import GuardSettings

    twice = replace(ORM_ON, guard=GuardSettings(consecutive_windows=2))
    guard = Guard(RULE)
    assert feed(guard, pairs(0, Outcome.MISMATCH, 12), twice) == []  # the first window alone is not enough
    assert guard.acting("auth", 30, twice) is None
    assert feed(guard, pairs(61, Outcome.MISMATCH, 12), twice) == [GuardAction.ROLLBACK]
    fresh = Guard(RULE)  # a clean window in between breaks the streak
    feed(fresh, pairs(0, Outcome.MISMATCH, 12), twice)
    feed(fresh, pairs(61, Outcome.MATCH, 40), twice)
    assert feed(fresh, pairs(125, Outcome.MISMATCH, 12), twice) == []


def test_status_and_acting_say_whether_the_guard_would_act() -> None:
    guard = Guard(RULE)
    shadow = replace(ORM_ON, state=FlagState.SHADOW)
    feed(guard, pairs(0, Outcome.MISMATCH, 12), shadow)
    status = guard.status("auth", 1, shadow)
    assert (status["comparisons"], status["mismatches"], status["would_act"]) == (12, 12, True)
    assert "12 mismatches in 12 compared pairs" in (guard.acting("auth", 1, shadow) or "")
    assert guard.acting("auth", 200, shadow) is None  # the window slid past them
