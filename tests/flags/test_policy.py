"""Per-module guard and readiness overrides: what a change may hold, and what ``null`` means."""

from __future__ import annotations

import pytest

from flags.errors import InvalidFlag
from flags.policy import READINESS_DEFAULTS, GuardSettings, ReadinessCriteria


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"threshold": 2}, "guard.threshold must be a number from 0 to 1 (or null for the default), not 2"),
        ({"threshold": -0.1}, "guard.threshold must be a number from 0 to 1"),
        (
            {"threshold": True},
            "guard.threshold must be a number from 0 to 1 (or null for the default), not True",
        ),
        (
            {"threshold": "0.01"},
            "guard.threshold must be a number from 0 to 1 (or null for the default), not '0.01'",
        ),
        ({"min_comparisons": 1.5}, "guard.min_comparisons must be a whole number from 1 to 1e+09"),
        ({"consecutive_windows": 101}, "guard.consecutive_windows must be a whole number from 1 to 100"),
        ({"window_seconds": 0.5}, "guard.window_seconds must be a number from 1 to 86400"),
        (
            [0.01],
            "guard must be an object of threshold, window_seconds, min_comparisons, consecutive_windows",
        ),
        (
            {"treshold": 0.01, "window": 60},
            "guard has unknown key(s) treshold, window; "
            "known: threshold, window_seconds, min_comparisons, consecutive_windows",
        ),
    ],
)
def test_a_guard_change_outside_its_limits_is_refused_by_name(raw: object, message: str) -> None:
    with pytest.raises(InvalidFlag) as caught:
        GuardSettings().merged(raw)
    assert str(caught.value).startswith(message)


def test_a_guard_change_merges_key_by_key() -> None:
    stored = GuardSettings(threshold=0.002, min_comparisons=500)
    assert stored.merged({"threshold": 0.01}) == GuardSettings(threshold=0.01, min_comparisons=500)


def test_null_for_a_key_returns_it_to_the_default() -> None:
    stored = GuardSettings(threshold=0.002, min_comparisons=500)
    assert stored.merged({"threshold": None}).stored() == {"min_comparisons": 500}


def test_null_for_the_whole_object_returns_every_key_to_the_default() -> None:
    assert GuardSettings(threshold=0.002, min_comparisons=500).merged(None) == GuardSettings()


def test_readiness_takes_the_default_of_each_key_it_does_not_set() -> None:
    effective = ReadinessCriteria().merged({"min_pairs": 50}).effective()
    assert effective.min_pairs == 50
    assert effective.window_hours == READINESS_DEFAULTS.window_hours


def test_a_stored_value_that_is_not_an_object_reads_as_every_default() -> None:
    assert ReadinessCriteria.from_stored("corrupt") == ReadinessCriteria()
