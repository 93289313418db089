"""``compare``: the fast equality check first, the detailed report only when it says the sides differ."""

from __future__ import annotations

from typing import Any

from comparators.diff import diff_result
from comparators.equal import objects_equal, rows_equal, values_equal
from comparators.normalize import json_of_text
from comparators.report import EQUAL, Comparison
from comparators.spec import DEFAULT_SPEC, Spec


def compare(legacy: Any, orm: Any, spec: Spec | None = None) -> Comparison:
    """Compare a legacy-SQL result with an ORM result (values as ``orjson.loads`` gives them).

    No structural diff runs on a pair the rules call equal: that answer comes from
    :func:`comparators.equal.values_equal` alone.
    """
    if spec is None:
        spec = DEFAULT_SPEC
    legacy, orm = _unwrap_json_text(legacy, orm, spec)
    if _equal(legacy, orm, spec):
        return EQUAL
    differences = tuple(diff_result(legacy, orm, spec))
    return Comparison(equal=not differences, differences=differences)


def _equal(legacy: Any, orm: Any, spec: Spec) -> bool:
    kind = type(legacy)
    if kind is not type(orm):
        return values_equal(legacy, orm, spec)
    ignores = spec.ignore_paths or None
    if kind is list:
        return rows_equal(legacy, orm, spec, ignores)
    if kind is dict:
        return objects_equal(legacy, orm, spec, ignores)
    return values_equal(legacy, orm, spec)


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
