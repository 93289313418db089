"""The lifecycle rails (SPEC 3, issue 14) as pure decisions of ``flags.model.plan_change``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from flags.errors import HTTP_ADVICE, AlreadyRolledBack, InvalidTransition, NotReady, Remedy, UnknownModule
from flags.model import (
    AutoRollback,
    Flag,
    FlagState,
    FlagUpdate,
    Gates,
    Planned,
    Source,
    apply_update,
    new_flag,
    plan_change,
    rollback,
)

L, S, O, M = FlagState.LEGACY, FlagState.SHADOW, FlagState.ORM, FlagState.MIGRATED  # noqa: E741


@dataclass(frozen=True)
class FakeVerdict:
    ready: bool
    reasons: list[str] = field(default_factory=list)

    def to_wire(self) -> dict[str, Any]:
        return {"verdict": "ready" if self.ready else "not_ready", "reasons": self.reasons}


READY = Gates(readiness=FakeVerdict(True))


def at(state: FlagState, **kw: Any) -> Flag:
    flag, _ = apply_update(new_flag("m", "ops"), FlagUpdate("setup", state=state, **kw), "ops", Source.API)
    return flag


def move(
    current: Flag | None, target: FlagState | None, force: bool = False, gates: Gates = READY, **kw: Any
) -> Planned:
    return plan_change(
        current, "m", FlagUpdate("why", state=target, force=force, **kw), "ops", Source.API, gates
    )


@pytest.mark.parametrize(
    ("start", "target"),
    [(L, S), (S, L), (S, O), (O, S), (O, M)],
)
def test_adjacent_moves_need_no_force_and_are_not_forced(start: FlagState, target: FlagState) -> None:
    planned = move(at(start), target)
    assert planned.change is not None and planned.flag.state is target
    assert planned.change.forced is False


@pytest.mark.parametrize(
    ("start", "target", "message"),
    [
        (L, O, "skips 'shadow'"),
        (L, M, "skips 'shadow', 'orm'"),
        (S, M, "skips 'orm'"),
        (M, S, "leaving 'migrated'"),
        (M, L, "leaving 'migrated'"),
        (M, O, "leaving 'migrated'"),
        (O, L, "skips 'shadow'"),
    ],
)
def test_skips_and_leaving_migrated_need_force_and_are_recorded_as_forced(
    start: FlagState, target: FlagState, message: str
) -> None:
    with pytest.raises(InvalidTransition, match=message) as refused:
        move(at(start), target)
    assert '"force": true' in str(refused.value)
    planned = move(at(start), target, force=True)
    assert planned.change is not None and planned.change.forced is True
    assert planned.flag.state is target


@pytest.mark.parametrize("target", [O, M])
def test_creating_a_module_where_the_orm_serves_needs_force(target: FlagState) -> None:
    with pytest.raises(InvalidTransition, match=f"directly in '{target.value}'"):
        move(None, target)
    planned = move(None, target, force=True)
    assert planned.created and planned.change is not None and planned.change.forced


@pytest.mark.parametrize(("target", "expected"), [(None, S), (L, L), (S, S)])
def test_creating_in_legacy_or_shadow_is_free(target: FlagState | None, expected: FlagState) -> None:
    planned = move(None, target)
    assert (planned.created, planned.flag.state, planned.flag.version) == (True, expected, 1)


def test_a_change_that_changes_nothing_writes_nothing() -> None:
    current = at(S, sample_rate=0.5)
    planned = move(current, S, sample_rate=0.5)
    assert planned.change is None and planned.flag is current
    assert "nothing changed" in planned.notes[0]


def test_entering_orm_turns_auto_rollback_on_and_says_so() -> None:
    planned = move(at(S), O)
    assert planned.flag.auto_rollback is AutoRollback.ON
    assert any("auto_rollback turned on" in n for n in planned.notes)


@pytest.mark.parametrize("mode", [AutoRollback.OFF, AutoRollback.NOTIFY])
def test_entering_orm_keeps_the_auto_rollback_the_change_sets(mode: AutoRollback) -> None:
    planned = move(at(S), O, auto_rollback=mode)
    assert planned.flag.auto_rollback is mode and planned.notes == ()


def test_staying_in_orm_does_not_touch_auto_rollback() -> None:
    current = move(at(S), O, auto_rollback=AutoRollback.OFF).flag
    assert move(current, None, serve_rate=0.5).flag.auto_rollback is AutoRollback.OFF


def test_shadow_to_orm_is_refused_with_the_reasons_unless_ready_or_forced() -> None:
    gates = Gates(readiness=FakeVerdict(False, ["getUser: 12 of 1000 compared pairs"]))
    with pytest.raises(NotReady) as refused:
        move(at(S), O, gates=gates)
    assert refused.value.reasons == ["getUser: 12 of 1000 compared pairs"]
    assert refused.value.readiness["verdict"] == "not_ready"
    forced = move(at(S), O, force=True, gates=gates)
    assert forced.change is not None and forced.change.forced is True
    unmeasured = Gates()
    with pytest.raises(NotReady, match="not measured"):
        move(at(S), O, gates=unmeasured)


def test_orm_to_migrated_needs_the_full_ramp_or_force() -> None:
    ramping = at(O, serve_rate=0.5)
    with pytest.raises(InvalidTransition, match="ramp serve_rate to 1"):
        move(ramping, M)
    assert move(ramping, M, serve_rate=1.0).change is not None
    forced = move(ramping, M, force=True).change
    assert forced is not None and forced.forced


def test_entering_orm_while_the_guard_would_act_needs_force() -> None:
    gates = Gates(readiness=FakeVerdict(True), guard_acting="rate 2% over 0.1%")
    with pytest.raises(InvalidTransition, match="guard would still roll"):
        move(at(S), O, gates=gates)
    assert move(at(S), O, force=True, gates=gates).change is not None


def test_rollback_from_shadow_is_already_done_and_from_migrated_explains() -> None:
    with pytest.raises(AlreadyRolledBack, match="already rolled back"):
        rollback(at(S), "ops", Source.API, "why")
    with pytest.raises(InvalidTransition, match="SQL path may be gone") as refused:
        rollback(at(M), "ops", Source.API, "why")
    assert not isinstance(refused.value, AlreadyRolledBack)
    assert '"force": true' in str(refused.value)


def test_by_is_recorded_beside_the_token_name() -> None:
    planned = move(at(L), S, by="Dana Scully")
    assert planned.change is not None
    assert (planned.change.actor, planned.change.by) == ("ops", "Dana Scully")


def test_a_refused_promotion_lists_the_guard_beside_the_readiness_reasons() -> None:
    gates = Gates(readiness=FakeVerdict(False, ["q: 5 of 1000 pairs"]), guard_acting="rate over 0.1%")
    with pytest.raises(NotReady) as refused:
        move(at(S), O, gates=gates)
    assert refused.value.reasons == [
        "q: 5 of 1000 pairs",
        "the guard would still roll 'm' back: rate over 0.1%",
    ]


# -- what a refused caller can do next: the remedies, by name and in the HTTP API's words ------------


def refusal(call: Any) -> InvalidTransition:
    with pytest.raises(InvalidTransition) as refused:
        call()
    return refused.value


RAMPING = at(O, serve_rate=0.5)
NOT_READY = Gates(readiness=FakeVerdict(False, ["q: 5 of 1000 pairs"]))
GUARD_ACTING = Gates(readiness=FakeVerdict(True), guard_acting="rate over 0.1%")

REMEDIES: dict[str, tuple[Any, tuple[Remedy, ...]]] = {
    "a skipped stage": (lambda: move(at(S), M), (Remedy.FORCE,)),
    "leaving migrated": (lambda: move(at(M), O), (Remedy.FORCE,)),
    "creating where the ORM serves": (lambda: move(None, O), (Remedy.FORCE,)),
    "not ready": (lambda: move(at(S), O, gates=NOT_READY), (Remedy.AWAIT_READINESS, Remedy.FORCE)),
    "not ready, and the guard would act": (
        lambda: move(at(S), O, gates=Gates(readiness=FakeVerdict(False, ["q"]), guard_acting="rate")),
        (Remedy.AWAIT_READINESS, Remedy.AWAIT_GUARD, Remedy.FORCE),
    ),
    "the guard would act": (lambda: move(at(S), O, gates=GUARD_ACTING), (Remedy.AWAIT_GUARD, Remedy.FORCE)),
    "migrated below the full ramp": (lambda: move(RAMPING, M), (Remedy.RAMP_FULLY, Remedy.FORCE)),
    "a rollback of a migrated module": (
        lambda: rollback(at(M), "ops", Source.API, "why"),
        (Remedy.LEAVE_MIGRATED,),
    ),
    "a rollback of a legacy module": (lambda: rollback(at(L), "ops", Source.API, "why"), ()),
}


@pytest.mark.parametrize(("call", "remedies"), REMEDIES.values(), ids=REMEDIES.keys())
def test_a_refused_move_names_what_can_be_done_next(call: Any, remedies: tuple[Remedy, ...]) -> None:
    refused = refusal(call)
    assert (refused.remedies, refused.module) == (remedies, "m" if remedies else None)


def test_the_message_is_the_problem_then_each_remedy_in_the_apis_words() -> None:
    refused = refusal(lambda: move(RAMPING, M))
    assert refused.problem == "'orm' -> 'migrated' while the ORM serves only 50.00% of requests of 'm'"
    assert str(refused) == (
        f"{refused.problem}; ramp serve_rate to 1 first, or "
        'send "force": true with a reason to do it anyway (recorded as forced)'
    )


def test_a_problem_that_is_a_whole_sentence_is_followed_by_its_advice_as_the_next() -> None:
    refused = refusal(lambda: move(at(S), O, gates=NOT_READY))
    assert str(refused) == (
        "module 'm' is not ready for 'orm': q: 5 of 1000 pairs. Wait until GET /v1/flags/m/readiness "
        'says ready, or send "force": true with a reason to do it anyway (recorded as forced)'
    )


def test_an_unknown_module_is_told_how_to_create_it() -> None:
    unknown = UnknownModule("orders")
    assert (unknown.problem, unknown.remedies) == ("no flag for module 'orders'", (Remedy.CREATE,))
    assert str(unknown) == "no flag for module 'orders'; create it with PUT /v1/flags/orders"


def test_every_remedy_has_the_apis_words() -> None:
    assert set(HTTP_ADVICE) == set(Remedy)
