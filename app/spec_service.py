"""Every stored-spec write goes through here: the API and the specs file at start.

Each write is validated, saved through the store together with its history entry (who, when, why, the
spec before and after: audited like a flag change), then put into this replica's ``SpecCache`` at once,
so the next pair of that query already compares under it. Other replicas pick it up on their next
reload (``spec_reload_seconds``).

The specs file only *seeds*: an entry is written at start unless the query's spec was changed or
deleted through the API since (its newest history entry is not the file's), and the log names every
entry it skipped and why.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from app.errors import NotFound
from app.spec_cache import SpecCache, read_specs_file
from app.store.base import Store, StoredSpec
from comparators import Spec
from flags.errors import InvalidFlag
from flags.model import FlagChange, Source, now

log = logging.getLogger("shadowdiff.specs")

SPECS_FILE_ACTOR = "specs-file"


class SpecService:
    def __init__(self, *, store: Store, cache: SpecCache) -> None:
        self.store = store
        self.cache = cache

    async def put(
        self,
        module: str,
        query_name: str,
        raw: dict[str, Any],
        actor: str,
        reason: str | None = None,
        by: str | None = None,
        source: Source = Source.API,
    ) -> StoredSpec:
        """Store one query's spec; raises ``SpecError`` (422, naming the option) before anything is saved.

        With a ``reason`` the change goes into the history in the same transaction (the API and the
        specs file); without one it is stored only (``app.spec_rules`` writes its own entry)."""
        Spec.from_dict(raw)
        stored = StoredSpec(module, query_name, raw, now(), actor)
        if reason is None:
            await self.store.put_spec(stored)
            self.cache.put(stored)
            return stored
        if not reason.strip():
            raise InvalidFlag("reason is required: say why the spec changes (it goes into the history)")
        before = await self.store.get_spec(module, query_name)
        change = FlagChange(
            module,
            "spec_put",
            actor,
            source,
            reason,
            stored.updated_at,
            None if before is None else {"spec": before.spec},
            {"spec": raw},
            by=by,
            query_name=query_name,
        )
        await self.store.change_spec(module, query_name, stored, change)
        self.cache.put(stored)
        return stored

    async def get(self, module: str, query_name: str) -> StoredSpec:
        found = await self.store.get_spec(module, query_name)
        if found is None:
            raise NotFound(f"no stored spec for {module}/{query_name}; PUT /v1/specs/{module}/{query_name}")
        return found

    async def delete(
        self, module: str, query_name: str, actor: str, reason: str, by: str | None = None
    ) -> StoredSpec:
        if not reason.strip():
            raise InvalidFlag("reason is required: say why the spec goes (it goes into the history)")
        found = await self.get(module, query_name)
        change = FlagChange(
            module,
            "spec_delete",
            actor,
            Source.API,
            reason,
            now(),
            {"spec": found.spec},
            None,
            by=by,
            query_name=query_name,
        )
        await self.store.change_spec(module, query_name, None, change)
        self.cache.remove(module, query_name)
        return found

    async def all(self) -> list[StoredSpec]:
        return await self.store.list_specs()

    async def seed_from_file(self, path: Path) -> None:
        """The YAML specs file seeds specs: every entry validated first (a typo stops the start with it
        named), then written unless the API changed that query's spec since; each skip is logged."""
        for module, query_name, raw in read_specs_file(path):
            name = f"{module}.{query_name}"
            newest = await self.store.history_feed(module=module, query_name=query_name, limit=1)
            stored = await self.store.get_spec(module, query_name)
            if newest and newest[0].source is not Source.SPECS_FILE:
                entry = newest[0]
                did = "deleted" if entry.action == "spec_delete" else "changed"
                who = entry.actor + (f" ({entry.by})" if entry.by else "")
                log.info(
                    "specs file %s: skipped %s: %s through the API by %s at %s; the file only seeds specs "
                    "(change it with PUT or DELETE /v1/specs/%s/%s)",
                    path,
                    name,
                    did,
                    who,
                    entry.at.isoformat(),
                    module,
                    query_name,
                )
                continue
            if stored is not None and not newest and stored.updated_by != SPECS_FILE_ACTOR:
                log.info(
                    "specs file %s: skipped %s: stored through the API by %s; the file only seeds specs",
                    path,
                    name,
                    stored.updated_by,
                )
                continue
            if stored is not None and stored.spec == raw:
                log.info("specs file %s: skipped %s: already stored as the file has it", path, name)
                continue
            await self.put(
                module,
                query_name,
                raw,
                SPECS_FILE_ACTOR,
                f"seeded from the specs file {path}",
                source=Source.SPECS_FILE,
            )

    async def reload(self) -> None:
        """Read every stored spec into the cache (at start, and on a timer with several replicas)."""
        await self.cache.load(self.store)
