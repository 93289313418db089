"""``create_store`` picks the backend from the settings; ``open_store`` hands it back opened."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.store import SQLiteStore, StoreUnavailable, create_store, open_store
from app.store.postgres import PostgresStore


@pytest.mark.parametrize(
    ("database_url", "backend"),
    [
        (None, SQLiteStore),
        ("", SQLiteStore),
        ("postgresql://postgres@127.0.0.1:5432/shadowdiff", PostgresStore),
        ("postgres://postgres@127.0.0.1:5432/shadowdiff", PostgresStore),
    ],
)
def test_database_url_selects_the_backend(database_url: str | None, backend: type, tmp_path: Path) -> None:
    assert type(create_store(database_url, tmp_path)) is backend


@pytest.mark.parametrize(
    "database_url", ["mysql://root@localhost/db", "sqlite:///tmp/x.db", "127.0.0.1:5432"]
)
def test_other_urls_are_refused_with_what_to_do(database_url: str, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="must start with postgresql://"):
        create_store(database_url, tmp_path)


def test_sqlite_file_lives_in_the_data_dir(tmp_path: Path) -> None:
    store = create_store(None, tmp_path / "data")
    assert isinstance(store, SQLiteStore) and store.path == tmp_path / "data" / "shadowdiff.sqlite3"


@pytest.mark.anyio
async def test_open_store_returns_an_open_store_creating_the_data_dir(tmp_path: Path) -> None:
    store = await open_store(None, tmp_path / "new" / "data")
    try:
        await store.ping()
        assert (tmp_path / "new" / "data" / "shadowdiff.sqlite3").is_file()
    finally:
        await store.close()


@pytest.mark.anyio
async def test_unusable_data_dir_is_unavailable_naming_the_file(tmp_path: Path) -> None:
    (tmp_path / "data").write_text("a file where the data directory should be")
    store = create_store(None, tmp_path / "data")
    with pytest.raises(StoreUnavailable, match=r"shadowdiff\.sqlite3"):
        await store.open()
    await store.close()
