"""The flag of one module and the migration lifecycle it moves through.

legacy (SQL only, nothing compared) -> shadow (SQL serves, ORM compared)
-> orm (ORM serves, SQL compared) -> migrated (ORM only).

Flags are frozen values: a change makes a new Flag with the next version, and a
:class:`FlagChange` that the store appends to the module's history in the same transaction.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from flags.errors import InvalidFlag, InvalidTransition


class FlagState(enum.StrEnum):
    LEGACY = "legacy"
    SHADOW = "shadow"
    ORM = "orm"
    MIGRATED = "migrated"

    @property
    def compares(self) -> bool:
        """Whether pairs of a module in this state are diffed (both paths still run)."""
        return self in (FlagState.SHADOW, FlagState.ORM)

    @property
    def orm_serves(self) -> bool:
        """Whether the ORM result is the one served to users (``feature_flag_enabled``)."""
        return self in (FlagState.ORM, FlagState.MIGRATED)


class AutoRollback(enum.StrEnum):
    """``off``/``on``, or ``notify``: record what a rollback would have done without doing it.

    On the wire ``auto_rollback`` is ``false``, ``true`` or ``"notify"``.
    """

    OFF = "off"
    ON = "on"
    NOTIFY = "notify"

    @classmethod
    def parse(cls, value: object) -> AutoRollback:
        if value is True:
            return cls.ON
        if value is False:
            return cls.OFF
        if isinstance(value, str) and value in cls._value2member_map_:
            return cls(value)
        raise InvalidFlag(f'auto_rollback must be true, false or "notify", not {value!r}')

    def to_wire(self) -> bool | str:
        return {AutoRollback.ON: True, AutoRollback.OFF: False}.get(self, self.value)


class Source(enum.StrEnum):
    """Who made a change: the actor label of ``shadow_rollbacks_total`` uses the first three."""

    API = "api"
    ALERTMANAGER = "alertmanager"
    GUARD = "guard"
    INGEST = "ingest"  # a module first seen in a posted pair, registered in shadow


def now() -> datetime:
    return datetime.now(UTC)


def validate_rate(rate: object) -> float | None:
    if rate is None:
        return None
    if isinstance(rate, bool) or not isinstance(rate, int | float) or not 0.0 <= float(rate) <= 1.0:
        raise InvalidFlag(
            f"sample_rate must be a number from 0 to 1 (or null for the global default), not {rate!r}"
        )
    return float(rate)


@dataclass(frozen=True, slots=True)
class Flag:
    module: str
    state: FlagState
    sample_rate: float | None  # None: the global default applies
    auto_rollback: AutoRollback
    version: int
    updated_at: datetime
    updated_by: str

    def effective_rate(self, default: float) -> float:
        return default if self.sample_rate is None else self.sample_rate

    def to_wire(self, default_rate: float) -> dict[str, Any]:
        return {
            "module": self.module,
            "state": self.state.value,
            "sample_rate": self.sample_rate,
            "effective_sample_rate": self.effective_rate(default_rate),
            "auto_rollback": self.auto_rollback.to_wire(),
            "version": self.version,
            "updated_at": self.updated_at.isoformat(),
            "updated_by": self.updated_by,
        }

    def snapshot(self) -> dict[str, Any]:
        """The before/after value kept in the history."""
        return {
            "state": self.state.value,
            "sample_rate": self.sample_rate,
            "auto_rollback": self.auto_rollback.to_wire(),
            "version": self.version,
        }


@dataclass(frozen=True, slots=True)
class FlagChange:
    """One entry of a module's append-only history (the audit trail)."""

    module: str
    action: str  # "create", "update", "rollback", "rollback_notify"
    actor: str  # who: token name, "alertmanager", "guard", or the ingesting client
    source: Source
    reason: str
    at: datetime
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    decision: dict[str, Any] | None = None  # the decision record of an automatic rollback
    id: int | None = None  # assigned by the store

    def to_wire(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "module": self.module,
            "action": self.action,
            "actor": self.actor,
            "source": self.source.value,
            "reason": self.reason,
            "at": self.at.isoformat(),
            "from": self.before,
            "to": self.after,
            "decision": self.decision,
        }


@dataclass(frozen=True, slots=True)
class FlagUpdate:
    """A requested change; fields left as None keep their current value."""

    reason: str
    state: FlagState | None = None
    sample_rate: float | None = None
    clear_sample_rate: bool = False  # sample_rate: null on the wire means "use the global default"
    auto_rollback: AutoRollback | None = None
    expected_version: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def new_flag(module: str, actor: str, state: FlagState = FlagState.SHADOW) -> Flag:
    return Flag(module, state, None, AutoRollback.OFF, 0, now(), actor)


def apply_update(current: Flag, update: FlagUpdate, actor: str, source: Source) -> tuple[Flag, FlagChange]:
    """The next flag and its history entry. The store checks ``expected_version`` atomically."""
    if not update.reason.strip():
        raise InvalidFlag("reason is required: say why the flag changes (it goes into the history)")
    rate = (
        None
        if update.clear_sample_rate
        else (current.sample_rate if update.sample_rate is None else validate_rate(update.sample_rate))
    )
    nxt = replace(
        current,
        state=update.state or current.state,
        sample_rate=rate,
        auto_rollback=update.auto_rollback or current.auto_rollback,
        version=current.version + 1,
        updated_at=now(),
        updated_by=actor,
    )
    action = "create" if current.version == 0 else "update"
    before = None if current.version == 0 else current.snapshot()
    return nxt, FlagChange(
        current.module, action, actor, source, update.reason, nxt.updated_at, before, nxt.snapshot()
    )


def rollback(
    current: Flag, actor: str, source: Source, reason: str, decision: dict[str, Any] | None = None
) -> tuple[Flag, FlagChange]:
    """orm -> shadow: SQL serves again and comparison goes on. Nothing re-promotes by itself."""
    if current.state is not FlagState.ORM:
        raise InvalidTransition(
            f"module {current.module!r} is in state {current.state.value!r}; rollback moves a module "
            "whose ORM path serves (state 'orm') back to 'shadow'"
        )
    if not reason.strip():
        raise InvalidFlag("reason is required: say why the module is rolled back")
    nxt = replace(
        current, state=FlagState.SHADOW, version=current.version + 1, updated_at=now(), updated_by=actor
    )
    change = FlagChange(
        current.module,
        "rollback",
        actor,
        source,
        reason,
        nxt.updated_at,
        current.snapshot(),
        nxt.snapshot(),
        decision,
    )
    return nxt, change
