"""Migration files: found in version order, and refused when they are inconsistent."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.store.migrate import MigrationError, load_migrations
from app.store.sqlite import split_statements


def write(folder: Path, files: dict[str, str]) -> Path:
    (folder / "pg").mkdir(parents=True)
    for name, sql in files.items():
        (folder / "pg" / name).write_text(sql)
    return folder


def test_files_load_in_version_order(tmp_path: Path) -> None:
    root = write(tmp_path, {"0010_b.sql": "B;", "0002_a.sql": "A;", "README.txt": "not sql"})
    assert [(m.version, m.name, m.sql) for m in load_migrations("pg", root)] == [
        (2, "a", "A;"),
        (10, "b", "B;"),
    ]


@pytest.mark.parametrize(
    ("files", "problem"),
    [
        ({"0001_a.sql": "A;", "0001_b.sql": "B;"}, "two migrations with version 1"),
        ({"1_init.sql": "A;"}, "not named NNNN_lower_snake.sql"),
        ({"0001_Init.sql": "A;"}, "not named NNNN_lower_snake.sql"),
        ({}, "no migrations in"),
    ],
)
def test_inconsistent_files_are_refused(tmp_path: Path, files: dict[str, str], problem: str) -> None:
    with pytest.raises(MigrationError, match=problem):
        load_migrations("pg", write(tmp_path, files))


def test_unknown_backend_is_refused(tmp_path: Path) -> None:
    with pytest.raises(MigrationError, match="no migrations folder for backend 'oracle'"):
        load_migrations("oracle", tmp_path)


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_shipped_migrations_start_at_1_and_increase(backend: str) -> None:
    # Parallel work takes numbers from separate blocks (0010-0019, 0040-0049, ...), so gaps are normal;
    # both backends ship the same versions.
    versions = [m.version for m in load_migrations(backend)]
    assert versions[0] == 1 and versions == sorted(set(versions))
    assert versions == [m.version for m in load_migrations("postgres" if backend == "sqlite" else "sqlite")]


def test_sqlite_statements_split_around_trigger_bodies() -> None:
    sql = (
        "-- a comment; with a semicolon\nCREATE TABLE t (x);\n"
        "CREATE TRIGGER g BEFORE DELETE ON t\nBEGIN\n  SELECT RAISE(ABORT, 'no');\nEND;\n-- trailing\n"
    )
    first, trigger = split_statements(sql)
    assert first.endswith("CREATE TABLE t (x);")
    assert trigger.startswith("CREATE TRIGGER") and trigger.endswith("END;")


def test_sqlite_unterminated_statement_is_refused() -> None:
    with pytest.raises(MigrationError, match="unterminated statement"):
        list(split_statements("CREATE TABLE t (x);\nCREATE TABLE u (y)\n"))
