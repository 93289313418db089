"""Comparison specs as parsed ``comparators.Spec`` objects, so no pair parses a spec twice.

Stored specs (``PUT /v1/specs``, the YAML file) are kept by (module, query_name); inline specs sent
with a pair are parsed once per distinct content and kept in a bounded cache, since clients send the
same few specs over and over. An inline spec is merged over its query's stored spec option by option
(an option given inline replaces the stored option of that name; ``null`` removes it), and
:meth:`SpecCache.resolve` says which applied (:class:`SpecSource`).
"""

from __future__ import annotations

import enum
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
import yaml

from app.errors import InvalidPayload
from app.store.base import Store, StoredSpec
from comparators import Spec, SpecError


class SpecSource(enum.StrEnum):
    """Which spec a pair was compared with (the answer's ``spec_source``)."""

    NONE = "none"
    STORED = "stored"
    INLINE = "inline"
    MERGED = "merged"


@dataclass(frozen=True, slots=True)
class ResolvedSpec:
    """The spec a pair is compared with, where it came from, and its JSON form for the answer."""

    spec: Spec | None
    source: SpecSource
    wire: dict[str, Any]


NO_SPEC = ResolvedSpec(None, SpecSource.NONE, {})


class SpecCache:
    def __init__(self, inline_limit: int = 1024) -> None:
        self._stored: dict[tuple[str, str], Spec] = {}
        self._raw: dict[tuple[str, str], StoredSpec] = {}
        self._inline: OrderedDict[bytes, Spec] = OrderedDict()
        self._inline_limit = inline_limit
        self._resolved: OrderedDict[tuple[Spec | None, bytes | None], ResolvedSpec] = OrderedDict()

    def resolve(self, module: str, query_name: str, inline: dict[str, Any] | None) -> ResolvedSpec:
        """The spec for one pair: the stored one, the inline one, or the inline one merged over the
        stored one option by option (raises ``SpecError`` for a bad inline spec)."""
        stored = self._stored.get((module, query_name))
        if inline is None:
            if stored is None:
                return NO_SPEC
            key: tuple[Spec | None, bytes | None] = (stored, None)
        else:
            key = (stored, orjson.dumps(inline, option=orjson.OPT_SORT_KEYS))
        found = self._resolved.get(key)
        if found is not None:
            return found
        if inline is None:
            assert stored is not None
            found = ResolvedSpec(stored, SpecSource.STORED, stored.to_dict())
        elif stored is None:
            spec = self.inline(inline)
            found = ResolvedSpec(spec, SpecSource.INLINE, spec.to_dict())
        else:
            spec = stored.merged(inline)
            found = ResolvedSpec(spec, SpecSource.MERGED, spec.to_dict())
        self._resolved[key] = found
        if len(self._resolved) > self._inline_limit:
            self._resolved.popitem(last=False)
        return found

    def stored(self, module: str, query_name: str) -> Spec | None:
        return self._stored.get((module, query_name))

    def put(self, stored: StoredSpec) -> Spec:
        spec = Spec.from_dict(stored.spec)
        self._stored[(stored.module, stored.query_name)] = spec
        self._raw[(stored.module, stored.query_name)] = stored
        return spec

    def raw_stored(self) -> dict[tuple[str, str], dict[str, Any]]:
        """Every stored spec as sent (what a worker process needs to compare like this one)."""
        return {key: stored.spec for key, stored in self._raw.items()}

    def all(self) -> list[StoredSpec]:
        return [self._raw[k] for k in sorted(self._raw)]

    def remove(self, module: str, query_name: str) -> None:
        self._stored.pop((module, query_name), None)
        self._raw.pop((module, query_name), None)

    async def load(self, store: Store) -> None:
        """Every stored spec, replacing what was cached (a spec deleted on another replica goes)."""
        stored: dict[tuple[str, str], Spec] = {}
        raw: dict[tuple[str, str], StoredSpec] = {}
        for entry in await store.list_specs():
            try:
                stored[(entry.module, entry.query_name)] = Spec.from_dict(entry.spec)
            except SpecError:  # written by a newer version? keep serving the others
                continue
            raw[(entry.module, entry.query_name)] = entry
        self._stored, self._raw = stored, raw

    def inline(self, raw: dict[str, Any]) -> Spec:
        key = orjson.dumps(raw, option=orjson.OPT_SORT_KEYS)
        spec = self._inline.get(key)
        if spec is None:
            spec = Spec.from_dict(raw)
            self._inline[key] = spec
            if len(self._inline) > self._inline_limit:
                self._inline.popitem(last=False)
        return spec


def read_specs_file(path: Path) -> list[tuple[str, str, dict[str, Any]]]:
    """The YAML file of stored specs: ``{module: {query_name: {spec options}}}``.

    Every spec is validated here, so a typo stops the service at start with the file and entry named.
    """
    try:
        data = yaml.safe_load(path.read_text())
    except (OSError, yaml.YAMLError) as exc:
        raise InvalidPayload(f"cannot read specs file {path}: {exc}") from exc
    if data is None:
        return []
    if not isinstance(data, dict):
        raise InvalidPayload(f"specs file {path}: expected a mapping of module -> query_name -> spec")
    out: list[tuple[str, str, dict[str, Any]]] = []
    for module, queries in data.items():
        if not isinstance(queries, dict):
            raise InvalidPayload(f"specs file {path}: {module!r} must map query names to specs")
        for query_name, spec in queries.items():
            if spec is not None and not isinstance(spec, dict):
                raise InvalidPayload(f"specs file {path}: {module}.{query_name} must be a mapping of options")
            try:
                Spec.from_dict(spec)
            except SpecError as exc:
                raise InvalidPayload(f"specs file {path}: {module}.{query_name}: {exc}") from exc
            out.append((str(module), str(query_name), dict(spec or {})))
    return out
