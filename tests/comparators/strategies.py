"""Hypothesis strategies: one logical value, rendered the legacy way and (randomly) the ORM way.

Every strategy here draws a *pair* ``(legacy, orm)`` of the same data, so a property can assert the
engine calls it equal, or plant one change in it and assert exactly that change is reported.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import orjson
from hypothesis import strategies as st

Pair = tuple[Any, Any]

WORDS = ("user", "name", "created", "at", "total", "amount", "is", "active", "zip", "code", "notify", "email")
UTC = dt.UTC


def snake_names() -> st.SearchStrategy[str]:
    """snake_case field names; the ORM side renders them in camel/Pascal/upper case."""
    return st.lists(st.sampled_from(WORDS), min_size=1, max_size=3).map("_".join)


def render_name(name: str, style: int) -> str:
    parts = name.split("_")
    if style == 0:
        return name
    if style == 1:
        return parts[0] + "".join(p.title() for p in parts[1:])
    if style == 2:
        return "".join(p.title() for p in parts)
    return name.upper()


def canonical(name: str) -> str:
    return name.replace("_", "").lower()


def distinct_names(min_size: int = 1, max_size: int = 5) -> st.SearchStrategy[list[str]]:
    """Names no two of which share a canonical form (that case has its own exact-name rule)."""
    return st.lists(snake_names(), min_size=min_size, max_size=max_size, unique_by=canonical)


@st.composite
def _int_pair(draw: st.DrawFn) -> Pair:
    value = draw(st.integers(min_value=-(2**63), max_value=2**63 - 1))  # bigint
    form = draw(st.integers(0, 2))
    return [(value, value), (str(value), value), (value, str(value))][form]


@st.composite
def _decimal_pair(draw: st.DrawFn) -> Pair:
    value = draw(st.decimals(min_value=-(10**9), max_value=10**9, places=2, allow_nan=False))
    text = format(value, "f")
    padded = text + "0" * draw(st.integers(0, 3))
    form = draw(st.integers(0, 2))
    return [(padded, float(value)), (text, padded), (float(value), text)][form]


@st.composite
def _instant_pair(draw: st.DrawFn) -> Pair:
    moment = draw(
        st.datetimes(
            min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(2200, 1, 1), timezones=st.just(UTC)
        )
    )
    legacy = (
        moment.strftime("%Y-%m-%d %H:%M:%S") + (f".{moment.microsecond:06d}".rstrip("0").rstrip(".")) + "+00"
    )
    form = draw(st.integers(0, 2))
    if form == 0:  # Prisma: ISO with milliseconds and Z (truncated: the coarser precision rule)
        orm = moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
    elif form == 1:  # an offset shift: the same instant in another zone
        minutes = draw(st.integers(-14 * 60, 14 * 60))
        orm = moment.astimezone(dt.timezone(dt.timedelta(minutes=minutes))).isoformat()
    else:  # naive, read as UTC
        orm = moment.replace(tzinfo=None).isoformat()
    return (legacy, orm) if draw(st.booleans()) else (orm, legacy)


@st.composite
def _date_pair(draw: st.DrawFn) -> Pair:
    day = draw(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2200, 1, 1))).isoformat()
    orm = draw(st.sampled_from([f"{day}T00:00:00.000Z", f"{day} 00:00:00+00", f"{day}T00:00:00Z", day]))
    return (day, orm) if draw(st.booleans()) else (orm, day)


@st.composite
def _uuid_pair(draw: st.DrawFn) -> Pair:
    text = str(draw(st.uuids()))
    return (text.upper(), text) if draw(st.booleans()) else (text, text.upper())


@st.composite
def _duration_pair(draw: st.DrawFn) -> Pair:
    days = draw(st.integers(0, 400))
    seconds = draw(st.integers(0, 86_399))
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    pg = f"{days} days {h:02d}:{m:02d}:{s:02d}" if days else f"{h:02d}:{m:02d}:{s:02d}"
    iso = f"P{days}DT{h}H{m}M{s}S"
    return (pg, iso) if draw(st.booleans()) else (iso, pg)


def _same(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Pair]:
    return strategy.map(lambda v: (v, v))


def scalar_pairs() -> st.SearchStrategy[Pair]:
    return st.one_of(
        _same(st.none()),
        _same(st.booleans()),
        _same(st.text(max_size=8)),
        _int_pair(),
        _decimal_pair(),
        _instant_pair(),
        _date_pair(),
        _uuid_pair(),
        _duration_pair(),
    )


@st.composite
def object_pairs(draw: st.DrawFn, values: st.SearchStrategy[Pair]) -> Pair:
    names = draw(distinct_names(0, 5))
    style = draw(st.integers(0, 3))
    legacy: dict[str, Any] = {}
    orm: dict[str, Any] = {}
    for name in names:
        a, b = draw(values)
        legacy[name] = a
        orm[render_name(name, style)] = b
    return legacy, orm


@st.composite
def array_pairs(draw: st.DrawFn, values: st.SearchStrategy[Pair]) -> Pair:
    """Arrays of scalars keep their order; arrays of objects may be shuffled (matched like rows)."""
    if draw(st.booleans()):
        members = draw(st.lists(scalar_pairs(), max_size=4))
        return [a for a, _ in members], [b for _, b in members]
    members = draw(st.lists(object_pairs(values), min_size=1, max_size=3))
    orm = [b for _, b in members]
    random.Random(draw(st.integers(0, 2**16))).shuffle(orm)
    return [a for a, _ in members], orm


@st.composite
def as_json_text(draw: st.DrawFn, pairs: st.SearchStrategy[Pair]) -> Pair:
    """A json/jsonb column read as text on one side, parsed on the other."""
    legacy, orm = draw(pairs)
    if draw(st.booleans()):
        return orjson.dumps(legacy).decode(), orm
    return legacy, orjson.dumps(orm).decode()


def value_pairs() -> st.SearchStrategy[Pair]:
    return st.recursive(
        scalar_pairs(),
        lambda children: st.one_of(
            object_pairs(children), array_pairs(children), as_json_text(object_pairs(children))
        ),
        max_leaves=12,
    )


@st.composite
def row_pairs(draw: st.DrawFn, *, shuffle: bool = True, with_ids: bool = False) -> Pair:
    """Rows of one query: one key set for every row, the ORM side in its own order."""
    names = draw(distinct_names(1, 5).filter(lambda ns: "id" not in map(canonical, ns)))
    style = draw(st.integers(0, 3))
    count = draw(st.integers(0, 5))
    row_values = st.one_of(
        scalar_pairs(), as_json_text(object_pairs(scalar_pairs())), object_pairs(scalar_pairs())
    )
    legacy_rows: list[dict[str, Any]] = []
    orm_rows: list[dict[str, Any]] = []
    for index in range(count):
        legacy: dict[str, Any] = {"id": index + 1} if with_ids else {}
        orm: dict[str, Any] = {"id": draw(st.sampled_from([index + 1, str(index + 1)]))} if with_ids else {}
        for name in names:
            a, b = draw(row_values)
            legacy[name] = a
            orm[render_name(name, style)] = b
        legacy_rows.append(legacy)
        orm_rows.append(orm)
    if shuffle:
        random.Random(draw(st.integers(0, 2**16))).shuffle(orm_rows)
    return legacy_rows, orm_rows


def column_kinds() -> list[st.SearchStrategy[Pair]]:
    """One strategy per kind of column; every row of a column draws its pair from the same one."""
    return [
        _same(st.integers(-5, 5)),
        _same(st.text(max_size=3)),
        _same(st.one_of(st.none(), st.booleans())),
        _int_pair(),
        _decimal_pair(),
        _instant_pair(),
        _date_pair(),
        _uuid_pair(),
        _duration_pair(),
        as_json_text(object_pairs(scalar_pairs())),
        # one spelling per side for the whole column, as a real driver and ORM produce
        _pg_vs_prisma_instants(),
        st.dates(min_value=dt.date(1900, 1, 1)).map(
            lambda d: (d.isoformat(), f"{d.isoformat()}T00:00:00.000Z")
        ),
        st.decimals(min_value=-(10**6), max_value=10**6, places=2).map(lambda d: (format(d, "f"), float(d))),
        st.integers(-(2**63), 2**63 - 1).map(lambda i: (str(i), i)),
        st.uuids().map(lambda u: (str(u).upper(), str(u))),
        st.dictionaries(st.sampled_from(["a", "b"]), st.integers(0, 3)).map(
            lambda d: (orjson.dumps(d).decode(), d)
        ),
    ]


@st.composite
def _pg_vs_prisma_instants(draw: st.DrawFn) -> Pair:
    moment = draw(st.datetimes(min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(2200, 1, 1)))
    fraction = f".{moment.microsecond:06d}".rstrip("0").rstrip(".")
    legacy = moment.strftime("%Y-%m-%d %H:%M:%S") + fraction + "+00"
    return legacy, moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


@st.composite
def column_rows(draw: st.DrawFn) -> tuple[Pair, list[st.SearchStrategy[Pair]]]:
    """Enough keyed rows for the column-at-a-time path, in the same order on both sides."""
    kinds = column_kinds()
    columns = draw(st.lists(st.sampled_from(range(len(kinds))), min_size=1, max_size=5))
    count = draw(st.integers(8, 16))
    legacy_rows: list[dict[str, Any]] = []
    orm_rows: list[dict[str, Any]] = []
    for index in range(count):
        legacy: dict[str, Any] = {"id": index}
        orm: dict[str, Any] = {"id": index}
        for position, kind in enumerate(columns):
            a, b = draw(kinds[kind])
            legacy[f"col_{position}"] = a
            orm[f"col{position}"] = b
        legacy_rows.append(legacy)
        orm_rows.append(orm)
    return (legacy_rows, orm_rows), [kinds[kind] for kind in columns]
