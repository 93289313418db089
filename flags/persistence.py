"""What the service needs from a flag store; ``app/store`` implements it for SQLite and PostgreSQL.

Every write is one transaction: the new flag row and its history entry land together or not at all,
and ``expected_version`` is checked inside that transaction (optimistic concurrency).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Protocol

from flags.model import Flag, FlagChange

FlagListener = Callable[[str], Awaitable[None] | None]
"""Called with a module name whenever that module's flag changed (here or on another replica)."""


class FlagStore(Protocol):
    async def get_flag(self, module: str) -> Flag | None: ...

    async def list_flags(self) -> list[Flag]: ...

    async def save_flag(self, flag: Flag, change: FlagChange, expected_version: int) -> Flag:
        """Write ``flag`` (whose version is ``expected_version + 1``) if the stored version is still
        ``expected_version`` (0: the flag must not exist yet); else raise ``VersionConflict``.
        Appends ``change`` to the history in the same transaction and notifies listeners."""
        ...

    async def append_history(self, change: FlagChange) -> FlagChange:
        """A history entry without a flag change (e.g. a notify-only rollback decision)."""
        ...

    async def history(self, module: str, limit: int = 100) -> list[FlagChange]:
        """Newest first."""
        ...

    async def subscribe(self, listener: FlagListener) -> None:
        """Call ``listener(module)`` on every change, including those made by other replicas."""
        ...
