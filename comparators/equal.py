"""The fast path: is the pair equal under the rules, and which rules made it so? No report is built.

Every function here returns a *verdict*: :data:`~comparators.rules.NO` (-1) when the values differ,
else the bit mask of the rules that made them equal (:data:`~comparators.rules.SAME`, 0, when none
was needed). Unequal pairs are rare, so the order is chosen for the common case: values that are
already equal (``==`` on the same type: this is also what keeps ``True`` from equalling ``1``) are
never normalized, a string is classified only when the two sides differ, and the cheapest rule that
can decide is asked first. Each rule lives in its family's module (:mod:`comparators.numbers`,
:mod:`~comparators.booleans`, :mod:`~comparators.instants`, :mod:`~comparators.durations`,
:mod:`~comparators.binary`, :mod:`~comparators.text_arrays`, :mod:`~comparators.wrappers`,
:mod:`~comparators.json_text`, :mod:`~comparators.uuids`); this module only dispatches.

``scope``: None on the fast loops; a frozenset (maybe empty) when the spec has path-scoped options
(``ignore`` paths, ``ordered`` paths, ``types``): the paths still open at this level, see
:mod:`comparators.spec`.
"""

from __future__ import annotations

from operator import eq
from typing import Any

import orjson

from comparators import columns, match
from comparators.binary import bytes_rules, looks_marked, marked_bytes_of
from comparators.booleans import boolean_rules, boolean_texts_rules
from comparators.durations import duration_of, duration_rules, looks_like_duration, parts_duration
from comparators.fields import FieldEntry, FieldPlan, child_scope, field_plan
from comparators.instants import (
    epoch_equal,
    epoch_quick,
    epoch_rules,
    instant_of,
    instant_texts_rules,
    jackson_array_text,
    looks_like_clock,
    looks_like_instant,
    placeholder_times_equal,
    same_instant_text,
    same_utc_instant,
    time_of_day_equal,
    time_of_day_quick,
    times_of_day_equal,
)
from comparators.json_text import declared_json_of, json_of_text, json_text_is
from comparators.numbers import (
    float32_equal,
    float_of_text,
    looks_like_money,
    money_rules,
    number_of_text,
    number_rules,
    numbers_equal,
    special_double_equal,
)
from comparators.rules import (
    BYTES,
    DURATION,
    EPOCH,
    FLOAT32,
    INSTANT,
    JSON_TEXT,
    NO,
    NUMBER,
    SAME,
    TIME_OF_DAY,
    UUID,
)
from comparators.spec import ORDERED_MARK, TYPE_MARK, Spec
from comparators.text_arrays import array_text_rules
from comparators.uuids import UUID_LENGTHS, uuid_rules, uuids_equal
from comparators.wrappers import looks_wrapped, unwrap

Scope = frozenset[tuple[str, ...]] | None
_NUMBER_START = frozenset("-0123456789")
_SPECIAL_ENDS = frozenset({"NaN", "ity"})


def values_equal(legacy: Any, orm: Any, spec: Spec, scope: Scope = None) -> bool:
    """Whether two JSON values are equal under the rules (the verdict without the rules' names)."""
    return value_rules(legacy, orm, spec, scope) >= 0


def value_rules(legacy: Any, orm: Any, spec: Spec, scope: Scope = None) -> int:
    """The verdict on two JSON values."""
    kind = type(legacy)
    if kind is type(orm):
        if kind is dict:
            return object_rules(legacy, orm, spec, scope)
        if kind is list:
            return array_rules(legacy, orm, spec, scope)
        if legacy == orm:
            return SAME
        if kind is str:
            return NO if spec.strict_types else text_rules(legacy, orm, spec)
        if kind is float:
            if spec.strict_types:
                return NUMBER if numbers_equal(legacy, orm, spec.float_tolerance) else NO
            return number_rules(legacy, orm, spec.float_tolerance)
        return NO
    return mixed_rules(legacy, orm, spec, scope)


def object_rules(
    legacy: dict[str, Any],
    orm: dict[str, Any],
    spec: Spec,
    scope: Scope = None,
    plan: FieldPlan | None = None,
    seen: dict[tuple[str, str], int] | None = None,
) -> int:
    """Two objects: field by field; when that fails, as wrappers, bytes or durations spelled as objects.

    ``seen``: verdicts on pairs of differing strings already read in this result. Rows repeat
    values (dates, statuses, amounts), and a dictionary lookup is cheaper than a rule."""
    if plan is None:
        keys = tuple(legacy)
        if not spec.plan_rename and keys == tuple(orm) and same_json(legacy, orm):
            return SAME
        plan = field_plan(keys, tuple(orm), spec.plan_rename, spec.ignore_names)
    if plan.complete:
        box = [0]
        if scope is not None:
            if scoped_fields_rules(legacy, orm, spec, scope, plan, None, box) < 0:
                return box[0]
        elif first_unequal(legacy, orm, spec, plan.matched, 0, seen, box, False) < 0:
            return box[0]
    if spec.strict_types:
        return NO
    return _special_objects_rules(legacy, orm, spec, scope)


def first_unequal(
    legacy: dict[str, Any],
    orm: dict[str, Any],
    spec: Spec,
    matched: tuple[tuple[str, str], ...],
    start: int,
    seen: dict[tuple[str, str], int] | None = None,
    acc: list[int] | None = None,
    per_field: bool = False,
) -> int:
    """The index in ``matched`` of the first field pair from ``start`` on whose values differ, or -1.

    The hot loop of the whole engine: the common spellings are decided inline, the rest by a rule.
    ``acc`` collects the rules used: per field (``acc[index]``) with ``per_field``, else all in
    ``acc[0]``.
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
                    found = text_rules(a, b, spec)
                else:
                    cached = seen.get((a, b))
                    if cached is None:
                        found = seen[a, b] = text_rules(a, b, spec)
                    else:
                        found = cached
            elif kind is dict:
                found = object_rules(a, b, spec)
            elif kind is list:
                found = array_rules(a, b, spec, None)
            elif a == b:
                continue
            elif kind is float:
                found = value_rules(a, b, spec)
            else:
                return index
        elif kind is str and type(b) is int and not strict and a == str(b):
            found = NUMBER  # int8 as text, in the one canonical spelling
        else:
            found = mixed_rules(a, b, spec, None)
        if found < 0:
            return index
        if found and acc is not None:
            if per_field:
                acc[index] |= found
            else:
                acc[0] |= found
    return -1


def scoped_fields_rules(
    legacy: dict[str, Any],
    orm: dict[str, Any],
    spec: Spec,
    scope: frozenset[tuple[str, ...]],
    plan: FieldPlan,
    hits: dict[str, int] | None,
    box: list[int] | None,
) -> int:
    """:func:`first_unequal` under path-scoped options: each field with the paths open below it, and
    the type its ``types`` declaration gives. -1 when all fields are equal, else 0 (unequal)."""
    for entry in plan.entries:
        below = child_scope(scope, entry)
        if below is None:
            continue
        assert entry.legacy is not None and entry.orm is not None  # plan.complete
        declared = declared_type(spec, entry, below)
        a, b = legacy[entry.legacy], orm[entry.orm]
        if declared is None:
            found = value_rules(a, b, spec, below)
        else:
            found = declared_rules(a, b, declared, spec, below)
        if found < 0:
            return 0
        if found:
            if hits is not None:
                hits[entry.label] = hits.get(entry.label, 0) | found
            if box is not None:
                box[0] |= found
    return -1


def declared_type(spec: Spec, entry: FieldEntry, below: frozenset[tuple[str, ...]]) -> str | None:
    """The type a ``types`` declaration gives this field (by a path ending here, or by its name)."""
    for path in below:
        if len(path) == 1 and path[0][:1] == "\x00" and path[0].startswith(TYPE_MARK):
            return path[0][len(TYPE_MARK) :]
    if spec.type_names:
        for name in entry.names:
            found = spec.type_names_map.get(name)
            if found is not None:
                return found
    return None


def declared_rules(a: Any, b: Any, declared: str, spec: Spec, scope: Scope) -> int:
    """Two values of a field whose representation the spec declares (``types``)."""
    if declared == "text":
        return value_rules(a, b, spec.strict_variant, scope)
    if declared == "json":
        found = value_rules(a, b, spec, scope)
        if found >= 0:
            return found
        found = value_rules(declared_json_of(a), declared_json_of(b), spec, scope)
        return NO if found < 0 else found | JSON_TEXT
    if declared == "bool":
        for flag, other in ((a, b), (b, a)):
            if type(flag) is bool and type(other) is not bool:
                return boolean_rules(flag, other, declared=True)
        if type(a) is str and type(b) is str and a != b:
            return boolean_texts_rules(a, b, declared=True)
        return value_rules(a, b, spec, scope)
    units = {"epoch_s": (0,), "epoch_ms": (3,), "epoch_us": (6,)}.get(declared)
    if units is not None:
        for number, text in ((a, b), (b, a)):
            if type(text) is not str or not looks_like_instant(text):
                continue
            value: Any = number
            if type(number) is str:
                value = number_of_text(number)
            if value is None or type(value) is bool or type(value) is str:
                continue
            moment = instant_of(text, spec.naive_tz)
            if moment is not None:  # a number against an instant: in the declared unit only
                return EPOCH if epoch_equal(value, moment, spec.time_precision, units) else NO
    return value_rules(a, b, spec, scope)


def _special_objects_rules(a: dict[str, Any], b: dict[str, Any], spec: Spec, scope: Scope) -> int:
    """Two objects that are not equal field by field: wrappers, bytes objects, objects of parts."""
    left = unwrap(a) if looks_wrapped(a) else None
    right = unwrap(b) if looks_wrapped(b) else None
    if left is not None or right is not None:
        found = value_rules(a if left is None else left[1], b if right is None else right[1], spec, scope)
        if found < 0:
            return NO
        return found | (0 if left is None else left[0]) | (0 if right is None else right[0])
    octets = marked_bytes_of(a)
    other_octets = marked_bytes_of(b)
    if octets is not None or other_octets is not None:
        # ({} is an empty Uint8Array as JSON.stringify writes it, against empty bytes)
        if octets is None and not a:
            octets = b""
        if other_octets is None and not b:
            other_octets = b""
        return BYTES if octets == other_octets else NO
    length = parts_duration(a)
    if length is not None:
        return DURATION if length == parts_duration(b) else NO
    return NO


def array_rules(legacy: list[Any], orm: list[Any], spec: Spec, scope: Scope) -> int:
    """Nested arrays: of objects, matched like rows (order counts only at an ``ordered`` path); of
    anything else, by position."""
    if len(legacy) != len(orm):
        return NO
    elements = scope
    if scope is not None and scope:
        elements = frozenset(p for p in scope if not (len(p) == 1 and p[0][:1] == "\x00"))
        if (ORDERED_MARK,) in scope:
            mask = 0
            for a, b in zip(legacy, orm, strict=True):
                found = value_rules(a, b, spec, elements)
                if found < 0:
                    return NO
                mask |= found
            return mask
    hits: dict[str, int] = {}
    unequal = columns.unequal_rows(legacy, orm, spec, elements, hits, value_rules)
    if unequal is not None:
        mask = _mask_of(hits)
        if not unequal:
            return mask
        matching = match.match_rows(
            legacy, orm, spec, elements, key=None, equal=values_equal, unequal_at=unequal
        )
        found = rows_matched_rules(matching, legacy, orm, spec, elements, hits)
        return NO if found < 0 else _mask_of(hits)
    prefix = equal_prefix(legacy, orm, spec, elements, hits)
    if prefix == len(legacy):
        return _mask_of(hits)
    if not (_all_objects(legacy) and _all_objects(orm)):
        return NO
    matching = match.match_rows(
        legacy, orm, spec, elements, key=None, equal=values_equal, prefix=prefix, prefix_stopped=True
    )
    found = rows_matched_rules(matching, legacy, orm, spec, elements, hits)
    return NO if found < 0 else _mask_of(hits)


def _mask_of(hits: dict[str, int]) -> int:
    mask = 0
    for found in hits.values():
        mask |= found
    return mask


def row_rules(a: Any, b: Any, spec: Spec, scope: Scope, hits: dict[str, int] | None) -> int:
    """Two rows: the verdict, with the rules used recorded per field (legacy-side name) in ``hits``."""
    if type(a) is not dict or type(b) is not dict:
        found = value_rules(a, b, spec, scope)
        if found > 0 and hits is not None:
            hits[""] = hits.get("", 0) | found
        return found
    keys = tuple(a)
    if scope is None and not spec.plan_rename and keys == tuple(b) and same_json(a, b):
        return SAME
    plan = field_plan(keys, tuple(b), spec.plan_rename, spec.ignore_names)
    if plan.complete:
        if scope is not None:
            if scoped_fields_rules(a, b, spec, scope, plan, hits, None) < 0:
                return SAME
        else:
            acc = [0] * len(plan.matched)
            if first_unequal(a, b, spec, plan.matched, 0, None, acc, True) < 0:
                if hits is not None:
                    fold(acc, plan, hits)
                return SAME
    if spec.strict_types:
        return NO
    found = _special_objects_rules(a, b, spec, scope)
    if found > 0 and hits is not None:
        hits[""] = hits.get("", 0) | found
    return found


def fold(acc: list[int], plan: FieldPlan, hits: dict[str, int]) -> None:
    """Per-field masks of ``plan.matched`` into ``hits`` by legacy-side name."""
    for index, found in enumerate(acc):
        if found:
            name = plan.matched[index][0]
            hits[name] = hits.get(name, 0) | found


def equal_prefix(
    legacy: list[Any], orm: list[Any], spec: Spec, scope: Scope, hits: dict[str, int] | None = None
) -> int:
    """How many leading rows are equal position by position (stops at the first that is not).

    Reuses one key pairing while consecutive rows share their key sets.
    """
    last_a: dict[str, Any] | None = None
    last_b: dict[str, Any] | None = None
    plan: FieldPlan | None = None
    acc: list[int] = []
    seen: dict[tuple[str, str], int] | None = {} if len(legacy) > 1 else None
    stop = min(len(legacy), len(orm))
    for index in range(stop):
        a = legacy[index]
        b = orm[index]
        if type(a) is dict and type(b) is dict:
            # Same keys in the same order as the last row pair: the same plan (no tuples to build).
            if plan is None or not (_same_keys(a, last_a) and _same_keys(b, last_b)):
                if plan is not None and hits is not None:
                    fold(acc, plan, hits)
                plan = field_plan(tuple(a), tuple(b), spec.plan_rename, spec.ignore_names)
                acc = [0] * len(plan.matched)
                last_a, last_b = a, b
            if not plan.complete:
                if (not looks_wrapped(a) and not looks_wrapped(b)) or row_rules(a, b, spec, scope, hits) < 0:
                    stop = index
                    break
                continue
            if scope is not None:
                unequal = scoped_fields_rules(a, b, spec, scope, plan, hits, None) >= 0
            else:
                unequal = first_unequal(a, b, spec, plan.matched, 0, seen, acc, True) >= 0 and (
                    (not looks_wrapped(a) and not looks_wrapped(b)) or row_rules(a, b, spec, scope, hits) < 0
                )
            if unequal:
                stop = index
                break
        elif row_rules(a, b, spec, scope, hits) < 0:
            stop = index
            break
    if plan is not None and hits is not None:
        fold(acc, plan, hits)
    return stop


def _same_keys(a: dict[str, Any], b: dict[str, Any] | None) -> bool:
    """Whether two objects have the same keys in the same order (``==`` on key views ignores order)."""
    return b is not None and len(a) == len(b) and all(map(eq, a, b))


def rows_matched_rules(
    matching: match.RowMatching,
    legacy: list[Any],
    orm: list[Any],
    spec: Spec,
    scope: Scope,
    hits: dict[str, int] | None,
) -> int:
    """Whether a matching pairs every row, each with an equal one (SAME) or not (NO)."""
    if matching.legacy_only or matching.orm_only or matching.known_unequal:
        return NO
    for i, j in matching.unverified:
        if row_rules(legacy[i], orm[j], spec, scope, hits) < 0:
            return NO
    return SAME


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


def text_rules(legacy: str, orm: str, spec: Spec) -> int:
    """Two different strings: equal only if some rule reads both as the same value.

    The first characters and the length pick the rule that can apply, so most strings are
    classified by at most one regular expression per side.
    """
    size = len(legacy)
    other_size = len(orm)
    if size == 36 and other_size == 36 and legacy[8] == "-" and uuids_equal(legacy, orm):
        return UUID
    if size >= 10 and legacy[4] == "-" and legacy[7] == "-":
        if other_size >= 10 and orm[4] == "-" and orm[7] == "-":
            return _instant_texts(legacy, orm, spec)
        if looks_like_clock(orm):
            if time_of_day_quick(orm, legacy):
                return TIME_OF_DAY
            return TIME_OF_DAY if time_of_day_equal(orm, legacy, spec.naive_tz, spec.time_precision) else NO
        number = number_of_text(orm) if orm[:1] in _NUMBER_START and orm else None
        if number is not None:  # an instant against int8 epoch text
            return _text_vs_number(legacy, number, spec)
    elif other_size >= 10 and orm[4] == "-" and orm[7] == "-":
        if looks_like_clock(legacy):
            if time_of_day_quick(legacy, orm):
                return TIME_OF_DAY
            return TIME_OF_DAY if time_of_day_equal(legacy, orm, spec.naive_tz, spec.time_precision) else NO
        number = number_of_text(legacy) if legacy[:1] in _NUMBER_START and legacy else None
        if number is not None:  # int8 epoch text against an instant
            return _text_vs_number(orm, number, spec)
    first = legacy[:1]
    if first in _NUMBER_START and first:
        number = number_of_text(legacy)
        if number is not None:
            other = number_of_text(orm)
            if other is None:
                return _text_vs_number(orm, number, spec)  # int8 epoch text against an instant
            return NUMBER if numbers_equal(number, other, spec.float_tolerance) else NO
    if looks_like_money(legacy) or looks_like_money(orm):  # PostgreSQL money against numeric text
        if looks_like_money(legacy):
            found = money_rules(legacy, orm, spec.float_tolerance)
        else:
            found = money_rules(orm, legacy, spec.float_tolerance)
        if found >= 0:
            return found
    if looks_like_clock(legacy) and looks_like_clock(orm):
        same_time = times_of_day_equal(legacy, orm, spec.time_precision)
        if same_time is not None:
            return TIME_OF_DAY if same_time else NO
    if looks_like_duration(legacy) and looks_like_duration(orm):
        length = duration_of(legacy)
        if length is not None:
            return DURATION if length == duration_of(orm) else NO
    if size <= 5 and other_size <= 5:
        found = boolean_texts_rules(legacy, orm)
        if found >= 0:
            return found
    if size in UUID_LENGTHS and other_size in UUID_LENGTHS:
        found = uuid_rules(legacy, orm)
        if found >= 0:
            return found
    if looks_marked(legacy) or looks_marked(orm):
        return bytes_rules(legacy, orm)
    parsed = json_of_text(legacy)
    if parsed is not None:
        other_parsed = json_of_text(orm)
        if other_parsed is None:
            return NO
        found = value_rules(parsed, other_parsed, spec)
        return NO if found < 0 else found | JSON_TEXT
    return NO


def _instant_texts(legacy: str, orm: str, spec: Spec) -> int:
    if len(legacy) != 10 and len(orm) != 10 and same_utc_instant(legacy, orm):  # (a date alone: below)
        return INSTANT
    quick = same_instant_text(legacy, orm, spec.time_precision, spec.naive_is_utc)
    if quick is not None:
        found = INSTANT if quick else NO
    else:
        found = instant_texts_rules(legacy, orm, spec.naive_tz, spec.time_precision)
    if found < 0 and placeholder_times_equal(legacy, orm, spec.naive_tz, spec.time_precision):
        return TIME_OF_DAY  # one time of day on two ORMs' placeholder dates
    return found


def mixed_rules(legacy: Any, orm: Any, spec: Spec, scope: Scope) -> int:
    """Values of different Python types."""
    legacy_kind, orm_kind = type(legacy), type(orm)
    if spec.strict_types:
        if legacy_kind in (int, float) and orm_kind in (int, float):
            return NUMBER if numbers_equal(legacy, orm, spec.float_tolerance) else NO
        return NO
    if legacy_kind is str:
        return _text_vs_value(legacy, orm, spec, scope, text_is_legacy=True)
    if orm_kind is str:
        return _text_vs_value(orm, legacy, spec, scope, text_is_legacy=False)
    if legacy_kind is dict:
        return _object_vs_value(legacy, orm, spec, scope, object_is_legacy=True)
    if orm_kind is dict:
        return _object_vs_value(orm, legacy, spec, scope, object_is_legacy=False)
    if legacy_kind is bool:
        return boolean_rules(legacy, orm)
    if orm_kind is bool:
        return boolean_rules(orm, legacy)
    if legacy is None or orm is None:
        return NO
    if legacy_kind is list and (orm_kind is int or orm_kind is float):
        return _jackson_epoch_rules(legacy, orm, spec)
    if orm_kind is list and (legacy_kind is int or legacy_kind is float):
        return _jackson_epoch_rules(orm, legacy, spec)
    if legacy_kind in (int, float) and orm_kind in (int, float):
        return number_rules(legacy, orm, spec.float_tolerance)
    if legacy_kind is bytes or orm_kind is bytes:  # an unwrapped $binary
        return bytes_rules(legacy, orm)
    return NO


def _text_vs_value(text: str, other: Any, spec: Spec, scope: Scope, *, text_is_legacy: bool) -> int:
    kind = type(other)
    if kind is int:
        if text[4:5] == "-":  # an instant against epoch units (a number is never written so)
            quick = epoch_quick(other, text)
            if quick is not None:
                return EPOCH if quick else NO
            return _text_vs_number(text, other, spec)
        if text == str(other):
            return NUMBER
        number = number_of_text(text)
        if number is not None:
            return NUMBER if number == other else NO
        return _text_vs_number(text, other, spec)
    if kind is float:
        value = float_of_text(text)
        if value is not None:
            if value == other or numbers_equal(value, other, spec.float_tolerance):
                return NUMBER
            exact = number_of_text(text)
            return FLOAT32 if exact is not None and float32_equal(exact, other) else NO
        if text[-3:] in _SPECIAL_ENDS:  # NaN, Infinity, -Infinity against an unwrapped $numberDouble
            return NUMBER if special_double_equal(text, other) else NO
        return _text_vs_number(text, other, spec)
    if kind is bool:
        return boolean_rules(other, text)
    if kind is dict:
        first = text[:1]
        if first == "{" or first == " " or first == "\n":
            if not spec.plan_rename and json_text_is(text, other):
                return JSON_TEXT
            parsed = json_of_text(text)
            if parsed is not None:
                found = _oriented(parsed, other, spec, scope, text_is_legacy)
                return NO if found < 0 else found | JSON_TEXT
        if looks_wrapped(other):
            unwrapped = unwrap(other)
            if unwrapped is not None:
                found = _oriented(text, unwrapped[1], spec, scope, text_is_legacy)
                return NO if found < 0 else found | unwrapped[0]
        found = bytes_rules(text, other)
        if found >= 0:
            return found
        return duration_rules(text, other)
    if kind is list:
        if 2 <= len(other) <= 7 and (text[4:5] == "-" or text[2:3] == ":"):
            found = _jackson_rules(text, other, spec, text_is_legacy)
            if found >= 0:
                return found
        first = text[:1]
        if first != "{" and first != "":
            parsed = json_of_text(text)
            if parsed is not None:
                found = _oriented(parsed, other, spec, scope, text_is_legacy)
                return NO if found < 0 else found | JSON_TEXT
        if text_is_legacy:
            return array_text_rules(text, other, lambda a, b: value_rules(a, b, spec, None))
        return array_text_rules(text, other, lambda a, b: value_rules(b, a, spec, None))
    if kind is bytes:
        return bytes_rules(text, other)
    return NO


def _jackson_rules(text: str, values: list[Any], spec: Spec, text_is_legacy: bool) -> int:
    """A date, date-time or time of day text against a ``java.time`` value Jackson wrote as an array
    of numbers (:func:`~comparators.instants.jackson_array_text`): the array's ISO text against the
    text by the instant and time-of-day rules, and only those (a date array against an instant text,
    a clock array against a clock or an instant on a placeholder date). NO when the array is no such
    layout or the text no such value; the caller then tries the other readings of text and array."""
    read = jackson_array_text(values)
    if read is None:
        return NO
    iso, rule = read
    if rule == INSTANT:
        if not looks_like_instant(text):
            return NO
    elif not (looks_like_clock(text) or looks_like_instant(text)):
        return NO
    found = value_rules(text, iso, spec) if text_is_legacy else value_rules(iso, text, spec)
    return NO if found < 0 else found | rule


def _jackson_epoch_rules(values: list[Any], number: Any, spec: Spec) -> int:
    """A date or date-time Jackson wrote as an array of numbers against a JSON number: the epoch rule
    on the array's ISO text (``[2025, 3, 1]`` against ``1740787200000``, as Jackson writes a
    ``java.util.Date``); never a time of day, which has no epoch."""
    if not 3 <= len(values) <= 7:
        return NO
    read = jackson_array_text(values)
    if read is None or read[1] != INSTANT:
        return NO
    found = epoch_rules(number, read[0], spec.naive_tz, spec.time_precision)
    return NO if found < 0 else found | INSTANT


def _oriented(text_side: Any, other: Any, spec: Spec, scope: Scope, text_is_legacy: bool) -> int:
    if text_is_legacy:
        return value_rules(text_side, other, spec, scope)
    return value_rules(other, text_side, spec, scope)


def _text_vs_number(text: str, number: Any, spec: Spec) -> int:
    """Text that is not a number against a JSON number: an epoch instant, a duration in seconds, or
    PostgreSQL money text."""
    if looks_like_money(text):
        return money_rules(text, number, spec.float_tolerance)
    if looks_like_instant(text):
        return epoch_rules(number, text, spec.naive_tz, spec.time_precision)
    if looks_like_duration(text):
        return duration_rules(text, number)
    return NO


def _object_vs_value(
    obj: dict[str, Any], other: Any, spec: Spec, scope: Scope, *, object_is_legacy: bool
) -> int:
    """An object against a value of another type (not text): a wrapper's plain value, an object of
    duration parts against a number, one byte against a boolean."""
    if looks_wrapped(obj):
        unwrapped = unwrap(obj)
        if unwrapped is not None:
            if object_is_legacy:
                found = value_rules(unwrapped[1], other, spec, scope)
            else:
                found = value_rules(other, unwrapped[1], spec, scope)
            return NO if found < 0 else found | unwrapped[0]
    kind = type(other)
    if kind is bool:
        return boolean_rules(other, obj)
    if kind is int or kind is float:
        return duration_rules(obj, other)
    if kind is bytes:
        return bytes_rules(obj, other)
    return NO
