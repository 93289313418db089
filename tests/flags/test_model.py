"""The flag lifecycle as pure values: updates, rollback, and the wire form of auto_rollback."""

from __future__ import annotations

import pytest

from flags.errors import InvalidFlag, InvalidTransition
from flags.model import (
    AutoRollback,
    Flag,
    FlagState,
    FlagUpdate,
    Source,
    apply_update,
    new_flag,
    rollback,
)


@pytest.mark.parametrize(
    ("state", "compares", "orm_serves"),
    [
        (FlagState.LEGACY, False, False),
        (FlagState.SHADOW, True, False),
        (FlagState.ORM, True, True),
        (FlagState.MIGRATED, False, True),
    ],
)
def test_what_each_state_means(state: FlagState, compares: bool, orm_serves: bool) -> None:
    assert (state.compares, state.orm_serves) == (compares, orm_serves)


@pytest.mark.parametrize(
    ("wire", "mode"),
    [
        (True, AutoRollback.ON),
        (False, AutoRollback.OFF),
        ("notify", AutoRollback.NOTIFY),
        ("on", AutoRollback.ON),
    ],
)
def test_auto_rollback_reads_its_wire_forms(wire: object, mode: AutoRollback) -> None:
    assert AutoRollback.parse(wire) is mode


@pytest.mark.parametrize("wire", [1, 0, "yes", None, "NOTIFY"])
def test_auto_rollback_refuses_anything_else(wire: object) -> None:
    with pytest.raises(InvalidFlag, match="auto_rollback"):
        AutoRollback.parse(wire)


@pytest.mark.parametrize("mode", list(AutoRollback))
def test_auto_rollback_round_trips_through_the_wire(mode: AutoRollback) -> None:
    assert AutoRollback.parse(mode.to_wire()) is mode


def test_creating_a_flag_is_version_one_with_a_create_entry() -> None:
    flag, change = apply_update(
        new_flag("auth", "ops"), FlagUpdate("first", state=FlagState.SHADOW), "ops", Source.API
    )
    assert (flag.version, flag.state, change.action, change.before) == (1, FlagState.SHADOW, "create", None)
    assert change.after == flag.snapshot()


def test_an_update_keeps_fields_it_does_not_name_and_records_before_and_after() -> None:
    v1, _ = apply_update(
        new_flag("auth", "ops"),
        FlagUpdate("create", sample_rate=0.25, auto_rollback=AutoRollback.ON),
        "ops",
        Source.API,
    )
    v2, change = apply_update(v1, FlagUpdate("promote", state=FlagState.ORM), "alice", Source.API)
    assert (v2.state, v2.sample_rate, v2.auto_rollback, v2.version, v2.updated_by) == (
        FlagState.ORM,
        0.25,
        AutoRollback.ON,
        2,
        "alice",
    )
    assert change.before == v1.snapshot() and change.after == v2.snapshot()
    assert (change.action, change.reason) == ("update", "promote")


def test_clearing_the_rate_falls_back_to_the_global_default() -> None:
    v1, _ = apply_update(new_flag("auth", "ops"), FlagUpdate("create", sample_rate=0.1), "ops", Source.API)
    v2, _ = apply_update(v1, FlagUpdate("default", clear_sample_rate=True), "ops", Source.API)
    assert v2.sample_rate is None and v2.effective_rate(0.5) == 0.5


@pytest.mark.parametrize("rate", [-0.1, 1.01, True, "0.5", float("nan")])
def test_a_rate_outside_zero_to_one_is_refused(rate: object) -> None:
    with pytest.raises(InvalidFlag, match="sample_rate"):
        apply_update(new_flag("auth", "ops"), FlagUpdate("x", sample_rate=rate), "ops", Source.API)  # type: ignore[arg-type]


@pytest.mark.parametrize("reason", ["", "   "])
def test_every_change_needs_a_reason(reason: str) -> None:
    with pytest.raises(InvalidFlag, match="reason"):
        apply_update(new_flag("auth", "ops"), FlagUpdate(reason), "ops", Source.API)


def _in(state: FlagState) -> Flag:
    flag, _ = apply_update(new_flag("auth", "ops"), FlagUpdate("setup", state=state), "ops", Source.API)
    return flag


def test_rollback_moves_orm_back_to_shadow_with_a_decision_record() -> None:
    current = _in(FlagState.ORM)
    flag, change = rollback(
        current, "alertmanager", Source.ALERTMANAGER, "ShadowMismatchRateCritical", {"rate": 0.02}
    )
    assert flag.state is FlagState.SHADOW and flag.version == 2
    assert (change.action, change.source, change.decision) == (
        "rollback",
        Source.ALERTMANAGER,
        {"rate": 0.02},
    )
    assert change.before is not None and change.before["state"] == "orm"


@pytest.mark.parametrize(
    ("state", "message"),
    [(FlagState.LEGACY, "state 'orm'"), (FlagState.SHADOW, "already"), (FlagState.MIGRATED, "migrated")],
)
def test_rollback_refuses_a_module_whose_orm_path_does_not_serve(state: FlagState, message: str) -> None:
    with pytest.raises(InvalidTransition, match=message):
        rollback(_in(state), "ops", Source.API, "why")
