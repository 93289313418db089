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
from typing import Any, Final

import orjson

from comparators.fields import field_plan
from comparators.normalize import date_ok
from comparators.spec import Spec

MIN_ROWS: Final = 8
"""Below this, the set-up of column lists costs more than it saves."""

_NUMBER = r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?"
_NUMBERS = re.compile(rf"(?:{_NUMBER}\n)*{_NUMBER}")
_HEX = "[0-9a-f]"
_UUID = rf"{_HEX}{{8}}-{_HEX}{{4}}-{_HEX}{{4}}-{_HEX}{{4}}-{_HEX}{{12}}"
_UUIDS = re.compile(rf"(?:{_UUID}\n)*{_UUID}")
_DATE = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
_DATES = re.compile(rf"(?:{_DATE}\n)*{_DATE}")
_ZERO_ZONE = r"(?:Z|z|[+-]00(?::?00)?)"
# One line per row, "legacy|orm": the same date and wall clock (backreferences \1, \2), each side in
# UTC, and fractions of which one is a prefix of the other or absent (the coarser-precision rule). Each
# alternative refers only to groups it sets itself, so no capture left over from an earlier line counts.
_SAME = r"\|\1[Tt ]\2"
_INSTANT_LINE = (
    rf"({_DATE})[Tt ]((?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9])(?:"
    rf"[.,]([0-9]*)[0-9]*{_ZERO_ZONE}{_SAME}[.,]\3{_ZERO_ZONE}"  # the orm fraction is a prefix
    rf"|[.,]([0-9]+){_ZERO_ZONE}{_SAME}[.,]\4[0-9]*{_ZERO_ZONE}"  # the legacy fraction is a prefix
    rf"|{_ZERO_ZONE}{_SAME}(?:[.,][0-9]+)?{_ZERO_ZONE}"  # no legacy fraction
    rf"|[.,][0-9]+{_ZERO_ZONE}{_SAME}{_ZERO_ZONE}"  # no orm fraction
    r")"
)
_INSTANTS = re.compile(rf"(?:{_INSTANT_LINE}\n)+")  # every line ends with "\n": one copy of the groups
_MIDNIGHT = re.compile(rf"[Tt ]00:00(?::00(?:[.,][0-9]*)?)?{_ZERO_ZONE}")

ValuesEqual = Callable[[Any, Any, Spec, None], bool]


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
        unequal: set[int] = set()
        for legacy_key, orm_key in plan.matched:
            left = [row[legacy_key] for row in legacy]  # KeyError: a row without the key
            right = [row[orm_key] for row in orm]
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


def _unequal_values(left: list[Any], right: list[Any], spec: Spec, values_equal: ValuesEqual) -> list[int]:
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


def _column_equal(left: list[Any], right: list[Any], spec: Spec) -> bool:
    """A sufficient condition, at C speed, for every pair of a column to be equal under the rules."""
    try:
        if orjson.dumps(left) == orjson.dumps(right):  # same JSON: equal under any rule (true != 1)
            return True
    except orjson.JSONEncodeError:
        return False
    if spec.strict_types:
        return False
    left_types, right_types = set(map(type, left)), set(map(type, right))
    if len(left_types) != 1 or len(right_types) != 1:
        return False
    left_type, right_type = left_types.pop(), right_types.pop()
    if left_type is str and right_type is str:
        return _texts_equal(left, right)
    if left_type is str:
        return _text_column_equal(left, right, right_type)
    if right_type is str:
        return _text_column_equal(right, left, left_type)
    return False


def _text_column_equal(texts: list[str], others: list[Any], other_type: type) -> bool:
    if other_type is int:  # bigint as text: the one canonical spelling of each integer
        return list(map(str, others)) == texts
    if other_type is float:  # numeric as text against JSON floats: exactly the nearest float
        return _NUMBERS.fullmatch("\n".join(texts)) is not None and list(map(float, texts)) == others
    if other_type is dict or other_type is list:  # json columns read as text
        return _json_texts_equal(texts, others)
    return False


def _json_texts_equal(texts: list[str], values: list[Any]) -> bool:
    try:
        parsed = orjson.loads("[" + ",".join(texts) + "]")
    except orjson.JSONDecodeError:
        return False
    # One value per text (a text holding "1,2" would shift the rest and fail this count), and the
    # same JSON as the other side, which holds objects or arrays only.
    return len(parsed) == len(texts) and orjson.dumps(parsed) == orjson.dumps(values)


def _texts_equal(legacy: list[str], orm: list[str]) -> bool:
    """UUID case, dates against midnight, and same-day UTC instants; both sides say their zone, so
    ``naive_time_zone`` plays no part, and equality at the coarser precision of the two implies it at
    any ``time_precision``."""
    if len(legacy[0]) == 36 and len(orm[0]) == 36:  # UUIDs in another letter case
        lowered = "\n".join(legacy).lower()
        return lowered == "\n".join(orm).lower() and _UUIDS.fullmatch(lowered) is not None
    if len(legacy[0]) == 10 or len(orm[0]) == 10:  # dates against midnight instants
        dates, instants = (legacy, orm) if len(legacy[0]) == 10 else (orm, legacy)
        return _dates_at_midnight(dates, instants)
    lines = "".join(f"{a}|{b}\n" for a, b in zip(legacy, orm, strict=True))
    if _INSTANTS.fullmatch(lines) is None:
        return False
    return all(map(date_ok, {text[:10] for text in legacy}))


def _dates_at_midnight(dates: list[str], instants: list[str]) -> bool:
    if _DATES.fullmatch("\n".join(dates)) is None or [text[:10] for text in instants] != dates:
        return False
    if not all(_MIDNIGHT.fullmatch(suffix) for suffix in {text[10:] for text in instants}):
        return False
    return all(map(date_ok, set(dates)))
