"""The slow path: name every difference of a pair the fast path found unequal.

It walks matched rows field by field, recursing into nested objects and arrays (nested arrays of
objects are matched like rows, arrays of scalars by position), and asks the same equality rules as
the fast path at the leaves, so the two can never disagree about a value.
"""

from __future__ import annotations

from typing import Any

from comparators.binary import marked_bytes_of
from comparators.booleans import truth_of
from comparators.equal import (
    Scope,
    declared_rules,
    declared_type,
    first_unequal,
    fold,
    values_equal,
)
from comparators.fields import FieldPlan, child_scope, field_plan
from comparators.instants import instant_of, jackson_array_text, looks_like_instant
from comparators.json_text import json_of_text
from comparators.match import RowMatching, key_values, match_rows
from comparators.numbers import money_of_text, number_of_text
from comparators.report import (
    MISSING,
    ORDER_FIELD,
    RESULT_FIELD,
    ROW_FIELD,
    Difference,
    Kind,
    index_label,
    join,
    key_label,
)
from comparators.rules import INSTANT
from comparators.spec import ORDERED_MARK, Spec
from comparators.wrappers import looks_wrapped, unwrap


def diff_result(
    legacy: Any,
    orm: Any,
    spec: Spec,
    matching: RowMatching | None = None,
    hits: dict[str, int] | None = None,
) -> list[Difference]:
    """Differences between two whole results (rows, one object, a scalar or null).

    ``matching``: the top-level rows as the fast path already matched them, so they are not matched
    twice. ``hits``: where to record, per top-level field, the rules that made its equal values equal.
    """
    scope = spec.scope if spec.scoped else None
    if type(legacy) is list and type(orm) is list:
        return _diff_rows(legacy, orm, spec, "", None, scope, top=True, matching=matching, hits=hits)
    if type(legacy) is dict and type(orm) is dict:
        return _diff_object(legacy, orm, spec, "", None, scope, hits)
    if values_equal(legacy, orm, spec, scope):
        return []
    shape_changed = (legacy is None) != (orm is None) and (type(legacy) in _SHAPES or type(orm) in _SHAPES)
    kind = Kind.TYPE if shape_changed else _kind(legacy, orm, spec)
    return [Difference(RESULT_FIELD, kind, "", legacy, orm)]


_SHAPES = (list, dict)


def _diff_value(a: Any, b: Any, spec: Spec, path: str, field: str, ignores: Scope) -> list[Difference]:
    kind_a, kind_b = type(a), type(b)
    if values_equal(a, b, spec, ignores):
        return []
    if kind_a is dict and kind_b is dict:
        if not spec.strict_types and (
            (looks_wrapped(a) and unwrap(a)) or (looks_wrapped(b) and unwrap(b)) or _bytes_pair(a, b)
        ):  # one value in two spellings: one difference at the field, not a diff of the spellings
            return [Difference(field, _kind(a, b, spec), path, a, b)]
        return _diff_object(a, b, spec, path, field, ignores)
    if kind_a is list and kind_b is list:
        return _diff_array(a, b, spec, path, field, ignores)
    if not spec.strict_types and (kind_a is str or kind_b is str):
        # JSON text on one side or both: report inside it, at the nested path.
        parsed_a = json_of_text(a) if kind_a is str else a
        parsed_b = json_of_text(b) if kind_b is str else b
        if type(parsed_a) in (dict, list) and type(parsed_a) is type(parsed_b):
            return _diff_value(parsed_a, parsed_b, spec, path, field, ignores)
    return [Difference(field, _kind(a, b, spec), path, a, b)]


def _diff_object(
    a: dict[str, Any],
    b: dict[str, Any],
    spec: Spec,
    path: str,
    field: str | None,
    ignores: Scope,
    hits: dict[str, int] | None = None,
) -> list[Difference]:
    plan = field_plan(tuple(a), tuple(b), spec.plan_rename, spec.ignore_names)
    if ignores is not None:
        return _diff_object_ignoring(a, b, spec, path, field, ignores, plan)
    acc = [0] * len(plan.matched) if hits is not None else None
    # Find the differing fields with the fast loop; only those get the detailed (recursive) report.
    if plan.complete:  # the usual case: no field on one side only, so no other entry to report
        out: list[Difference] = []
        index = first_unequal(a, b, spec, plan.matched, 0, None, acc, True)
        while index >= 0:
            entry = plan.matched_entries[index]
            label = field if field is not None else entry.label
            where = join(path, entry.label)
            out.extend(_diff_value(a[entry.label], b[plan.matched[index][1]], spec, where, label, None))
            index = first_unequal(a, b, spec, plan.matched, index + 1, None, acc, True)
        if acc is not None and hits is not None:
            fold(acc, plan, hits)
        return out
    differing: set[int] = set()
    index = first_unequal(a, b, spec, plan.matched, 0, None, acc, True)
    while index >= 0:
        differing.add(id(plan.matched_entries[index]))
        index = first_unequal(a, b, spec, plan.matched, index + 1, None, acc, True)
    if acc is not None and hits is not None:
        fold(acc, plan, hits)
    out = []
    for entry in plan.entries:
        label = field if field is not None else entry.label
        if entry.orm is None:
            out.append(Difference(label, Kind.MISSING, join(path, entry.label), a[entry.label], MISSING))
        elif entry.legacy is None:
            out.append(Difference(label, Kind.MISSING, join(path, entry.label), MISSING, b[entry.orm]))
        elif id(entry) in differing:
            out.extend(_diff_value(a[entry.legacy], b[entry.orm], spec, join(path, entry.label), label, None))
    return out


def _diff_object_ignoring(
    a: dict[str, Any],
    b: dict[str, Any],
    spec: Spec,
    path: str,
    field: str | None,
    ignores: frozenset[tuple[str, ...]],
    plan: FieldPlan,
) -> list[Difference]:
    out: list[Difference] = []
    for entry in plan.entries:
        below = child_scope(ignores, entry)
        if below is None:
            continue
        label = field if field is not None else entry.label
        where = join(path, entry.label)
        if entry.orm is None:
            out.append(Difference(label, Kind.MISSING, where, a[entry.label], MISSING))
        elif entry.legacy is None:
            out.append(Difference(label, Kind.MISSING, where, MISSING, b[entry.orm]))
        else:
            declared = declared_type(spec, entry, below)
            left, right = a[entry.legacy], b[entry.orm]
            if declared is None:
                out.extend(_diff_value(left, right, spec, where, label, below))
            elif declared_rules(left, right, declared, spec, below) < 0:
                out.append(Difference(label, _kind(left, right, spec), where, left, right))
    return out


def _diff_array(
    a: list[Any], b: list[Any], spec: Spec, path: str, field: str, ignores: Scope
) -> list[Difference]:
    if (a or b) and all(type(v) is dict for v in a) and all(type(v) is dict for v in b):
        return _diff_rows(a, b, spec, path, field, ignores, top=False)
    if ignores:
        ignores = _elements(ignores)
    out: list[Difference] = []
    for index in range(max(len(a), len(b))):
        where = f"{path}{index_label(index)}"
        if index >= len(b):
            out.append(Difference(field, Kind.MISSING, where, a[index], MISSING))
        elif index >= len(a):
            out.append(Difference(field, Kind.MISSING, where, MISSING, b[index]))
        else:
            out.extend(_diff_value(a[index], b[index], spec, where, field, ignores))
    return out


def _diff_rows(
    a: list[Any],
    b: list[Any],
    spec: Spec,
    path: str,
    field: str | None,
    ignores: Scope,
    *,
    top: bool,
    matching: RowMatching | None = None,
    hits: dict[str, int] | None = None,
) -> list[Difference]:
    """Rows (top level) or nested arrays of objects: match, then diff the pairs not already known
    to be equal and name the leftovers."""
    ordered = spec.ordered if top else (ignores is not None and (ORDERED_MARK,) in ignores)
    if ignores:
        ignores = _elements(ignores)
    if matching is None:
        matching = match_rows(a, b, spec, ignores, key=spec.key if top else None, equal=values_equal)
    row_field = ROW_FIELD if field is None else field

    def label(row: Any, index: int, legacy_side: bool) -> str:
        if matching.key is None:
            return index_label(index)
        names = spec.key if top and spec.key else _id_name(row, legacy_side)
        return key_label(names, key_values(row, matching.key, spec, legacy_side=legacy_side))

    out: list[Difference] = []
    for i, j in matching.unverified:
        where = f"{path}{label(a[i], i, True)}"
        if type(a[i]) is dict and type(b[j]) is dict:
            out.extend(_diff_object(a[i], b[j], spec, where, field, ignores, hits if top else None))
        else:
            out.extend(_diff_value(a[i], b[j], spec, where, row_field, ignores))
    for i in matching.legacy_only:
        out.append(Difference(row_field, Kind.MISSING_ROW, f"{path}{label(a[i], i, True)}", a[i], MISSING))
    for j in matching.orm_only:
        out.append(Difference(row_field, Kind.EXTRA_ROW, f"{path}{label(b[j], j, False)}", MISSING, b[j]))
    if ordered:
        out.extend(_order(matching.pairs, a, label, path, ORDER_FIELD if field is None else field))
    return out


def _elements(scope: frozenset[tuple[str, ...]]) -> frozenset[tuple[str, ...]]:
    """The scope an array's elements see: the array's own marks (``ordered``, a type) stay above."""
    return frozenset(p for p in scope if not (len(p) == 1 and p[0][:1] == "\x00"))


def _order(
    pairs: tuple[tuple[int, int], ...], rows: list[Any], label: Any, path: str, field: str
) -> list[Difference]:
    """One ``order`` difference for the first matched row whose place among the matched rows moved
    (``legacy``/``orm``: its two indexes), at that row's path. The top-level rows: field
    ``__order__``; a nested array (an ``ordered`` path): its top-level field."""
    orm_rank = {j: rank for rank, j in enumerate(sorted(j for _, j in pairs))}
    for rank, (i, j) in enumerate(pairs):
        if orm_rank[j] != rank:
            return [Difference(field, Kind.ORDER, f"{path}{label(rows[i], i, True)}", i, j)]
    return []


def _id_name(row: Any, legacy_side: bool) -> tuple[str, ...]:
    if type(row) is dict:
        for name in row:
            if name.replace("_", "").lower() == "id":
                return (name,)
    return ("id",)


def _kind(a: Any, b: Any, spec: Spec) -> Kind:
    """``type`` when the two values are of different JSON kinds even after the rules read text,
    else ``changed``. A value against null is ``changed`` (``''`` vs null, a lost join), except for a
    whole result of a different shape (null vs rows), which :func:`diff_result` reports as ``type``."""
    if a is None or b is None:
        return Kind.CHANGED
    if not spec.strict_types and (_related(a, b, spec) or _related(b, a, spec)):
        return Kind.CHANGED
    return Kind.CHANGED if _json_kind(a, spec) == _json_kind(b, spec) else Kind.TYPE


def _related(a: Any, b: Any, spec: Spec) -> bool:
    """Whether a rule relates the two values' kinds, so they differ in value, not in kind: a boolean
    and a spelling of a boolean (1 vs false), a number and an instant (epoch ms vs ISO), text and an
    array (SET text, an array literal, a Jackson date), a Jackson date array and an epoch number, two
    spellings of bytes."""
    if type(a) is bool:
        return truth_of(b) is not None
    if type(a) in (int, float) and type(b) is str:
        return looks_like_instant(b) and instant_of(b, spec.naive_tz) is not None
    if type(a) is str and type(b) is list:
        return True
    if type(a) is list and type(b) in (int, float):  # a date Jackson wrote as an array, an epoch
        read = jackson_array_text(a)
        return read is not None and read[1] == INSTANT
    return _bytes_pair(a, b)


def _bytes_pair(a: Any, b: Any) -> bool:
    """Both values are bytes spellings (at least one marked; ``{}`` is an empty ``Uint8Array``)."""
    left, right = marked_bytes_of(a), marked_bytes_of(b)
    if left is None and right is None:
        return False
    return (left is not None or a == {} or type(a) is str) and (
        right is not None or b == {} or type(b) is str
    )


def _json_kind(value: Any, spec: Spec) -> str:
    kind = type(value)
    if kind is dict and not spec.strict_types and looks_wrapped(value):
        unwrapped = unwrap(value)
        if unwrapped is not None:
            return _json_kind(unwrapped[1], spec)
    if value is None:
        return "null"
    if kind is bool:
        return "bool"
    if kind is int or kind is float:
        return "number"
    if kind is dict:
        return "object"
    if kind is list:
        return "array"
    if kind is str and not spec.strict_types:
        if number_of_text(value) is not None or money_of_text(value) is not None:
            return "number"  # (numeric text, and PostgreSQL money text)
        parsed = json_of_text(value)
        if parsed is not None:
            return "object" if type(parsed) is dict else "array"
    return "string"
