"""Which key of a legacy object pairs with which key of the ORM object.

Rows of one query share one key set, so the pairing is computed once per (legacy keys, ORM keys,
rename, ignore) and memoized: on a 1,000-row result the canonical names are worked out once, not
1,000 times (the naive engine spent a large share of its time rebuilding these indexes per object).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from operator import itemgetter
from typing import Any, NamedTuple

from comparators.names import canonical_name


class FieldEntry(NamedTuple):
    legacy: str | None
    """The key on the legacy side, None when only the ORM side has the field."""
    orm: str | None
    label: str
    """How reports name the field: the legacy key, else the ORM key."""
    names: frozenset[str]
    """The canonical names the field answers to (legacy and ORM spelling), for ``ignore`` paths."""


@dataclass(frozen=True, slots=True)
class FieldPlan:
    entries: tuple[FieldEntry, ...]
    """Every non-ignored field: pairs in legacy order, then fields only the ORM side has."""
    matched: tuple[tuple[str, str], ...]
    """(legacy key, ORM key) of the fields both sides have: the fast path's loop."""
    complete: bool
    """Whether every non-ignored key has a partner (else the objects cannot be equal)."""
    matched_entries: tuple[FieldEntry, ...]
    """The entries of ``matched``, position for position."""
    legacy_values: Callable[[dict[str, Any]], tuple[Any, ...]]
    """A legacy object's values of the ``matched`` fields, in that order, read at C speed
    (``operator.itemgetter``; KeyError when the object lacks one)."""
    orm_values: Callable[[dict[str, Any]], tuple[Any, ...]]
    """The same for an ORM object."""
    answers: dict[tuple[int, ...], object]
    """Memo of the engine's answer for an equal one-row pair by the rules each field needed (the plan
    is itself memoized, so this is one small dict per query shape)."""
    last: list[Any]
    """[rules per field, answer] of the last equal one-row pair: a list compare for the usual repeat."""


@lru_cache(maxsize=2048)
def field_plan(
    legacy_keys: tuple[str, ...],
    orm_keys: tuple[str, ...],
    rename: tuple[tuple[str, str], ...],
    ignore_names: frozenset[str],
) -> FieldPlan:
    """Pair keys by exact name (after ``rename``) first, then by canonical name.

    A key whose canonical form is shared by another key of the same object (``userId`` and
    ``user_id`` side by side) is paired by exact name only, so neither is silently merged.
    """
    renames = dict(rename)
    targets = [renames.get(k, k) for k in legacy_keys]
    legacy_canon = [canonical_name(t) for t in targets]
    orm_canon = [canonical_name(k) for k in orm_keys]
    legacy_clash = {c for c, n in Counter(legacy_canon).items() if n > 1}
    orm_clash = {c for c, n in Counter(orm_canon).items() if n > 1}

    partner: dict[int, int] = {}
    taken: set[int] = set()
    orm_exact = {k: j for j, k in enumerate(orm_keys)}
    for i, target in enumerate(targets):
        j = orm_exact.get(target)
        if j is not None and j not in taken:
            partner[i] = j
            taken.add(j)
    orm_by_canon = {c: j for j, c in enumerate(orm_canon) if c not in orm_clash and j not in taken}
    for i, canon in enumerate(legacy_canon):
        if i in partner or canon in legacy_clash:
            continue
        j = orm_by_canon.get(canon)
        if j is not None and j not in taken:
            partner[i] = j
            taken.add(j)

    entries: list[FieldEntry] = []
    for i, key in enumerate(legacy_keys):
        j = partner.get(i)
        names = {canonical_name(key), legacy_canon[i]}
        if j is not None:
            names.add(orm_canon[j])
        if names & ignore_names:
            continue
        entries.append(FieldEntry(key, None if j is None else orm_keys[j], key, frozenset(names)))
    for j, key in enumerate(orm_keys):
        if j not in taken and orm_canon[j] not in ignore_names:
            entries.append(FieldEntry(None, key, key, frozenset({orm_canon[j]})))
    both = tuple(e for e in entries if e.legacy is not None and e.orm is not None)
    matched = tuple((e.legacy, e.orm) for e in both if e.legacy is not None and e.orm is not None)
    return FieldPlan(
        tuple(entries),
        matched,
        len(matched) == len(entries),
        both,
        _values_getter(tuple(pair[0] for pair in matched)),
        _values_getter(tuple(pair[1] for pair in matched)),
        {},
        [None, None],
    )


def _values_getter(keys: tuple[str, ...]) -> Callable[[dict[str, Any]], tuple[Any, ...]]:
    """``itemgetter(*keys)``, which returns a bare value rather than a 1-tuple for a single key."""
    if len(keys) >= 2:
        return itemgetter(*keys)
    if keys:
        only = keys[0]
        return lambda row: (row[only],)
    return lambda row: ()


def child_scope(scope: frozenset[tuple[str, ...]], entry: FieldEntry) -> frozenset[tuple[str, ...]] | None:
    """The scoped paths (``ignore``, ``ordered``, ``types``) that continue below ``entry``; None when
    the field itself is ignored. A path whose next part is a mark (``ordered``, a type) arrives below
    as that mark alone, for the value there to read."""
    rest: set[tuple[str, ...]] = set()
    for path in scope:
        if path[0] in entry.names:
            if len(path) == 1:
                return None
            rest.add(path[1:])
    return frozenset(rest)
