"""This replica's in-memory copy of every flag: the ingest path reads it and never the store.

Loaded whole at start, then kept current by ``store.subscribe`` (local writes and, with PostgreSQL,
every other replica's NOTIFY) and by ``FlagService`` right after its own writes. A flag only ever
replaces one with a lower version, so a late notification cannot roll the view back.
"""

from __future__ import annotations

import hashlib
import logging

import orjson

from app.store.base import Store
from flags.model import Flag, FlagState

log = logging.getLogger("shadowdiff.flags")


class FlagView:
    def __init__(self, default_rate: float, default_state: FlagState = FlagState.SHADOW) -> None:
        self.default_rate = default_rate
        self.default_state = default_state
        self._flags: dict[str, Flag] = {}
        self._config: tuple[bytes, str] | None = None

    def get(self, module: str) -> Flag | None:
        return self._flags.get(module)

    def all(self) -> list[Flag]:
        return sorted(self._flags.values(), key=lambda f: f.module)

    def put(self, flag: Flag) -> None:
        current = self._flags.get(flag.module)
        if current is None or flag.version >= current.version:
            self._flags[flag.module] = flag
            self._config = None

    def replace_all(self, flags: list[Flag]) -> None:
        self._flags = {f.module: f for f in flags}
        self._config = None

    async def load(self, store: Store) -> None:
        self.replace_all(await store.list_flags())

    async def refresh(self, store: Store, module: str) -> None:
        """The store's listener: re-read one module after a change notification."""
        try:
            flag = await store.get_flag(module)
        except Exception:  # a notification must never kill the listener; the next one retries
            log.exception("could not refresh flag %r after a change notification", module)
            return
        if flag is not None:
            self.put(flag)

    def config(self) -> tuple[bytes, str]:
        """``GET /v1/config``: the compact body and its ETag, rebuilt only after a change."""
        if self._config is None:
            modules = {
                f.module: {
                    "state": f.state.value,
                    "sample_rate": f.effective_rate(self.default_rate),
                    "serve_rate": f.orm_share,
                    "version": f.version,
                }
                for f in self.all()
            }
            body = orjson.dumps(
                {
                    "default_sample_rate": self.default_rate,
                    "default_state": self.default_state.value,
                    "modules": modules,
                }
            )
            etag = '"' + hashlib.sha256(body).hexdigest()[:20] + '"'
            self._config = (body, etag)
        return self._config
