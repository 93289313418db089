"""What a comparison reports: a closed set of difference kinds, field labels and paths.

The report is a view separate from the engine (as deepdiff separates ``REPORT_KEYS`` from its tree):
the engine decides *that* two values differ, this module decides how that is named for metrics
(``field``, a small set) and for people (``path``, exact).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any, Final, final

import orjson


@final
class _Missing:
    """The type of :data:`MISSING`: a key absent from an object, which is not the same as ``null``."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "MISSING"

    def __bool__(self) -> bool:
        return False

    def __reduce__(self) -> str:
        # copy/deepcopy/pickle hand back the module's one instance, so ``value is MISSING`` holds.
        return "MISSING"


MISSING: Final = _Missing()
"""Stands for a value that is not there (a key absent on one side); distinct from ``None`` (JSON null)."""

MISSING_WIRE: Final = "__missing__"
"""How :data:`MISSING` is written on the wire, so a reader can tell an absent key from a ``null`` one."""

ROW_FIELD: Final = "__row__"
ORDER_FIELD: Final = "__order__"
RESULT_FIELD: Final = "__result__"


class Kind(enum.StrEnum):
    """The closed set of difference kinds; a report never holds any other."""

    CHANGED = "changed"
    """Both sides hold a value of the same kind (or one is null) and no rule makes them equal."""
    TYPE = "type"
    """The two values are of kinds no rule relates: text vs number, object vs list, bool vs number."""
    MISSING = "missing"
    """A key (or a position of an array of scalars) is present on one side only, even if its value is null."""
    MISSING_ROW = "missing_row"
    """A row (or an element of a nested array of objects) the legacy side has and the ORM side lacks."""
    EXTRA_ROW = "extra_row"
    """A row (or nested element) the ORM side has and the legacy side lacks."""
    ORDER = "order"
    """Both sides hold the same rows, in a different order, and the spec says order matters."""


@dataclass(frozen=True, slots=True)
class Difference:
    """One difference: ``field`` names it for metrics (bounded), ``path`` says exactly where it is.

    ``legacy``/``orm`` are the values as the two sides sent them (not normalized), :data:`MISSING`
    when the side has nothing there.
    """

    field: str
    kind: Kind
    path: str
    legacy: Any
    orm: Any

    def to_wire(self) -> dict[str, Any]:
        """JSON-able form ``{field, kind, path, legacy, orm}``; :data:`MISSING` becomes ``"__missing__"``."""
        return {
            "field": self.field,
            "kind": str(self.kind),
            "path": self.path,
            "legacy": MISSING_WIRE if self.legacy is MISSING else self.legacy,
            "orm": MISSING_WIRE if self.orm is MISSING else self.orm,
        }


@dataclass(frozen=True, slots=True)
class SpecWarning:
    """A spec option that could not apply to the rows it met (a ``key`` field no row has, an
    ``ignore`` or ``rename`` that matched nothing): named, never silently ignored."""

    option: str
    message: str

    def to_wire(self) -> dict[str, str]:
        return {"option": self.option, "message": self.message}


@dataclass(frozen=True, slots=True)
class Comparison:
    """The outcome of one comparison; ``equal`` is true exactly when there are no differences.

    ``normalized``: (rule name, the legacy-side top-level fields it made equal), in rule order;
    ``warnings``: spec options that matched nothing."""

    equal: bool
    differences: tuple[Difference, ...] = ()
    normalized: tuple[tuple[str, tuple[str, ...]], ...] = ()
    warnings: tuple[SpecWarning, ...] = ()

    def normalized_wire(self) -> dict[str, list[str]]:
        """``{rule: [fields]}`` as the pair's answer carries it."""
        return {rule: list(fields) for rule, fields in self.normalized}

    @property
    def fields(self) -> tuple[str, ...]:
        """The distinct field labels, in report order: one metric increment each."""
        return tuple(dict.fromkeys([d.field for d in self.differences]))


EQUAL: Final = Comparison(equal=True)


def key_label(names: tuple[str, ...], values: tuple[Any, ...]) -> str:
    """``[id=3]`` or ``[tenant=a,id=3]``: a row addressed by its key, as a person would look it up."""
    if len(names) == 1 and len(values) == 1:  # the usual single key, without a generator
        return f"[{names[0]}={_scalar_text(values[0])}]"
    parts = ",".join(f"{n}={_scalar_text(v)}" for n, v in zip(names, values, strict=True))
    return f"[{parts}]"


def index_label(index: int) -> str:
    return f"[{index}]"


def join(path: str, name: str) -> str:
    """Path of a member of an object at ``path`` (the root object has the empty path)."""
    return f"{path}.{name}" if path else name


def _scalar_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if type(value) is int:  # (not bool) its JSON spelling
        return str(value)
    if value is MISSING:
        return MISSING_WIRE
    return orjson.dumps(value).decode()
