"""The in-process rollback guard: per module, a sliding window of compared outcomes.

When a module's ORM path serves (``orm``) and its mismatch rate over the window passes the critical
threshold with at least a minimum number of comparisons, the guard asks for a rollback (or, in
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
from dataclasses import dataclass

from flags.model import AutoRollback, Flag, FlagState
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

    def describe(self) -> str:
        return (
            f"mismatch rate > {self.threshold:g} over {self.window_seconds:g}s "
            f"with at least {self.min_comparisons} comparisons"
        )


@dataclass(frozen=True, slots=True)
class WindowCounts:
    comparisons: int
    mismatches: int

    @property
    def rate(self) -> float:
        return self.mismatches / self.comparisons if self.comparisons else 0.0


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
            "threshold": self.rule.threshold,
            "comparisons": self.counts.comparisons,
            "mismatches": self.counts.mismatches,
            "min_comparisons": self.rule.min_comparisons,
            "window_seconds": self.rule.window_seconds,
        }


class Guard:
    """Sliding windows for every module and the trip latch. Not thread-safe: call it from one event loop."""

    def __init__(self, rule: GuardRule) -> None:
        self.rule = rule
        self._windows: dict[str, SlidingWindow] = {}
        self._latched: dict[str, int] = {}  # module -> flag version the guard already acted on

    def observe(self, module: str, outcome: Outcome, now: float, flag: Flag | None) -> Trip | None:
        """Record one pair's outcome; a :class:`Trip` when the module should be rolled back now.

        ``flag`` is the module's current flag as this replica sees it (None: unknown module)."""
        if not outcome.compared:
            return None  # errors and skipped pairs say nothing about data equality
        mismatch = outcome is Outcome.MISMATCH
        window = self._windows.get(module)
        if window is None:
            window = self._windows[module] = SlidingWindow(self.rule.window_seconds, self.rule.buckets)
        total, bad = window.add(mismatch, now)
        if total < self.rule.min_comparisons or bad <= self.rule.threshold * total:
            if self._latched:
                self._latched.pop(module, None)
            return None
        if flag is None or flag.state is not FlagState.ORM or flag.auto_rollback is AutoRollback.OFF:
            return None
        if self._latched.get(module) == flag.version:
            return None
        self._latched[module] = flag.version
        action = GuardAction.NOTIFY if flag.auto_rollback is AutoRollback.NOTIFY else GuardAction.ROLLBACK
        return Trip(module, action, WindowCounts(total, bad), self.rule, flag.version)

    def counts(self, module: str, now: float) -> WindowCounts:
        """The module's figures over the window now (zero for a module not seen yet)."""
        window = self._windows.get(module)
        return window.counts(now) if window is not None else WindowCounts(0, 0)

    def release(self, module: str) -> None:
        """Let the module trip again at the same flag version (its rollback failed and may be retried)."""
        self._latched.pop(module, None)
