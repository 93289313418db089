"""Per-module overrides of the guard and of the readiness criteria, kept on the flag.

Every field is optional: ``None`` means "the service default" (the guard's come from the environment,
the readiness criteria's from :data:`READINESS_DEFAULTS`). A module stores only what it overrides, so a
changed default reaches every module that did not choose its own value. On the wire both are objects
(``"guard": {"threshold": 0.002}``); a change merges into the stored object key by key and ``null``
returns a key to the default.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields, replace
from typing import Any, ClassVar, Self

from flags.errors import InvalidFlag

DEFAULT_MISMATCH_THRESHOLD = 0.001
"""The critical mismatch rate (0.1%): the guard's default threshold, the environment's default, the
``shadow_module_mismatch_threshold`` gauge of a module that sets none. Defined here once."""


def _number(name: str, value: object, low: float, high: float, integer: bool) -> float | int:
    number = float(value) if isinstance(value, int | float) and not isinstance(value, bool) else math.nan
    if not math.isfinite(number) or (integer and not number.is_integer()) or not low <= number <= high:
        kind = "a whole number" if integer else "a number"
        raise InvalidFlag(
            f"{name} must be {kind} from {low:g} to {high:g} (or null for the default), not {value!r}"
        )
    return int(number) if integer else number


class _Overrides:
    """Shared wire handling of the two override objects (fields: name -> (low, high, integer))."""

    __slots__ = ()
    LIMITS: ClassVar[dict[str, tuple[float, float, bool]]] = {}
    LABEL: ClassVar[str] = ""

    def to_wire(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}  # type: ignore[arg-type]

    def stored(self) -> dict[str, Any]:
        """Only the keys this module sets (what the store keeps)."""
        return {k: v for k, v in self.to_wire().items() if v is not None}

    def merged(self, raw: object) -> Self:
        """This object with the keys of ``raw`` replaced; ``null`` returns a key to the default."""
        if raw is None:
            return type(self)()
        if not isinstance(raw, dict):
            raise InvalidFlag(f"{self.LABEL} must be an object of {', '.join(self.LIMITS)}, not {raw!r}")
        unknown = sorted(set(raw) - set(self.LIMITS))
        if unknown:
            raise InvalidFlag(
                f"{self.LABEL} has unknown key(s) {', '.join(map(str, unknown))}; "
                f"known: {', '.join(self.LIMITS)}"
            )
        changes: dict[str, Any] = {}
        for key, value in raw.items():
            low, high, integer = self.LIMITS[key]
            changes[key] = (
                None if value is None else _number(f"{self.LABEL}.{key}", value, low, high, integer)
            )
        return replace(self, **changes)  # type: ignore[type-var]

    @classmethod
    def from_stored(cls, raw: object) -> Self:
        return cls().merged(raw if isinstance(raw, dict) else {})


@dataclass(frozen=True, slots=True)
class GuardSettings(_Overrides):
    """The guard's rule for one module; unset fields take the environment's defaults."""

    threshold: float | None = None
    window_seconds: float | None = None
    min_comparisons: int | None = None
    consecutive_windows: int | None = None

    LIMITS: ClassVar[dict[str, tuple[float, float, bool]]] = {
        "threshold": (0.0, 1.0, False),
        "window_seconds": (1.0, 86400.0, False),
        "min_comparisons": (1, 10**9, True),
        "consecutive_windows": (1, 100, True),
    }
    LABEL: ClassVar[str] = "guard"


@dataclass(frozen=True, slots=True)
class ReadinessCriteria(_Overrides):
    """What ``shadow -> orm`` asks of every query of a module; unset fields take :data:`READINESS_DEFAULTS`.

    ``min_pairs`` compared pairs per query within ``window_hours``; no mismatch within ``quiet_hours``;
    ORM p95 at most ``max_latency_ratio`` times SQL p95, or within ``latency_slack_ms`` of it; ORM error
    rate at most ``max_error_rate_increase`` (a fraction: 0.001 is 0.1 percentage point) above SQL's."""

    min_pairs: int | None = None
    window_hours: float | None = None
    quiet_hours: float | None = None
    max_latency_ratio: float | None = None
    latency_slack_ms: float | None = None
    max_error_rate_increase: float | None = None

    LIMITS: ClassVar[dict[str, tuple[float, float, bool]]] = {
        "min_pairs": (0, 10**9, True),
        "window_hours": (1 / 60, 24.0 * 30, False),
        "quiet_hours": (0.0, 24.0 * 30, False),
        "max_latency_ratio": (1.0, 100.0, False),
        "latency_slack_ms": (0.0, 60_000.0, False),
        "max_error_rate_increase": (0.0, 1.0, False),
    }
    LABEL: ClassVar[str] = "readiness"

    def effective(self) -> ReadinessCriteria:
        """Every field filled: this module's value, else the default."""
        return replace(READINESS_DEFAULTS, **self.stored())


READINESS_DEFAULTS = ReadinessCriteria(
    min_pairs=1000,
    window_hours=24.0,
    quiet_hours=24.0,
    max_latency_ratio=1.2,
    latency_slack_ms=1.0,
    max_error_rate_increase=0.001,
)
