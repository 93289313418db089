"""The per-query comparison spec: validated once, frozen, hashable (so it can key caches and be shared).

Clients send it as JSON (``{"key": ["id"], "ordered": true}``); a wrong option is refused with a
:class:`SpecError` naming the option, never silently ignored, because a typo in ``ignore`` or ``key``
would otherwise turn into false mismatches or, worse, missed ones.

Every option is defined once, in :data:`OPTIONS`: its JSON schema, its README row, how it is read
(:meth:`Spec.from_dict`) and written (:meth:`Spec.to_dict`) all come from that table, so they cannot
drift apart (``tests/comparators/test_spec.py`` checks the README and the OpenAPI schema against it).

Path-scoped options (``ignore`` paths, ``ordered`` paths, ``types``) are compiled into one
:attr:`Spec.scope`: a set of canonical paths from the row, where ``ordered`` and ``types`` paths end
in a mark (:data:`ORDERED_MARK`, :data:`TYPE_MARK` + the type) that no field name can spell.
"""

from __future__ import annotations

import json
import math
import re
import zoneinfo
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, timedelta, timezone, tzinfo
from typing import Any, Final

from comparators.names import canonical_name

DEFAULT_FLOAT_TOLERANCE: Final = 1e-9
ORDERED_MARK: Final = "\x00ordered"
"""Ends a path of :attr:`Spec.scope`: the array there is compared in order."""
TYPE_MARK: Final = "\x00type:"
"""Ends a path of :attr:`Spec.scope` (followed by the type): the field there has a declared type."""
TYPES: Final = ("bool", "json", "epoch_s", "epoch_ms", "epoch_us", "text")
"""What ``types`` can declare a field to be."""

_PRECISION_NAMES: Final = {"s": 0, "ms": 3, "us": 6, "ns": 9}
_TYPE_WORDS: Final = ", ".join(f'"{t}"' for t in TYPES)
_OFFSET = re.compile(r"([+-])(\d{2}):?(\d{2})")


class SpecError(ValueError):
    """A spec option is unknown or has a value of the wrong type or range; ``option`` names it."""

    def __init__(self, option: str, message: str) -> None:
        super().__init__(f"spec option {option!r}: {message}")
        self.option = option


@dataclass(frozen=True, slots=True)
class Spec:
    """How to compare one query's results. Every option has a default that suits raw-SQL vs ORM pairs;
    :data:`OPTIONS` says what each means."""

    key: tuple[str, ...] | None = None
    ordered: bool = False
    ordered_paths: tuple[str, ...] = ()
    """Nested arrays compared in order (the JSON option ``ordered`` as a list, without ``""``)."""
    ignore: tuple[str, ...] = ()
    rename: tuple[tuple[str, str], ...] = ()
    types: tuple[tuple[str, str], ...] = ()
    float_tolerance: float = DEFAULT_FLOAT_TOLERANCE
    time_precision: int | None = None
    naive_time_zone: str = "UTC"
    strict_types: bool = False

    # Derived once here so the comparison loop reads plain attributes.
    ignore_names: frozenset[str] = field(init=False, compare=False, repr=False, default=frozenset())
    scope: frozenset[tuple[str, ...]] = field(init=False, compare=False, repr=False, default=frozenset())
    """``ignore`` paths, ``ordered`` paths and ``types`` paths, canonical, from the row."""
    scoped: bool = field(init=False, compare=False, repr=False, default=False)
    """Whether any path-scoped option is set (the engine then walks objects field by field)."""
    plan_rename: tuple[tuple[str, str], ...] = field(init=False, compare=False, repr=False, default=())
    """The renames to a plain name (the field plans' part of ``rename``)."""
    nested_rename: tuple[tuple[str, tuple[str, ...]], ...] = field(
        init=False, compare=False, repr=False, default=()
    )
    """The renames to a dotted ORM path (a flat join column read from a nested include)."""
    type_names: tuple[tuple[str, str], ...] = field(init=False, compare=False, repr=False, default=())
    """``types`` declared by bare name (canonical name, type): they apply at every level."""
    type_names_map: dict[str, str] = field(init=False, compare=False, repr=False, default_factory=dict)
    naive_tz: tzinfo | None = field(init=False, compare=False, repr=False, default=None)
    naive_is_utc: bool = field(init=False, compare=False, repr=False, default=True)
    """Whether times without an offset are UTC (a plain attribute: the instant rule reads it per pair)."""
    plan_memo: list[Any] = field(init=False, compare=False, repr=False, default_factory=lambda: [None])
    """(legacy keys, ORM keys, field plan) of the last one-row pair compared under this spec: a tuple
    compare instead of hashing both key tuples for the memoized ``field_plan`` (replaced whole, so a
    reader never sees half of one)."""
    strict_variant: Any = field(init=False, compare=False, repr=False, default=None)
    """This spec with ``strict_types`` on (what a field declared ``text`` is compared with)."""

    def __post_init__(self) -> None:
        _check_names("key", self.key or (), allow_empty=self.key is None)
        _check_names("ignore", self.ignore, allow_empty=True)
        _check_names("ordered", self.ordered_paths, allow_empty=True)
        for legacy, orm in self.rename:
            _check_names("rename", (legacy, orm), allow_empty=False)
            if "." in legacy:
                raise SpecError(
                    "rename", f"{legacy!r}: the legacy name is one field (only the ORM side nests)"
                )
        for name, kind in self.types:
            _check_names("types", (name,), allow_empty=False)
            if kind not in TYPES:
                raise SpecError(
                    "types", f"{name!r}: the type must be one of {_TYPE_WORDS}, not {_shown(kind)}"
                )
        _flag("ordered", self.ordered)
        _flag("strict_types", self.strict_types)
        _tolerance(self.float_tolerance)
        if self.time_precision is not None:
            _precision(self.time_precision)
        object.__setattr__(self, "naive_tz", _zone(self.naive_time_zone))
        object.__setattr__(self, "naive_is_utc", self.naive_tz is UTC)
        names = {canonical_name(n) for n in self.ignore if "." not in n}
        scope = {_path(n) for n in self.ignore if "." in n}
        scope.update((*_path(p), ORDERED_MARK) for p in self.ordered_paths)
        bare_types: dict[str, str] = {}
        for name, kind in self.types:
            if "." in name:
                scope.add((*_path(name), TYPE_MARK + kind))
            else:
                bare_types[canonical_name(name)] = kind
        object.__setattr__(self, "ignore_names", frozenset(names))
        object.__setattr__(self, "scope", frozenset(scope))
        object.__setattr__(self, "scoped", bool(scope or bare_types))
        object.__setattr__(self, "type_names", tuple(sorted(bare_types.items())))
        object.__setattr__(self, "type_names_map", bare_types)
        object.__setattr__(self, "plan_rename", tuple((a, b) for a, b in self.rename if "." not in b))
        object.__setattr__(
            self, "nested_rename", tuple((a, tuple(b.split("."))) for a, b in self.rename if "." in b)
        )
        object.__setattr__(
            self, "strict_variant", self if self.strict_types else replace(self, strict_types=True)
        )

    @property
    def rename_map(self) -> dict[str, str]:
        return dict(self.plan_rename)

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any] | None) -> Spec:
        """Build a spec from its JSON form; ``None`` or ``{}`` gives the defaults. An option set to
        ``null`` is absent."""
        if raw is None:
            return DEFAULT_SPEC
        if not isinstance(raw, Mapping):
            raise SpecError("spec", f"must be an object of comparison options, not {_shown(raw)}")
        unknown = sorted(set(raw) - set(OPTION_NAMES))
        if unknown:
            raise SpecError(str(unknown[0]), f"unknown option; the options are {', '.join(OPTION_NAMES)}")
        args: dict[str, Any] = {}
        # Each raw value is checked here, before the constructor sees it: compiled (mypyc), the
        # dataclass refuses an ill-typed field with a TypeError that names neither option nor fix.
        for option in OPTIONS:
            value = raw.get(option.name)
            if value is not None:
                args.update(option.parse(value))
        return cls(**args)

    def to_dict(self) -> dict[str, Any]:
        """The JSON form, with only the options that differ from the defaults."""
        out: dict[str, Any] = {}
        for option in OPTIONS:
            value = option.dump(self)
            if value is not None:
                out[option.name] = value
        return out

    def merged(self, inline: Mapping[str, Any]) -> Spec:
        """This (stored) spec with the options an inline spec gives replaced, option by option."""
        raw = self.to_dict()
        for name, value in inline.items():
            if value is None:
                raw.pop(name, None)
            else:
                raw[name] = value
        return Spec.from_dict(raw)


def _path(name: str) -> tuple[str, ...]:
    return tuple(canonical_name(p) for p in name.split("."))


# --- the option table ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Option:
    """One spec option: everything about it that any other place needs."""

    name: str
    type_doc: str
    """README "type, default" column."""
    meaning: str
    """README "meaning" column."""
    schema: dict[str, Any]
    """JSON schema of the value (``null`` is always allowed too: absent)."""
    parse: Callable[[Any], dict[str, Any]]
    """The JSON value -> constructor arguments (raises :class:`SpecError`)."""
    dump: Callable[[Spec], Any]
    """A spec -> its JSON value, None when it is the default."""
    accepts: str
    """Every form the value may take, in words that complete "must be ...": a value of none of them is
    refused with all of them (:func:`_refused`), not only with the form one check happened to test."""


FIELD_NAME_SCHEMA: Final[dict[str, Any]] = {"type": "string", "pattern": r"^[^.\[\]]+(\.[^.\[\]]+)*$"}
"""A field name or dotted path, without row keys or indexes."""
ONE_FIELD_SCHEMA: Final[dict[str, Any]] = {"type": "string", "pattern": r"^[^.\[\]]+$"}
"""One field name (no dots)."""


def _parse_key(value: Any) -> dict[str, Any]:
    return {"key": (value,) if isinstance(value, str) else _string_tuple("key", value)}


def _parse_ordered(value: Any) -> dict[str, Any]:
    if isinstance(value, bool):
        return {"ordered": value}
    paths = _string_tuple("ordered", value)
    return {"ordered": "" in paths, "ordered_paths": tuple(p for p in paths if p != "")}


def _dump_ordered(spec: Spec) -> Any:
    if spec.ordered_paths:
        return ([""] if spec.ordered else []) + list(spec.ordered_paths)
    return True if spec.ordered else None


def _parse_rename(value: Any) -> dict[str, Any]:
    if not isinstance(value, Mapping):
        raise _refused("rename", value)
    for pair in value.items():
        _check_names("rename", pair, allow_empty=False)
    return {"rename": tuple(value.items())}


def _parse_types(value: Any) -> dict[str, Any]:
    if not isinstance(value, Mapping):
        raise _refused("types", value)
    for name, kind in value.items():
        _check_names("types", (name,), allow_empty=False)
        if kind not in TYPES:
            raise SpecError("types", f"{name!r}: the type must be one of {_TYPE_WORDS}, not {_shown(kind)}")
    return {"types": tuple(value.items())}


def _parse_precision(value: Any) -> dict[str, Any]:
    if isinstance(value, str) and value not in _PRECISION_NAMES:
        raise _refused("time_precision", value)
    return {"time_precision": _precision(_PRECISION_NAMES[value] if isinstance(value, str) else value)}


OPTIONS: Final = (
    Option(
        "key",
        "field name or list of names, none",
        "match rows by these fields (legacy-side name or any spelling of it); rows are addressed as "
        "`[id=3]`, `[tenant=a,id=3]`",
        {"anyOf": [FIELD_NAME_SCHEMA, {"type": "array", "items": FIELD_NAME_SCHEMA, "minItems": 1}]},
        _parse_key,
        lambda s: None if s.key is None else list(s.key),
        accepts="a field name or a list of field names",
    ),
    Option(
        "ordered",
        '`true`, or a list of paths (`""` is the top level), `false`',
        "report a different order of the top-level rows (`__order__`) or of the nested arrays at these "
        "paths (kind `order`, at the top-level field)",
        {
            "anyOf": [
                {"type": "boolean"},
                {"type": "array", "items": {"anyOf": [{"const": ""}, FIELD_NAME_SCHEMA]}},
            ]
        },
        _parse_ordered,
        _dump_ordered,
        accepts='true, false or a list of paths ("" is the top level, "orders.items" a nested array)',
    ),
    Option(
        "ignore",
        "list of names or dotted paths, `[]`",
        "a bare name is ignored at every level; `settings.token` is a path from the row (row keys and "
        "array indexes are not written)",
        {"type": "array", "items": FIELD_NAME_SCHEMA},
        lambda v: {"ignore": _string_tuple("ignore", v)},
        lambda s: list(s.ignore) if s.ignore else None,
        accepts='a list of field names or dotted paths (one name too goes in a list: ["updated_at"])',
    ),
    Option(
        "rename",
        "object legacy name → ORM name or dotted ORM path, `{}`",
        "fields the ORM calls something else (at every level); a dotted target reads a flat join "
        'column from a nested include: `{"author_name": "author.name"}`',
        {"type": "object", "propertyNames": ONE_FIELD_SCHEMA, "additionalProperties": FIELD_NAME_SCHEMA},
        _parse_rename,
        lambda s: dict(s.rename) if s.rename else None,
        accepts="an object mapping legacy field names to ORM names or dotted ORM paths",
    ),
    Option(
        "types",
        "object field or path → " + ", ".join(f"`{t}`" for t in TYPES) + ", `{}`",
        "declare a field's representation: `bool` (also `Y`/`N`, `yes`/`no`, a one-byte bit string), "
        "`json` (JSON text of any value, `{}` = `[]`), `epoch_s`/`epoch_ms`/`epoch_us` (a number in "
        "that unit, also with a fraction), `text` (no coercion)",
        {"type": "object", "propertyNames": FIELD_NAME_SCHEMA, "additionalProperties": {"enum": list(TYPES)}},
        _parse_types,
        lambda s: dict(s.types) if s.types else None,
        accepts="an object mapping field names or dotted paths to one of " + _TYPE_WORDS,
    ),
    Option(
        "float_tolerance",
        "number in [0, 1), `1e-9`",
        "relative tolerance when a side is a JSON float",
        {"type": "number", "minimum": 0, "exclusiveMaximum": 1},
        lambda v: {"float_tolerance": _tolerance(v)},
        lambda s: None if s.float_tolerance == DEFAULT_FLOAT_TOLERANCE else s.float_tolerance,
        accepts="a number at least 0 and below 1 (relative)",
    ),
    Option(
        "time_precision",
        '0..9 fraction digits or `"s"`, `"ms"`, `"us"`, `"ns"`, none',
        "compare instants no finer than this (on top of the coarser-of-the-two rule)",
        {"anyOf": [{"enum": list(range(10))}, {"enum": list(_PRECISION_NAMES)}]},
        _parse_precision,
        lambda s: s.time_precision,
        accepts='0..9 fraction digits or one of "s", "ms", "us", "ns"',
    ),
    Option(
        "naive_time_zone",
        '`"UTC"`, an IANA name or `"+02:00"`, `"UTC"`',
        "the zone of times written without an offset",
        {
            "description": "UTC, an offset such as +02:00, or an IANA zone name",
            "anyOf": [
                {"enum": ["UTC", "Z", "GMT"]},
                {"type": "string", "pattern": r"^[+-](0\d|1\d|2[0-3]):?[0-5]\d$"},
            ],
        },
        lambda v: {"naive_time_zone": _zone_name(v)},
        lambda s: None if s.naive_time_zone == "UTC" else s.naive_time_zone,
        accepts='"UTC", an IANA zone name such as "Europe/Berlin" or an offset such as "+02:00"',
    ),
    Option(
        "strict_types",
        "bool, `false`",
        "coercions off: strings compare as written (no numbers, instants, durations, UUIDs, bytes, "
        "arrays or JSON read from text, no wrappers); field names stay canonical, JSON ints and floats "
        "stay numbers",
        {"type": "boolean"},
        lambda v: {"strict_types": _flag("strict_types", v)},
        lambda s: True if s.strict_types else None,
        accepts="true or false",
    ),
)
OPTION_NAMES: Final = tuple(o.name for o in OPTIONS)
_BY_NAME: Final = {o.name: o for o in OPTIONS}


def json_schema() -> dict[str, Any]:
    """The JSON schema of a spec (the OpenAPI document's), from :data:`OPTIONS`."""
    return {
        "type": "object",
        "description": "comparison options (comparators.Spec); an inline spec is merged over the stored "
        "one, option by option",
        "additionalProperties": False,
        "properties": {o.name: {"anyOf": [{"type": "null"}, o.schema]} for o in OPTIONS},
    }


def readme_table() -> str:
    """The README's table of spec options, from :data:`OPTIONS`."""
    lines = ["| option | type, default | meaning |", "| --- | --- | --- |"]
    lines.extend(f"| `{o.name}` | {o.type_doc} | {o.meaning} |" for o in OPTIONS)
    return "\n".join(lines)


# --- checks --------------------------------------------------------------------------------------------


def _shown(value: Any) -> str:
    """A refused value as its sender wrote it: JSON (``null``, ``true``, ``"5"``), cut at 60 characters."""
    try:
        text = json.dumps(value, ensure_ascii=False, default=repr)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _refused(option: str, value: Any) -> SpecError:
    """The refusal of a value of none of the option's forms, naming every form it accepts."""
    return SpecError(option, f"must be {_BY_NAME[option].accepts}, not {_shown(value)}")


def _string_tuple(option: str, value: Any) -> tuple[str, ...]:
    if not isinstance(value, list | tuple):
        raise _refused(option, value)
    for item in value:  # (before the typed tuple: compiled, a non-string would be a bare TypeError)
        if not isinstance(item, str):
            raise SpecError(option, f"each entry must be a string, not {_shown(item)}")
    return tuple(value)


def _check_names(option: str, names: tuple[Any, ...], *, allow_empty: bool) -> None:
    if not isinstance(names, tuple):
        raise _refused(option, names)
    if not names and not allow_empty:
        raise SpecError(option, "must name at least one field")
    for name in names:
        if not isinstance(name, str) or not name or any(not part for part in name.split(".")):
            raise SpecError(option, f"field names must be non-empty strings, not {_shown(name)}")
        if "[" in name or "]" in name:
            raise SpecError(option, f"{name!r}: write paths without row keys or indexes, e.g. 'items.price'")


def _flag(option: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise _refused(option, value)
    return value


def _tolerance(tol: Any) -> float:
    if (
        isinstance(tol, bool)
        or not isinstance(tol, int | float)
        or not math.isfinite(tol)
        or not 0 <= tol < 1
    ):
        raise _refused("float_tolerance", tol)
    return float(tol)


def _precision(prec: Any) -> int:
    if isinstance(prec, bool) or not isinstance(prec, int) or not 0 <= prec <= 9:
        raise _refused("time_precision", prec)
    return prec


def _zone_name(name: Any) -> str:
    if not isinstance(name, str) or not name:
        raise _refused("naive_time_zone", name)
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
            raise SpecError("naive_time_zone", f"offset {_shown(name)} is out of range (at most 23:59)")
        return timezone(-delta if sign == "-" else delta) if delta else UTC
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as err:
        raise SpecError(
            "naive_time_zone", f"unknown zone {_shown(name)}; use {_BY_NAME['naive_time_zone'].accepts}"
        ) from err


DEFAULT_SPEC: Final = Spec()
