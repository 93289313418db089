"""``compare``: the fast equality check first, the detailed report only when it says the sides differ."""

from __future__ import annotations

from typing import Any

from comparators import columns
from comparators.diff import diff_result
from comparators.equal import (
    Ignores,
    equal_prefix,
    first_unequal,
    objects_equal,
    rows_matched_equal,
    same_json,
    values_equal,
)
from comparators.fields import field_plan
from comparators.match import RowMatching, match_rows
from comparators.normalize import json_of_text
from comparators.report import EQUAL, Comparison
from comparators.spec import DEFAULT_SPEC, Spec


def compare(legacy: Any, orm: Any, spec: Spec | None = None) -> Comparison:
    """Compare a legacy-SQL result with an ORM result (values as ``orjson.loads`` gives them).

    No structural diff runs on a pair the rules call equal: that answer comes from the fast checks
    alone (``orjson.dumps`` identity, the column-at-a-time path, :mod:`comparators.equal`).
    """
    if spec is None:
        spec = DEFAULT_SPEC
    if type(legacy) is not type(orm):
        legacy, orm = _unwrap_json_text(legacy, orm, spec)
    ignores: Ignores = spec.ignore_paths or None
    matching: RowMatching | None = None
    if type(legacy) is list and type(orm) is list:
        if len(legacy) == 1 == len(orm) and type(legacy[0]) is dict and type(orm[0]) is dict and not ignores:
            # One row a side (a find-by-id): the commonest pair, checked without the row loop.
            if _row_equal(legacy[0], orm[0], spec):
                return EQUAL
            matching = match_rows(
                legacy, orm, spec, ignores, key=spec.key, equal=values_equal, prefix=0, prefix_stopped=True
            )
        else:
            if not spec.rename and _rows_spelled_alike(legacy, orm) and same_json(legacy, orm):
                return EQUAL
            matching = _match_rows(legacy, orm, spec, ignores)
            if matching is None:
                return EQUAL
        if not spec.ordered and rows_matched_equal(matching, legacy, orm, spec, ignores):
            return EQUAL
    elif type(legacy) is dict and type(orm) is dict:
        if not spec.rename and legacy.keys() == orm.keys() and same_json(legacy, orm):
            return EQUAL
        if objects_equal(legacy, orm, spec, ignores):
            return EQUAL
    elif (type(legacy) is type(orm) and same_json(legacy, orm)) or values_equal(legacy, orm, spec, ignores):
        return EQUAL
    differences = tuple(diff_result(legacy, orm, spec, matching))
    return Comparison(equal=not differences, differences=differences)


def _match_rows(legacy: list[Any], orm: list[Any], spec: Spec, ignores: Ignores) -> RowMatching | None:
    """None when every row equals the row at its position; else the rows matched, once, for both the
    verdict and the report, with what the positional pass learnt (which rows differ where they stand)."""
    unequal = (
        None
        if len(legacy) < columns.MIN_ROWS
        else columns.unequal_rows(legacy, orm, spec, ignores, values_equal)
    )
    if unequal is not None:
        if not unequal:
            return None
        return match_rows(legacy, orm, spec, ignores, key=spec.key, equal=values_equal, unequal_at=unequal)
    prefix = equal_prefix(legacy, orm, spec, ignores)
    if prefix == len(legacy) == len(orm):
        return None
    return match_rows(
        legacy, orm, spec, ignores, key=spec.key, equal=values_equal, prefix=prefix, prefix_stopped=True
    )


def _row_equal(legacy: dict[str, Any], orm: dict[str, Any], spec: Spec) -> bool:
    """What :func:`comparators.equal.equal_prefix` decides for a single pair of rows, without ``ignore``."""
    if not spec.rename and legacy.keys() == orm.keys() and same_json(legacy, orm):
        return True
    plan = field_plan(tuple(legacy), tuple(orm), spec.rename, spec.ignore_names)
    return plan.complete and first_unequal(legacy, orm, spec, plan.matched, 0) < 0


def _rows_spelled_alike(legacy: list[Any], orm: list[Any]) -> bool:
    """A cheap guess whether both sides may be byte-for-byte the same JSON: worth a C-speed check."""
    if not legacy or not orm:
        return True
    first, other = legacy[0], orm[0]
    if type(first) is dict and type(other) is dict:
        return first.keys() == other.keys()  # (a different key order fails the dumps check)
    return type(first) is type(other)


def _unwrap_json_text(legacy: Any, orm: Any, spec: Spec) -> tuple[Any, Any]:
    """A whole result sent as JSON text (``SELECT json_agg(...)`` read as text) is its parsed value."""
    if spec.strict_types or type(legacy) is type(orm):
        return legacy, orm
    if type(legacy) is str and type(orm) in (list, dict):
        parsed = json_of_text(legacy)
        return (legacy if parsed is None else parsed), orm
    if type(orm) is str and type(legacy) in (list, dict):
        parsed = json_of_text(orm)
        return legacy, (orm if parsed is None else parsed)
    return legacy, orm
