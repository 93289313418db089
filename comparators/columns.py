"""Column-at-a-time equality for many rows: one C-level operation per column instead of one rule per value.

Rows of one query share one key set and, column by column, one pair of spellings (bigint as text vs
number, a timestamp with a space vs with ``T``, a UUID in upper vs lower case). So a whole column can
often be settled by a single C-level operation over all its values: ``orjson.dumps`` of the two lists,
``str.join`` + ``str.lower``, one regular expression over the joined pairs. Each check here can only
say "every pair of this column is equal under the rules" (it is a sufficient condition); when it cannot
say so, the column's values go through the ordinary per-value rules. What comes out is the set of
positions whose rows differ; matching and reporting those few rows is left to the ordinary path.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from operator import itemgetter
from typing import Any, Final

import orjson

from comparators.fields import field_plan
from comparators.normalize import MIDNIGHTS_UTC, SAME_UTC_INSTANT, date_ok
from comparators.spec import Spec

MIN_ROWS: Final = 8
"""Below this, the set-up of column lists costs more than it saves."""

_NUMBER_CHARS: Final = str.maketrans("", "", "0123456789.-")
"""Deletes what a canonical decimal is written with (see :func:`_decimals_are`)."""
# Possessive repetition (*+, ++, ?+) where what follows cannot start with what it took: the same
# matches, without the regular-expression engine's backtracking records.
_HEX = "[0-9a-f]"
_UUID = rf"{_HEX}{{8}}-{_HEX}{{4}}-{_HEX}{{4}}-{_HEX}{{4}}-{_HEX}{{12}}"
_UUIDS = re.compile(rf"(?:{_UUID}\n)*+{_UUID}")
# "orm|legacy" lines of instants equal by the rule (see SAME_UTC_INSTANT). Every line ends with "\n", so
# the pattern holds one copy of the groups and none is left over from an earlier line.
_INSTANT_LINES = re.compile(rf"(?:{SAME_UTC_INSTANT}\n)++")
_DAY: Final = itemgetter(slice(0, 10))

ValuesEqual = Callable[[Any, Any, Spec, None], bool]
Column = tuple[Any, ...]


def unequal_rows(
    legacy: list[Any], orm: list[Any], spec: Spec, ignores: object, values_equal: ValuesEqual
) -> set[int] | None:
    """The positions whose two rows differ, found column by column; None when this path does not
    apply (fewer than :data:`MIN_ROWS` rows, lengths or key sets that differ, ``ignore`` paths,
    ``rename``), and the caller compares row by row instead.
    """
    if len(legacy) < MIN_ROWS or len(legacy) != len(orm) or ignores or spec.rename:
        # (Under ``rename`` the same nested spelling on both sides is not the same field.)
        return None
    if type(legacy[0]) is not dict or type(orm[0]) is not dict:
        return None
    plan = field_plan(tuple(legacy[0]), tuple(orm[0]), spec.rename, spec.ignore_names)
    if not plan.complete:
        return None
    try:
        if not (_one_key_set(legacy, len(plan.matched)) and _one_key_set(orm, len(plan.matched))):
            return None
        # One tuple per column, read and transposed at C speed (KeyError: a row without the key).
        left_columns = tuple(zip(*map(plan.legacy_values, legacy), strict=True))
        right_columns = tuple(zip(*map(plan.orm_values, orm), strict=True))
        unequal: set[int] = set()
        for left, right in zip(left_columns, right_columns, strict=True):
            if not _column_equal(left, right, spec):
                unequal.update(_unequal_values(left, right, spec, values_equal))
    except (KeyError, TypeError):  # rows of another key set, or not objects: row by row, then
        return None
    return unequal


def _one_key_set(rows: list[Any], paired: int) -> bool:
    """Whether all rows have the first row's keys. When the plan pairs every key of the first row,
    the same count of keys per row is enough (reading the columns fails on any other key)."""
    keys = rows[0].keys()
    if len(keys) == paired:
        return set(map(len, rows)) == {paired}
    return all(map(keys.__eq__, map(dict.keys, rows)))


def _unequal_values(left: Column, right: Column, spec: Spec, values_equal: ValuesEqual) -> list[int]:
    """Positions of the column whose values the per-value rules find unequal."""
    seen: dict[tuple[str, str], bool] = {}
    out: list[int] = []
    for index, (a, b) in enumerate(zip(left, right, strict=True)):
        if type(a) is str and type(b) is str:
            verdict = seen.get((a, b))
            if verdict is None:
                verdict = seen[a, b] = values_equal(a, b, spec, None)
        else:
            verdict = values_equal(a, b, spec, None)
        if not verdict:
            out.append(index)
    return out


def _column_equal(left: Column, right: Column, spec: Spec) -> bool:
    """A sufficient condition, at C speed, for every pair of a column to be equal under the rules.

    Only the first values' types pick the check. A text column is proved all text by the
    ``str.join`` each check starts with (TypeError otherwise); the other side's types are checked
    where the check needs them.
    """
    if left == right:  # cheap, but lets true equal 1 (also nested): the same JSON settles it
        return _same_json(left, right)
    # Not ==, so not the same JSON either: only a rule can make the column equal.
    if spec.strict_types:
        return False
    left_type, right_type = type(left[0]), type(right[0])
    try:
        if left_type is str:
            if right_type is str:
                return _texts_equal(left, right)
            return _text_column_equal(left, right, right_type)
        if right_type is str:
            return _text_column_equal(right, left, left_type)
    except TypeError:  # a value of another type further down a column
        return False
    return False


def _same_json(left: Column, right: Column) -> bool:
    try:
        return orjson.dumps(left) == orjson.dumps(right)  # same JSON: equal under any rule (true != 1)
    except orjson.JSONEncodeError:
        return False


def _text_column_equal(texts: Column, others: Column, other_type: type) -> bool:
    other_types = set(map(type, others))
    if other_type is int:  # bigint as text: the one canonical spelling of each integer, as orjson's
        return other_types == {int} and _dumped(others) == "[" + ",".join(texts) + "]"
    if other_type is float:  # numeric as text against JSON floats: exactly the nearest float
        return other_types == {float} and _decimals_are(texts, others)
    if other_type is dict or other_type is list:  # json columns read as text
        return other_types <= {dict, list} and _json_texts_equal(texts, others)
    return False


def _dumped(values: Column) -> str | None:
    try:
        return orjson.dumps(values).decode()
    except orjson.JSONEncodeError:  # integers beyond 64 bits
        return None


def _decimals_are(texts: Column, floats: Column) -> bool:
    """Whether every text is a number in canonical decimal form whose nearest float is its partner.

    Texts of nothing but digits, ``.`` and ``-`` that parse as one JSON array, one number each, are
    exactly the canonical decimals (JSON's number grammar without an exponent: no ``+``, no
    leading zero, no bare ``.5`` or ``1.``); orjson reads them to the nearest float at C speed.
    """
    joined = ",".join(texts)
    if joined.translate(_NUMBER_CHARS) != "," * (len(texts) - 1):
        return False
    try:
        numbers = orjson.loads("[" + joined + "]")
    except orjson.JSONDecodeError:
        return False
    return tuple(numbers) == floats


def _json_texts_equal(texts: Column, values: Column) -> bool:
    try:
        parsed = orjson.loads("[" + ",".join(texts) + "]")
    except orjson.JSONDecodeError:
        return False
    # One value per text (a text holding "1,2" would shift the rest and fail this count), and the
    # same JSON as the other side, which holds objects or arrays only.
    return len(parsed) == len(texts) and orjson.dumps(parsed) == orjson.dumps(values)


def _texts_equal(legacy: Column, orm: Column) -> bool:
    """UUID case, dates against midnight, and same-day UTC instants; both sides say their zone, so
    ``naive_time_zone`` plays no part, and equality at the coarser precision of the two implies it at
    any ``time_precision``."""
    if len(legacy[0]) == 36 and len(orm[0]) == 36:  # UUIDs in another letter case
        lowered = "\n".join(legacy).lower()
        return lowered == "\n".join(orm).lower() and _UUIDS.fullmatch(lowered) is not None
    if len(legacy[0]) == 10 or len(orm[0]) == 10:  # dates against midnight instants
        dates, instants = (legacy, orm) if len(legacy[0]) == 10 else (orm, legacy)
        return _dates_at_midnight(dates, instants)
    return _same_day_instants(legacy, orm)


def _same_day_instants(legacy: Column, orm: Column) -> bool:
    """Row by row the same date and wall clock (``YYYY-MM-DD?HH:MM:SS``, ``T``/``t``/space between),
    each side in UTC, fractions equal at the coarser of the two: one regular expression over all
    ``orm|legacy`` lines, then each distinct day checked once. (Measured against slicing the columns
    and checking each distinct pair of tails apart: that was slower from 10 rows to 1,000.)"""
    lines = "\n".join(map("|".join, zip(orm, legacy, strict=True)))  # (ORM first: see the pattern)
    if _INSTANT_LINES.fullmatch(lines + "\n") is None:
        return False
    return all(map(date_ok, set(map(_DAY, legacy))))


def _dates_at_midnight(dates: Column, instants: Column) -> bool:
    """Every instant is its date followed by the first one's spelling of midnight UTC: one string
    built and compared. (A date holds no newline once ``date_ok`` passes, nor does a spelling of
    midnight, so equal joins pair each instant with its own date.)"""
    midnight = instants[0][10:]
    if midnight not in MIDNIGHTS_UTC or (midnight + "\n").join(dates) + midnight != "\n".join(instants):
        return False
    return all(map(date_ok, set(dates)))  # (date_ok checks the YYYY-MM-DD form too)
