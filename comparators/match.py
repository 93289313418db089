"""Row matching: sort the rows of both sides into pairs and one-side-only rows before any field is compared.

Like data-diff's ``diff_sets``, this is a pure function of the two row lists. Rows are matched by
the spec's key, else by ``id`` when the rows of both sides each carry a unique one, else as a
multiset: identical rows pair off first, then rows equal under the rules, re-paired so that every row
with an equal partner gets one (a maximum matching: equality under the rules is not transitive), then
the rest by the most fields in common (ties by position), then what is left by position: only rows
beyond the shorter side are extra or missing. Key values are read by the same rules as any value, so
``1007`` and ``"1007"`` address the same row.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Final

from comparators.fields import field_plan
from comparators.normalize import canonical_name, canonical_value
from comparators.report import MISSING
from comparators.spec import Spec

Equal = Callable[[Any, Any, Spec, frozenset[tuple[str, ...]] | None], bool]
Pairs = list[tuple[int, int]]

MAX_SCORED_PAIRS: Final = 10_000
"""Past this many (legacy, ORM) candidate pairs, leftover rows are not scored field by field
(quadratic) but paired by position: a result that different is reported either way."""


@dataclass(frozen=True, slots=True)
class RowMatching:
    pairs: tuple[tuple[int, int], ...]
    """(legacy index, ORM index), in legacy order."""
    legacy_only: tuple[int, ...]
    orm_only: tuple[int, ...]
    unverified: tuple[tuple[int, int], ...]
    """The pairs not already known to be equal (paired by key or by fields in common): the only
    ones a report has to look into."""
    known_unequal: bool
    """Whether some pair was already found unequal where it stands (so the rows cannot all be equal)."""
    key: tuple[str, ...] | None
    """The key the rows were matched by (spec key or ``("id",)``), None for a multiset."""


def match_rows(
    legacy: list[Any],
    orm: list[Any],
    spec: Spec,
    ignores: frozenset[tuple[str, ...]] | None,
    *,
    key: tuple[str, ...] | None,
    equal: Equal,
    prefix: int = 0,
    prefix_stopped: bool = False,
    unequal_at: set[int] | None = None,
) -> RowMatching:
    """Pair the rows of both sides. ``key``: the spec key (top level only); else ``id`` if unique.

    Rows equal where they stand pair off first. The caller says what it already knows: ``prefix``
    leading rows are equal (and, with ``prefix_stopped``, the next one is not), or ``unequal_at``
    holds exactly the positions whose rows differ (both sides then have the same length). Usually
    only a few rows of a pair differ, and this keeps the keyed or multiset matching, and the report,
    to those few.
    """
    forms = None
    if key is None and (legacy or orm):
        forms = _unique_ids(legacy, orm, spec)
        key = ("id",) if forms is not None else None
    shorter = min(len(legacy), len(orm))
    if unequal_at is not None:
        known = set(unequal_at)
        pairs: list[tuple[int, int]] = [(i, i) for i in range(shorter) if i not in known]
        unpaired_legacy: list[int] = sorted(known)
        unpaired_orm: list[int] = list(unpaired_legacy)
    else:
        known = {prefix} if prefix < shorter and prefix_stopped else set()
        pairs = [(i, i) for i in range(prefix)]
        unpaired_legacy = sorted(known)
        unpaired_orm = list(unpaired_legacy)
        for i in range(prefix + len(unpaired_legacy), shorter):
            if equal(legacy[i], orm[i], spec, ignores):
                pairs.append((i, i))
            else:
                unpaired_legacy.append(i)
                unpaired_orm.append(i)
    unpaired_legacy.extend(range(shorter, len(legacy)))
    unpaired_orm.extend(range(shorter, len(orm)))
    unverified: Pairs = []
    if unpaired_legacy or unpaired_orm:
        if key is not None and len(unpaired_legacy) == 1 == len(
            unpaired_orm
        ):  # one leftover a side (a 1-row pair)
            unverified, unpaired_legacy, unpaired_orm = _match_one_by_key(
                legacy, orm, unpaired_legacy[0], unpaired_orm[0], spec, key, forms
            )
        elif key is not None:
            unverified, unpaired_legacy, unpaired_orm = _match_by_key(
                legacy, orm, unpaired_legacy, unpaired_orm, spec, key, forms
            )
        else:
            unverified, unpaired_legacy, unpaired_orm = _match_multiset(
                legacy, orm, unpaired_legacy, unpaired_orm, spec, ignores, equal, pairs
            )
        pairs.extend(unverified)
        pairs.sort()
        unverified.sort()
    known_unequal = any(i == j and i in known for i, j in unverified)
    return RowMatching(
        tuple(pairs), tuple(unpaired_legacy), tuple(unpaired_orm), tuple(unverified), known_unequal, key
    )


def key_values(row: Any, key: tuple[str, ...], spec: Spec, *, legacy_side: bool) -> tuple[Any, ...]:
    """The raw values of the key fields of one row (:data:`MISSING` where the row lacks one)."""
    if type(row) is not dict:
        return tuple(MISSING for _ in key)
    names = _key_names(tuple(row), key, spec.plan_rename if not legacy_side else ())
    return tuple(MISSING if name is None else row[name] for name in names)


@lru_cache(maxsize=1024)
def _key_names(
    keys: tuple[str, ...], key: tuple[str, ...], rename: tuple[tuple[str, str], ...]
) -> tuple[str | None, ...]:
    """Which of an object's keys hold each key field: the exact name, else the one key with the same
    canonical name (the ORM side looks for the renamed name)."""
    renames = dict(rename)
    out: list[str | None] = []
    for name in key:
        wanted = renames.get(name, name)
        if wanted in keys:
            out.append(wanted)
            continue
        found = [k for k in keys if canonical_name(k) == canonical_name(wanted)]
        out.append(found[0] if len(found) == 1 else None)
    return tuple(out)


_NO_KEY: Final = ("__missing__",)


def _key_forms(rows: list[Any], key: tuple[str, ...], spec: Spec, *, legacy_side: bool) -> list[Hashable]:
    """The canonical key of each row (1007 and "1007" give the same), computed for a whole side at once
    so rows sharing a key set share the lookup of the key fields."""
    rename = spec.plan_rename if not legacy_side else ()
    strict, naive_tz = spec.strict_types, spec.naive_tz
    last_keys: tuple[str, ...] | None = None
    names: tuple[str | None, ...] = ()
    forms: list[Hashable] = []
    for row in rows:
        if type(row) is not dict:
            forms.append(_NO_KEY * len(key))
            continue
        keys = tuple(row)
        if keys != last_keys:
            last_keys = keys
            names = _key_names(keys, key, rename)
        form: list[Hashable] = []
        for name in names:
            if name is None:
                form.append(_NO_KEY[0])
                continue
            value = row[name]
            if type(value) is int:
                form.append(("n", value))
            else:
                form.append(canonical_value(value, strict=strict, naive_tz=naive_tz))
        forms.append(tuple(form))
    return forms


def _unique_ids(
    legacy: list[Any], orm: list[Any], spec: Spec
) -> tuple[list[Hashable], list[Hashable]] | None:
    """The canonical ``id`` of every row, when every row of both sides carries a unique one."""
    out = []
    for rows, legacy_side in ((legacy, True), (orm, False)):
        forms = _key_forms(rows, ("id",), spec, legacy_side=legacy_side)
        if _NO_KEY in forms or len(set(forms)) != len(forms):
            return None
        out.append(forms)
    return out[0], out[1]


def _match_by_key(
    legacy: list[Any],
    orm: list[Any],
    unpaired_legacy: list[int],
    unpaired_orm: list[int],
    spec: Spec,
    key: tuple[str, ...],
    forms: tuple[list[Hashable], list[Hashable]] | None,
) -> tuple[Pairs, list[int], list[int]]:
    if forms is None:
        legacy_forms = _key_forms([legacy[i] for i in unpaired_legacy], key, spec, legacy_side=True)
        orm_forms = _key_forms([orm[j] for j in unpaired_orm], key, spec, legacy_side=False)
    else:
        legacy_forms = [forms[0][i] for i in unpaired_legacy]
        orm_forms = [forms[1][j] for j in unpaired_orm]
    groups: dict[Hashable, list[int]] = {}
    for j, form in zip(unpaired_orm, orm_forms, strict=True):
        groups.setdefault(form, []).append(j)
    pairs: Pairs = []
    legacy_only: list[int] = []
    for i, form in zip(unpaired_legacy, legacy_forms, strict=True):
        group = groups.get(form)
        if group:
            pairs.append((i, group.pop(0)))
        else:
            legacy_only.append(i)
    orm_only = sorted(j for group in groups.values() for j in group)
    return pairs, legacy_only, orm_only


def _match_one_by_key(
    legacy: list[Any],
    orm: list[Any],
    i: int,
    j: int,
    spec: Spec,
    key: tuple[str, ...],
    forms: tuple[list[Hashable], list[Hashable]] | None,
) -> tuple[Pairs, list[int], list[int]]:
    """:func:`_match_by_key` for one row a side, without its grouping."""
    if forms is None:
        same = _key_forms([legacy[i]], key, spec, legacy_side=True) == _key_forms(
            [orm[j]], key, spec, legacy_side=False
        )
    else:
        same = forms[0][i] == forms[1][j]
    return ([(i, j)], [], []) if same else ([], [i], [j])


def _match_multiset(
    legacy: list[Any],
    orm: list[Any],
    unpaired_legacy: list[int],
    unpaired_orm: list[int],
    spec: Spec,
    ignores: frozenset[tuple[str, ...]] | None,
    equal: Equal,
    settled: Pairs,
) -> tuple[Pairs, list[int], list[int]]:
    """``settled``: the pairs already made where the rows stand (equal); step 3 may take some of
    them apart, in place, so that every row with an equal partner gets one."""
    renames = spec.rename_map

    def form(row: Any, rename: dict[str, str] | None) -> Hashable:
        return canonical_value(
            row, strict=spec.strict_types, naive_tz=spec.naive_tz, rename=rename, ignore=spec.ignore_names
        )

    # 1. identical rows (same canonical form) pair off first.
    groups: dict[Hashable, list[int]] = {}
    for j in unpaired_orm:
        groups.setdefault(form(orm[j], None), []).append(j)
    pairs: Pairs = []
    unpaired: list[int] = []
    for i in unpaired_legacy:
        group = groups.get(form(legacy[i], renames))
        if group:
            pairs.append((i, group.pop(0)))
        else:
            unpaired.append(i)
    unpaired_legacy = unpaired
    unpaired_orm = sorted(j for group in groups.values() for j in group)

    # 2. rows equal under the rules but not in canonical form (float tolerance, coarser precision).
    if unpaired_legacy and unpaired_orm and len(unpaired_legacy) * len(unpaired_orm) <= MAX_SCORED_PAIRS:
        still: list[int] = []
        for i in unpaired_legacy:
            for pos, j in enumerate(unpaired_orm):
                if equal(legacy[i], orm[j], spec, ignores):
                    pairs.append((i, j))
                    del unpaired_orm[pos]
                    break
            else:
                still.append(i)
        unpaired_legacy = still

    # 3. rows left on both sides may still each have an equal partner that a row paired earlier took
    # ('0' took '0.00' where it stood, leaving '0.00' with False although '0' = False): equality under
    # the rules is not transitive, so pairing first-fit is not enough. Augmenting paths (Kuhn's
    # algorithm) re-pair until no more rows can find an equal partner.
    if unpaired_legacy and unpaired_orm:
        unpaired_legacy, unpaired_orm = _augment(
            legacy, orm, pairs, settled, unpaired_legacy, unpaired_orm, spec, ignores, equal
        )

    # 4. the rest by the most fields in common, ties by position.
    if unpaired_legacy and unpaired_orm:
        scored = _pair_by_common_fields(legacy, orm, unpaired_legacy, unpaired_orm, spec, equal)
        pairs.extend(scored)
        paired_legacy = {i for i, _ in scored}
        paired_orm = {j for _, j in scored}
        unpaired_legacy = [i for i in unpaired_legacy if i not in paired_legacy]
        unpaired_orm = [j for j in unpaired_orm if j not in paired_orm]
    return pairs, unpaired_legacy, unpaired_orm


def _augment(
    legacy: list[Any],
    orm: list[Any],
    pairs: Pairs,
    settled: Pairs,
    unpaired_legacy: list[int],
    unpaired_orm: list[int],
    spec: Spec,
    ignores: frozenset[tuple[str, ...]] | None,
    equal: Equal,
) -> tuple[list[int], list[int]]:
    """A maximum matching of equal rows, grown from the pairs made so far (``pairs`` and ``settled``,
    each updated in place; a pair moved is added to ``pairs``): the rows still unpaired on each side.

    Only a row of ``unpaired_orm`` can end an augmenting path, so when no paired legacy row equals
    any of them, there is none and nothing else is compared. Bounded like step 2: past
    ``MAX_SCORED_PAIRS`` comparisons the first-fit pairs stand."""
    partner_of: dict[int, int] = {j: i for i, j in settled}  # ORM row -> its legacy row
    partner_of.update({j: i for i, j in pairs})
    paired_legacy = list(partner_of.values())
    if (len(unpaired_legacy) + len(paired_legacy)) * (len(unpaired_orm) + len(partner_of)) > MAX_SCORED_PAIRS:
        return unpaired_legacy, unpaired_orm
    memo: dict[tuple[int, int], bool] = {}

    def same(i: int, j: int) -> bool:
        found = memo.get((i, j))
        if found is None:
            found = memo[(i, j)] = equal(legacy[i], orm[j], spec, ignores)
        return found

    if not any(same(i, j) for j in unpaired_orm for i in paired_legacy):
        return unpaired_legacy, unpaired_orm
    candidates = sorted(partner_of) + list(unpaired_orm)

    def reach(i: int, seen: set[int]) -> bool:
        for j in candidates:
            if j in seen or not same(i, j):
                continue
            seen.add(j)
            owner = partner_of.get(j)
            if owner is None or reach(owner, seen):
                partner_of[j] = i
                return True
        return False

    still = [i for i in unpaired_legacy if not reach(i, set())]
    matched = {(i, j) for j, i in partner_of.items()}
    settled[:] = [p for p in settled if p in matched]
    kept = set(settled)
    pairs[:] = sorted(p for p in matched if p not in kept)
    return still, [j for j in unpaired_orm if j not in partner_of]


def _pair_by_common_fields(
    legacy: list[Any],
    orm: list[Any],
    unpaired_legacy: list[int],
    unpaired_orm: list[int],
    spec: Spec,
    equal: Equal,
) -> list[tuple[int, int]]:
    if len(unpaired_legacy) * len(unpaired_orm) > MAX_SCORED_PAIRS:
        return list(zip(unpaired_legacy, unpaired_orm, strict=False))
    scores: list[tuple[int, int, int]] = []
    for i in unpaired_legacy:
        a = legacy[i]
        if type(a) is not dict:
            continue
        for j in unpaired_orm:
            b = orm[j]
            if type(b) is not dict:
                continue
            plan = field_plan(tuple(a), tuple(b), spec.plan_rename, spec.ignore_names)
            common = sum(1 for ka, kb in plan.matched if equal(a[ka], b[kb], spec, None))
            if common:
                scores.append((-common, i, j))
    scores.sort()
    used_legacy: set[int] = set()
    used_orm: set[int] = set()
    pairs: list[tuple[int, int]] = []
    for _, i, j in scores:
        if i not in used_legacy and j not in used_orm:
            used_legacy.add(i)
            used_orm.add(j)
            pairs.append((i, j))
    # The rest by position: only rows beyond the shorter side are extra or missing (a one-row
    # result whose only column changed is a field difference, not a missing and an extra row).
    rest_legacy = [i for i in unpaired_legacy if i not in used_legacy and type(legacy[i]) is dict]
    rest_orm = [j for j in unpaired_orm if j not in used_orm and type(orm[j]) is dict]
    pairs.extend(zip(rest_legacy, rest_orm, strict=False))
    return pairs
