"""``arun`` and the async decorator in a real app: asyncpg raw SQL against the SQLAlchemy 2 ORM on the
real PostgreSQL, posting to the live service over HTTP."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from functools import partial
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from shadowdiff_client import Shadow, request_scope

from tests.api.client import Api, unique
from tests.client_python.conftest import INGEST_TOKEN, service_env
from tests.client_python.service import (
    LoseFirstBatchAnswer,
    mismatches,
    orm_errors,
    outcomes,
    set_state,
    wait_for,
    wait_for_config,
)
from tests.client_python.shop import USERS, AsyncShop, email
from tests.live import LiveService, live_service

Scenario = Callable[[AsyncShop], Awaitable[None]]


def with_shop(dsn: str, scenario: Scenario) -> None:
    async def main() -> None:
        pool = await asyncpg.create_pool(dsn, min_size=1, max_size=4)
        shop = AsyncShop(dsn, pool)
        try:
            await scenario(shop)
        finally:
            await shop.close()
            await pool.close()

    asyncio.run(main())


def test_arun_serves_legacy_unchanged_and_every_pair_matches(
    service: LiveService, api: Api, dsn: str
) -> None:
    module = unique("users")
    shadow = Shadow(service.url, token=INGEST_TOKEN)
    wait_for_config(shadow)

    async def scenario(shop: AsyncShop) -> None:
        for i in range(USERS):
            served: list[Any] = []

            async def legacy(i: int = i, served: list[Any] = served) -> list[Any]:
                rows = await shop.sql_get(email(i))
                served.append(rows)
                return rows

            rows = await shadow.arun(
                module,
                "getUserByEmail",
                legacy=legacy,
                orm=partial(shop.orm_get, email(i)),
                request_id=f"req-{i}",
                context={"email": email(i)},
            )
            assert rows is served[0]  # the very object the serving path returned
        await shadow.aclose()

    with_shop(dsn, scenario)
    assert shadow.stats() | {"config_age_s": None} == {
        "posted": USERS,
        "dropped": 0,
        "failed_posts": 0,
        "shadow_errors": 0,
        "config_age_s": None,
    }
    assert outcomes(api, module) == {"match": USERS}


def test_the_decorator_takes_request_and_context_from_the_context_variable(
    service: LiveService, api: Api, dsn: str
) -> None:
    module = unique("users")
    shadow = Shadow(service.url, token=INGEST_TOKEN)
    wait_for_config(shadow)

    async def scenario(shop: AsyncShop) -> None:
        async def orm_get(address: str) -> list[dict[str, Any]]:  # a migration bug: names upper-cased
            return [dict(row, full_name=row["full_name"].upper()) for row in await shop.orm_get(address)]

        @shadow.experiment(module, "getUserByEmail", orm=orm_get)
        async def get_user(address: str) -> list[Any]:
            return await shop.sql_get(address)

        with request_scope("req-42", context={"tenant": "acme"}):
            rows = await get_user(email(3))
        assert rows[0]["full_name"] == "User 3"
        await shadow.aclose()

    with_shop(dsn, scenario)
    samples = wait_for(lambda: mismatches(api, module), what="the mismatch sample")
    assert [(s["request_id"], s["fields"], s["context"]) for s in samples] == [
        ("req-42", ["full_name"], {"address": email(3), "tenant": "acme"})
    ]


@pytest.mark.parametrize("failure", ["hang", "raise"])
def test_a_shadow_path_that_hangs_or_raises_leaves_the_caller_alone(
    service: LiveService, api: Api, dsn: str, failure: str
) -> None:
    module = unique("users")
    shadow = Shadow(service.url, token=INGEST_TOKEN, shadow_timeout=1.0)
    wait_for_config(shadow)
    calls = 10
    timings: list[float] = []

    async def scenario(shop: AsyncShop) -> None:
        async def broken_orm(address: str) -> Any:
            if failure == "hang":
                await asyncio.sleep(60)
            raise LookupError("relation users has no column fullName")

        for i in range(calls):
            start = time.perf_counter()
            rows = await shadow.arun(
                module,
                "getUserByEmail",
                legacy=partial(shop.sql_get, email(i)),
                orm=partial(broken_orm, email(i)),
            )
            timings.append(time.perf_counter() - start)
            assert [r["email"] for r in rows] == [email(i)]
        await shadow.aclose()

    with_shop(dsn, scenario)
    # Hang guard, not a measurement: the shadow path sleeps 60 s; the caller never waits for it.
    assert max(timings) < 0.9, timings  # under the 1 s shadow timeout a waiting caller would reach
    expected = "ShadowTimeout" if failure == "hang" else "LookupError"
    assert orm_errors(api, module) == {expected: calls}
    assert shadow.stats()["shadow_errors"] == calls and shadow.stats()["posted"] == calls


def test_callers_follow_a_state_change_within_the_poll_interval(
    service: LiveService, api: Api, dsn: str
) -> None:
    module = unique("users")
    poll = 0.3
    shadow = Shadow(service.url, token=INGEST_TOKEN, poll_interval=poll)
    wait_for_config(shadow)
    served: list[str] = []

    async def scenario(shop: AsyncShop) -> None:
        async def legacy() -> Any:
            served.append("legacy")
            return await shop.sql_get(email(1))

        async def orm() -> Any:
            served.append("orm")
            return await shop.orm_get(email(1))

        async def call() -> None:
            await shadow.arun(module, "getUserByEmail", legacy=legacy, orm=orm)
            await asyncio.sleep(0.01)

        async def until(switched: Callable[[list[str]], bool]) -> float:
            started = time.monotonic()
            while time.monotonic() - started < 10:
                served.clear()
                await call()
                if switched(served):
                    return time.monotonic() - started
            raise AssertionError(f"callers did not follow; last call served {served}")

        await call()  # unknown module: the default state (shadow) -> both paths, the pair registers it
        assert served == ["legacy", "orm"]
        await asyncio.sleep(0.2)  # let the pair reach the service (it registers the module)
        wait_for(lambda: api.request("GET", f"/v1/flags/{module}", role="read").status_code == 200)
        set_state(api, module, "legacy")
        assert await until(lambda s: s == ["legacy"]) < poll + 1.0
        set_state(api, module, "shadow")
        assert await until(lambda s: s == ["legacy", "orm"]) < poll + 1.0
        set_state(api, module, "orm")
        assert await until(lambda s: s == ["orm", "legacy"]) < poll + 1.0  # the ORM serves, legacy shadows
        await shadow.aclose()

    with_shop(dsn, scenario)


def test_a_retried_batch_counts_once(service: LiveService, api: Api, dsn: str) -> None:
    module = unique("users")
    transport = LoseFirstBatchAnswer()
    shadow = Shadow(
        service.url, token=INGEST_TOKEN, transport=transport, batch_size=20, flush_interval=5.0, backoff=0.05
    )
    wait_for_config(shadow)

    async def scenario(shop: AsyncShop) -> None:
        for i in range(20):
            await shadow.arun(
                module,
                "getUserByEmail",
                legacy=partial(shop.sql_get, email(i)),
                orm=partial(shop.orm_get, email(i)),
            )
        await shadow.aclose()

    with_shop(dsn, scenario)
    assert transport.lost == 1
    stats = shadow.stats()
    assert (stats["posted"], stats["failed_posts"], stats["dropped"]) == (20, 1, 0)
    assert outcomes(api, module) == {"match": 20}  # not 40: the retry's pair ids were seen


def test_killing_the_service_mid_run_never_reaches_the_caller(module_tmp: Path, dsn: str) -> None:
    module = unique("users")
    calls = 150
    with live_service(service_env(module_tmp / "killed"), module_tmp) as doomed:
        shadow = Shadow(
            doomed.url,
            token=INGEST_TOKEN,
            poll_interval=0.2,
            flush_interval=0.05,
            batch_size=10,
            queue_size=25,
            max_attempts=2,
            backoff=0.05,
            http_timeout=1.0,
        )
        wait_for_config(shadow)

        async def scenario(shop: AsyncShop) -> None:
            for i in range(calls):
                if i == 50:
                    doomed.process.kill()
                    doomed.process.wait()
                rows = await shadow.arun(
                    module,
                    "getUserByEmail",
                    legacy=partial(shop.sql_get, email(i % USERS)),
                    orm=partial(shop.orm_get, email(i % USERS)),
                )
                assert [r["email"] for r in rows] == [email(i % USERS)]
                await asyncio.sleep(0.005)
            await shadow.aclose(timeout=2.0)

        with_shop(dsn, scenario)
    stats = shadow.stats()
    assert stats["posted"] >= 20 and stats["dropped"] > 0 and stats["failed_posts"] > 0, stats
    assert stats["posted"] + stats["dropped"] == calls, stats  # every pair accounted for, once


@pytest.mark.parametrize("shadow_path", ["running", "instant"])
def test_pairs_an_ended_loop_took_with_it_are_counted_dropped(service: LiveService, shadow_path: str) -> None:
    """An app that lets ``asyncio.run`` end without ``await shadow.aclose()`` loses the pairs whose
    shadow paths had not finished; the caller still got its result, and ``stats()`` says what was
    lost instead of showing nothing posted and nothing dropped."""
    shadow = Shadow(service.url, token=INGEST_TOKEN)
    wait_for_config(shadow)
    calls = 5

    async def legacy() -> list[dict[str, int]]:
        return [{"id": 1}]

    async def orm() -> list[dict[str, int]]:
        if shadow_path == "running":
            await asyncio.sleep(30)  # still running when the loop ends
        return [{"id": 1}]

    async def main() -> list[Any]:
        module = unique("loop")
        return [await shadow.arun(module, "getUser", legacy=legacy, orm=orm) for _ in range(calls)]

    assert asyncio.run(main()) == [[{"id": 1}]] * calls  # the caller is served as ever
    shadow.close()
    stats = shadow.stats()
    assert stats["posted"] + stats["dropped"] == calls, stats
    if shadow_path == "running":
        assert stats["dropped"] == calls, stats
