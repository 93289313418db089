"""The fast path: is the pair equal under the rules? Answers without building any report.

Unequal pairs are rare, so this is where the time goes. It is ordered so that the common case costs
almost nothing: values that are already equal (``==`` on the same type: this is also what keeps
``True`` from equalling ``1``) are never normalized, a string is classified only when the two sides
differ, and the cheapest rule that can decide is asked first. Object key pairings come from the
memoized :func:`comparators.fields.field_plan`, so rows of one query share one.
"""

from __future__ import annotations

from operator import eq
from typing import Any

import orjson

from comparators import columns, match
from comparators.fields import FieldPlan, child_ignores, field_plan
from comparators.normalize import (
    duration_of,
    float_of_text,
    instant_of,
    instants_equal,
    json_of_text,
    looks_like_duration,
    number_of_text,
    numbers_equal,
    same_instant_text,
    same_utc_instant,
    uuids_equal,
)
from comparators.spec import Spec

Ignores = frozenset[tuple[str, ...]] | None
_NUMBER_START = frozenset("-0123456789")


def values_equal(legacy: Any, orm: Any, spec: Spec, ignores: Ignores = None) -> bool:
    """Whether two JSON values are equal under the rules. ``ignores``: ``ignore`` paths still open here."""
    kind = type(legacy)
    if kind is type(orm):
        if kind is dict:
            return objects_equal(legacy, orm, spec, ignores)
        if kind is list:
            return arrays_equal(legacy, orm, spec, ignores)
        if legacy == orm:
            return True
        if kind is str:
            return not spec.strict_types and texts_equal(legacy, orm, spec, ignores)
        if kind is float:
            return numbers_equal(legacy, orm, spec.float_tolerance)
        return False
    return mixed_equal(legacy, orm, spec, ignores)


def objects_equal(
    legacy: dict[str, Any],
    orm: dict[str, Any],
    spec: Spec,
    ignores: Ignores = None,
    plan: FieldPlan | None = None,
    seen: dict[tuple[str, str], bool] | None = None,
) -> bool:
    """``seen``: verdicts on pairs of differing strings already read in this result. Rows repeat
    values (dates, statuses, amounts), and a dictionary lookup is cheaper than a rule."""
    if plan is None:
        keys = tuple(legacy)
        if not spec.rename and keys == tuple(orm) and same_json(legacy, orm):
            return True
        plan = field_plan(keys, tuple(orm), spec.rename, spec.ignore_names)
    if not plan.complete:
        return False
    if ignores:
        return _objects_equal_ignoring(legacy, orm, spec, ignores, plan)
    return first_unequal(legacy, orm, spec, plan.matched, 0, seen) < 0


def first_unequal(
    legacy: dict[str, Any],
    orm: dict[str, Any],
    spec: Spec,
    matched: tuple[tuple[str, str], ...],
    start: int,
    seen: dict[tuple[str, str], bool] | None = None,
) -> int:
    """The index in ``matched`` of the first field pair from ``start`` on whose values differ, or -1.

    The hot loop of the whole engine: the common spellings are decided inline, the rest by a rule.
    """
    strict = spec.strict_types
    for index in range(start, len(matched)):
        legacy_key, orm_key = matched[index]
        a = legacy[legacy_key]
        b = orm[orm_key]
        kind = type(a)
        if kind is type(b):
            if kind is str:
                if a == b:
                    continue
                if strict:
                    return index
                if seen is None:
                    if texts_equal(a, b, spec, None):
                        continue
                    return index
                verdict = seen.get((a, b))
                if verdict is None:
                    verdict = seen[a, b] = texts_equal(a, b, spec, None)
                if verdict:
                    continue
                return index
            if kind is dict:
                if objects_equal(a, b, spec):
                    continue
                return index
            if kind is list:
                if arrays_equal(a, b, spec, None):
                    continue
                return index
            if a == b or (kind is float and numbers_equal(a, b, spec.float_tolerance)):
                continue
            return index
        if kind is str and not strict:
            other = type(b)
            if other is int:
                if a == str(b):  # int8 as text, in the one canonical spelling
                    continue
                number = number_of_text(a)
                if number is not None and number == b:
                    continue
                return index
            if other is float:
                value = float_of_text(a)
                if value is not None and (value == b or numbers_equal(value, b, spec.float_tolerance)):
                    continue
                return index
            if other is dict or other is list:  # a json column read as text
                if not spec.rename and _json_text_is(a, b):
                    continue
                parsed = json_of_text(a)
                if parsed is not None and values_equal(parsed, b, spec):
                    continue
                return index
        if not mixed_equal(a, b, spec, None):
            return index
    return -1


def _objects_equal_ignoring(
    legacy: dict[str, Any],
    orm: dict[str, Any],
    spec: Spec,
    ignores: frozenset[tuple[str, ...]],
    plan: FieldPlan,
) -> bool:
    for entry in plan.entries:
        below = child_ignores(ignores, entry)
        if below is None:
            continue
        assert entry.legacy is not None and entry.orm is not None  # plan.complete
        if not values_equal(legacy[entry.legacy], orm[entry.orm], spec, below):
            return False
    return True


def arrays_equal(legacy: list[Any], orm: list[Any], spec: Spec, ignores: Ignores) -> bool:
    """Nested arrays: of objects, matched like rows (order does not count); of anything else, by position."""
    if len(legacy) != len(orm):
        return False
    unequal = columns.unequal_rows(legacy, orm, spec, ignores, values_equal)
    if unequal is not None:
        if not unequal:
            return True
        matching = match.match_rows(
            legacy, orm, spec, ignores, key=None, equal=values_equal, unequal_at=unequal
        )
        return rows_matched_equal(matching, legacy, orm, spec, ignores)
    prefix = equal_prefix(legacy, orm, spec, ignores)
    if prefix == len(legacy):
        return True
    if not (_all_objects(legacy) and _all_objects(orm)):
        return False
    matching = match.match_rows(
        legacy, orm, spec, ignores, key=None, equal=values_equal, prefix=prefix, prefix_stopped=True
    )
    return rows_matched_equal(matching, legacy, orm, spec, ignores)


def equal_prefix(legacy: list[Any], orm: list[Any], spec: Spec, ignores: Ignores) -> int:
    """How many leading rows are equal position by position (stops at the first that is not).

    Reuses one key pairing while consecutive rows share their key sets.
    """
    last_a: dict[str, Any] | None = None
    last_b: dict[str, Any] | None = None
    plan: FieldPlan | None = None
    seen: dict[tuple[str, str], bool] | None = {} if len(legacy) > 1 else None
    for index, (a, b) in enumerate(zip(legacy, orm, strict=False)):
        if type(a) is dict and type(b) is dict:
            # Same keys in the same order as the last row pair: the same plan (no tuples to build).
            if plan is None or not (_same_keys(a, last_a) and _same_keys(b, last_b)):
                plan = field_plan(tuple(a), tuple(b), spec.rename, spec.ignore_names)
                last_a, last_b = a, b
            if not plan.complete:
                return index
            if ignores:
                if not _objects_equal_ignoring(a, b, spec, ignores, plan):
                    return index
            elif first_unequal(a, b, spec, plan.matched, 0, seen) >= 0:
                return index
        elif not values_equal(a, b, spec, ignores):
            return index
    return min(len(legacy), len(orm))


def _same_keys(a: dict[str, Any], b: dict[str, Any] | None) -> bool:
    """Whether two objects have the same keys in the same order (``==`` on key views ignores order)."""
    return b is not None and len(a) == len(b) and all(map(eq, a, b))


def rows_matched_equal(
    matching: match.RowMatching, legacy: list[Any], orm: list[Any], spec: Spec, ignores: Ignores
) -> bool:
    """Whether a matching pairs every row, each with an equal one."""
    if matching.legacy_only or matching.orm_only or matching.known_unequal:
        return False
    return all(values_equal(legacy[i], orm[j], spec, ignores) for i, j in matching.unverified)


def _all_objects(values: list[Any]) -> bool:
    return all(type(v) is dict for v in values)


def same_json(legacy: Any, orm: Any) -> bool:
    """Whether both serialize to the same JSON bytes: equal under every rule, at C speed.

    Unlike ``==`` this keeps ``true`` apart from ``1``. Only a shortcut: False says nothing.
    Callers skip it under ``rename``, where the same spelling on both sides is not the same field.
    """
    try:
        return orjson.dumps(legacy) == orjson.dumps(orm)
    except orjson.JSONEncodeError:  # integers beyond 64 bits, which orjson.loads never gives
        return False


def _json_text_is(text: str, value: dict[str, Any] | list[Any]) -> bool:
    """Whether JSON text holds exactly ``value``, spelled the same (no rule needed): one parse, two dumps."""
    try:
        return orjson.dumps(orjson.loads(text)) == orjson.dumps(value)
    except (orjson.JSONDecodeError, orjson.JSONEncodeError):
        return False


def texts_equal(legacy: str, orm: str, spec: Spec, ignores: Ignores) -> bool:
    """Two different strings: equal only if some rule reads both as the same value.

    The first characters and the length pick the one rule that can apply, so most strings are
    classified by at most one regular expression per side.
    """
    size = len(legacy)
    if size == 36 and len(orm) == 36 and legacy[8] == "-" and uuids_equal(legacy, orm):
        return True
    if size >= 10 and legacy[4] == "-" and legacy[7] == "-":
        # Only an instant can start like this (a UUID has its first dash at 8, a number none at 4).
        if not (len(orm) >= 10 and orm[4] == "-" and orm[7] == "-"):
            return False
        if size != 10 and len(orm) != 10 and same_utc_instant(legacy, orm):  # (a date alone: below)
            return True
        quick = same_instant_text(legacy, orm, spec.time_precision, spec.naive_is_utc)
        if quick is not None:
            return quick
        a = instant_of(legacy, spec.naive_tz)
        b = instant_of(orm, spec.naive_tz) if a is not None else None
        return b is not None and a is not None and instants_equal(a, b, spec.time_precision)
    first = legacy[:1]
    if first in _NUMBER_START and first:
        number = number_of_text(legacy)
        if number is not None:
            other = number_of_text(orm)
            return other is not None and numbers_equal(number, other, spec.float_tolerance)
    if looks_like_duration(legacy) and looks_like_duration(orm):
        length = duration_of(legacy)
        if length is not None:
            return length == duration_of(orm)
    parsed = json_of_text(legacy)
    if parsed is not None:
        other_parsed = json_of_text(orm)
        return other_parsed is not None and values_equal(parsed, other_parsed, spec, ignores)
    return False


def mixed_equal(legacy: Any, orm: Any, spec: Spec, ignores: Ignores) -> bool:
    """Values of different Python types: numbers across int/float, and text that holds a number or JSON."""
    legacy_kind, orm_kind = type(legacy), type(orm)
    if legacy_kind is bool or orm_kind is bool or legacy is None or orm is None:
        return False
    if legacy_kind is str:
        return not spec.strict_types and _text_vs_value(legacy, orm, spec, ignores, text_is_legacy=True)
    if orm_kind is str:
        return not spec.strict_types and _text_vs_value(orm, legacy, spec, ignores, text_is_legacy=False)
    if legacy_kind in (int, float) and orm_kind in (int, float):
        return numbers_equal(legacy, orm, spec.float_tolerance)
    return False


def _text_vs_value(text: str, other: Any, spec: Spec, ignores: Ignores, *, text_is_legacy: bool) -> bool:
    kind = type(other)
    if kind is int:
        number = number_of_text(text)
        return number is not None and number == other
    if kind is float:
        value = float_of_text(text)
        return value is not None and numbers_equal(value, other, spec.float_tolerance)
    if kind is dict or kind is list:
        parsed = json_of_text(text)
        if parsed is None:
            return False
        if text_is_legacy:
            return values_equal(parsed, other, spec, ignores)
        return values_equal(other, parsed, spec, ignores)
    return False
