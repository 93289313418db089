"""The guard's window and trip rules, by table, on a clock the test holds (no sleeping)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import Any

import pytest

from flags.guard import Guard, GuardAction, GuardConfigError, GuardRule, SlidingWindow, WindowCounts
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
            pairs(0, Outcome.MATCH, 8) + pairs(1, Outcome.MISMATCH, 2),
            ORM_ON,
            [GuardAction.ROLLBACK],
            id="over",
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
    feed(guard, pairs(0, Outcome.MATCH, 8) + pairs(1, Outcome.MISMATCH, 1), ORM_ON)
    trip = guard.observe("auth", Outcome.MISMATCH, 2, ORM_ON)
    assert trip is not None
    assert (trip.module, trip.counts, trip.flag_version) == ("auth", WindowCounts(10, 2), 3)
    assert trip.figures() == {
        "trigger": "guard",
        "rule": "mismatch rate > 0.1 over 60s with at least 10 comparisons",
        "measured_rate": 0.2,
        "threshold": 0.1,
        "comparisons": 10,
        "mismatches": 2,
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
