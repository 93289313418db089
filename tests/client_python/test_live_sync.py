"""``run`` and the sync decorator in a real app: psycopg 3 raw SQL against the SQLAlchemy 2 ORM on
psycopg, on the real PostgreSQL, posting to the live service over HTTP. The shadow path runs on the
client's worker threads, so it uses its own connections (the ORM's engine pool), never the caller's."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Any

import psycopg
import pytest
from shadowdiff_client import Shadow, request_scope

from tests.api.client import Api, unique
from tests.client_python.conftest import INGEST_TOKEN
from tests.client_python.service import mismatches, orm_errors, outcomes, wait_for, wait_for_config
from tests.client_python.shop import USERS, SyncShop, email
from tests.live import LiveService


@pytest.fixture
def shop(dsn: str) -> Any:
    found = SyncShop(dsn)
    yield found
    found.close()


def test_run_serves_legacy_unchanged_and_every_pair_matches(
    service: LiveService, api: Api, shop: SyncShop
) -> None:
    module = unique("users")
    shadow = Shadow(service.url, token=INGEST_TOKEN)
    wait_for_config(shadow)
    for i in range(USERS):
        served: list[Any] = []

        def legacy(i: int = i, served: list[Any] = served) -> Any:
            served.append(shop.sql_get(email(i)))
            return served[-1]

        rows = shadow.run(
            module,
            "getUserByEmail",
            legacy=legacy,
            orm=partial(shop.orm_get, email(i)),
            request_id=f"req-{i}",
            context={"email": email(i)},
        )
        assert rows is served[0]
    shadow.close()
    stats = shadow.stats()
    assert (stats["posted"], stats["dropped"], stats["failed_posts"], stats["shadow_errors"]) == (
        USERS,
        0,
        0,
        0,
    )
    assert outcomes(api, module) == {"match": USERS}


def test_the_serving_paths_exception_reaches_the_caller_unchanged_and_posts_as_error(
    service: LiveService, api: Api, shop: SyncShop
) -> None:
    module = unique("users")
    shadow = Shadow(service.url, token=INGEST_TOKEN)
    wait_for_config(shadow)
    raised: list[BaseException] = []

    def legacy() -> Any:
        try:
            return shop.conn.execute("SELECT * FROM no_such_table").fetchall()
        except psycopg.Error as exc:
            raised.append(exc)
            raise

    with pytest.raises(psycopg.errors.UndefinedTable) as caught:
        shadow.run(module, "getUserByEmail", legacy=legacy, orm=lambda: shop.orm_get(email(1)))
    assert caught.value is raised[0]
    shadow.close()
    assert shadow.stats()["posted"] == 1
    assert outcomes(api, module) == {"error": 1}


@pytest.mark.parametrize("failure", ["hang", "raise"])
def test_a_shadow_path_that_hangs_or_raises_leaves_the_caller_alone(
    service: LiveService, api: Api, shop: SyncShop, failure: str
) -> None:
    module = unique("users")
    shadow = Shadow(service.url, token=INGEST_TOKEN, shadow_timeout=1.0, workers=2)
    wait_for_config(shadow)
    release = threading.Event()
    calls = 10
    timings: list[float] = []

    def broken_orm(address: str) -> Any:
        if failure == "hang":
            release.wait(60)
        raise KeyError(address)

    try:
        for i in range(calls):
            start = time.perf_counter()
            rows = shadow.run(
                module,
                "getUserByEmail",
                legacy=partial(shop.sql_get, email(i)),
                orm=partial(broken_orm, email(i)),
            )
            timings.append(time.perf_counter() - start)
            assert [r["email"] for r in rows] == [email(i)]
        # Hang guard, not a measurement: the shadow path blocks for up to 60 s; the caller never waits.
        assert max(timings) < 0.9, timings  # under the 1 s shadow timeout a waiting caller would reach
        deadline = time.monotonic() + 10
        while shadow.stats()["shadow_errors"] < calls and time.monotonic() < deadline:
            time.sleep(0.02)
    finally:
        release.set()
    shadow.close()
    expected = "ShadowTimeout" if failure == "hang" else "KeyError"
    assert orm_errors(api, module) == {expected: calls}
    assert (shadow.stats()["shadow_errors"], shadow.stats()["posted"]) == (calls, calls)


def test_the_decorator_in_threads_posts_each_threads_request(
    service: LiveService, api: Api, shop: SyncShop
) -> None:
    module = unique("users")
    shadow = Shadow(service.url, token=INGEST_TOKEN)
    wait_for_config(shadow)

    def orm_get(address: str) -> list[dict[str, Any]]:  # a bug for one user only
        rows = shop.orm_get(address)
        return [dict(r, balance=r["balance"] + 1) for r in rows] if address == email(7) else rows

    @shadow.experiment(module, "getUserByEmail", orm=orm_get)
    def get_user(address: str) -> list[dict[str, Any]]:
        with psycopg.connect(shop.dsn, autocommit=True, row_factory=psycopg.rows.dict_row) as conn:
            return conn.execute("SELECT * FROM users WHERE email = %s", (address,)).fetchall()

    def handle(i: int) -> str:
        with request_scope(f"req-{i}", context={"worker": threading.current_thread().name}):
            return str(get_user(email(i))[0]["email"])

    with ThreadPoolExecutor(4) as pool:
        assert list(pool.map(handle, range(16))) == [email(i) for i in range(16)]
    shadow.close()
    assert outcomes(api, module) == {"match": 15, "mismatch": 1}
    [sample] = wait_for(lambda: mismatches(api, module), what="the mismatch sample")
    assert (sample["request_id"], sample["fields"], sample["context"]["address"]) == (
        "req-7",
        ["balance"],
        email(7),
    )
