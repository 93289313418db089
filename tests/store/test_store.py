"""The Store contract, run against both backends (SQLite file and a fresh PostgreSQL database)."""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import UTC, datetime, timedelta

import pytest

from app.store import MismatchSample, Store, StoredSpec, StoreUnavailable
from app.store.migrate import load_migrations
from flags.errors import InvalidFlag, VersionConflict
from flags.model import (
    AutoRollback,
    Flag,
    FlagChange,
    FlagState,
    FlagUpdate,
    Source,
    apply_update,
    new_flag,
    rollback,
)
from tests.store.conftest import Backend

pytestmark = pytest.mark.anyio

T0 = datetime(2026, 1, 2, 3, 4, 5, 123456, tzinfo=UTC)


async def create(
    store: Store,
    module: str,
    state: FlagState = FlagState.SHADOW,
    rate: float | None = None,
    auto: AutoRollback | None = None,
) -> tuple[Flag, FlagChange]:
    update = FlagUpdate(reason=f"start {module}", state=state, sample_rate=rate, auto_rollback=auto)
    flag, change = apply_update(new_flag(module, "alice"), update, "alice", Source.API)
    return await store.save_flag(flag, change, 0), change


async def change(store: Store, current: Flag, reason: str, **fields: object) -> tuple[Flag, FlagChange]:
    update = FlagUpdate(reason=reason, **fields)  # type: ignore[arg-type]
    flag, entry = apply_update(current, update, "bob", Source.API)
    return await store.save_flag(flag, entry, current.version), entry


def without_id(entry: FlagChange) -> FlagChange:
    return dataclasses.replace(entry, id=None)


def sample(label: str, module: str, query: str, fields: tuple[str, ...], minutes: int) -> MismatchSample:
    return MismatchSample(
        module=module,
        query_name=query,
        fields=fields,
        differences=[{"field": f, "kind": "value", "path": f, "legacy": 1, "orm": 2} for f in fields],
        request_id=label,
        at=T0 + timedelta(minutes=minutes),
    )


# -- flags ----------------------------------------------------------------------------------------


async def test_created_flag_reads_back_exactly(store: Store) -> None:
    saved, _ = await create(store, "auth", FlagState.ORM, 0.25, AutoRollback.NOTIFY)
    assert await store.get_flag("auth") == saved


async def test_unknown_module_has_no_flag(store: Store) -> None:
    await create(store, "auth")
    assert await store.get_flag("billing") is None


async def test_list_flags_returns_every_module_by_name(store: Store) -> None:
    saved = [(await create(store, m))[0] for m in ("tasks", "auth", "billing")]
    assert await store.list_flags() == sorted(saved, key=lambda f: f.module)


async def test_update_replaces_the_stored_flag(store: Store) -> None:
    first, _ = await create(store, "auth")
    second, _ = await change(store, first, "promote", state=FlagState.ORM, sample_rate=0.5)
    assert await store.get_flag("auth") == second
    assert (second.version, second.state, second.sample_rate) == (2, FlagState.ORM, 0.5)


@pytest.mark.parametrize(
    ("saves_before", "expected_version"),
    [
        (1, 0),  # create when the module already exists
        (2, 1),  # update from a stale read
        (1, 2),  # update claiming a version from the future
        (0, 3),  # update of a module that does not exist
    ],
)
async def test_stale_expected_version_is_a_conflict(
    store: Store, saves_before: int, expected_version: int
) -> None:
    current = new_flag("auth", "alice")
    for i in range(saves_before):
        current, _ = await change(store, current, f"save {i}")
    stale = dataclasses.replace(current, version=expected_version)
    flag, entry = apply_update(stale, FlagUpdate(reason="late", state=FlagState.ORM), "carol", Source.API)
    with pytest.raises(VersionConflict) as caught:
        await store.save_flag(flag, entry, expected_version)
    assert (caught.value.expected, caught.value.actual) == (expected_version, saves_before)


async def test_concurrent_saves_of_one_version_let_exactly_one_win(store: Store) -> None:
    first, _ = await create(store, "auth")
    saves = []
    for i in range(4):
        flag, entry = apply_update(first, FlagUpdate(reason=f"writer {i}"), f"writer{i}", Source.API)
        saves.append(store.save_flag(flag, entry, first.version))
    results = await asyncio.gather(*saves, return_exceptions=True)
    assert sum(isinstance(r, Flag) for r in results) == 1
    assert sum(isinstance(r, VersionConflict) for r in results) == 3
    assert len(await store.history("auth")) == 2


async def test_conflict_changes_neither_flag_nor_history(store: Store) -> None:
    first, _ = await create(store, "auth")
    second, _ = await change(store, first, "one")
    history = await store.history("auth")
    late, entry = apply_update(first, FlagUpdate(reason="late", state=FlagState.ORM), "carol", Source.API)
    with pytest.raises(VersionConflict):
        await store.save_flag(late, entry, first.version)
    assert await store.get_flag("auth") == second
    assert await store.history("auth") == history


@pytest.mark.parametrize(
    ("version", "expected_version", "module"),
    [(1, 1, "auth"), (3, 1, "auth"), (0, -1, "auth"), (1, 0, "billing")],
    ids=["same-version", "skips-a-version", "negative", "history-of-another-module"],
)
async def test_inconsistent_save_is_refused_before_writing(
    store: Store, version: int, expected_version: int, module: str
) -> None:
    flag, entry = apply_update(new_flag("auth", "alice"), FlagUpdate(reason="x"), "alice", Source.API)
    entry = dataclasses.replace(entry, module=module)
    with pytest.raises(InvalidFlag):
        await store.save_flag(dataclasses.replace(flag, version=version), entry, expected_version)
    assert await store.list_flags() == []


# -- history --------------------------------------------------------------------------------------


async def test_history_is_newest_first_with_every_field(store: Store) -> None:
    first, created = await create(store, "auth")
    second, promoted = await change(store, first, "promote", state=FlagState.ORM)
    _, rolled = rollback(second, "alertmanager", Source.ALERTMANAGER, "p95 up", {"alert": "ShadowMismatch"})
    await store.save_flag(_, rolled, second.version)
    entries = await store.history("auth")
    assert [without_id(e) for e in entries] == [rolled, promoted, created]
    ids = [e.id or 0 for e in entries]
    assert min(ids) > 0 and ids == sorted(ids, reverse=True)


async def test_history_limit_keeps_the_newest(store: Store) -> None:
    current, _ = await create(store, "auth")
    for i in range(4):
        current, _ = await change(store, current, f"change {i}")
    assert [e.reason for e in await store.history("auth", limit=2)] == ["change 3", "change 2"]


async def test_history_holds_only_its_module(store: Store) -> None:
    await create(store, "auth")
    await create(store, "billing")
    assert [e.module for e in await store.history("billing")] == ["billing"]


async def test_append_history_adds_an_entry_without_changing_the_flag(store: Store) -> None:
    flag, _ = await create(store, "auth", FlagState.ORM)
    decision = {"rule": "guard", "rate": 0.002, "examples": [{"legacy": 1180591620717411303425, "orm": "ü"}]}
    note = FlagChange(
        "auth", "rollback_notify", "guard", Source.GUARD, "over threshold", T0, None, None, decision
    )
    stored = await store.append_history(note)
    assert stored.id is not None and without_id(stored) == note
    assert (await store.history("auth"))[0] == stored
    assert await store.get_flag("auth") == flag


async def test_nul_in_history_text_is_stored_as_replacement_character(store: Store) -> None:
    note = FlagChange("auth", "rollback_notify", "bo\x00b", Source.API, "why\x00not", T0, None, None)
    stored = await store.append_history(note)
    assert (stored.actor, stored.reason) == ("bo\ufffdb", "why\ufffdnot")


async def test_history_cannot_be_rewritten_in_the_database(store: Store, backend: Backend) -> None:
    await create(store, "auth")
    with pytest.raises(Exception, match="append-only"):
        await backend.raw("UPDATE flag_history SET reason = 'forged'")
    with pytest.raises(Exception, match="append-only"):
        await backend.raw("DELETE FROM flag_history")


# -- listeners ------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["sync", "async"])
async def test_subscriber_hears_a_local_change(store: Store, kind: str) -> None:
    heard: list[str] = []

    def sync_listener(module: str) -> None:
        heard.append(module)

    async def async_listener(module: str) -> None:
        heard.append(module)

    await store.subscribe(sync_listener if kind == "sync" else async_listener)
    await create(store, "auth")
    assert heard == ["auth"]


async def test_failing_subscriber_neither_sinks_the_save_nor_the_others(store: Store) -> None:
    heard: list[str] = []

    def broken(module: str) -> None:
        raise RuntimeError("listener bug")

    await store.subscribe(broken)
    await store.subscribe(heard.append)
    saved, _ = await create(store, "auth")
    assert heard == ["auth"]
    assert await store.get_flag("auth") == saved


# -- specs, mismatches, claims --------------------------------------------------------------------


async def test_specs_round_trip_and_overwrite(store: Store) -> None:
    a = StoredSpec("auth", "getUser", {"key": ["id"], "ordered": True}, T0, "alice")
    b = StoredSpec("auth", "listUsers", {"ignore": ["updatedAt"], "float_tolerance": 1e-6}, T0, "alice")
    a2 = StoredSpec("auth", "getUser", {"key": ["email"]}, T0 + timedelta(hours=1), "bob")
    for spec in (b, a, a2):
        await store.put_spec(spec)
    assert await store.list_specs() == [a2, b]


SAMPLES = [
    sample("s1", "auth", "getUser", ("email",), 1),
    sample("s2", "auth", "getUser", ("email", "name"), 2),
    sample("s3", "auth", "listUsers", ("name",), 3),
    sample("s4", "billing", "getInvoice", ("total",), 4),
]


@pytest.mark.parametrize(
    ("module", "query", "field", "limit", "expected"),
    [
        (None, None, None, 10, ["s4", "s3", "s2", "s1"]),
        (None, None, None, 2, ["s4", "s3"]),
        ("auth", None, None, 10, ["s3", "s2", "s1"]),
        ("auth", "getUser", None, 10, ["s2", "s1"]),
        (None, None, "name", 10, ["s3", "s2"]),
        ("auth", "getUser", "name", 10, ["s2"]),
        ("billing", None, "email", 10, []),
    ],
)
async def test_recent_mismatches_filter_newest_first(
    store: Store, module: str | None, query: str | None, field: str | None, limit: int, expected: list[str]
) -> None:
    await store.add_mismatches(SAMPLES[:2], keep_per_field=10)
    await store.add_mismatches(SAMPLES[2:], keep_per_field=10)
    found = await store.recent_mismatches(module, query, field, limit)
    assert [s.request_id for s in found] == expected


async def test_mismatch_sample_round_trips(store: Store) -> None:
    original = sample("s1", "auth", "getUser", ("email", "name"), 1)
    await store.add_mismatches([original], keep_per_field=5)
    (found,) = await store.recent_mismatches(None, None, None, 10)
    assert found.id is not None and dataclasses.replace(found, id=None) == original


async def test_nul_in_sample_text_is_stored_as_replacement_character(store: Store) -> None:
    await store.add_mismatches([sample("req\x001", "auth", "getUser", ("e\x00mail",), 1)], keep_per_field=5)
    (found,) = await store.recent_mismatches(None, None, "e\x00mail", 10)
    assert (found.request_id, found.fields) == ("req\ufffd1", ("e\ufffdmail",))


async def test_mismatch_retention_keeps_the_newest_per_field(store: Store) -> None:
    email = [sample(f"e{i}", "auth", "getUser", ("email",), i) for i in range(5)]
    await store.add_mismatches(email[:3], keep_per_field=3)
    await store.add_mismatches([sample("n0", "auth", "getUser", ("name",), 0)], keep_per_field=3)
    await store.add_mismatches(email[3:], keep_per_field=3)
    found = await store.recent_mismatches("auth", "getUser", None, 100)
    assert [s.request_id for s in found] == ["e4", "e3", "e2", "n0"]


async def test_sample_stays_while_one_of_its_fields_keeps_it(store: Store) -> None:
    both = sample("both", "auth", "getUser", ("email", "name"), 0)
    newer = [sample(f"e{i}", "auth", "getUser", ("email",), i + 1) for i in range(2)]
    await store.add_mismatches([both, *newer], keep_per_field=2)
    assert [s.request_id for s in await store.recent_mismatches(None, None, "name", 10)] == ["both"]
    assert [s.request_id for s in await store.recent_mismatches(None, None, "email", 10)] == ["e1", "e0"]


async def test_claim_once_is_true_only_the_first_time(store: Store) -> None:
    assert [await store.claim_once(k) for k in ("a", "a", "b", "a")] == [True, False, True, False]


async def test_claims_older_than_the_retention_are_pruned(store: Store) -> None:
    """Issue 13: the de-duplication keys do not pile up forever; a pruned key can be claimed again."""
    assert await store.claim_once("old") is True
    await asyncio.sleep(0.6)
    assert await store.claim_once("new", retention_seconds=0.5) is True  # prunes "old" on the way
    assert await store.claim_once("new") is False
    assert await store.claim_once("old") is True


# -- lifecycle ------------------------------------------------------------------------------------


async def test_restart_keeps_flags_history_specs_and_claims(store: Store, backend: Backend) -> None:
    first, _ = await create(store, "auth")
    await change(store, first, "promote", state=FlagState.ORM)
    spec = StoredSpec("auth", "getUser", {"key": ["id"]}, T0, "alice")
    await store.put_spec(spec)
    await store.claim_once("delivery-1")
    flags, history = await store.list_flags(), await store.history("auth")
    await store.close()
    again = await backend.reopen()
    assert await again.list_flags() == flags
    assert await again.history("auth") == history
    assert await again.list_specs() == [spec]
    assert await again.claim_once("delivery-1") is False


async def test_migrations_are_applied_once(store: Store, backend: Backend) -> None:
    query = "SELECT version, name, applied_at FROM schema_migrations ORDER BY version"
    applied = await backend.raw(query)
    assert [(v, n) for v, n, _ in applied] == [(m.version, m.name) for m in load_migrations(backend.name)]
    await store.close()
    await backend.reopen()
    assert await backend.raw(query) == applied


async def test_ping_succeeds_on_an_open_store(store: Store) -> None:
    await store.ping()


async def test_closed_store_says_it_is_unavailable(store: Store) -> None:
    await store.close()
    with pytest.raises(StoreUnavailable):
        await store.get_flag("auth")
