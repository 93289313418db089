"""The in-process rollback guard: per module, a sliding window of compared outcomes.

When a module's ORM path serves (``orm``) and its mismatch rate over the window is above the critical
threshold *with confidence* — the Wilson score lower bound (z = 1.96, 95%) of the window's rate is
above the threshold — with at least a minimum number of comparisons, and optionally for N consecutive
non-overlapping windows, the guard asks for a rollback (or, in
``notify`` mode, for a record of the rollback it would have made). The service wires it in
``app/rollback.py``; this module is pure: no I/O and no clock of its own (every call takes ``now`` in
seconds from a monotonic clock), so the window and the trip rules are tested by table without sleeping.

The window is time-bucketed: ``buckets`` counters of ``window / buckets`` seconds each in a ring, with
running totals, so recording a pair costs O(1) however busy the module is (no list of events). The
window therefore slides in steps of one bucket: it covers the current, partial bucket and the
``buckets - 1`` before it, i.e. between ``(buckets - 1) / buckets`` of the window and the whole of it.

A trip is latched per flag version: once the guard has asked for action on a module at some version, it
asks again only after the flag changed (a person re-promoted it) or after the rate fell back under the
threshold. ``notify`` mode, which leaves the flag as it is, is therefore recorded once per trip, not once
per pair, and a rollback still in flight is not asked for twice.
"""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass

from flags.model import AutoRollback, Flag, FlagState
from flags.policy import GuardSettings
from flags.vocabulary import Outcome


class GuardConfigError(ValueError):
    """A guard setting is out of range; the message names the setting and the allowed values."""


@dataclass(frozen=True, slots=True)
class GuardRule:
    """The critical rule: mismatch rate > ``threshold`` over ``window_seconds`` with at least
    ``min_comparisons`` compared pairs (matches plus mismatches; errors and skips do not count)."""

    window_seconds: float
    threshold: float
    min_comparisons: int
    buckets: int = 30
    consecutive_windows: int = 1  # also the N - 1 whole windows before this one (non-overlapping)

    def __post_init__(self) -> None:
        if not self.window_seconds > 0:
            raise GuardConfigError(
                f"guard window must be a positive number of seconds, not {self.window_seconds!r}"
            )
        if not 0.0 <= self.threshold <= 1.0:
            raise GuardConfigError(f"guard threshold is a mismatch rate from 0 to 1, not {self.threshold!r}")
        if self.min_comparisons < 1:
            raise GuardConfigError(
                f"guard minimum comparisons must be at least 1, not {self.min_comparisons!r}"
            )
        if self.buckets < 1:
            raise GuardConfigError(f"guard window needs at least 1 bucket, not {self.buckets!r}")
        if self.consecutive_windows < 1:
            raise GuardConfigError(
                f"guard consecutive windows must be at least 1, not {self.consecutive_windows!r}"
            )

    def over(self, counts: WindowCounts) -> bool:
        """Over the threshold with 95% confidence, on enough comparisons."""
        return self.over_counts(counts.comparisons, counts.mismatches)

    def over_counts(self, comparisons: int, mismatches: int) -> bool:
        """``over`` of plain counts (the guard calls this for every compared pair). Without a
        mismatch the Wilson lower bound is exactly 0, never over a threshold of 0 or more."""
        return (
            mismatches > 0
            and comparisons >= self.min_comparisons
            and wilson_lower_bound(mismatches, comparisons) > self.threshold
        )

    def for_flag(self, flag: Flag | None) -> GuardRule:
        """This rule with the module's own settings (flag fields) over the defaults."""
        if flag is None or flag.guard == _NO_OVERRIDES:
            return self
        g = flag.guard
        return GuardRule(
            window_seconds=self.window_seconds if g.window_seconds is None else g.window_seconds,
            threshold=self.threshold if g.threshold is None else g.threshold,
            min_comparisons=self.min_comparisons if g.min_comparisons is None else g.min_comparisons,
            buckets=self.buckets,
            consecutive_windows=(
                self.consecutive_windows if g.consecutive_windows is None else g.consecutive_windows
            ),
        )

    def describe(self) -> str:
        windows = (
            f" for {self.consecutive_windows} consecutive windows" if self.consecutive_windows > 1 else ""
        )
        return (
            f"mismatch rate > {self.threshold:g} with 95% confidence (Wilson lower bound) over "
            f"{self.window_seconds:g}s{windows}, with at least {self.min_comparisons} comparisons"
        )


_NO_OVERRIDES = GuardSettings()

Z_95 = 1.96


def wilson_lower_bound(bad: int, total: int, z: float = Z_95) -> float:
    """The Wilson score interval's lower bound of a rate of ``bad`` in ``total``: a rate this high or
    higher is what the window shows with 95% confidence (0 without observations)."""
    if total <= 0:
        return 0.0
    p = bad / total
    z2 = z * z
    centre = p + z2 / (2 * total)
    margin = z * math.sqrt(p * (1 - p) / total + z2 / (4 * total * total))
    return max(0.0, (centre - margin) / (1 + z2 / total))


@dataclass(frozen=True, slots=True)
class WindowCounts:
    comparisons: int
    mismatches: int

    @property
    def rate(self) -> float:
        return self.mismatches / self.comparisons if self.comparisons else 0.0

    @property
    def lower_bound(self) -> float:
        return wilson_lower_bound(self.mismatches, self.comparisons)


class SlidingWindow:
    """Counts of compared pairs and mismatches over the last ``window_seconds``, in a ring of buckets."""

    __slots__ = ("_bad", "_compared", "_head", "_mismatches", "_n", "_total", "_width")

    def __init__(self, window_seconds: float, buckets: int) -> None:
        self._n = buckets
        self._width = window_seconds / buckets
        self._compared = [0] * buckets
        self._mismatches = [0] * buckets
        self._head: int | None = None  # absolute index (now // width) of the newest bucket
        self._total = 0
        self._bad = 0

    def _advance(self, now: float) -> int:
        """Move the ring to ``now``, emptying the buckets that slid out. A clock that seems to go
        back counts into the newest bucket rather than rewriting the past."""
        index = int(now // self._width)
        head = self._head
        if head is None or index - head >= self._n:
            if head is not None:
                self._compared = [0] * self._n
                self._mismatches = [0] * self._n
                self._total = self._bad = 0
            self._head = index
            return index % self._n
        if index <= head:
            return head % self._n
        for i in range(head + 1, index + 1):  # at most buckets - 1 steps, amortised O(1) per call
            slot = i % self._n
            self._total -= self._compared[slot]
            self._bad -= self._mismatches[slot]
            self._compared[slot] = 0
            self._mismatches[slot] = 0
        self._head = index
        return index % self._n

    def add(self, mismatch: bool, now: float) -> tuple[int, int]:
        """Record one compared pair; the window's (comparisons, mismatches) after it."""
        slot = self._advance(now)
        self._compared[slot] += 1
        self._total += 1
        if mismatch:
            self._mismatches[slot] += 1
            self._bad += 1
        return self._total, self._bad

    def counts(self, now: float) -> WindowCounts:
        self._advance(now)
        return WindowCounts(self._total, self._bad)


class GuardAction(enum.StrEnum):
    ROLLBACK = "rollback"
    NOTIFY = "notify"


@dataclass(frozen=True, slots=True)
class Trip:
    """The guard's request: roll ``module`` back (or record that it would have), with the figures."""

    module: str
    action: GuardAction
    counts: WindowCounts
    rule: GuardRule
    flag_version: int

    def figures(self) -> dict[str, object]:
        """The measured part of the decision record (the service adds links to samples)."""
        return {
            "trigger": "guard",
            "rule": self.rule.describe(),
            "measured_rate": self.counts.rate,
            "lower_bound": self.counts.lower_bound,
            "threshold": self.rule.threshold,
            "consecutive_windows": self.rule.consecutive_windows,
            "comparisons": self.counts.comparisons,
            "mismatches": self.counts.mismatches,
            "min_comparisons": self.rule.min_comparisons,
            "window_seconds": self.rule.window_seconds,
        }


@dataclass(slots=True)
class _Streak:
    """Non-overlapping (tumbling) windows of one module: the current one's counts and how many whole
    windows right before it were over the threshold with confidence."""

    index: int
    comparisons: int = 0
    mismatches: int = 0
    over_before: int = 0

    def add(self, index: int, mismatch: bool, rule: GuardRule) -> None:
        if index != self.index:
            finished_over = rule.over(WindowCounts(self.comparisons, self.mismatches))
            contiguous = index == self.index + 1
            self.over_before = self.over_before + 1 if finished_over and contiguous else 0
            self.index, self.comparisons, self.mismatches = index, 0, 0
        self.comparisons += 1
        self.mismatches += mismatch


class Guard:
    """Sliding windows for every module and the trip latch. Not thread-safe: call it from one event loop.

    ``rule`` holds the defaults (the environment); a module's flag may override any of them."""

    def __init__(self, rule: GuardRule) -> None:
        self.rule = rule
        self._windows: dict[str, tuple[float, SlidingWindow]] = {}
        self._streaks: dict[str, _Streak] = {}
        self._latched: dict[str, int] = {}  # module -> flag version the guard already acted on
        # A module's rule by its overrides: built once, not per pair (the request path calls observe).
        self._rules: dict[GuardSettings, GuardRule] = {}

    def rule_for(self, flag: Flag | None) -> GuardRule:
        """``rule.for_flag(flag)``, remembered by the flag's overrides (a handful of distinct ones)."""
        if flag is None or flag.guard == _NO_OVERRIDES:
            return self.rule
        found = self._rules.get(flag.guard)
        if found is None:
            if len(self._rules) > 1024:  # overrides are set by operators: this bounds a pathological run
                self._rules.clear()
            found = self._rules[flag.guard] = self.rule.for_flag(flag)
        return found

    def _window(self, module: str, rule: GuardRule) -> SlidingWindow:
        found = self._windows.get(module)
        if found is None or found[0] != rule.window_seconds:  # a new window length starts afresh
            found = self._windows[module] = (
                rule.window_seconds,
                SlidingWindow(rule.window_seconds, rule.buckets),
            )
            self._streaks.pop(module, None)
        return found[1]

    def _streak_ok(self, module: str, rule: GuardRule, now: float) -> bool:
        if rule.consecutive_windows <= 1:
            return True
        streak = self._streaks.get(module)
        if streak is None:
            return False
        index = int(now // rule.window_seconds)
        if index != streak.index:  # roll the tumbling window forward without adding a pair
            current = WindowCounts(streak.comparisons, streak.mismatches)
            over_before = streak.over_before + 1 if rule.over(current) and index == streak.index + 1 else 0
        else:
            over_before = streak.over_before
        return over_before >= rule.consecutive_windows - 1

    def observe(
        self, module: str, outcome: Outcome, now: float, flag: Flag | None, act: bool = True
    ) -> Trip | None:
        """Record one pair's outcome; a :class:`Trip` when the module should be rolled back now.

        ``flag`` is the module's current flag as this replica sees it (None: unknown module); with
        ``act`` false the window counts (by the module's own rule) and nothing trips."""
        if not outcome.compared:
            return None  # errors and skipped pairs say nothing about data equality
        mismatch = outcome is Outcome.MISMATCH
        rule = self.rule_for(flag)
        window = self._window(module, rule)
        total, bad = window.add(mismatch, now)
        if rule.consecutive_windows > 1:
            index = int(now // rule.window_seconds)
            streak = self._streaks.get(module)
            if streak is None:
                streak = self._streaks[module] = _Streak(index)
            streak.add(index, mismatch, rule)
        if not rule.over_counts(total, bad):
            if self._latched:
                self._latched.pop(module, None)
            return None
        counts = WindowCounts(total, bad)
        if not self._streak_ok(module, rule, now):
            return None
        if not act or flag is None or flag.state is not FlagState.ORM:
            return None
        if flag.auto_rollback is AutoRollback.OFF or self._latched.get(module) == flag.version:
            return None
        self._latched[module] = flag.version
        action = GuardAction.NOTIFY if flag.auto_rollback is AutoRollback.NOTIFY else GuardAction.ROLLBACK
        return Trip(module, action, counts, rule, flag.version)

    def counts(self, module: str, now: float) -> WindowCounts:
        """The module's figures over the window now (zero for a module not seen yet)."""
        found = self._windows.get(module)
        return found[1].counts(now) if found is not None else WindowCounts(0, 0)

    def status(self, module: str, now: float, flag: Flag | None) -> dict[str, object]:
        """This replica's view of the module's window and whether the guard would act now
        (whatever the module's state: the figures say whether the data would trip it)."""
        rule = self.rule_for(flag)
        counts = self.counts(module, now)
        over = rule.over(counts)
        streak_ok = self._streak_ok(module, rule, now)
        streak = self._streaks.get(module)
        return {
            "window_seconds": rule.window_seconds,
            "comparisons": counts.comparisons,
            "mismatches": counts.mismatches,
            "rate": counts.rate,
            "lower_bound": counts.lower_bound,
            "threshold": rule.threshold,
            "min_comparisons": rule.min_comparisons,
            "consecutive_windows": rule.consecutive_windows,
            "windows_over_before": 0 if streak is None else streak.over_before,
            "would_act": over and streak_ok,
            "rule": rule.describe(),
        }

    def acting(self, module: str, now: float, flag: Flag | None) -> str | None:
        """Why the guard would act on the module now (its window is over the threshold with
        confidence), or None: re-promoting then would be rolled back at the next pair."""
        rule = self.rule_for(flag)
        counts = self.counts(module, now)
        if not (rule.over(counts) and self._streak_ok(module, rule, now)):
            return None
        return (
            f"its window shows {counts.mismatches} mismatches in {counts.comparisons} compared pairs "
            f"(lower bound {counts.lower_bound:.4%} > threshold {rule.threshold:.4%})"
        )

    def release(self, module: str) -> None:
        """Let the module trip again at the same flag version (its rollback failed and may be retried)."""
        self._latched.pop(module, None)
