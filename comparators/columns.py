"""Column-at-a-time equality for many rows: one C-level operation per column instead of one rule per value.

Rows of one query share one key set and, column by column, one pair of spellings (bigint as text vs
number, a timestamp with a space vs with ``T``, a UUID in upper vs lower case, 0/1 vs booleans). So a
whole column can often be settled by a single C-level operation over all its values: ``orjson.dumps``
of the two lists, ``str.join`` + ``str.lower``, one regular expression over the joined pairs. The
checks themselves live with their rule's family (``numbers.decimal_text_column``,
``instants.epoch_column``, ...); each can only say "every pair of this column is equal under the
rules" (a sufficient condition, tested against the family's reference); when it cannot say so, the
column's values go through the ordinary per-value rules. What comes out is the set of positions whose
rows differ, and the rules each column needed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

import orjson

from comparators.booleans import boolean_column
from comparators.fields import field_plan
from comparators.instants import (
    dates_at_midnight_column,
    epoch_column,
    same_day_instant_column,
    time_of_day_column,
)
from comparators.json_text import json_text_column
from comparators.numbers import bigint_text_column, decimal_text_column, float32_column
from comparators.rules import NO, SAME
from comparators.spec import Spec
from comparators.text_arrays import set_text_column
from comparators.uuids import uuid_column

MIN_ROWS: Final = 8
"""Below this, the set-up of column lists costs more than it saves."""

ValueRules = Callable[[Any, Any, Spec, None], int]
Column = tuple[Any, ...]


def unequal_rows(
    legacy: list[Any],
    orm: list[Any],
    spec: Spec,
    scope: object,
    hits: dict[str, int] | None,
    value_rules: ValueRules,
) -> set[int] | None:
    """The positions whose two rows differ, found column by column, with the rules each column's
    equal values needed recorded in ``hits`` (by legacy-side name); None when this path does not
    apply (fewer than :data:`MIN_ROWS` rows, lengths or key sets that differ, path-scoped options,
    ``rename``), and the caller compares row by row instead.
    """
    if len(legacy) < MIN_ROWS or len(legacy) != len(orm) or scope is not None or spec.rename:
        # (Under ``rename`` the same nested spelling on both sides is not the same field.)
        return None
    if type(legacy[0]) is not dict or type(orm[0]) is not dict:
        return None
    plan = field_plan(tuple(legacy[0]), tuple(orm[0]), spec.plan_rename, spec.ignore_names)
    if not plan.complete:
        return None
    try:
        if not (_one_key_set(legacy, len(plan.matched)) and _one_key_set(orm, len(plan.matched))):
            return None
        # One tuple per column, read and transposed at C speed (KeyError: a row without the key; every
        # row tuple has one value per matched field, so the columns are all as long as the rows).
        legacy_columns = tuple(zip(*map(plan.legacy_values, legacy), strict=False))
        orm_columns = tuple(zip(*map(plan.orm_values, orm), strict=False))
    except (KeyError, TypeError):  # rows of another key set, or not objects: row by row, then
        return None
    unequal: set[int] = set()
    for index, (legacy_column, orm_column) in enumerate(zip(legacy_columns, orm_columns, strict=True)):
        found = column_rules(legacy_column, orm_column, spec)
        if found < 0:
            found = _values_rules(legacy_column, orm_column, spec, value_rules, unequal)
        if found and hits is not None:
            name = plan.matched[index][0]
            hits[name] = hits.get(name, 0) | found
    return unequal


def _one_key_set(rows: list[Any], paired: int) -> bool:
    """Whether all rows have the first row's keys. When the plan pairs every key of the first row,
    the same count of keys per row is enough (reading the columns fails on any other key)."""
    keys = rows[0].keys()
    if len(keys) == paired:
        return set(map(len, rows)) == {paired}
    return all(map(keys.__eq__, map(dict.keys, rows)))


def _values_rules(legacy: Column, orm: Column, spec: Spec, value_rules: ValueRules, unequal: set[int]) -> int:
    """The per-value rules over a column: positions that differ go into ``unequal``; the mask of the
    rules the equal ones needed is returned."""
    seen: dict[tuple[str, str], int] = {}
    mask = 0
    for index, (a, b) in enumerate(zip(legacy, orm, strict=True)):
        if type(a) is str and type(b) is str:
            found = seen.get((a, b))
            if found is None:
                found = seen[a, b] = value_rules(a, b, spec, None)
        else:
            found = value_rules(a, b, spec, None)
        if found < 0:
            unequal.add(index)
        else:
            mask |= found
    return mask


def column_rules(legacy: Column, orm: Column, spec: Spec) -> int:
    """A sufficient condition, at C speed, for every pair of a column to be equal under the rules
    (the mask of the rule that made them so), else NO (which says nothing about the values).

    Only the first values' types pick the check; each check verifies the types it relies on.
    """
    legacy_type, orm_type = type(legacy[0]), type(orm[0])
    # (== alone lets true equal 1, also nested: the same JSON settles it; first values of two types
    # cannot be the same JSON)
    if legacy_type is orm_type and legacy == orm and _same_json(legacy, orm):
        return SAME
    if spec.strict_types:
        return NO
    try:
        if legacy_type is str:
            if orm_type is str:
                return _texts_column(legacy, orm)
            return _text_column(legacy, orm, orm_type)
        if orm_type is str:
            return _text_column(orm, legacy, legacy_type)
        if legacy_type is bool and orm_type is int:
            return boolean_column(legacy, orm)
        if orm_type is bool and legacy_type is int:
            return boolean_column(orm, legacy)
        if legacy_type is float and orm_type is float:
            return float32_column(legacy, orm)
    except TypeError:  # a value of another type further down a column
        return NO
    return NO


def _same_json(legacy: Column, orm: Column) -> bool:
    try:
        return orjson.dumps(legacy) == orjson.dumps(orm)  # same JSON: equal under any rule (true != 1)
    except orjson.JSONEncodeError:
        return False


def _text_column(texts: Column, others: Column, other_type: type) -> int:
    if other_type is int:  # instants against epoch numbers, or bigint as text
        if texts[0][4:5] == "-":
            return epoch_column(others, texts)
        return bigint_text_column(texts, others)
    if other_type is float:  # numeric as text against JSON floats
        return decimal_text_column(texts, others)
    if other_type is dict:  # json columns read as text
        return json_text_column(texts, others)
    if other_type is list:  # json arrays read as text, or SET text
        if texts[0][:1] == "[":
            return json_text_column(texts, others)
        return set_text_column(texts, others)
    return NO


def _texts_column(legacy: Column, orm: Column) -> int:
    """UUID case, dates against midnight, same-day UTC instants, times of day on a placeholder date."""
    first, other = legacy[0], orm[0]
    if len(first) == 36 and len(other) == 36:  # UUIDs in another letter case
        return uuid_column(legacy, orm)
    if len(first) == 10 or len(other) == 10:  # dates against midnight instants
        if len(first) == 10:
            return dates_at_midnight_column(legacy, orm)
        return dates_at_midnight_column(orm, legacy)
    if first[2:3] == ":":
        return time_of_day_column(legacy, orm)
    if other[2:3] == ":":
        return time_of_day_column(orm, legacy)
    return same_day_instant_column(legacy, orm)
