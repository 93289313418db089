"""``compare``: the fast equality check first, the detailed report only when it says the sides differ."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from comparators import columns
from comparators.diff import diff_result
from comparators.equal import (
    Scope,
    equal_prefix,
    first_unequal,
    fold,
    object_rules,
    row_rules,
    rows_matched_rules,
    same_json,
    scoped_fields_rules,
    value_rules,
    values_equal,
)
from comparators.fields import FieldPlan, field_plan
from comparators.json_text import json_of_text
from comparators.match import RowMatching, match_rows
from comparators.names import canonical_name
from comparators.report import EQUAL, RESULT_FIELD, Comparison
from comparators.rules import JSON_TEXT, RULE_BITS
from comparators.spec import DEFAULT_SPEC, Spec
from comparators.warnings import spec_warnings


def compare(legacy: Any, orm: Any, spec: Spec | None = None, *, announce: bool = True) -> Comparison:
    """Compare a legacy-SQL result with an ORM result (values as ``orjson.loads`` gives them).

    No structural diff runs on a pair the rules call equal: that answer comes from the fast checks
    alone (``orjson.dumps`` identity, the column-at-a-time path, :mod:`comparators.equal`).
    ``announce``: also say which rules made which top-level fields equal (``normalized``); off, the
    verdict and the report are the same, only that attribution is skipped (the benchmark measures
    what it costs).
    """
    if spec is None:
        spec = DEFAULT_SPEC
    unwrapped = False
    if type(legacy) is not type(orm):
        legacy, orm, unwrapped = _unwrap_json_text(legacy, orm, spec)
    if spec.nested_rename:
        orm = _lift_nested(orm, spec)
    warnings = (
        spec_warnings(legacy, orm, spec) if spec.key or spec.ignore or spec.rename or spec.scoped else ()
    )
    if (
        type(legacy) is list
        and type(orm) is list
        and len(legacy) == 1 == len(orm)
        and type(legacy[0]) is dict
        and type(orm[0]) is dict
        and not spec.scoped
        and not warnings
    ):
        # One row a side (a find-by-id): the commonest pair, checked without the row loop; its
        # answer memoized by field pairing and rules used (one per query shape).
        row, other = legacy[0], orm[0]
        if not spec.plan_rename and row.keys() == other.keys() and same_json(row, other):
            return EQUAL
        keys, other_keys = tuple(row), tuple(other)
        last_plan = spec.plan_memo[0]
        if last_plan is not None and last_plan[0] == keys and last_plan[1] == other_keys:
            plan: FieldPlan = last_plan[2]
        else:
            plan = field_plan(keys, other_keys, spec.plan_rename, spec.ignore_names)
            spec.plan_memo[0] = (keys, other_keys, plan)
        if plan.complete:
            if not announce:
                if first_unequal(row, other, spec, plan.matched, 0) < 0 and not unwrapped:
                    return EQUAL
            else:
                acc = [0] * len(plan.matched)
                if first_unequal(row, other, spec, plan.matched, 0, None, acc, True) < 0 and not unwrapped:
                    last = plan.last
                    if last[0] == acc:  # the same rules as this query's last pair: the same answer
                        return last[1]  # type: ignore[no-any-return]
                    key = tuple(acc)
                    answer = plan.answers.get(key)
                    if answer is None:
                        answer = plan.answers[key] = _one_row_equal(plan.matched, key)
                    last[0], last[1] = acc, answer
                    return answer  # type: ignore[return-value]
    hits: dict[str, int] | None = {} if announce else None
    if unwrapped and hits is not None:
        hits[RESULT_FIELD] = JSON_TEXT
    equal, matching = _verdict(legacy, orm, spec, hits)
    if equal:
        if not warnings:
            return _equal_comparison(tuple(hits.items())) if hits else EQUAL
        return Comparison(equal=True, normalized=_normalized(hits), warnings=warnings)
    differences = tuple(diff_result(legacy, orm, spec, matching, hits))
    return Comparison(
        equal=not differences, differences=differences, normalized=_normalized(hits), warnings=warnings
    )


def _verdict(
    legacy: Any, orm: Any, spec: Spec, hits: dict[str, int] | None
) -> tuple[bool, RowMatching | None]:
    """Whether the pair is equal, and the top-level rows as matched on the way (for the report)."""
    scope: Scope = spec.scope if spec.scoped else None
    rename = spec.plan_rename
    if type(legacy) is list and type(orm) is list:
        if (
            len(legacy) == 1 == len(orm)
            and type(legacy[0]) is dict
            and type(orm[0]) is dict
            and scope is None
        ):
            # One row a side (a find-by-id): the commonest pair, checked without the row loop.
            if _row_equal(legacy[0], orm[0], spec, hits):
                return True, None
            matching = match_rows(
                legacy, orm, spec, scope, key=spec.key, equal=values_equal, prefix=0, prefix_stopped=True
            )
        else:
            if not rename and _rows_spelled_alike(legacy, orm) and same_json(legacy, orm):
                return True, None
            found = _match_rows(legacy, orm, spec, scope, hits)
            if found is None:
                return True, None
            matching = found
        if not spec.ordered and rows_matched_rules(matching, legacy, orm, spec, scope, hits) >= 0:
            return True, matching
        return False, matching
    if type(legacy) is dict and type(orm) is dict:
        if not rename and legacy.keys() == orm.keys() and same_json(legacy, orm):
            return True, None
        plan = field_plan(tuple(legacy), tuple(orm), rename, spec.ignore_names)
        if plan.complete:
            if scope is not None:
                return scoped_fields_rules(legacy, orm, spec, scope, plan, hits, None) < 0, None
            acc = [0] * len(plan.matched)
            if first_unequal(legacy, orm, spec, plan.matched, 0, None, acc, True) < 0:
                if hits is not None:
                    fold(acc, plan, hits)
                return True, None
        found_rules = object_rules(legacy, orm, spec, scope, plan)
        _record(hits, RESULT_FIELD, found_rules)
        return found_rules >= 0, None
    if type(legacy) is type(orm) and same_json(legacy, orm):
        return True, None
    found_rules = value_rules(legacy, orm, spec, scope)
    _record(hits, RESULT_FIELD, found_rules)
    return found_rules >= 0, None


def _record(hits: dict[str, int] | None, field: str, found: int) -> None:
    if hits is not None and found > 0:
        hits[field] = hits.get(field, 0) | found


def _one_row_equal(matched: tuple[tuple[str, str], ...], acc: tuple[int, ...]) -> Comparison:
    """The answer for an equal one-row pair: memoized by its field pairing and the rules per field."""
    hits: dict[str, int] = {}
    for (name, _), found in zip(matched, acc, strict=True):
        if found:
            hits[name] = found
    return Comparison(equal=True, normalized=_normalized(hits)) if hits else EQUAL


@lru_cache(maxsize=4096)
def _equal_comparison(hits: tuple[tuple[str, int], ...]) -> Comparison:
    """The answer for an equal pair whose fields needed these rules: one per query shape, memoized
    (rows of one query usually need the same rules, and building the answer costs more than a lookup)."""
    return Comparison(equal=True, normalized=_normalized(dict(hits)))


def _normalized(hits: dict[str, int] | None) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """``hits`` (field -> rule bits) as (rule, fields) in rule order, fields in first-seen order."""
    if not hits:
        return ()
    union = 0
    for mask in hits.values():
        union |= mask
    out: list[tuple[str, tuple[str, ...]]] = []
    for name, flag in RULE_BITS:
        if union & flag:
            fields = [field or RESULT_FIELD for field, mask in hits.items() if mask & flag]
            out.append((name, tuple(dict.fromkeys(fields))))
    return tuple(out)


def _match_rows(
    legacy: list[Any], orm: list[Any], spec: Spec, scope: Scope, hits: dict[str, int] | None
) -> RowMatching | None:
    """None when every row equals the row at its position; else the rows matched, once, for both the
    verdict and the report, with what the positional pass learnt (which rows differ where they stand)."""
    unequal = (
        None
        if len(legacy) < columns.MIN_ROWS
        else columns.unequal_rows(legacy, orm, spec, scope, hits, value_rules)
    )
    if unequal is not None:
        if not unequal:
            return None
        return match_rows(legacy, orm, spec, scope, key=spec.key, equal=values_equal, unequal_at=unequal)
    prefix = equal_prefix(legacy, orm, spec, scope, hits)
    if prefix == len(legacy) == len(orm):
        return None
    return match_rows(
        legacy, orm, spec, scope, key=spec.key, equal=values_equal, prefix=prefix, prefix_stopped=True
    )


def _row_equal(legacy: dict[str, Any], orm: dict[str, Any], spec: Spec, hits: dict[str, int] | None) -> bool:
    """What :func:`comparators.equal.equal_prefix` decides for a single pair of rows, unscoped."""
    if not spec.plan_rename and legacy.keys() == orm.keys() and same_json(legacy, orm):
        return True
    plan = field_plan(tuple(legacy), tuple(orm), spec.plan_rename, spec.ignore_names)
    if plan.complete:
        acc = [0] * len(plan.matched)
        if first_unequal(legacy, orm, spec, plan.matched, 0, None, acc, True) < 0:
            if hits is not None:
                fold(acc, plan, hits)
            return True
        if len(legacy) > 3 and len(orm) > 3:  # (no wrapper shape: field by field is the verdict)
            return False
    return row_rules(legacy, orm, spec, None, hits) >= 0


def _rows_spelled_alike(legacy: list[Any], orm: list[Any]) -> bool:
    """A cheap guess whether both sides may be byte-for-byte the same JSON: worth a C-speed check."""
    if not legacy or not orm:
        return True
    first, other = legacy[0], orm[0]
    if type(first) is dict and type(other) is dict:
        return first.keys() == other.keys()  # (a different key order fails the dumps check)
    return type(first) is type(other)


def _unwrap_json_text(legacy: Any, orm: Any, spec: Spec) -> tuple[Any, Any, bool]:
    """A whole result sent as JSON text (``SELECT json_agg(...)`` read as text) is its parsed value
    (and whether one side was read so)."""
    if spec.strict_types or type(legacy) is type(orm):
        return legacy, orm, False
    if type(legacy) is str and type(orm) in (list, dict):
        parsed = json_of_text(legacy)
        if parsed is None:
            return legacy, orm, False
        return parsed, orm, True
    if type(orm) is str and type(legacy) in (list, dict):
        parsed = json_of_text(orm)
        if parsed is None:
            return legacy, orm, False
        return legacy, parsed, True
    return legacy, orm, False


def _lift_nested(orm: Any, spec: Spec) -> Any:
    """ORM rows with each dotted ``rename`` target read out of its nested include into a flat field
    named as the legacy side names it (``author.name`` -> ``author_name``), so the pair compares (and
    reports) that field as the legacy query returns it. An include emptied by this, or null (a LEFT
    JOIN with no match: every lifted field is then null), is dropped."""
    if type(orm) is list:
        return [_lift_row(row, spec) if type(row) is dict else row for row in orm]
    if type(orm) is dict:
        return _lift_row(orm, spec)
    return orm


def _lift_row(row: dict[str, Any], spec: Spec) -> dict[str, Any]:
    out = dict(row)
    emptied: list[list[str]] = []
    for legacy_name, path in spec.nested_rename:
        container_key = _find_key(out, path[0])
        if container_key is None:
            continue
        holder: Any = out
        keys: list[str] = [container_key]
        node = out[container_key]
        missing = False
        for part in path[1:]:
            if type(node) is not dict:
                missing = node is not None
                break
            key = _find_key(node, part)
            if key is None:
                missing = True
                break
            keys.append(key)
            node = node[key]
        if missing:
            continue
        if node is not None and len(keys) == len(path):
            holder = _copy_path(out, keys[:-1])
            value = holder.pop(keys[-1])
        else:
            value = None  # a null include: the joined column is null too
        out[legacy_name] = value
        emptied.append(keys[:-1] if len(keys) == len(path) else keys)
    for keys in emptied:  # (after all renames: several read the same include)
        _drop_empty(out, keys)
    return out


def _find_key(obj: dict[str, Any], name: str) -> str | None:
    if name in obj:
        return name
    wanted = canonical_name(name)
    found = [k for k in obj if canonical_name(k) == wanted]
    return found[0] if len(found) == 1 else None


def _copy_path(root: dict[str, Any], keys: list[str]) -> dict[str, Any]:
    """The object at ``keys`` below ``root``, each object on the way copied (the input is not changed)."""
    node = root
    for key in keys:
        child = dict(node[key])
        node[key] = child
        node = child
    return node


def _drop_empty(root: dict[str, Any], keys: list[str]) -> None:
    """Remove the innermost include on ``keys`` while it is empty or null, then its parents."""
    while keys:
        node: Any = root
        for key in keys[:-1]:
            node = node.get(key) if type(node) is dict else None
        if type(node) is not dict:
            return
        last = node.get(keys[-1], 0)
        if last is None or last == {}:
            del node[keys[-1]]
            keys = keys[:-1]
        else:
            return
