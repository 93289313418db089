"""PostgreSQL only: replicas on one database see each other's flag changes, by NOTIFY or by polling."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable

import pytest

from app.store import StoreUnavailable
from app.store.postgres import PostgresStore
from flags.errors import VersionConflict
from flags.model import FlagState, FlagUpdate, Source, apply_update, new_flag
from tests.live import free_port
from tests.pg import admin_execute, admin_fetch, connections_refused, database_of, run_sync
from tests.store.conftest import Backend, empty_postgres

pytestmark = [pytest.mark.anyio, pytest.mark.postgres]

POLL = 0.2


@pytest.fixture
def location(pg_database: str) -> tuple[str, str]:
    return empty_postgres(pg_database)


async def replica(backend: Backend) -> PostgresStore:
    store = await backend.reopen()
    assert isinstance(store, PostgresStore)
    return store


async def eventually(check: Callable[[], bool], within: float) -> bool:
    deadline = time.monotonic() + within
    while not check():
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(0.02)
    return True


async def create(store: PostgresStore, module: str, state: FlagState = FlagState.SHADOW) -> None:
    flag, change = apply_update(
        new_flag(module, "alice"), FlagUpdate("start", state=state), "alice", Source.API
    )
    await store.save_flag(flag, change, 0)


async def backends_named(database: str, application_name: str) -> list[int]:
    rows = await admin_fetch(
        "SELECT pid FROM pg_stat_activity WHERE datname = $1 AND application_name = $2",
        database,
        application_name,
    )
    return [r["pid"] for r in rows]


async def terminate(database: str, application_name: str | None = None) -> None:
    await admin_execute(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
        " WHERE datname = $1 AND ($2::text IS NULL OR application_name = $2) AND pid <> pg_backend_pid()",
        database,
        application_name,
    )


async def test_a_change_on_one_replica_reaches_the_other_within_2_s(backend: Backend) -> None:
    a, b = await replica(backend), await replica(backend)
    heard: list[str] = []
    await b.subscribe(heard.append)
    await create(a, "auth")
    assert await eventually(lambda: "auth" in heard, within=2.0)
    assert await b.get_flag("auth") == await a.get_flag("auth")


async def test_every_replica_hears_a_change_once(backend: Backend) -> None:
    a, b = await replica(backend), await replica(backend)
    heard_a: list[str] = []
    heard_b: list[str] = []
    await a.subscribe(heard_a.append)
    await b.subscribe(heard_b.append)
    await create(a, "auth")
    assert await eventually(lambda: heard_b != [], within=2.0)
    await asyncio.sleep(3 * POLL)  # A's own NOTIFY and a few polls/heartbeats have come and gone
    assert (heard_a, heard_b) == (["auth"], ["auth"])


async def test_replicas_creating_the_same_module_at_once_conflict(backend: Backend) -> None:
    a, b = await replica(backend), await replica(backend)
    results = await asyncio.gather(create(a, "auth"), create(b, "auth"), return_exceptions=True)
    assert sorted(type(r).__name__ for r in results) == ["NoneType", "VersionConflict"]
    assert [e.action for e in await a.history("auth")] == ["create"]
    assert any(isinstance(r, VersionConflict) and r.actual == 1 for r in results)


async def test_polling_delivers_changes_while_the_listener_is_down(backend: Backend) -> None:
    a, b = await replica(backend), await replica(backend)
    heard: list[str] = []
    await a.subscribe(heard.append)
    database = database_of(backend_dsn(backend))
    with connections_refused(database):
        await terminate(database, a.listener_name)
        assert await backends_named(database, a.listener_name) == []
        await create(b, "auth")
        assert await eventually(lambda: "auth" in heard, within=10 * POLL)
        assert await backends_named(database, a.listener_name) == []  # it was polling, not listening
        ages = []
        for _ in range(10):  # 2 s without a listener: an unrefreshed age would pass 2 s by the end
            await asyncio.sleep(POLL)
            ages.append(a.sync_age())
        assert max(ages) < 6 * POLL


async def test_the_listener_reconnects_once_the_database_accepts_connections(backend: Backend) -> None:
    a = await replica(backend)
    database = database_of(backend_dsn(backend))
    with connections_refused(database):
        await terminate(database, a.listener_name)
        await asyncio.sleep(3 * POLL)
    assert await eventually(lambda: run_sync(backends_named(database, a.listener_name)) != [], within=5.0)
    b = await replica(backend)
    heard: list[str] = []
    await a.subscribe(heard.append)
    await create(b, "auth")
    assert await eventually(lambda: "auth" in heard, within=2.0)


async def test_sync_age_grows_and_ping_fails_when_the_database_is_gone(backend: Backend) -> None:
    a = await replica(backend)
    database = database_of(backend_dsn(backend))
    assert a.sync_age() < 5 * POLL
    with connections_refused(database):
        await terminate(database)
        await asyncio.sleep(8 * POLL)
        assert a.sync_age() > 3 * POLL
        with pytest.raises(StoreUnavailable, match=database):
            await a.ping()
    assert await eventually(lambda: a.sync_age() < 3 * POLL, within=5.0)


async def test_an_outage_is_logged_once_not_every_poll(
    backend: Backend, caplog: pytest.LogCaptureFixture
) -> None:
    await replica(backend)
    database = database_of(backend_dsn(backend))
    caplog.set_level(logging.INFO, logger="app.store.postgres")
    with connections_refused(database):
        await terminate(database)
        await asyncio.sleep(8 * POLL)
    assert await eventually(lambda: "polling flags works again" in caplog.text, within=5.0)
    assert caplog.text.count("polling flags failed") == 1


@pytest.mark.parametrize("operation", ["open", "ping"])
async def test_unreachable_database_is_unavailable_naming_it_without_the_password(operation: str) -> None:
    store = PostgresStore(f"postgresql://shadow:s3cret@127.0.0.1:{free_port()}/flagsdb", poll_seconds=POLL)
    with pytest.raises(StoreUnavailable, match=r"'flagsdb' at 127\.0\.0\.1") as caught:
        await (store.open() if operation == "open" else store.ping())
    assert "s3cret" not in str(caught.value)
    await store.close()


def backend_dsn(backend: Backend) -> str:
    store = backend.make()
    assert isinstance(store, PostgresStore)
    return store.dsn
