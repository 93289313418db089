"""Stored and inline comparison specs: the YAML file read at start, the store loaded, inline specs
parsed once each within a bound."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

import pytest

from app.errors import InvalidPayload
from app.spec_cache import SpecCache, read_specs_file
from app.store.base import StoredSpec
from app.store.sqlite import SQLiteStore


@pytest.mark.parametrize(
    ("text", "words"),
    [
        pytest.param("orders: [", "cannot read specs file", id="not YAML"),
        pytest.param(
            "- orders\n- users\n", "expected a mapping of module -> query_name -> spec", id="a list"
        ),
        pytest.param(
            "orders: [getOrder]\n", "'orders' must map query names to specs", id="a module of a list"
        ),
        pytest.param(
            "orders:\n  getOrder: [id]\n",
            "orders.getOrder must be a mapping of options",
            id="a spec of a list",
        ),
        pytest.param("orders:\n  getOrder: {keys: [id]}\n", "orders.getOrder: ", id="an unknown option"),
    ],
)
def test_a_bad_specs_file_stops_the_start_naming_the_file_and_entry(
    tmp_path: Path, text: str, words: str
) -> None:
    path = tmp_path / "specs.yaml"
    path.write_text(text)
    with pytest.raises(InvalidPayload) as caught:
        read_specs_file(path)
    assert str(path) in str(caught.value)
    assert words in str(caught.value)


def test_a_specs_file_that_is_not_there_is_named(tmp_path: Path) -> None:
    with pytest.raises(InvalidPayload, match=r"cannot read specs file .*absent\.yaml"):
        read_specs_file(tmp_path / "absent.yaml")


def test_an_empty_specs_file_holds_no_specs(tmp_path: Path) -> None:
    path = tmp_path / "specs.yaml"
    path.write_text("# nothing yet\n")
    assert read_specs_file(path) == []


def test_a_stored_spec_this_version_cannot_read_is_skipped_and_the_others_served(tmp_path: Path) -> None:
    def stored(query_name: str, spec: dict[str, object]) -> StoredSpec:
        return StoredSpec("orders", query_name, spec, datetime(2030, 1, 1, tzinfo=UTC), "test")

    async def load() -> SpecCache:
        store = SQLiteStore(tmp_path / "specs.sqlite3")
        await store.open()
        try:
            await store.put_spec(stored("getOrder", {"key": ["id"]}))
            await store.put_spec(stored("listOrders", {"option_from_a_newer_version": True}))
            cache = SpecCache()
            await cache.load(store)
            return cache
        finally:
            await store.close()

    cache = asyncio.run(load())
    assert [(s.module, s.query_name) for s in cache.all()] == [("orders", "getOrder")]
    assert cache.stored("orders", "listOrders") is None


def test_an_inline_spec_is_parsed_once_until_more_distinct_ones_than_the_bound_arrive() -> None:
    cache = SpecCache(inline_limit=2)
    first = cache.inline({"key": ["id"]})
    assert cache.inline({"key": ["id"]}) is first
    cache.inline({"key": ["a"]})
    cache.inline({"key": ["b"]})
    again = cache.inline({"key": ["id"]})
    assert again is not first
    assert again == first


def test_a_resolved_spec_is_kept_until_more_distinct_ones_than_the_bound_arrive() -> None:
    cache = SpecCache(inline_limit=2)
    first = cache.resolve("orders", "getOrder", {"key": ["id"]})
    assert cache.resolve("orders", "getOrder", {"key": ["id"]}) is first
    cache.resolve("orders", "getOrder", {"key": ["a"]})
    cache.resolve("orders", "getOrder", {"key": ["b"]})
    again = cache.resolve("orders", "getOrder", {"key": ["id"]})
    assert again is not first
    assert again == first
