"""Spec options that matched nothing in a pair: a ``key`` field no row has, an ``ignore``, ``rename``,
``types`` or ``ordered`` path that names no field. Each is a :class:`~comparators.report.SpecWarning`
in the pair's answer, so a typo in a spec is seen instead of silently turning into false mismatches
or hidden ones. Only computed when the spec sets one of these options.
"""

from __future__ import annotations

from typing import Any

from comparators.names import canonical_name
from comparators.report import SpecWarning
from comparators.spec import Spec

Paths = set[tuple[str, ...]]


def spec_warnings(legacy: Any, orm: Any, spec: Spec) -> tuple[SpecWarning, ...]:
    """The warnings for one pair (``orm`` after dotted renames were read out of their includes)."""
    legacy_paths: Paths = set()
    orm_paths: Paths = set()
    _walk(legacy, (), legacy_paths)
    _walk(orm, (), orm_paths)
    both = legacy_paths | orm_paths
    names = {path[-1] for path in both}
    out: list[SpecWarning] = []
    if spec.key and type(legacy) is list:
        for name in spec.key:
            wanted = canonical_name(name)
            if not _top_level_has(legacy, wanted) and not _top_level_has(orm, wanted):
                out.append(
                    SpecWarning("key", f"no row has the key field {name!r}; rows were matched without it")
                )
    for name in spec.ignore:
        if not _present(name, both, names):
            out.append(SpecWarning("ignore", f"{name!r} matched no field, so nothing was ignored"))
    for legacy_name, target in spec.rename:
        if "." in target:
            applied = (canonical_name(legacy_name),) in orm_paths and (
                canonical_name(legacy_name),
            ) in legacy_paths
        else:
            applied = canonical_name(legacy_name) in {p[-1] for p in legacy_paths}
        if not applied:
            out.append(
                SpecWarning(
                    "rename", f"{legacy_name!r} -> {target!r} matched no field, so nothing was renamed"
                )
            )
    for name, kind in spec.types:
        if not _present(name, both, names):
            out.append(SpecWarning("types", f"{name!r} ({kind}) matched no field"))
    for path in spec.ordered_paths:
        if not _present(path, both, names):
            out.append(SpecWarning("ordered", f"{path!r} matched no field, so no order was checked there"))
    return tuple(out)


def _present(name: str, paths: Paths, names: set[str]) -> bool:
    if "." not in name:
        return canonical_name(name) in names
    return tuple(canonical_name(p) for p in name.split(".")) in paths


def _top_level_has(rows: Any, wanted: str) -> bool:
    if type(rows) is not list:
        return False
    return any(type(row) is dict and any(canonical_name(k) == wanted for k in row) for row in rows)


def _walk(value: Any, path: tuple[str, ...], out: Paths) -> None:
    """Every path to a field (canonical names, without row keys or indexes), rows of one key set
    walked once per key set."""
    kind = type(value)
    if kind is dict:
        for key, item in value.items():
            here = (*path, canonical_name(key))
            out.add(here)
            if type(item) is dict or type(item) is list:
                _walk(item, here, out)
    elif kind is list:
        seen: set[tuple[str, ...]] = set()
        for item in value:
            if type(item) is dict:
                keys = tuple(item)
                if keys in seen and not any(type(v) is dict or type(v) is list for v in item.values()):
                    continue
                seen.add(keys)
            if type(item) is dict or type(item) is list:
                _walk(item, path, out)
