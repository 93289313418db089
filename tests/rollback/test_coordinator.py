"""The guard wiring in-process, on the service's real objects and a real SQLite store: what the HTTP
tests cannot see from outside (when the rollback runs relative to the pair that tripped it)."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import pytest
from prometheus_client import CollectorRegistry

from app.rollback import RollbackCoordinator
from app.services import Services
from app.settings import Settings
from app.store import SQLiteStore
from flags.model import AutoRollback, FlagState, FlagUpdate, Source
from flags.vocabulary import Outcome

pytestmark = pytest.mark.anyio
MINIMUM = 10


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
async def wired(
    tmp_path: Path, request: pytest.FixtureRequest
) -> AsyncIterator[tuple[Services, RollbackCoordinator]]:
    """The service's objects on a fresh SQLite file; ``indirect`` False turns the guard off."""
    settings = Settings(
        data_dir=tmp_path,
        guard_enabled=getattr(request, "param", True),
        guard_window_seconds=60,
        guard_threshold=0.1,
        guard_min_comparisons=MINIMUM,
    )
    services = Services.build(settings, SQLiteStore(tmp_path / "flags.db"), CollectorRegistry())
    coordinator = services.rollbacks
    await services.store.open()
    await services.view.load(services.store)
    try:
        yield services, coordinator
    finally:
        await coordinator.aclose()
        await services.store.close()


async def promote(services: Services, module: str) -> None:
    update = FlagUpdate(reason="test", state=FlagState.ORM, auto_rollback=AutoRollback.ON, force=True)
    await services.flags.update(module, update, "oncall", Source.API)


async def test_the_rollback_runs_after_the_pair_that_tripped_it(
    wired: tuple[Services, RollbackCoordinator],
) -> None:
    services, coordinator = wired
    await promote(services, "auth")
    for _ in range(MINIMUM):
        coordinator.observe("auth", "getUser", Outcome.MISMATCH)
    flag = services.view.get("auth")
    assert flag is not None and flag.state is FlagState.ORM  # scheduled, not run on the caller's path
    await coordinator.aclose()
    flag = services.view.get("auth")
    assert flag is not None and flag.state is FlagState.SHADOW


async def test_a_flag_changed_before_the_rollback_runs_is_left_alone(
    wired: tuple[Services, RollbackCoordinator],
) -> None:
    services, coordinator = wired
    await promote(services, "auth")
    for _ in range(MINIMUM):
        coordinator.observe("auth", "getUser", Outcome.MISMATCH)
    current = services.view.get("auth")
    assert current is not None
    # another replica's change arrives (as its NOTIFY would) before the scheduled rollback runs
    services.view.put(replace(current, auto_rollback=AutoRollback.OFF, version=current.version + 1))
    await coordinator.aclose()
    assert [c.action for c in await services.store.history("auth")] == ["create"]


@pytest.mark.parametrize("wired", [False], indirect=True)
async def test_disabled_guard_counts_but_never_acts(wired: tuple[Services, RollbackCoordinator]) -> None:
    services, coordinator = wired
    await promote(services, "auth")
    for _ in range(MINIMUM * 2):
        coordinator.observe("auth", "getUser", Outcome.MISMATCH)
    await coordinator.aclose()
    flag = services.view.get("auth")
    assert flag is not None and flag.state is FlagState.ORM
    assert coordinator.guard.counts("auth", time.monotonic()).comparisons == MINIMUM * 2
