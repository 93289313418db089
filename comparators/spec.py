"""The per-query comparison spec: validated once, frozen, hashable (so it can key caches and be shared).

Clients send it as JSON (``{"key": ["id"], "ordered": true}``); a wrong option is refused with a
:class:`SpecError` naming the option, never silently ignored, because a typo in ``ignore`` or ``key``
would otherwise turn into false mismatches or, worse, missed ones.
"""

from __future__ import annotations

import math
import re
import zoneinfo
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, timedelta, timezone, tzinfo
from typing import Any, Final

from comparators.normalize import canonical_name

DEFAULT_FLOAT_TOLERANCE: Final = 1e-9

_PRECISION_NAMES: Final = {"s": 0, "ms": 3, "us": 6, "ns": 9}
_OFFSET = re.compile(r"([+-])(\d{2}):?(\d{2})")
_OPTIONS: Final = (
    "key",
    "ordered",
    "ignore",
    "rename",
    "float_tolerance",
    "time_precision",
    "naive_time_zone",
    "strict_types",
)


class SpecError(ValueError):
    """A spec option is unknown or has a value of the wrong type or range; ``option`` names it."""

    def __init__(self, option: str, message: str) -> None:
        super().__init__(f"spec option {option!r}: {message}")
        self.option = option


@dataclass(frozen=True, slots=True)
class Spec:
    """How to compare one query's results. Every option has a default that suits raw-SQL vs ORM pairs.

    key:             row key field names (legacy-side or canonical spelling); rows are matched by it.
    ordered:         whether the order of the top-level rows matters.
    ignore:          field names (ignored at every level) or dotted paths from the row
                     (``settings.notify.email``; row keys and array indexes are not part of it).
    rename:          legacy field name -> ORM field name, for fields the ORM calls something else.
    float_tolerance: relative tolerance when a side is a JSON number with a fraction or exponent.
    time_precision:  fraction digits of a second (0..9, or "s", "ms", "us", "ns") beyond which
                     instants are not compared; ``None``: compare at the coarser of the two spellings.
    naive_time_zone: the zone of times written without an offset: "UTC", an IANA name or "+02:00".
    strict_types:    turn the coercions off: strings are compared as written (no numbers, instants,
                     durations, UUIDs or JSON read from text); field names stay canonical.
    """

    key: tuple[str, ...] | None = None
    ordered: bool = False
    ignore: tuple[str, ...] = ()
    rename: tuple[tuple[str, str], ...] = ()
    float_tolerance: float = DEFAULT_FLOAT_TOLERANCE
    time_precision: int | None = None
    naive_time_zone: str = "UTC"
    strict_types: bool = False

    # Derived once here so the comparison loop reads plain attributes.
    ignore_names: frozenset[str] = field(init=False, compare=False, repr=False, default=frozenset())
    ignore_paths: frozenset[tuple[str, ...]] = field(
        init=False, compare=False, repr=False, default=frozenset()
    )
    naive_tz: tzinfo | None = field(init=False, compare=False, repr=False, default=None)
    naive_is_utc: bool = field(init=False, compare=False, repr=False, default=True)
    """Whether times without an offset are UTC (a plain attribute: the instant rule reads it per pair)."""

    def __post_init__(self) -> None:
        _check_names("key", self.key or (), allow_empty=self.key is None)
        _check_names("ignore", self.ignore, allow_empty=True)
        for legacy, orm in self.rename:
            _check_names("rename", (legacy, orm), allow_empty=False)
        _flag("ordered", self.ordered)
        _flag("strict_types", self.strict_types)
        _tolerance(self.float_tolerance)
        if self.time_precision is not None:
            _precision(self.time_precision)
        object.__setattr__(self, "naive_tz", _zone(self.naive_time_zone))
        object.__setattr__(self, "naive_is_utc", self.naive_tz is UTC)
        names = {canonical_name(n) for n in self.ignore if "." not in n}
        paths = {tuple(canonical_name(p) for p in n.split(".")) for n in self.ignore if "." in n}
        object.__setattr__(self, "ignore_names", frozenset(names))
        object.__setattr__(self, "ignore_paths", frozenset(paths))

    @property
    def rename_map(self) -> dict[str, str]:
        return dict(self.rename)

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any] | None) -> Spec:
        """Build a spec from its JSON form; ``None`` or ``{}`` gives the defaults."""
        if raw is None:
            return DEFAULT_SPEC
        if not isinstance(raw, Mapping):
            raise SpecError("spec", f"must be an object, not {type(raw).__name__}")
        unknown = sorted(set(raw) - set(_OPTIONS))
        if unknown:
            raise SpecError(str(unknown[0]), f"unknown option; the options are {', '.join(_OPTIONS)}")
        args: dict[str, Any] = {}
        if raw.get("key") is not None:
            key = raw["key"]
            args["key"] = (key,) if isinstance(key, str) else _string_tuple("key", key)
        # Each raw value is checked here, before the constructor sees it: compiled (mypyc), the
        # dataclass refuses an ill-typed field with a TypeError that names neither option nor fix.
        if raw.get("ordered") is not None:
            args["ordered"] = _flag("ordered", raw["ordered"])
        if raw.get("ignore") is not None:
            args["ignore"] = _string_tuple("ignore", raw["ignore"])
        if raw.get("rename") is not None:
            ren = raw["rename"]
            if not isinstance(ren, Mapping):
                raise SpecError("rename", "must be an object mapping legacy names to ORM names")
            for pair in ren.items():
                _check_names("rename", pair, allow_empty=False)
            args["rename"] = tuple(ren.items())
        if raw.get("float_tolerance") is not None:
            args["float_tolerance"] = _tolerance(raw["float_tolerance"])
        if raw.get("time_precision") is not None:
            prec = raw["time_precision"]
            if isinstance(prec, str) and prec not in _PRECISION_NAMES:
                raise SpecError("time_precision", f"must be 0..9 or one of s, ms, us, ns, not {prec!r}")
            args["time_precision"] = _precision(_PRECISION_NAMES[prec] if isinstance(prec, str) else prec)
        if raw.get("naive_time_zone") is not None:
            args["naive_time_zone"] = _zone_name(raw["naive_time_zone"])
        if raw.get("strict_types") is not None:
            args["strict_types"] = _flag("strict_types", raw["strict_types"])
        return cls(**args)

    def to_dict(self) -> dict[str, Any]:
        """The JSON form, with only the options that differ from the defaults."""
        out: dict[str, Any] = {}
        if self.key is not None:
            out["key"] = list(self.key)
        if self.ordered:
            out["ordered"] = True
        if self.ignore:
            out["ignore"] = list(self.ignore)
        if self.rename:
            out["rename"] = dict(self.rename)
        if self.float_tolerance != DEFAULT_FLOAT_TOLERANCE:
            out["float_tolerance"] = self.float_tolerance
        if self.time_precision is not None:
            out["time_precision"] = self.time_precision
        if self.naive_time_zone != "UTC":
            out["naive_time_zone"] = self.naive_time_zone
        if self.strict_types:
            out["strict_types"] = True
        return out


def _string_tuple(option: str, value: Any) -> tuple[str, ...]:
    if not isinstance(value, list | tuple):
        raise SpecError(option, f"must be a list of field names, not {type(value).__name__}")
    return tuple(value)


def _check_names(option: str, names: tuple[Any, ...], *, allow_empty: bool) -> None:
    if not isinstance(names, tuple):
        raise SpecError(option, f"must be a list of field names, not {type(names).__name__}")
    if not names and not allow_empty:
        raise SpecError(option, "must name at least one field")
    for name in names:
        if not isinstance(name, str) or not name or any(not part for part in name.split(".")):
            raise SpecError(option, f"field names must be non-empty strings, not {name!r}")
        if "[" in name or "]" in name:
            raise SpecError(option, f"{name!r}: write paths without row keys or indexes, e.g. 'items.price'")


def _flag(option: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise SpecError(option, f"must be true or false, not {value!r}")
    return value


def _tolerance(tol: Any) -> float:
    if isinstance(tol, bool) or not isinstance(tol, int | float) or not math.isfinite(tol):
        raise SpecError("float_tolerance", f"must be a number, not {tol!r}")
    if not 0 <= tol < 1:
        raise SpecError("float_tolerance", f"must be at least 0 and below 1 (relative), not {tol!r}")
    return tol


def _precision(prec: Any) -> int:
    if isinstance(prec, bool) or not isinstance(prec, int) or not 0 <= prec <= 9:
        raise SpecError("time_precision", f"must be 0..9 fraction digits, not {prec!r}")
    return prec


def _zone_name(name: Any) -> str:
    if not isinstance(name, str) or not name:
        raise SpecError("naive_time_zone", f"must be a zone name such as 'UTC' or '+02:00', not {name!r}")
    return name


def _zone(name: Any) -> tzinfo:
    name = _zone_name(name)
    if name.upper() in ("UTC", "Z", "GMT"):
        return UTC
    match = _OFFSET.fullmatch(name)
    if match:
        sign, hours, minutes = match.groups()
        delta = timedelta(hours=int(hours), minutes=int(minutes))
        if delta >= timedelta(hours=24):
            raise SpecError("naive_time_zone", f"offset {name!r} is out of range")
        return timezone(-delta if sign == "-" else delta) if delta else UTC
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as err:
        raise SpecError(
            "naive_time_zone", f"unknown zone {name!r}; use 'UTC', an IANA name or an offset like '+02:00'"
        ) from err


DEFAULT_SPEC: Final = Spec()
