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
from typing import Any, Protocol

from flags.errors import AlreadyRolledBack, InvalidFlag, InvalidTransition, NotReady, Remedy
from flags.policy import GuardSettings, ReadinessCriteria


class FlagState(enum.StrEnum):
    """The four stages, in lifecycle order: the order of the members is the order of the stages."""

    LEGACY = "legacy"
    SHADOW = "shadow"
    ORM = "orm"
    MIGRATED = "migrated"

    @property
    def stage(self) -> int:
        """Position in the lifecycle (legacy 0 ... migrated 3); adjacent stages differ by one."""
        return STAGES.index(self)

    @property
    def compares(self) -> bool:
        """Whether pairs of a module in this state are diffed (both paths still run)."""
        return self in (FlagState.SHADOW, FlagState.ORM)

    @property
    def orm_serves(self) -> bool:
        """Whether the ORM result is the one served to users (``feature_flag_enabled``)."""
        return self in (FlagState.ORM, FlagState.MIGRATED)


STAGES: tuple[FlagState, ...] = tuple(FlagState)


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
    SPECS_FILE = "specs-file"  # a spec seeded from SHADOWDIFF_SPECS_FILE at start


def now() -> datetime:
    return datetime.now(UTC)


def validate_rate(rate: object, name: str = "sample_rate") -> float | None:
    if rate is None:
        return None
    if isinstance(rate, bool) or not isinstance(rate, int | float) or not 0.0 <= float(rate) <= 1.0:
        tail = " (or null for the global default)" if name == "sample_rate" else ""
        raise InvalidFlag(f"{name} must be a number from 0 to 1{tail}, not {rate!r}")
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
    serve_rate: float = 1.0  # in orm: the share of requests the ORM serves (SPEC 3, the ramp)
    guard: GuardSettings = field(default_factory=GuardSettings)
    readiness: ReadinessCriteria = field(default_factory=ReadinessCriteria)
    retired: bool = False

    @property
    def serves(self) -> str:
        """The path a client serves when it does not decide per request: ``legacy`` or ``orm``."""
        return "orm" if self.state.orm_serves else "legacy"

    @property
    def orm_share(self) -> float:
        """The share of requests the ORM result is served for (``feature_flag_enabled``)."""
        if self.state is FlagState.MIGRATED:
            return 1.0
        return self.serve_rate if self.state is FlagState.ORM else 0.0

    def effective_rate(self, default: float) -> float:
        return default if self.sample_rate is None else self.sample_rate

    def to_wire(self, default_rate: float) -> dict[str, Any]:
        return {
            "module": self.module,
            "state": self.state.value,
            "sample_rate": self.sample_rate,
            "effective_sample_rate": self.effective_rate(default_rate),
            "auto_rollback": self.auto_rollback.to_wire(),
            "serve_rate": self.serve_rate,
            "guard": self.guard.to_wire(),
            "readiness": self.readiness.to_wire(),
            "retired": self.retired,
            "version": self.version,
            "updated_at": self.updated_at.isoformat(),
            "updated_by": self.updated_by,
        }

    def snapshot(self) -> dict[str, Any]:
        """The before/after value kept in the history."""
        snap: dict[str, Any] = {
            "state": self.state.value,
            "sample_rate": self.sample_rate,
            "auto_rollback": self.auto_rollback.to_wire(),
            "serve_rate": self.serve_rate,
            "version": self.version,
        }
        if self.guard.stored():
            snap["guard"] = self.guard.stored()
        if self.readiness.stored():
            snap["readiness"] = self.readiness.stored()
        if self.retired:
            snap["retired"] = True
        return snap

    def content(self) -> tuple[Any, ...]:
        """What a change can alter; two flags with the same content make a change a no-op."""
        return (
            self.state,
            self.sample_rate,
            self.auto_rollback,
            self.serve_rate,
            self.guard,
            self.readiness,
            self.retired,
        )


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
    forced: bool = False  # a lifecycle rail was overridden with force (skip, leave migrated, not ready)
    by: str | None = None  # the person acting, as the caller named them (beside the token's name)
    query_name: str | None = None  # spec entries: the query whose spec changed

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
            "forced": self.forced,
            "by": self.by,
            "query_name": self.query_name,
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
    force: bool = False  # override a lifecycle rail (recorded as forced)
    serve_rate: float | None = None
    guard: dict[str, Any] | None = None  # merged key by key into the stored settings
    readiness: dict[str, Any] | None = None
    by: str | None = None


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
        serve_rate=(
            current.serve_rate
            if update.serve_rate is None
            else validate_rate(update.serve_rate, "serve_rate") or 0.0
        ),
        guard=current.guard if update.guard is None else current.guard.merged(update.guard),
        readiness=(
            current.readiness if update.readiness is None else current.readiness.merged(update.readiness)
        ),
        version=current.version + 1,
        updated_at=now(),
        updated_by=actor,
    )
    action = "create" if current.version == 0 else "update"
    before = None if current.version == 0 else current.snapshot()
    return nxt, FlagChange(
        current.module,
        action,
        actor,
        source,
        update.reason,
        nxt.updated_at,
        before,
        nxt.snapshot(),
        by=update.by,
    )


def rollback(
    current: Flag,
    actor: str,
    source: Source,
    reason: str,
    decision: dict[str, Any] | None = None,
    by: str | None = None,
) -> tuple[Flag, FlagChange]:
    """orm -> shadow: SQL serves again and comparison goes on. Nothing re-promotes by itself.

    Idempotent from ``shadow`` (:class:`AlreadyRolledBack`: nothing to record); refused from
    ``migrated``, whose SQL path may be gone, and from ``legacy``, which never served the ORM."""
    module = current.module
    if current.state is FlagState.SHADOW:
        raise AlreadyRolledBack(
            f"module {module!r} is already rolled back: it is in 'shadow', SQL serves; nothing recorded"
        )
    if current.state is FlagState.MIGRATED:
        raise InvalidTransition(
            f"module {module!r} is 'migrated': the ORM is its only path and its SQL path may be gone, "
            "so there is nothing to roll back to.",
            Remedy.LEAVE_MIGRATED,
            module=module,
        )
    if current.state is not FlagState.ORM:
        raise InvalidTransition(
            f"module {module!r} is in state {current.state.value!r}; rollback moves a module "
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
        by=by,
    )
    return nxt, change


def retire(
    current: Flag, actor: str, source: Source, reason: str, by: str | None = None
) -> tuple[Flag, FlagChange]:
    """Retire a module from ``legacy`` (SQL stays its path) or ``migrated`` (the ORM does): it leaves the
    metrics and the dashboard, stays in ``/v1/config`` as ``{"retired": true, "serves": ...}`` so clients
    keep serving that path, and its pairs are skipped (``module_retired``). Its history is kept."""
    module = current.module
    if current.retired:
        raise InvalidTransition(f"module {module!r} is already retired")
    if current.state not in (FlagState.LEGACY, FlagState.MIGRATED):
        raise InvalidTransition(
            f"module {module!r} is in {current.state.value!r}; retire a module from 'legacy' (SQL stays its "
            "path) or 'migrated' (the ORM does), so clients know which single path to keep serving"
        )
    if not reason.strip():
        raise InvalidFlag("reason is required: say why the module is retired")
    nxt = replace(current, retired=True, version=current.version + 1, updated_at=now(), updated_by=actor)
    change = FlagChange(
        module, "retire", actor, source, reason, nxt.updated_at, current.snapshot(), nxt.snapshot(), by=by
    )
    return nxt, change


# --- the lifecycle rails -------------------------------------------------------------------------


class Verdict(Protocol):
    """A readiness verdict as the model needs it (``flags.readiness.Readiness`` is one)."""

    @property
    def ready(self) -> bool: ...

    @property
    def reasons(self) -> list[str]: ...

    def to_wire(self) -> dict[str, Any]: ...


@dataclass(frozen=True, slots=True)
class Gates:
    """What the pure lifecycle cannot measure itself; the service fills in what a move needs.

    ``readiness``: the module's verdict, for ``shadow -> orm`` (None: not measured, the move is refused
    unless forced). ``guard_acting``: why the guard would still act on the module now, or None."""

    readiness: Verdict | None = None
    guard_acting: str | None = None


@dataclass(frozen=True, slots=True)
class Planned:
    """A change as decided: the flag to save and its history entry, or ``change`` None for a no-op."""

    flag: Flag
    change: FlagChange | None
    created: bool
    notes: tuple[str, ...] = ()


def entering_orm(current: Flag | None, target: FlagState) -> bool:
    return target is FlagState.ORM and (current is None or current.state is not FlagState.ORM)


def needs_readiness(current: Flag | None, target: FlagState) -> bool:
    return current is not None and current.state is FlagState.SHADOW and target is FlagState.ORM


def plan_change(
    current: Flag | None,
    module: str,
    update: FlagUpdate,
    actor: str,
    source: Source,
    gates: Gates | None = None,
) -> Planned:
    """Apply ``update`` with the lifecycle rails (SPEC 3): one stage at a time unless forced, leaving
    ``migrated`` and creating a module in ``orm``/``migrated`` only with force, ``shadow -> orm`` only
    when ready, ``orm -> migrated`` only at serve_rate 1, entering ``orm`` arms ``auto_rollback``
    unless the change sets it. A change that alters nothing is a no-op (no version, no history)."""
    gates = gates or Gates()
    created = current is None
    base = current if current is not None else new_flag(module, actor)
    if base.retired:
        raise InvalidTransition(
            f"module {module!r} is retired; a retired module keeps its path in /v1/config and changes no more"
        )
    target = update.state or base.state
    rails: list[str] = []
    name = target.value
    if created and target.orm_serves:
        rails.append(f"creating module {module!r} directly in {name!r} skips comparing its results")
    elif current is not None and target is not current.state:
        was = current.state.value
        if current.state is FlagState.MIGRATED:
            rails.append(f"leaving 'migrated' for {name!r}: the SQL path of {module!r} may be gone")
        elif abs(target.stage - current.state.stage) > 1:
            skipped = [
                s.value
                for s in STAGES[
                    min(target.stage, current.state.stage) + 1 : max(target.stage, current.state.stage)
                ]
            ]
            rails.append(
                f"{was!r} -> {name!r} skips {', '.join(repr(s) for s in skipped)}: "
                "move one stage at a time (legacy <-> shadow <-> orm <-> migrated)"
            )
    for rail in rails:
        if not update.force:
            raise InvalidTransition(rail, Remedy.FORCE, module=module)
    forced = bool(rails)
    guard = None
    if entering_orm(current, target) and gates.guard_acting is not None:
        guard = f"the guard would still roll {module!r} back: {gates.guard_acting}"
    if needs_readiness(current, target):
        verdict = gates.readiness
        if verdict is None or not verdict.ready:
            if not update.force:
                reasons = list(verdict.reasons) if verdict is not None else ["readiness was not measured"]
                reasons += [guard] if guard is not None else []
                wire = verdict.to_wire() if verdict is not None else {}
                raise NotReady(module, reasons, wire, guard_acting=guard is not None)
            forced = True
    if guard is not None:
        if not update.force:
            raise InvalidTransition(guard, Remedy.AWAIT_GUARD, Remedy.FORCE, module=module)
        forced = True
    notes: list[str] = []
    if entering_orm(current, target) and update.auto_rollback is None:
        update = replace(update, auto_rollback=AutoRollback.ON)
        if base.auto_rollback is not AutoRollback.ON or created:
            notes.append(
                "auto_rollback turned on: entering 'orm' arms the guard and the Alertmanager webhook; "
                'send "auto_rollback": false or "notify" with the change to keep it off'
            )
    if update.state is None and created:
        update = replace(update, state=FlagState.SHADOW)
    flag, change = apply_update(base, update, actor, source)
    ramped = flag.serve_rate >= 1.0
    if (
        current is not None
        and current.state is FlagState.ORM
        and flag.state is FlagState.MIGRATED
        and not ramped
    ):
        if not update.force:
            raise InvalidTransition(
                f"'orm' -> 'migrated' while the ORM serves only {flag.serve_rate:.2%} of requests of "
                f"{module!r}",
                Remedy.RAMP_FULLY,
                Remedy.FORCE,
                module=module,
            )
        forced = True
    if current is not None and flag.content() == current.content():
        return Planned(current, None, False, ("nothing changed: no new version, no history entry",))
    return Planned(flag, replace(change, forced=forced), created, tuple(notes))
