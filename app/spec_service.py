"""Every stored-spec write goes through here: the API and the specs file at start.

Each write is validated, saved through the store, then put into this replica's ``SpecCache`` at once,
so the next pair of that query already compares under it. Other replicas pick it up on their next
reload (``spec_reload_seconds``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from app.spec_cache import SpecCache, read_specs_file
from app.store.base import Store, StoredSpec
from comparators import Spec
from flags.model import now

SPECS_FILE_ACTOR = "specs-file"


class SpecService:
    def __init__(self, *, store: Store, cache: SpecCache) -> None:
        self.store = store
        self.cache = cache

    async def put(self, module: str, query_name: str, raw: dict[str, Any], actor: str) -> StoredSpec:
        """Store one query's spec; raises ``SpecError`` (422, naming the option) before anything is saved."""
        Spec.from_dict(raw)
        stored = StoredSpec(module, query_name, raw, now(), actor)
        await self.store.put_spec(stored)
        self.cache.put(stored)
        return stored

    async def all(self) -> list[StoredSpec]:
        return await self.store.list_specs()

    async def seed_from_file(self, path: Path) -> None:
        """The YAML specs file: every entry validated first, so a typo stops the start with it named."""
        for module, query_name, raw in read_specs_file(path):
            await self.put(module, query_name, raw, SPECS_FILE_ACTOR)

    async def reload(self) -> None:
        """Read every stored spec into the cache (at start, and on a timer with several replicas)."""
        await self.cache.load(self.store)
